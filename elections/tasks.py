"""Celery tasks: each takes ids, calls one service, and can run twice with the same result.

The queueing handshake: a service asks for a run by the task's name (`common.queue.once`, after
its commit), claiming the task's key so that a burst queues one run; the task clears the key as
it starts. The periodic sweep queues what a lost run left undone, and leaves the heartbeat that
the health check reads.
"""

from datetime import datetime

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from common import queue
from elections.public.snapshots import contest_snapshot_write, station_snapshots_write
from elections.services.aggregation import (
    AGGREGATE_CONTEST,
    contest_bring_up_to_date,
    contests_needing_aggregation,
    queue_aggregation,
)
from elections.services.publication import (
    PUBLISH_PENDING,
    protocols_publish,
    queue_publication,
    unpublished_protocols,
)

HEARTBEAT_KEY = "health:heartbeat"


def queued_key(contest_id: int) -> str:
    """The cache key that says an aggregation of the contest is queued."""
    return queue.key(AGGREGATE_CONTEST, contest_id)


@shared_task(name=AGGREGATE_CONTEST, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def aggregate_contest(contest_id: int) -> int:
    """Recount a contest's station counts (or rebuild its tallies if they are behind the log),
    then write its snapshot files; returns the area rows written."""
    # Cleared before the run: a publication during the run queues the next one.
    queue.clear(AGGREGATE_CONTEST, contest_id)
    rows = contest_bring_up_to_date(contest_id=contest_id)
    # After the tallies are committed, so the files never show totals that were rolled back;
    # skipped while another run is already queued (a burst still arriving): the last one writes.
    if not queue.queued(AGGREGATE_CONTEST, contest_id):
        contest_snapshot_write(contest_id=contest_id)
    return rows


@shared_task(name=PUBLISH_PENDING, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def publish_pending() -> int:
    """Publish every accepted version not yet in the chain; then its stations' files and totals.

    Returns how many records it appended. Drains in batches, so one run serves a whole burst.
    """
    # Cleared before the run: an acceptance committed during the run queues the next one.
    queue.clear(PUBLISH_PENDING)
    published = 0
    while batch := protocols_publish():
        station_snapshots_write(publications=batch)  # after the records are committed
        for contest_id in sorted({publication.protocol.contest_id for publication in batch}):
            queue_aggregation(contest_id)  # its station counts and files; the sums are in
        published += len(batch)
    return published


@shared_task(name="elections.sweep")
def sweep() -> dict[str, int]:
    """Queue what a lost task left undone: unpublished acceptances and out-of-date tallies."""
    heartbeat()  # the health check's sign that the scheduler and a worker are alive
    pending = unpublished_protocols().count()
    contest_ids = list(contests_needing_aggregation().values_list("pk", flat=True))
    # A claim left by a lost run (a worker killed while it held the task) would hold the next
    # run back for QUEUED_SECONDS: the sweep's runs go out whatever the claims say (a run that
    # was in fact still coming finds nothing left to do).
    if pending:
        queue.clear(PUBLISH_PENDING)
        queue_publication()
    for contest_id in contest_ids:
        queue.clear(AGGREGATE_CONTEST, contest_id)
        queue_aggregation(contest_id)
    return {"publications": pending, "aggregations": len(contest_ids)}


def heartbeat() -> None:
    """Called by the periodic sweep, in a worker."""
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)


def last_sweep() -> datetime | None:
    """When a worker last ran the periodic sweep; None if none has yet."""
    last = cache.get(HEARTBEAT_KEY)
    return datetime.fromisoformat(last) if last else None
