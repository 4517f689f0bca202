"""What someone with the database owner's rights could do: drop the append-only triggers.

Tests of `verify_results` use it to rewrite a record as such an insider would; the test's
transaction rolls the DDL back with everything else (both SQLite and Postgres roll back DDL).
"""

import importlib
from contextlib import contextmanager

from django.db import connection

TRIGGERS = importlib.import_module("elections.migrations.0008_append_only_triggers")
COMPLAINTS = importlib.import_module("complaints.migrations.0002_decisions_and_history_are_final")
COMPLAINTS_NOW = importlib.import_module("complaints.migrations.0003_remedies_courts_attachments")
LOG = importlib.import_module("transparency.migrations.0002_append_only_triggers")
COMPLAINT_TRIGGERS = [
    "complaints_complaintevent_no_update", "complaints_complaintevent_no_delete",
    "complaints_complaint_decided_no_update", "complaints_complaint_decided_no_delete",
]  # fmt: skip


def drop_triggers() -> None:
    """The publication log's and the transparency log's (an insider rewrites both)."""
    for module in (TRIGGERS, LOG):
        drop = {"sqlite": module._drop_sqlite, "postgresql": module._drop_postgres}
        _execute(drop[connection.vendor]())


def create_triggers() -> None:
    for module in (TRIGGERS, LOG):
        create = {"sqlite": module._sqlite, "postgresql": module._postgres}
        _execute(create[connection.vendor]())


def _execute(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@contextmanager
def append_only_triggers_dropped():
    drop_triggers()
    try:
        yield
    finally:
        create_triggers()


def flush_with_sqlite_triggers_dropped(flush) -> None:
    """SQLite empties tables with DELETE, which every append-only trigger refuses: drop them
    all (elections' and complaints') for the flush, and make them again."""
    drop_triggers()
    _execute([f"DROP TRIGGER IF EXISTS {name}" for name in COMPLAINT_TRIGGERS])
    try:
        flush()
    finally:
        create_triggers()
        _execute(COMPLAINTS._sqlite(COMPLAINTS_NOW.DECISION))
