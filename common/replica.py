"""Public reads on a streaming replica (DATABASE_REPLICA_URL), everything else on the primary.

The public cache's middleware (common/public_cache.py) is the one place that knows a request is
a public read: an anonymous GET of the results pages or the results API. It builds such an
answer inside `public_reads()`, and the router sends that answer's queries to the `replica`
alias. Writes always go to the primary, and so does every read outside a public answer: staff,
observers, sign-in, sessions and tokens read what they have just written.

A standby replays the primary's log a little late. An answer is cached under the results
version it was built for (and its ETag is that version's), so it must not be built from a
replica that has not yet replayed the changes the version counts: `results_changed()` notes
the primary's log position after each change, and a public answer is built on the replica only
once the replica has replayed past it (`replica_has_replayed`), on the primary otherwise.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections

PRIMARY = "default"
REPLICA = "replica"

_public_read: ContextVar[bool] = ContextVar("public_read", default=False)


def configured() -> bool:
    """Whether a replica is set up (DATABASE_REPLICA_URL)."""
    return REPLICA in settings.DATABASES


@contextmanager
def public_reads(on_replica: bool = True) -> Iterator[None]:
    """The queries made inside read the replica (when ``on_replica`` and one is configured)."""
    token = _public_read.set(on_replica and configured())
    try:
        yield
    finally:
        _public_read.reset(token)


def streamed_on_replica(chunks: Iterator) -> Iterator:
    """A streamed public answer is read after its view returns: keep its queries on the replica.

    Each chunk is produced with the flag set and the flag is put back before it is handed on,
    so nothing else the thread does between chunks reads the replica.
    """
    iterator = iter(chunks)
    while True:
        token = _public_read.set(True)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _public_read.reset(token)
        yield chunk


def primary_position() -> str | None:
    """The primary's current write-ahead log position, or None when it cannot be read."""
    connection = connections[PRIMARY]
    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            return cursor.fetchone()[0]
    except DatabaseError:
        return None


def replica_has_replayed(position: str | None) -> bool:
    """Whether the replica answers and has replayed the primary's log up to ``position``."""
    if position is None:
        return False
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
            return bool(cursor.fetchone()[0])
    except DatabaseError:
        return False


class PublicReadRouter:
    """DATABASE_ROUTERS, set only when a replica is configured."""

    def db_for_read(self, model, **hints) -> str | None:
        return REPLICA if _public_read.get() else PRIMARY

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db != REPLICA  # the standby receives the schema with the log
