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
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from celery import current_app
from django.core.cache import cache

QUEUED_SECONDS = 60  # how long a queued run is trusted to come before another may be queued

logger = logging.getLogger(__name__)

# The runs asked for inside `deferred()`, in the order first asked, with their countdowns.
_deferred: ContextVar[dict[tuple, float] | None] = ContextVar("deferred_runs", default=None)


def key(task: str, *args: int) -> str:
    """The cache key that says a run of ``task`` with ``args`` is queued."""
    return ":".join(["queued", task, *map(str, args)])


def once(task: str, *args: int, countdown: float = 0) -> None:
    """Send ``task`` with ``args`` unless a run of it is already queued. Call after a commit.

    With a ``countdown`` the run starts that many seconds later (at once when tasks run in the
    process), so changes in the meantime ride along: at most one run per countdown.
    """
    if (deferred := _deferred.get()) is not None:
        deferred.setdefault((task, *args), countdown)
        return
    try:
        if cache.add(key(task, *args), 1, timeout=QUEUED_SECONDS + countdown):
            _send(task, args, countdown)
    except Exception:  # noqa: BLE001 - the change is saved; the sweep queues it later
        logger.warning("could not queue %s%s", task, args, exc_info=True)


@contextmanager
def deferred() -> Iterator[None]:
    """Run each task asked for inside the block once, as the block ends, when tasks run in the
    process; with a broker, runs go out as they are asked for (the workers run them meanwhile).

    For bulk arrivals (a simulated wave of stations, an import): in the process, publishing and
    re-aggregating after each of thousands of acceptances would cost far more than the
    acceptances themselves. Runs asked for while the deferred ones run are sent at once.
    """
    if not current_app.conf.task_always_eager or _deferred.get() is not None:
        yield
        return
    runs: dict[tuple, float] = {}
    token = _deferred.set(runs)
    try:
        yield
    finally:
        _deferred.reset(token)
        for (task, *args), countdown in runs.items():
            once(task, *args, countdown=countdown)


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
