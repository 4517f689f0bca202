"""Aggregation: a contest's totals per district, region and nation.

What counts is the standing record of each station: a published version that no published
version replaces. So the totals are the sums of records anyone can download, and a correction
counts from the moment its record is in the log (until then the record it replaces still
stands there). A protocol in review, a mismatch, a returned one or an unpublished acceptance
never counts.

Two ways to the same numbers, held equal by a property test:
- **Incremental**, on election night: each publication batch adds its records' sums to the
  tallies of the districts, regions and contests it touches, less the versions they replace, in
  the publication's own transaction (`publications_tally`): one grouped query over the batch,
  so the totals never trail the log.
- **Rebuild**, from scratch by SQL GROUP BY (`contest_aggregate`, `election_aggregate`): the
  sweep's repair for a contest whose tallies are behind its records, and `verify_results`'
  recount.
The station counts (expected, reporting, in quarantine) follow the workflow rather than the log;
`contest_progress_count` recounts them cheaply, without the votes, when a contest's protocols
changed. Every writer holds the contest's row lock, so writers of one contest take turns.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

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
from elections.selectors import replaced_in_the_log

COUNTS = ("stations_expected", "stations_reporting", "stations_accepted", "stations_quarantined")
PROGRESS = ("stations_expected", "stations_reporting", "stations_quarantined")  # the workflow's
SUMS = (*PROTOCOL_LINES, "stations_accepted")  # the log's, besides the votes


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

    def add(self, other: "AreaTotals", sign: int = 1) -> None:
        """Add (or, with ``sign=-1``, subtract) a sub-area's totals to these."""
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + sign * getattr(other, name))
        for name, value in other.numbers.items():
            self.numbers[name] += sign * value
        for line, count in other.votes.items():
            self.votes[line] = self.votes.get(line, 0) + sign * count


def standing_records(**filters) -> QuerySet[Protocol]:
    """The versions whose record stands in the log: published, and no published version
    replaces them. What the totals count and the public pages show."""
    return Protocol.objects.filter(publication__isnull=False, **filters).exclude(
        replaced_in_the_log()
    )


def _standing_parts(protocol: str = "") -> list[Q]:
    """The standing records (of the protocols at ``protocol``, a path ending in ``__``, or the
    rows themselves) in two disjoint parts: the published current versions, and the published
    older ones that nothing in the log replaces yet.

    A correction is published only once accepted, and accepting it makes the version it
    replaces inactive: a current version is never replaced in the log. So the first, nearly
    all the records, is a plain join, and only the few older versions need the look for a
    replacement (an OR of the two costs the planner a correlated subquery per row).
    """
    published = Q(**{f"{protocol}publication__isnull": False})
    older = Q(**{f"{protocol}is_active": False}) & published
    replaced = replaced_in_the_log(protocol.removesuffix("__") or "pk")
    return [Q(**{f"{protocol}is_active": True}) & published, older & ~replaced]


