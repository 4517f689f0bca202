"""Aggregation: a contest's totals per district, region and nation, by SQL GROUP BY.

Only accepted, current protocols that are published count (publication queues the run), so the
totals are the sums of records anyone can download; a protocol in review (warnings or
quarantine flags), a mismatch, a returned one or a superseded version never does. A run
rebuilds the contest's tallies from scratch in one transaction, holding the contest's row lock,
so two runs at once queue one behind the other and both leave the same, right totals.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum

from common import queue
from common.events import log_event
from common.public_cache import results_changed
from elections.models import (
    PROTOCOL_LINES,
    Contest,
    ContestStation,
    ContestTally,
    Election,
    Protocol,
    ProtocolVote,
    Publication,
)


@dataclass
class AreaTotals:
    """What one tally row holds, computed but not yet written."""

    level: str
    area: str
    group_id: int | None
    numbers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PROTOCOL_LINES, 0))
    votes: dict[int, int] = field(default_factory=dict)  # ballot line id → votes
    stations_expected: int = 0
    stations_reporting: int = 0
    stations_accepted: int = 0
    stations_quarantined: int = 0

    def add(self, other: "AreaTotals") -> None:
        """Add a sub-area's totals to these."""
        for name in (
            "stations_expected",
            "stations_reporting",
            "stations_accepted",
            "stations_quarantined",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name, value in other.numbers.items():
            self.numbers[name] += value
        for line, count in other.votes.items():
            self.votes[line] = self.votes.get(line, 0) + count


def totals_for(contest_ids: Iterable[int]) -> dict[int, dict[str, AreaTotals]]:
    """Compute every area's totals of these contests from their protocols, without writing.

    SQL sums the protocols per contest and district, in four GROUP BY queries whether for one
    contest or a whole election; a region's and the contest's totals are then the exact sums of
    their districts' subtotals (a few hundred rows, not tens of thousands of protocols).
    """
    ids = list(contest_ids)
    accepted = Protocol.objects.filter(
        contest_id__in=ids,
        is_active=True,
        status=Protocol.Status.ACCEPTED,
        publication__isnull=False,
    )
    current = Protocol.objects.filter(contest_id__in=ids, is_active=True)
    expected = ContestStation.objects.filter(contest_id__in=ids)
    votes = ProtocolVote.objects.filter(protocol__in=accepted)
    districts: dict[int, dict[str, AreaTotals]] = {contest_id: {} for contest_id in ids}
    regions: dict[tuple[int, str], int] = {}  # (contest, district area) → region id

    def district(row: dict, prefix: str = "") -> AreaTotals:
        contest_id, district_id = row[f"{prefix}contest_id"], row[f"{prefix}station__district_id"]
        name = f"district:{district_id}"
        if name not in districts[contest_id]:
            districts[contest_id][name] = AreaTotals(ContestTally.Level.DISTRICT, name, district_id)
            regions[(contest_id, name)] = row[f"{prefix}station__region_id"]
        return districts[contest_id][name]

    by = ["contest_id", "station__district_id", "station__region_id"]
    quarantined = Q(status=Protocol.Status.REVIEW) & ~Q(flags=[])
    for row in _grouped(expected, by, n=Count("pk")):
        district(row).stations_expected = row["n"]
    for row in _grouped(current, by, n=Count("pk"), held=Count("pk", filter=quarantined)):
        target = district(row)
        target.stations_reporting, target.stations_quarantined = row["n"], row["held"]
    sums = {name: Sum(name) for name in PROTOCOL_LINES}
    for row in _grouped(accepted, by, n=Count("pk"), **sums):
        target = district(row)
        target.stations_accepted = row["n"]
        target.numbers = {name: row[name] or 0 for name in PROTOCOL_LINES}
    vote_by = [f"protocol__{field}" for field in by] + ["ballot_line_id"]
    for row in _grouped(votes, vote_by, v=Sum("votes")):
        district(row, "protocol__").votes[row["ballot_line_id"]] = row["v"]

    totals: dict[int, dict[str, AreaTotals]] = {}
    for contest_id, areas in districts.items():
        totals[contest_id] = dict(areas)
        if not areas:
            continue
        nation = totals[contest_id]["nation"] = AreaTotals(
            ContestTally.Level.NATION, "nation", None
        )
        for name, subtotal in areas.items():
            region_id = regions[(contest_id, name)]
            key = f"region:{region_id}"
            region = totals[contest_id].setdefault(
                key, AreaTotals(ContestTally.Level.REGION, key, region_id)
            )
            for total in (region, nation):
                total.add(subtotal)
    return totals


def _grouped(queryset: QuerySet, by: list[str], **aggregates) -> list[dict]:
    return list(queryset.values(*by).annotate(**aggregates).order_by())


def _write(totals: dict[int, dict[str, AreaTotals]]) -> int:
    """Replace the stored tallies of these contests with ``totals``."""
    transaction.on_commit(results_changed)  # the public pages' cached answers are outdated
    ContestTally.objects.filter(contest_id__in=list(totals)).delete()
    rows = ContestTally.objects.bulk_create(
        [
            ContestTally(
                contest_id=contest_id,
                level=item.level,
                area=item.area,
                region_id=item.group_id if item.level == ContestTally.Level.REGION else None,
                district_id=item.group_id if item.level == ContestTally.Level.DISTRICT else None,
                stations_expected=item.stations_expected,
                stations_reporting=item.stations_reporting,
                stations_accepted=item.stations_accepted,
                stations_quarantined=item.stations_quarantined,
                votes={str(line): count for line, count in item.votes.items()},
                **item.numbers,
            )
            for contest_id, areas in totals.items()
            for item in areas.values()
        ],
        batch_size=2000,
    )
    log_event("totals.written", contests=sorted(totals), rows=len(rows))
    return len(rows)


@transaction.atomic
def contest_aggregate(*, contest_id: int) -> int:
    """Rebuild one contest's tallies; returns how many area rows it wrote."""
    # The row lock makes concurrent runs for one contest take turns.
    Contest.objects.select_for_update(of=("self",)).only("pk").get(pk=contest_id)
    return _write(totals_for([contest_id]))


@transaction.atomic
def election_aggregate(*, election: Election) -> int:
    """Rebuild the tallies of every contest of an election at once (after a bulk import, say)."""
    # Locked in id order, as every single-contest run locks one: no two runs can deadlock.
    ids = list(
        Contest.objects.select_for_update(of=("self",))
        .filter(election=election)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return _write(totals_for(ids))


def contests_needing_aggregation() -> QuerySet[Contest]:
    """Contests with a protocol changed or published after their last tally: what a lost task
    left undone."""
    last_tally = Max("tallies__computed")
    changed = (
        Protocol.objects.filter(contest=OuterRef("pk")).order_by("-updated").values("updated")[:1]
    )
    published = (
        Publication.objects.filter(protocol__contest=OuterRef("pk"))
        .order_by("-published")
        .values("published")[:1]
    )
    return (
        Contest.objects.annotate(
            last_tally=last_tally,
            last_change=Subquery(changed),
            last_publication=Subquery(published),
        )
        .filter(last_change__isnull=False)
        .filter(
            Q(last_tally__isnull=True)
            | Q(last_change__gt=F("last_tally"))
            | Q(last_publication__gt=F("last_tally"))
        )
    )


def stored_totals(contest_ids: Iterable[int]) -> dict[int, dict[str, AreaTotals]]:
    """The tallies as stored, in the same shape as totals_for, for verification."""
    stored: dict[int, dict[str, AreaTotals]] = {contest_id: {} for contest_id in contest_ids}
    rows = ContestTally.objects.filter(contest_id__in=list(stored))
    for row in rows:
        stored[row.contest_id][row.area] = AreaTotals(
            level=row.level,
            area=row.area,
            group_id=row.district_id or row.region_id,
            numbers=row.numbers(),
            votes={int(line): count for line, count in row.votes.items()},
            stations_expected=row.stations_expected,
            stations_reporting=row.stations_reporting,
            stations_accepted=row.stations_accepted,
            stations_quarantined=row.stations_quarantined,
        )
    return stored


def totals_differences(contests: Iterable[Contest]) -> list[str]:
    """Every way the stored tallies differ from a recount of the accepted protocols."""
    codes = {contest.pk: contest.code for contest in contests}
    recount, stored = totals_for(codes), stored_totals(codes)
    differences = []
    for contest_id, code in codes.items():
        want_areas, have_areas = recount[contest_id], stored[contest_id]
        for area in sorted(set(want_areas) | set(have_areas)):
            want, have = want_areas.get(area), have_areas.get(area)
            if want is None or have is None:
                state = "missing" if have is None else "unexpected"
                differences.append(f"{code} {area}: {state} tally")
                continue
            for name, value in vars(want).items():
                if getattr(have, name) != value:
                    differences.append(
                        f"{code} {area}: {name} is {getattr(have, name)}, recount {value}"
                    )
    return differences


AGGREGATE_CONTEST = "elections.aggregate_contest"  # the task that aggregates (elections/tasks.py)

_deferred: ContextVar[set[int] | None] = ContextVar("deferred_aggregations", default=None)


@contextmanager
def aggregations_deferred() -> Iterator[None]:
    """Collect the aggregations a wave of acceptances asks for, and queue each contest once.

    For bulk arrivals (an import, a simulated wave of stations): without a broker tasks run in
    the process, and re-aggregating a national contest after each of thousands of acceptances
    would cost far more than the acceptances themselves.
    """
    contests: set[int] = set()
    token = _deferred.set(contests)
    try:
        yield
    finally:
        _deferred.reset(token)
        for contest_id in sorted(contests):
            queue_aggregation(contest_id)


def queue_aggregation(contest_id: int) -> None:
    """After a commit: aggregate the contest soon, once for a whole burst of acceptances."""
    if (deferred := _deferred.get()) is not None:
        deferred.add(contest_id)
        return
    queue.once(AGGREGATE_CONTEST, contest_id)
