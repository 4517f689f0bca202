"""The Celery application; tasks live in each app's tasks.py."""

import os
import time

from celery import Celery
from celery.signals import task_postrun, task_prerun

from common.events import log_event

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("saylau")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


_started: dict[str, float] = {}


@task_prerun.connect
def _task_started(task_id, **_) -> None:
    _started[task_id] = time.monotonic()


@task_postrun.connect
def _task_finished(task_id, task, state, **_) -> None:
    """One structured line per task run: which, how it ended, how long it took."""
    started = _started.pop(task_id, None)
    seconds = round(time.monotonic() - started, 3) if started is not None else None
    log_event("task.run", task=task.name, id=task_id, state=state, seconds=seconds)


@app.task(name="config.ping")
def ping() -> dict:
    """Answer from whichever process runs the task, so a health check can tell it ran."""
    return {"pong": True, "pid": os.getpid()}