class _Districts:
    """District subtotals of some contests, rolled up into their regions' and contests' totals."""

    BY = ["contest_id", "station__district_id", "station__region_id"]

    def __init__(self) -> None:
        self.areas: dict[int, dict[str, AreaTotals]] = {}
        self.regions: dict[tuple[int, str], int] = {}  # (contest, district area) → region id

    def district(self, contest_id: int, district_id: int | None, region_id: int) -> AreaTotals:
        name = f"district:{district_id}"
        areas = self.areas.setdefault(contest_id, {})
        if name not in areas:
            areas[name] = AreaTotals(ContestTally.Level.DISTRICT, name, district_id)
            self.regions[(contest_id, name)] = region_id
        return areas[name]

    def sum_records(self, *, standing: bool, **lookups) -> None:
        """The numbers, votes and station count per district of the protocols these lookups
        find; of their standing records only, if ``standing``."""
        protocols = Protocol.objects.filter(**lookups)
        # The votes joined to their protocols directly, not through an IN (subquery).
        votes = ProtocolVote.objects.filter(**{f"protocol__{k}": v for k, v in lookups.items()})
        parts = zip(_standing_parts(), _standing_parts("protocol__"), strict=True)
        sums = {name: Sum(name) for name in PROTOCOL_LINES}
        vote_by = [f"protocol__{name}" for name in self.BY] + ["ballot_line_id"]
        for part, votes_part in parts if standing else [(Q(), Q())]:
            for row in _grouped(protocols.filter(part), self.BY, n=Count("pk"), **sums):
                target = self.district(*row[:3])
                target.stations_accepted += row[3]
                for name, value in zip(PROTOCOL_LINES, row[4:], strict=True):
                    target.numbers[name] += value or 0
            for *area, line, count in _grouped(votes.filter(votes_part), vote_by, v=Sum("votes")):
                target = self.district(*area)
                target.votes[line] = target.votes.get(line, 0) + count

    def add_record(self, record: "Counted") -> None:
        """Add one record's numbers, votes and station to its district's subtotals."""
        target = self.district(record.contest_id, record.district_id, record.region_id)
        target.stations_accepted += 1
        for name, value in record.numbers.items():
            target.numbers[name] += value or 0
        for line, count in record.votes.items():
            target.votes[line] = target.votes.get(line, 0) + count

    def count_progress(self, **contests) -> None:
        """How many stations each district expects, has heard from, and holds in quarantine."""
        current = Protocol.objects.filter(is_active=True, **contests)
        expected = ContestStation.objects.filter(**contests)
        quarantined = Q(status=Protocol.Status.REVIEW) & ~Q(flags=[])
        for *area, n in _grouped(expected, self.BY, n=Count("pk")):
            self.district(*area).stations_expected = n
        for *area, n, held in _grouped(
            current, self.BY, n=Count("pk"), held=Count("pk", filter=quarantined)
        ):
            target = self.district(*area)
            target.stations_reporting, target.stations_quarantined = n, held

    def rolled_up(self) -> dict[int, dict[str, AreaTotals]]:
        """Every area's totals: the districts', and their exact sums per region and contest."""
        totals: dict[int, dict[str, AreaTotals]] = {}
        for contest_id, areas in self.areas.items():
            totals[contest_id] = dict(areas)
            if not areas:
                continue
            nation = totals[contest_id]["nation"] = AreaTotals(
                ContestTally.Level.NATION, "nation", None
            )
            for name, subtotal in areas.items():
                region_id = self.regions[(contest_id, name)]
                key = f"region:{region_id}"
                region = totals[contest_id].setdefault(
                    key, AreaTotals(ContestTally.Level.REGION, key, region_id)
                )
                region.add(subtotal)
                nation.add(subtotal)
        return totals


def totals_for(
    contest_ids: Iterable[int], election: Election | None = None
) -> dict[int, dict[str, AreaTotals]]:
    """Compute every area's totals of these contests from scratch, without writing.

    SQL sums the standing records per contest and district, in four GROUP BY queries whether
    for one contest or a whole election; a region's and the contest's totals are then the
    exact sums of their districts' subtotals (a few hundred rows, not tens of thousands).
    With ``election``, the contests are all of its contests, found by a join rather than a
    list of thousands of ids.
    """
    ids = list(contest_ids)
    districts = _Districts()
    for contest_id in ids:
        districts.areas[contest_id] = {}
    contests = _contests(ids, election)
    districts.count_progress(**contests)
    districts.sum_records(standing=True, **contests)
    return districts.rolled_up()


def _contests(ids: list[int], election: Election | None) -> dict:
    """Lookups for these contests on a model with a ``contest``."""
    return {"contest__election": election} if election else {"contest_id__in": ids}


