"""A real Celery worker for the service suite, started once per test session.

The worker is a separate process on the same Redis broker and the same (test) database, so a
task that passes here went through serialisation, the broker and another process's ORM.
"""

import os
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery import app, ping

WORKER_START_TIMEOUT = 60


def _test_database_url() -> str:
    """DATABASE_URL pointed at the database pytest-django created for this session."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{connection.settings_dict['NAME']}"))


class Worker:
    """The test session's Celery worker: a real process that a test may kill and replace."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self) -> None:
        if app.conf.task_always_eager:  # the ping would run here, and never reach the worker
            pytest.fail("tasks are eager in the test process: a test left task_always_eager on")
        name = f"test-{uuid.uuid4().hex[:8]}@%h"
        command = ["celery", "-A", "config", "worker", "--pool=solo", "-n", name, "-l", "warning"]
        self.process = subprocess.Popen([sys.executable, "-m", *command], env=self.env)
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while True:
            try:
                if ping.delay().get(timeout=2)["pid"] == self.process.pid:
                    return
            except Exception:  # noqa: BLE001 - not answering yet
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                pytest.fail(f"the Celery worker did not start (exit code {self.process.poll()})")

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, whatever it was running is left unacknowledged."""
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.fail(
            "the service suite needs DATABASE_URL (Postgres) and REDIS_URL: make test-services"
        )
    app.control.purge()
    worker = Worker(
        {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
        }
    )
    worker.start()
    yield worker
    worker.stop()


def _worker_is_idle() -> bool:
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        if broker.llen("celery"):
            return False
        active = app.control.inspect(timeout=1).active() or {}
    except (redis.ConnectionError, ConnectionError):
        # A test restarted Redis: the pooled control connection is stale; the next try reconnects.
        return False
    return not any(active.values())


@pytest.fixture(autouse=True)
def idle_worker_after_each_test(request, celery_worker):
    """Let the worker finish what a test queued before its tables are flushed under it."""
    if "transactional_db" in request.fixturenames:
        # Depending on it makes the flush wait for this fixture's teardown, not the reverse.
        request.getfixturevalue("transactional_db")
    yield
    deadline = time.monotonic() + 30
    while not _worker_is_idle():
        if time.monotonic() > deadline:
            pytest.fail("the worker was still busy 30 s after the test")
        time.sleep(0.1)


def wait_for(condition, timeout: float = 30.0):
    """Poll until ``condition()`` returns something true, and return it; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    pytest.fail("the worker did not finish in time")
