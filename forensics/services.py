"""Computing and storing a contest's figures (the task's work), and finding what is behind."""

from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, Subquery

from common import queue
from elections.models import Contest, Publication
from forensics.analysis import Analysis, Row, analyse
from forensics.models import AreaReport, StationSignal
from forensics.records import ContestRecords, contest_records

REFRESH = "forensics.refresh"


def rows_of(records: ContestRecords) -> list[Row]:
    return [
        Row(key=row.key, voters=row.voters, given=row.given, received=row.received,
            leader_votes=row.leader_votes, region=row.region, district=str(row.district_id),
            closed=row.closed, station_id=row.station_id)
        for row in records.rows
    ]  # fmt: skip


def contest_refresh(contest: Contest) -> Analysis:
    """Recompute the contest's figures from its standing records and replace the stored ones."""
    records = contest_records(contest)
    analysis = analyse(rows_of(records))
    leader = {"position": records.leader_position, "name": records.leader_name}
    reports = [
        AreaReport(contest=contest, level=level, key=key, seed=analysis.seed,
                   replicates=analysis.replicates, publications_up_to=records.publications_up_to,
                   figures={**area.document(), "leader": leader})
        for (level, key), area in analysis.areas.items()
    ]  # fmt: skip
    signals = [
        StationSignal(contest=contest, station_id=signal.station_id, turnout=signal.turnout,
                      share=signal.share, signals=signal.signals,
                      publications_up_to=records.publications_up_to)
        for signal in analysis.signals
    ]  # fmt: skip
    with transaction.atomic():
        AreaReport.objects.filter(contest=contest).delete()
        StationSignal.objects.filter(contest=contest).delete()
        AreaReport.objects.bulk_create(reports)
        StationSignal.objects.bulk_create(signals)
    return analysis


def contests_behind():
    """Party lists with a record in the log that their stored figures do not include yet."""
    last = Publication.objects.filter(protocol__contest=OuterRef("pk")).values("protocol__contest")
    last = last.annotate(last=Max("sequence")).values("last")
    stored = AreaReport.objects.filter(contest=OuterRef("pk"), level=AreaReport.Level.NATION)
    return (
        Contest.objects.filter(kind=Contest.Kind.PARTY_LIST)
        .annotate(last=Subquery(last), stored=Subquery(stored.values("publications_up_to")))
        .filter(last__isnull=False)
        .filter(Q(stored__isnull=True) | Q(stored__lt=F("last")))
    )


def queue_refresh(*contest_id: int) -> None:
    """Ask for a run of the task, for one contest or (no id) every one behind; at once when
    tasks run in the process."""
    queue.once(REFRESH, *contest_id)
