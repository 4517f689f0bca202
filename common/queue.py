"""Queue a task once for a whole burst of changes, by the task's name.

The first caller claims the task's key in the cache and sends the task; callers while it waits
find the key claimed and send nothing. The task clears its key as it starts (`clear`), so a
change committed during a run queues the next one. A claim expires after QUEUED_SECONDS: a run
lost on the way does not block the next. If the cache or the broker is down nothing is sent,
and the caller's change stays saved: the periodic sweep queues what it left undone.

Tasks are named, not imported: the services that ask for a run are what the tasks import. With
`task_always_eager` (tests, the embedded setup) the task runs here and now, as `.delay()` runs
it; `send_task` alone would ignore that setting.
"""

import logging

from celery import current_app
from django.core.cache import cache

QUEUED_SECONDS = 60  # how long a queued run is trusted to come before another may be queued

logger = logging.getLogger(__name__)


def key(task: str, *args: int) -> str:
    """The cache key that says a run of ``task`` with ``args`` is queued."""
    return ":".join(["queued", task, *map(str, args)])


def once(task: str, *args: int, countdown: float = 0) -> None:
    """Send ``task`` with ``args`` unless a run of it is already queued. Call after a commit.

    With a ``countdown`` the run starts that many seconds later (at once when tasks run in the
    process), so changes in the meantime ride along: at most one run per countdown.
    """
    try:
        if cache.add(key(task, *args), 1, timeout=QUEUED_SECONDS + countdown):
            _send(task, args, countdown)
    except Exception:  # noqa: BLE001 - the change is saved; the sweep queues it later
        logger.warning("could not queue %s%s", task, args, exc_info=True)


def clear(task: str, *args: int) -> None:
    """Called by the task as it starts: a change from now on queues the next run."""
    cache.delete(key(task, *args))


def queued(task: str, *args: int) -> bool:
    """Whether another run of ``task`` is already queued (a burst still arriving)."""
    return bool(cache.get(key(task, *args)))


def _send(task: str, args: tuple[int, ...], countdown: float) -> None:
    app = current_app
    if not app.conf.task_always_eager:
        app.send_task(task, args=args, countdown=countdown or None)
        return
    if task not in app.tasks:
        app.autodiscover_tasks(force=True)  # each app's tasks module, as a worker imports them
    app.tasks[task].delay(*args)
