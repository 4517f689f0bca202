"""Celery tasks: each takes ids, calls one service, and can run twice with the same result."""

from celery import shared_task
from django.core.cache import cache

from elections.services.aggregation import (
    contest_aggregate,
    contests_needing_aggregation,
    queue_aggregation,
    queued_key,
)


@shared_task(
    name="elections.aggregate_contest",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def aggregate_contest(contest_id: int) -> int:
    """Rebuild a contest's tallies; returns the number of area rows written."""
    # Cleared before the run: an acceptance during the run queues the next one.
    cache.delete(queued_key(contest_id))
    return contest_aggregate(contest_id=contest_id)


@shared_task(name="elections.sweep_tallies")
def sweep_tallies() -> int:
    """Queue every contest whose protocols changed after its last tally (a lost task, say)."""
    contest_ids = list(contests_needing_aggregation().values_list("pk", flat=True))
    for contest_id in contest_ids:
        queue_aggregation(contest_id)
    return len(contest_ids)
