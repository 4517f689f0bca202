"""Celery tasks: the election's files in the open standards, written after aggregation."""

from celery import shared_task

from common import queue
from standards.snapshots import SNAPSHOT_WRITE, standards_snapshot_write


@shared_task(name=SNAPSHOT_WRITE, soft_time_limit=600, time_limit=660)
def snapshot_write(election_id: int) -> str:
    """Write the election's Data Package and NIST file beside the other snapshot files."""
    queue.clear(SNAPSHOT_WRITE, election_id)  # a change from now on queues the next run
    return standards_snapshot_write(election_id=election_id)