def _grouped(queryset: QuerySet, by: list[str], **aggregates) -> list[tuple]:
    """The rows of ``by`` and then ``aggregates`` (integers, in that order), straight from the
    cursor: tens of thousands of rows in a full rebuild, not worth a converter call each."""
    grouped = queryset.values(*by).annotate(**aggregates).order_by()
    sql, params = grouped.values_list(*by, *aggregates).query.sql_with_params()
    with connections[grouped.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _tally(contest_id: int, item: AreaTotals) -> ContestTally:
    return ContestTally(
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


def _last_record(contest: str) -> QuerySet[Publication]:
    """The sequence of the last record of the contest at ``contest`` (an outer reference).

    As a MAX over the contest's protocols rather than ORDER BY sequence LIMIT 1, which
    Postgres may answer by walking the whole log backwards once per contest.
    """
    return (
        Publication.objects.filter(protocol__contest=OuterRef(contest))
        .values("protocol__contest")
        .annotate(last=Max("sequence"))
        .values("last")
    )


def _lock(contest_ids: Iterable[int]) -> list[int]:
    """Lock the contests' rows, in id order as every writer does: writers take turns and no
    two can deadlock."""
    return list(
        Contest.objects.select_for_update(of=("self",))
        .filter(pk__in=list(contest_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _rebuild(contest_ids: list[int], election: Election | None = None) -> int:
    """Make the stored tallies of these contests a recount from scratch; returns the area rows
    it had to write. Only rows that differ are written: rebuilding right totals (the sweep's
    check after a lost task, a recount) writes nothing but the nation rows' markers."""
    # Every record of these contests up to the head of the log is in this recount: the
    # publisher of a later one waits for the contests' locks before it commits, then adds it.
    head = Publication.objects.aggregate(head=Max("sequence"))["head"] or 0
    recount, stored = totals_for(contest_ids, election), stored_totals(contest_ids, election)
    changed = [
        _tally(contest_id, item)
        for contest_id, areas in recount.items()
        for name, item in areas.items()
        if stored[contest_id].get(name) != item
    ]
    for contest_id, areas in stored.items():
        if gone := set(areas) - set(recount[contest_id]):
            ContestTally.objects.filter(contest_id=contest_id, area__in=gone).delete()
    _upsert(changed, [*SUMS, *PROGRESS, "votes", "level", "region", "district"])
    ContestTally.objects.filter(area="nation", **_contests(contest_ids, election)).update(
        publications_up_to=head, progress_counted=timezone.now()
    )
    log_event("totals.rebuilt", contests=contest_ids, rows=len(changed))
    return len(changed)


@transaction.atomic
def contest_aggregate(*, contest_id: int) -> int:
    """Rebuild one contest's tallies from scratch; returns how many area rows it wrote."""
    return _rebuild(_lock([contest_id]))


@transaction.atomic
def election_aggregate(*, election: Election) -> int:
    """Rebuild the tallies of every contest of an election at once (a repair, a recount)."""
    return _rebuild(_lock(election.contests.values_list("pk", flat=True)), election)


@dataclass(frozen=True)
class Counted:
    """What one just-published record adds to its district's totals."""

    contest_id: int
    district_id: int | None
    region_id: int | None
    numbers: dict[str, int | None]
    votes: dict[int, int]  # ballot line id → votes
    replaces: int | None  # the protocol id of the version it replaces


def publications_tally(records: list[Counted], *, up_to: int) -> int:
    """Add a batch of just-published records (the last at sequence ``up_to``) to their contests'
    tallies, less the versions they replace; called in the publication's transaction. Returns
    the area rows written.

    The batch's sums are added up from the records in hand (the publisher has read them), and
    the replaced versions' from one grouped query, not from a recount of the contests: a batch
    costs the same early in the night as late. A replaced version was counted before, earlier
    in the log or earlier in this batch (the log publishes in id order, and a correction is
    younger than what it replaces), so subtracting it leaves each station's standing record
    counted once.
    """
    contest_ids = _lock({record.contest_id for record in records})
    added, replaced = _Districts(), _Districts()
    for record in records:
        added.add_record(record)
    if replaces := [record.replaces for record in records if record.replaces]:
        replaced.sum_records(standing=False, pk__in=replaces)
    changes = added.rolled_up()
    for contest_id, areas in replaced.rolled_up().items():
        for name, item in areas.items():
            changes.setdefault(contest_id, {}).setdefault(
                name, AreaTotals(item.level, name, item.group_id)
            ).add(item, sign=-1)
    stored = {
        (row.contest_id, row.area): row
        for row in ContestTally.objects.filter(
            contest_id__in=contest_ids, area__in={name for a in changes.values() for name in a}
        ).order_by()
    }
    rows = []
    for contest_id, areas in changes.items():
        for name, change in areas.items():
            row = stored.get((contest_id, name)) or _tally(
                contest_id, AreaTotals(change.level, name, change.group_id)
            )
            row.stations_accepted += change.stations_accepted
            for line, value in change.numbers.items():
                setattr(row, line, (getattr(row, line) or 0) + value)
            for line, count in change.votes.items():
                row.votes[str(line)] = row.votes.get(str(line), 0) + count
            row.publications_up_to = up_to
            rows.append(row)
    _upsert(rows, [*SUMS, "votes", "publications_up_to"])
    return len(rows)


def _upsert(rows: list[ContestTally], fields: list[str]) -> None:
    """Write ``fields`` of these tally rows, inserting the rows an area does not have yet."""
    if not rows:
        return  # nothing changed: the public pages' cached answers stand
    transaction.on_commit(results_changed)  # the public pages' cached answers are outdated
    ContestTally.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["contest", "area"],
        update_fields=[*fields, "computed"],
    )


@transaction.atomic
def contest_progress_count(*, contest_id: int) -> int:
    """Recount a contest's station counts (expected, reporting, in quarantine) in every area,
    leaving its sums as the log left them; returns the area rows written."""
    return _count_progress(_lock([contest_id]))


def _count_progress(contest_ids: list[int]) -> int:
    """Recount the station counts of these locked contests; returns the area rows written."""
    districts = _Districts()
    districts.count_progress(contest_id__in=contest_ids)
    rows, now = [], timezone.now()
    for contest_id, areas in districts.rolled_up().items():
        for item in areas.values():
            row = _tally(contest_id, item)
            row.progress_counted = now
            rows.append(row)
    _upsert(rows, [*PROGRESS, "progress_counted"])
    log_event("totals.stations_counted", contests=contest_ids, rows=len(rows))
    return len(rows)


REFRESH_SLICE = 100  # contests per transaction: a publication into one of them waits meanwhile


@transaction.atomic
def contests_bring_up_to_date(*, done: Iterable[int] = ()) -> list[int]:
    """One slice of what the aggregation task does: up to REFRESH_SLICE contests that need it
    (not in ``done``, nor held by another writer this moment), their station counts recounted
    in one go, or rebuilt where their tallies are behind their records in the log (a repair:
    the log's own transaction keeps them current). Returns the contests; empty when none is left.
    """
    # SKIP LOCKED: two runs at once share the work, and a contest a publication holds now is
    # left for the run that publication queues after its commit.
    due = (
        contests_needing_aggregation()
        .exclude(pk__in=list(done))
        .order_by("pk")
        .select_for_update(of=("self",), skip_locked=True)
        .values_list("pk", "up_to", "last_record")[:REFRESH_SLICE]
    )
    rows = list(due)
    behind = [pk for pk, up_to, last in rows if (last or 0) > (up_to or 0)]
    current = [pk for pk, up_to, last in rows if (last or 0) <= (up_to or 0)]
    if behind:
        _rebuild(behind)
    if current:
        _count_progress(current)
    return [pk for pk, _, _ in rows]


def contests_needing_aggregation() -> QuerySet[Contest]:
    """Contests whose tallies are behind their records, or whose station counts are older than
    a protocol's last change: what a lost task left undone."""
    changed = (
        Protocol.objects.filter(contest=OuterRef("pk")).order_by("-updated").values("updated")[:1]
    )
    tallies = ContestTally.objects.filter(contest=OuterRef("pk"), area="nation")
    return (
        Contest.objects.annotate(
            counted=Subquery(tallies.values("progress_counted")[:1]),
            up_to=Subquery(tallies.values("publications_up_to")[:1]),
            last_change=Subquery(changed),
            last_record=Subquery(_last_record("pk")),
        )
        .filter(last_change__isnull=False)
        .filter(
            Q(counted__isnull=True)
            | Q(last_change__gt=F("counted"))
            | Q(last_record__gt=Coalesce(F("up_to"), 0))
        )
    )


def stored_totals(
    contest_ids: Iterable[int], election: Election | None = None
) -> dict[int, dict[str, AreaTotals]]:
    """The tallies as stored, in the same shape as totals_for, to compare with a recount."""
    stored: dict[int, dict[str, AreaTotals]] = {contest_id: {} for contest_id in contest_ids}
    tallies = ContestTally.objects.filter(**_contests(list(stored), election)).order_by()
    columns = ["contest_id", "level", "area", "district_id", "region_id", "votes", *SUMS, *PROGRESS]
    for row in tallies.values(*columns):
        stored[row["contest_id"]][row["area"]] = AreaTotals(
            level=row["level"],
            area=row["area"],
            group_id=row["district_id"] or row["region_id"],
            numbers={name: row[name] for name in PROTOCOL_LINES},
            votes={int(line): count for line, count in row["votes"].items()},
            **{name: row[name] for name in COUNTS},
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


REFRESH_CONTESTS = "elections.refresh_contests"  # the aggregation task (elections/tasks.py)

_deferred: ContextVar[list[bool] | None] = ContextVar("deferred_aggregations", default=None)


@contextmanager
def aggregations_deferred() -> Iterator[None]:
    """Hold back the aggregation a wave of acceptances asks for until the block ends.

    For bulk arrivals (an import, a simulated wave of stations): without a broker tasks run in
    the process, and recounting the contests after each of thousands of acceptances would cost
    far more than the acceptances themselves.
    """
    asked: list[bool] = []
    token = _deferred.set(asked)
    try:
        yield
    finally:
        _deferred.reset(token)
        if asked:
            queue_aggregation()


def queue_aggregation() -> None:
    """After a commit: bring the station counts and snapshot files of every contest that
    changed up to date soon, at most once per PUBLIC_REFRESH_SECONDS, however many records
    arrive meanwhile (their sums are current already: the publication's transaction adds them).
    One task for all contests, not one per contest: hundreds of per-contest runs queued ahead
    of the next publication held it back by minutes."""
    if (deferred := _deferred.get()) is not None:
        deferred.append(True)
        return
    queue.once(REFRESH_CONTESTS, countdown=settings.PUBLIC_REFRESH_SECONDS)
