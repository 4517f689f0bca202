"""Open data: the station-level files anyone can download, built from the chain's own records.

The same writers serve the download pages and the snapshot files, so the two never differ; like
the records, they name things in the site's default language, whoever asks.
"""

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict

from django.db.models import Max
from django.utils import timezone, translation

from common.spreadsheets import csv_lines, csv_writer
from common.translated import CANONICAL
from elections.models import (
    PROTOCOL_LINES,
    BallotLine,
    Contest,
    ContestTally,
    Election,
    Publication,
)
from elections.public.results import current_records
from elections.selectors import contest_result, frozen_ballot

STATION_COLUMNS = ["election", "contest", "region", "station", "version", *PROTOCOL_LINES]


def contest_csv_header(lines: list[BallotLine]) -> list[str]:
    """One column per protocol line, then one per ballot line named "<position>. <name>"."""
    return [*STATION_COLUMNS, *[f"{line.position}. {line.label}" for line in lines], "sha256"]


def contest_csv_rows(
    lines: list[BallotLine], records: Iterable[tuple[dict, str]]
) -> Iterator[list]:
    for record, sha256 in records:
        votes = _votes(record)
        yield [*_station_columns(record), *[votes.get(line.position, 0) for line in lines], sha256]


def _station_columns(record: dict) -> list:
    """A record's values for STATION_COLUMNS."""
    return [
        record["election"], record["contest"], record["region"], record["station"],
        record["version"], *[record["lines"][name] for name in PROTOCOL_LINES],
    ]  # fmt: skip


def _votes(record: dict) -> dict[int, int]:
    return {item["position"]: item["votes"] for item in record["votes"]}


def contest_records(contest: Contest) -> list[tuple[dict, str]]:
    """The standing record of every station published in the contest, by region and number."""
    return list(
        current_records(contest=contest)
        .order_by("record__region", "record__station")
        .values_list("record", "sha256")
    )


@translation.override(CANONICAL)
def contest_csv(contest: Contest, records: list[tuple[dict, str]] | None = None) -> bytes:
    """A row per station: every protocol line and every ballot line's votes, and the hash."""
    lines = frozen_ballot(contest).lines
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(contest_csv_header(lines))
    writer.writerows(
        contest_csv_rows(lines, contest_records(contest) if records is None else records)
    )
    return out.getvalue().encode()


def election_csv_lines(election: Election) -> Iterator[str]:
    """Every contest's rows in one file, for a spreadsheet: ballot lines as ``line_1`` … ``line_N``
    (names per contest in each contest's file and in the JSON), streamed row by row."""
    contests = {c.code: c for c in election.contests.all()}
    widest = max((len(frozen_ballot(c).lines) for c in contests.values()), default=0)
    records = (
        current_records(contest__election=election)
        .order_by("record__contest", "record__region", "record__station")
        .values_list("record", "sha256")
    )

    def rows() -> Iterator[list]:
        yield [*STATION_COLUMNS, *[f"line_{n}" for n in range(1, widest + 1)], "sha256"]
        for record, sha256 in records.iterator(chunk_size=2000):
            votes = _votes(record)
            yield [*_station_columns(record), *[votes.get(n, "") for n in range(1, widest + 1)],
                   sha256]  # fmt: skip

    return csv_lines(rows())


def chain_lines(after: int = 0) -> Iterator[str]:
    """The publication chain as JSON Lines: each record with its hash, in sequence order.

    One chain spans every election, so that each record's ``previous_sha256`` can be checked
    against the line before it.
    """
    publications = Publication.objects.filter(sequence__gt=after).order_by("sequence")
    for record, sha256 in publications.values_list("record", "sha256").iterator(chunk_size=2000):
        yield json.dumps({"record": record, "sha256": sha256}, ensure_ascii=False) + "\n"


@translation.override(CANONICAL)
def contest_document(contest: Contest, records: list[tuple[dict, str]] | None = None) -> dict:
    """The contest as JSON: its ballot, totals per area, seats or outcome, and every record."""
    lines = frozen_ballot(contest).lines
    position = {str(line.pk): line.position for line in lines}
    result = contest_result(contest)
    if records is None:
        records = contest_records(contest)
    return {
        "election": contest.election.code,
        "contest": {
            "code": contest.code,
            "name": contest.name,
            "body": contest.body,
            "kind": contest.kind,
            "seats": contest.seats,
            "threshold_percent": str(contest.threshold_percent),
            "seat_method": contest.seat_method,
        },  # fmt: skip
        "provisional": result.provisional if result else True,
        "publications_up_to": Publication.objects.aggregate(last=Max("sequence"))["last"] or 0,
        "generated_at": timezone.now().isoformat(),
        "ballot": [{"position": line.position, "name": line.label} for line in lines],
        "totals": [
            {
                "area": tally.area,
                "level": tally.level,
                "stations_expected": tally.stations_expected,
                "stations_reporting": tally.stations_reporting,
                "stations_accepted": tally.stations_accepted,
                "stations_quarantined": tally.stations_quarantined,
                "turnout_percent": str(tally.turnout_percent() or ""),
                "lines": tally.numbers(),
                "votes": {str(position[line]): votes for line, votes in tally.votes.items()},
            }
            for tally in ContestTally.objects.filter(contest=contest).order_by("level", "area")
        ],
        "seats": [asdict(row) | {"percent": str(row.percent)} for row in result.seats]
        if result and result.seats
        else None,
        "outcome": asdict(result.outcome) if result and result.outcome else None,
        "stations": [dict(record, sha256=sha256) for record, sha256 in records],
    }
