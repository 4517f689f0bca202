"""The log's one task: queued by name after each publication batch (transparency/signals.py)
and by the beat every minute, so records that came without the signal, or a lost run, get in."""

from celery import shared_task

from common import queue
from transparency.services import log_bring_up_to_date
from transparency.signals import EXTEND


@shared_task(name=EXTEND, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def extend() -> int | None:
    """Extend the tree past what it holds and sign its new size; returns the size signed."""
    queue.clear(EXTEND)  # a batch published during the run queues the next one
    checkpoint = log_bring_up_to_date()
    return checkpoint.size if checkpoint else None
