from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client


@pytest.fixture
def staff_client(db) -> Client:
    """A client logged in as a superuser with staff access to the admin."""
    from tests.clients import client_for

    user = get_user_model().objects.create_superuser("clerk", "clerk@example.org", "pw-clerk-123")
    return client_for(user)


@pytest.fixture(autouse=True, scope="session")
def flush_past_the_append_only_triggers():
    """SQLite empties tables with DELETE, which the append-only triggers refuse: after a test
    with real commits they are dropped just for the flush. (Postgres truncates, which row
    triggers do not see.)"""
    from django.db import connection
    from django.test import TransactionTestCase

    from tests import database

    flush = TransactionTestCase._fixture_teardown

    def teardown(self) -> None:
        if connection.vendor != "sqlite":
            return flush(self)
        database.flush_with_sqlite_triggers_dropped(lambda: flush(self))

    TransactionTestCase._fixture_teardown = teardown
    yield
    TransactionTestCase._fixture_teardown = flush


@contextmanager
def rolled_back(django_db_blocker) -> Iterator[None]:
    """Keep data made inside for a whole test module, then roll it back.

    For the reference dataset, which takes seconds to build: each test still runs in its own
    savepoint, so tests cannot see each other's changes.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def fresh_public_cache():
    """Each test starts with a new results version: no cached page from an earlier test."""
    from common.public_cache import results_changed

    results_changed()


@pytest.fixture(autouse=True)
def default_language():
    """A page read in Russian leaves Russian active in the thread: each test starts afresh."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def tasks_run_in_process(request):
    """Outside the service suite tasks run eagerly, as in the embedded setup, even with Redis.

    `make test-services` runs the whole suite with REDIS_URL set; only the tests marked
    `services` are meant to go through the broker to the real worker.
    """
    if request.node.get_closest_marker("services"):
        yield
        return
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
