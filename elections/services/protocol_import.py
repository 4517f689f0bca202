"""Bulk protocol upload for a territorial commission: every row through protocol_submit_entry.

All or nothing: each row runs in a savepoint so that every bad row is found and reported with
its line number, and if any row failed the whole upload is rolled back.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from common.csv_reading import RowError, RowsRefused, csv_rows
from common.errors import NON_FIELD, ApplicationError
from common.numbers import integer, parse_whole
from elections.models import PROTOCOL_LINES, Contest, Election, Protocol
from elections.services.protocols import EntryData, protocol_submit_entry
from stations.models import Station

COLUMNS = ["region", "station", "contest", *PROTOCOL_LINES, "votes", "explanation", "remarks"]
REQUIRED = ["region", "station", "contest", *PROTOCOL_LINES, "votes"]


class ProtocolImportError(RowsRefused):
    def __init__(self, rows: list[RowError]) -> None:
        super().__init__(f"{len(rows)} problem(s); nothing was imported.", rows)


@dataclass
class ProtocolImportReport:
    rows: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def __str__(self) -> str:
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(self.by_status.items())) or "none"
        prefix = "Dry run, nothing saved: " if self.dry_run else ""
        return f"{prefix}{self.rows} entries; protocols now {statuses}."


def read_protocol_csv(stream: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    return csv_rows(stream, columns=COLUMNS, required=REQUIRED, error=ProtocolImportError)


@transaction.atomic
def protocols_import(
    *,
    rows: Iterator[tuple[int, dict[str, str]]],
    user: AbstractBaseUser,
    election: Election,
    dry_run: bool = False,
) -> ProtocolImportReport:
    """Submit each row as an entry by ``user``; refuse the whole file if any row is refused."""
    report = ProtocolImportReport(dry_run=dry_run)
    contests = {c.code: c for c in election.contests.all()}
    errors: list[RowError] = []
    touched: set[int] = set()
    for line, cells in rows:
        report.rows += 1
        try:
            station, contest, data = _parse(cells, contests)
            with transaction.atomic():
                protocol = protocol_submit_entry(
                    station=station, contest=contest, user=user, data=data
                )
        except ApplicationError as exc:
            errors += [
                RowError(line, "*" if name == NON_FIELD else name, message)
                for name, messages in exc.errors.items()
                for message in messages
            ]
            continue
        touched.add(protocol.pk)
    if not report.rows:
        errors.append(RowError(1, "*", _("the file has no protocols")))
    if errors:
        raise ProtocolImportError(errors)
    if dry_run:
        transaction.set_rollback(True)
    statuses = Protocol.objects.filter(pk__in=touched).values_list("status", flat=True)
    report.by_status = dict(Counter(statuses))
    return report


def _parse(
    cells: dict[str, str], contests: dict[str, Contest]
) -> tuple[Station, Contest, EntryData]:
    errors: dict[str, list[str]] = {}
    contest = contests.get(cells.get("contest", ""))
    if contest is None:
        errors["contest"] = [f"no contest {cells.get('contest')!r} in this election"]
    # Digits 0-9, read by the one parser ('²' passes str.isdigit() and then fails int()); how
    # large a line or a count may be is the entry service's rule, which names the bound.
    station = None
    number = parse_whole(cells.get("station", ""), minimum=1)
    if number is not None:
        station = Station.objects.filter(
            region__code=cells.get("region", "").upper(), number=number
        ).first()
    if station is None:
        errors["station"] = [
            _("no station %(station)s in region %(region)s")
            % {"station": repr(cells.get("station", "")[:40]), "region": repr(cells.get("region"))}
        ]
    numbers: dict[str, int | None] = {}
    for name in PROTOCOL_LINES:
        value = cells.get(name, "")
        numbers[name] = _count(value)
        if numbers[name] is None:
            errors.setdefault(name, []).append(
                _("write a whole number ≥ 0 in digits 0-9, not %(value)s")
                % {"value": repr(value[:40])}
            )
    votes = {
        position: _count(part.strip())
        for position, part in enumerate(cells.get("votes", "").split(";"), start=1)
    }
    if None in votes.values():
        errors["votes"] = [
            _(
                "write the votes in ballot order separated by ';', each a whole number ≥ 0 in "
                "digits 0-9, e.g. 400;150;40"
            )
        ]
    if errors:
        raise ApplicationError("row: invalid", errors=errors)
    data = EntryData(
        numbers=numbers,
        votes=votes,
        explanation=cells.get("explanation", ""),
        remarks=cells.get("remarks", ""),
    )
    return station, contest, data


def _count(text: str) -> int | None:
    """A line or a vote count as written: digits 0-9 only; one too long for any column is read
    as larger than any bound, for the entry service to refuse by its rule."""
    value = integer(text)
    return value if value is not None and value >= 0 else None
