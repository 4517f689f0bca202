"""The figures are recomputed after aggregation: by the beat every minute while records arrive
(FORENSICS_REFRESH_SECONDS), and when a page finds its contest's figures behind the log."""

from celery import shared_task

from common import queue
from forensics.services import REFRESH, contest_refresh, contests_behind


@shared_task(name=REFRESH)
def refresh(contest_id: int | None = None) -> int:
    """Recompute every party list whose records moved on (or just ``contest_id``, if it did);
    returns how many."""
    queue.clear(REFRESH, *([contest_id] if contest_id else []))
    behind = contests_behind()
    contests = list(behind.filter(pk=contest_id) if contest_id else behind)
    for contest in contests:
        contest_refresh(contest)
    return len(contests)
