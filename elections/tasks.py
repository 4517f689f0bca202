"""Celery tasks: each takes ids, calls one service, and can run twice with the same result."""

from celery import shared_task
from django.core.cache import cache

from elections.services.aggregation import (
    contest_aggregate,
    contests_needing_aggregation,
    queue_aggregation,
    queued_key,
)
from elections.services.publication import (
    protocol_publish,
    queue_publication,
    unpublished_protocols,
)
from elections.services.snapshots import contest_snapshot_write, station_snapshot_write


@shared_task(
    name="elections.aggregate_contest",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def aggregate_contest(contest_id: int) -> int:
    """Rebuild a contest's tallies, then its snapshot files; returns the area rows written."""
    # Cleared before the run: an acceptance during the run queues the next one.
    cache.delete(queued_key(contest_id))
    rows = contest_aggregate(contest_id=contest_id)
    # After the tallies are committed, so the files never show totals that were rolled back.
    contest_snapshot_write(contest_id=contest_id)
    return rows


@shared_task(
    name="elections.publish_protocol", autoretry_for=(Exception,), retry_backoff=True, max_retries=5
)
def publish_protocol(protocol_id: int) -> str | None:
    """Publish an accepted protocol version and rewrite its station's file; returns the hash."""
    publication = protocol_publish(protocol_id=protocol_id)
    if publication is None:
        return None
    station_snapshot_write(protocol=publication.protocol)  # after the record is committed
    return publication.sha256


@shared_task(name="elections.sweep")
def sweep() -> dict[str, int]:
    """Queue what a lost task left undone: unpublished acceptances and out-of-date tallies."""
    protocol_ids = list(unpublished_protocols().values_list("pk", flat=True))
    for protocol_id in protocol_ids:
        queue_publication(protocol_id)
    contest_ids = list(contests_needing_aggregation().values_list("pk", flat=True))
    for contest_id in contest_ids:
        queue_aggregation(contest_id)
    return {"publications": len(protocol_ids), "aggregations": len(contest_ids)}
