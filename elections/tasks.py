"""Celery tasks: each takes ids, calls one service, and can run twice with the same result.

The queueing handshake: a service asks for a run by the task's name (`common.queue.once`, after
its commit), claiming the task's key so that a burst queues one run; the task clears the key as
it starts. The periodic sweep queues what a lost run left undone, and leaves the heartbeat that
the health check reads.
"""

import time
from datetime import datetime

from celery import current_app as app
from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from common import queue
from elections.public.snapshots import contest_snapshot_write, station_snapshots_write
from elections.services.aggregation import (
    REFRESH_CONTESTS,
    contests_bring_up_to_date,
    contests_needing_aggregation,
    queue_aggregation,
)
from elections.services.publication import (
    PUBLISH_PENDING,
    protocols_publish,
    queue_publication,
    unpublished_protocols,
)
from elections.signals import contests_aggregated, records_published

HEARTBEAT_KEY = "health:heartbeat"
REFRESH_RUN_SECONDS = 2.0  # a run of the aggregation task, before it lets others have the worker


@shared_task(name=REFRESH_CONTESTS, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def refresh_contests() -> int:
    """Recount the station counts of every contest that changed (or rebuild the tallies of one
    behind the log), a slice of contests per transaction, and write each slice's snapshot
    files after its commit; returns how many contests it brought up to date.

    Each contest at most once per run: a change during the run queues the next one. A worker's
    run stops after REFRESH_RUN_SECONDS and queues the rest behind what was queued meanwhile,
    so a publication never waits long for a free worker process.
    """
    # Cleared before the run: a publication during the run queues the next one.
    queue.clear(REFRESH_CONTESTS)
    started, done = time.monotonic(), []
    while contest_ids := contests_bring_up_to_date(done=done):
        for contest_id in contest_ids:
            # After the tallies are committed, so the files never show totals rolled back.
            contest_snapshot_write(contest_id=contest_id)
        done += contest_ids
        if time.monotonic() - started > REFRESH_RUN_SECONDS and not app.conf.task_always_eager:
            queue.once(REFRESH_CONTESTS)  # at once, behind whatever is waiting
            break
    if done:  # once a run, not a slice: a whole-election file per slice would cost O(n²)
        contests_aggregated.send(sender=refresh_contests, contest_ids=done)
    return len(done)


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
        records_published.send(sender=publish_pending, publications=batch)
        queue_aggregation()  # the contests' station counts and files; their sums are in
        published += len(batch)
    return published


@shared_task(name="elections.sweep")
def sweep() -> dict[str, int]:
    """Queue what a lost task left undone: unpublished acceptances and out-of-date tallies."""
    heartbeat()  # the health check's sign that the scheduler and a worker are alive
    pending = unpublished_protocols().count()
    behind = contests_needing_aggregation().count()
    # A claim left by a lost run (a worker killed while it held the task) would hold the next
    # run back for QUEUED_SECONDS: the sweep's runs go out whatever the claims say (a run that
    # was in fact still coming finds nothing left to do).
    if pending:
        queue.clear(PUBLISH_PENDING)
        queue_publication()
    if behind:
        queue.clear(REFRESH_CONTESTS)
        queue_aggregation()
    return {"publications": pending, "aggregations": behind}


def heartbeat() -> None:
    """Called by the periodic sweep, in a worker."""
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)


def last_sweep() -> datetime | None:
    """When a worker last ran the periodic sweep; None if none has yet."""
    last = cache.get(HEARTBEAT_KEY)
    return datetime.fromisoformat(last) if last else None
