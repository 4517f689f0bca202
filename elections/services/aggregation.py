"""Aggregation: a contest's totals per district, region and nation, by SQL GROUP BY.

Only accepted, current protocols count; a protocol in review (warnings or quarantine flags), a
mismatch, a returned one or a superseded version never does. A run rebuilds the contest's
tallies from scratch in one transaction, holding the contest's row lock, so two runs at once
queue one behind the other and both leave the same, right totals.
"""

import logging
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum

from elections.models import (
    PROTOCOL_LINES,
    BallotLineTally,
    Contest,
    ContestStation,
    ContestTally,
    Protocol,
    ProtocolVote,
)

logger = logging.getLogger(__name__)

# (level, the station field that groups it, how its area key is written)
LEVELS = [
    (ContestTally.Level.DISTRICT, "station__district_id", "district:{}"),
    (ContestTally.Level.REGION, "station__region_id", "region:{}"),
    (ContestTally.Level.NATION, None, "nation"),
]


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


def contest_totals(contest: Contest) -> dict[str, AreaTotals]:
    """Compute every area's totals for a contest, from the protocols, without writing."""
    accepted = Protocol.objects.filter(
        contest=contest, is_active=True, status=Protocol.Status.ACCEPTED
    )
    current = Protocol.objects.filter(contest=contest, is_active=True)
    totals: dict[str, AreaTotals] = {}
    for level, group, key in LEVELS:
        by = [group] if group else []

        def area(row: dict, level=level, group=group, key=key) -> AreaTotals:
            group_id = row[group] if group else None
            name = key.format(group_id)
            if name not in totals:
                totals[name] = AreaTotals(level=level, area=name, group_id=group_id)
            return totals[name]

        expected = ContestStation.objects.filter(contest=contest)
        for row in _grouped(expected, by, n=Count("pk")):
            area(row).stations_expected = row["n"]
        quarantined = Q(status=Protocol.Status.REVIEW) & ~Q(flags=[])
        for row in _grouped(
            current, by, n=Count("pk"), quarantined=Count("pk", filter=quarantined)
        ):
            target = area(row)
            target.stations_reporting, target.stations_quarantined = row["n"], row["quarantined"]
        sums = {name: Sum(name) for name in PROTOCOL_LINES}
        for row in _grouped(accepted, by, n=Count("pk"), **sums):
            target = area(row)
            target.stations_accepted = row["n"]
            target.numbers = {name: row[name] or 0 for name in PROTOCOL_LINES}
        vote_group = [f"protocol__{group}"] if group else []
        votes = ProtocolVote.objects.filter(protocol__in=accepted)
        for row in _grouped(votes, [*vote_group, "ballot_line_id"], v=Sum("votes")):
            target = area({group: row[f"protocol__{group}"]} if group else {})
            target.votes[row["ballot_line_id"]] = row["v"]
    return totals


def _grouped(queryset: QuerySet, by: list[str], **aggregates) -> list[dict]:
    """GROUP BY ``by`` in SQL; with nothing to group by, one row over everything (if any)."""
    if by:
        return list(queryset.values(*by).annotate(**aggregates).order_by())
    row = queryset.aggregate(**aggregates)
    return [row] if next(iter(row.values())) else []


@transaction.atomic
def contest_aggregate(*, contest_id: int) -> int:
    """Rebuild a contest's tallies; returns how many area rows it wrote."""
    # The row lock makes concurrent runs for one contest take turns.
    contest = Contest.objects.select_for_update(of=("self",)).get(pk=contest_id)
    totals = contest_totals(contest)
    ContestTally.objects.filter(contest=contest).delete()
    rows = ContestTally.objects.bulk_create(
        ContestTally(
            contest=contest,
            level=item.level,
            area=item.area,
            region_id=item.group_id if item.level == ContestTally.Level.REGION else None,
            district_id=item.group_id if item.level == ContestTally.Level.DISTRICT else None,
            stations_expected=item.stations_expected,
            stations_reporting=item.stations_reporting,
            stations_accepted=item.stations_accepted,
            stations_quarantined=item.stations_quarantined,
            **item.numbers,
        )
        for item in totals.values()
    )
    by_area = {row.area: row for row in rows}
    BallotLineTally.objects.bulk_create(
        BallotLineTally(tally=by_area[item.area], ballot_line_id=line, votes=votes)
        for item in totals.values()
        for line, votes in item.votes.items()
    )
    return len(rows)


def contests_needing_aggregation() -> QuerySet[Contest]:
    """Contests with a protocol changed after their last tally: what a lost task left undone."""
    last_tally = Max("tallies__computed")
    changed = (
        Protocol.objects.filter(contest=OuterRef("pk")).order_by("-updated").values("updated")[:1]
    )
    return (
        Contest.objects.annotate(last_tally=last_tally, last_change=Subquery(changed))
        .filter(last_change__isnull=False)
        .filter(Q(last_tally__isnull=True) | Q(last_change__gt=F("last_tally")))
    )


def stored_totals(contest: Contest) -> dict[str, AreaTotals]:
    """The tallies as stored, in the same shape as contest_totals, for verification."""
    stored: dict[str, AreaTotals] = {}
    for row in contest.tallies.prefetch_related("lines"):
        stored[row.area] = AreaTotals(
            level=row.level,
            area=row.area,
            group_id=row.district_id or row.region_id,
            numbers=row.numbers(),
            votes={line.ballot_line_id: line.votes for line in row.lines.all()},
            stations_expected=row.stations_expected,
            stations_reporting=row.stations_reporting,
            stations_accepted=row.stations_accepted,
            stations_quarantined=row.stations_quarantined,
        )
    return stored


def totals_differences(contest: Contest) -> list[str]:
    """Every way the stored tallies differ from a recount of the accepted protocols."""
    recount, stored = contest_totals(contest), stored_totals(contest)
    differences = []
    for area in sorted(set(recount) | set(stored)):
        want, have = recount.get(area), stored.get(area)
        if want is None or have is None:
            differences.append(
                f"{contest.code} {area}: {'missing' if have is None else 'unexpected'} tally"
            )
            continue
        for name, value in vars(want).items():
            if getattr(have, name) != value:
                differences.append(
                    f"{contest.code} {area}: {name} is {getattr(have, name)}, recount {value}"
                )
    return differences


DEBOUNCE_SECONDS = 60


def queued_key(contest_id: int) -> str:
    return f"tally-queued:{contest_id}"


def queue_aggregation(contest_id: int) -> None:
    """After a commit: aggregate the contest soon, once for a whole burst of acceptances."""
    from elections.tasks import aggregate_contest  # the tasks module imports this one

    try:
        if cache.add(queued_key(contest_id), 1, timeout=DEBOUNCE_SECONDS):
            aggregate_contest.delay(contest_id)
    except Exception:  # noqa: BLE001 - broker or cache down: the protocol is saved; the sweep queues it
        logger.warning("could not queue the aggregation of contest %s", contest_id, exc_info=True)
