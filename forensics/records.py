"""The per-station numbers of a contest as published: each station's standing record.

Read from the publication log only (the records that stand, as the totals count them), in the
order of the stations' ids (``AST-1``, ``AST-2``, …): the order of the downloadable CSV, so that
`manage.py forensics --csv` on that file resamples the stations in the same order and prints
the same figures as the pages.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Max

from elections.models import Contest
from elections.public.results import current_records
from stations.models import Station

CSV_COLUMNS = ("station", "voters", "given", "received", "leader_votes", "region", "district")


@dataclass(frozen=True)
class StationRow:
    station_id: int
    key: str  # "AST-1"
    region: str  # the region's code
    district_id: int
    closed: bool  # a hospital, military unit or detention facility: often 100 % turnout
    voters: int  # line 1: voters on the list
    given: int  # line 3: ballots given out
    received: int  # line 5: ballots found in the boxes
    leader_votes: int

    def numbers(self) -> tuple[int, int, int, int]:
        return self.voters, self.given, self.received, self.leader_votes


@dataclass(frozen=True)
class ContestRecords:
    contest: Contest
    leader_position: int | None
    leader_name: str
    publications_up_to: int  # the last record in the log these rows include
    rows: list[StationRow]


def party_list(election: str, contest: str | None = None) -> Contest:
    """The contest by code; without one, the Mazhilis party list (else the first party list)."""
    contests = Contest.objects.filter(election__code=election).select_related("election")
    if contest:
        found = contests.filter(code=contest).first()
    else:
        lists = contests.filter(kind=Contest.Kind.PARTY_LIST)
        found = (lists.filter(body=Contest.Body.MAZHILIS) or lists.order_by("pk")).first()
    if found is None:
        raise LookupError(f"no contest {contest or '(party list)'} in election {election}")
    return found


def contest_records(contest: Contest) -> ContestRecords:
    """The standing records' numbers; the leader is the ballot line with the most votes over
    them all (the lower position on a tie)."""
    records = current_records(contest=contest)
    up_to = records.aggregate(last=Max("sequence"))["last"] or 0
    by_station = dict(records.values_list("protocol__station_id", "record"))
    stations = (
        Station.objects.filter(pk__in=by_station)
        .select_related("region")
        .order_by("region__code", "number")
    )
    totals: Counter = Counter()
    names = {}
    for record in by_station.values():
        for vote in record["votes"]:
            totals[vote["position"]] += vote["votes"]
            names[vote["position"]] = vote["name"]
    leader = min(totals, key=lambda position: (-totals[position], position), default=None)
    rows = []
    for station in stations:
        record = by_station[station.pk]
        lines = record["lines"]
        votes = {vote["position"]: vote["votes"] for vote in record["votes"]}
        rows.append(
            StationRow(
                station_id=station.pk,
                key=f"{station.region.code}-{station.number}",
                region=station.region.code,
                district_id=station.district_id,
                closed=station.kind == Station.Kind.CLOSED,
                voters=lines["l1_voters"],
                given=lines["l3_issued"],
                received=lines["l5_found"],
                leader_votes=votes.get(leader, 0),
            )
        )
    return ContestRecords(contest, leader, names.get(leader, ""), up_to, rows)


def csv_rows(records: ContestRecords):
    """The rows of the downloadable file, header first: `manage.py forensics --csv` reads it."""
    yield CSV_COLUMNS
    for row in records.rows:
        yield (row.key, *row.numbers(), row.region, row.district_id)
