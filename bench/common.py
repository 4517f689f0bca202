"""What the benchmarks share: a fresh Postgres database with the reference election in it."""

import os
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/saylau_bench"
)


def stop(*processes) -> None:
    """Stop the servers and workers a benchmark started, each given a minute to finish."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=60)


def collect_static() -> None:
    """What the image does when it is built: production settings serve collected files."""
    import subprocess

    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "bench-only"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip


def fresh_postgres() -> str | None:
    """Drop and create the bench database; its URL, or None when Postgres does not answer."""
    server, _, name = POSTGRES_URL.rpartition("/")
    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"(Postgres skipped: {exc})", file=sys.stderr)
        return None
    return POSTGRES_URL


def django_on_fresh_postgres(*, redis_url: str | None = None) -> None:
    """Point Django at a new, empty bench database (and Redis, or eager tasks) and set it up."""
    os.environ.update(DATABASE_URL=POSTGRES_URL, DJANGO_SETTINGS_MODULE="config.settings")
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    if fresh_postgres() is None:
        sys.exit("Postgres is needed for this benchmark")
    import django

    django.setup()


def load_reference_election(*, counting: bool):
    """Migrate, load kz2023 and, if asked, move it to counting; returns the election."""
    from django.core.management import call_command

    from elections.models import Election
    from elections.services.structure import election_change_status

    call_command("migrate", "--no-input", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_reference", "kz2023", stdout=quiet, stderr=quiet)
    election = Election.objects.get(code="kz2023")
    for status in ("polling", "counting") if counting else ():
        election = election_change_status(election=election, to_status=status, user=None)
    return election


def cec_clerks(*names: str) -> list:
    """Staff with a nationwide CEC assignment, so that every station is theirs to enter."""
    from django.contrib.auth import get_user_model

    from elections.services.staff import staff_assign

    clerks = []
    for name in names:
        clerk = get_user_model().objects.create_user(name)
        staff_assign(user=clerk, role="cec")
        clerks.append(clerk)
    return clerks


def check(holds: bool, what: str) -> None:
    """A bench's check of its own result: a figure is never printed for work that was not done."""
    if not holds:
        print(f"bench check failed: {what}", file=sys.stderr)
        sys.exit(1)


def best_of(runs: int, function) -> float:
    """The shortest of ``runs`` timings of ``function()``, in seconds."""
    import time

    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return min(timings)


class Rows:
    """A bench's figures as README's tables show them: each beside the plain way's, as a ratio."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, float | None]] = []

    def add(
        self, scenario: str, target: str, figure: str, plain: str = "–", ratio: float | None = None
    ) -> None:
        """``ratio`` is the figure's time over the plain way's; None where no plain way is
        measured beside it (the row then says so with a dash)."""
        self.rows.append((scenario, target, figure, plain, ratio))

    def print(self, where: str) -> None:
        load = os.getloadavg()[0]
        print(f"\n{where}, load {load:.1f} on {os.cpu_count()} cores at the end:")
        print("| scenario | target | figure | the plain way | ratio (time ÷ plain) |")
        print("|---|---|---|---|---|")
        for scenario, target, figure, plain, ratio in self.rows:
            shown = "–" if ratio is None else f"{ratio:.1f}×"
            print(f"| {scenario} | {target} | {figure} | {plain} | {shown} |")


def copy_again(tables: list[str], url: str = POSTGRES_URL) -> tuple[float, int]:
    """The plainest way to write what a scenario wrote: the same rows of these tables written
    into empty tables shaped like them (indexes included) — by COPY on Postgres, by one
    executemany INSERT per table in one transaction on SQLite. Returns the seconds the writing
    took (not the reading of the rows to write) and how many rows were written."""
    if url.startswith("sqlite:"):
        return _sqlite_insert_again(tables, url.removeprefix("sqlite:///"))
    import time

    elapsed, copied = 0.0, 0
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        for table in tables:
            buffer = bytearray()
            with cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
                for chunk in copy:
                    buffer += chunk
            scratch = f"bench_copy_{table}"
            cursor.execute(f'DROP TABLE IF EXISTS "{scratch}"')
            cursor.execute(f'CREATE TABLE "{scratch}" (LIKE "{table}" INCLUDING ALL)')
            started = time.perf_counter()
            with cursor.copy(f'COPY "{scratch}" FROM STDIN') as copy:
                copy.write(bytes(buffer))
            elapsed += time.perf_counter() - started
            cursor.execute(f'SELECT count(*) FROM "{scratch}"')
            copied += cursor.fetchone()[0]
            cursor.execute(f'DROP TABLE "{scratch}"')
    return elapsed, copied


def _sqlite_insert_again(tables: list[str], path: str) -> tuple[float, int]:
    import sqlite3
    import time

    elapsed, copied = 0.0, 0
    conn = sqlite3.connect(path)
    try:
        for table in tables:
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            scratch = f"bench_copy_{table}"
            schema = conn.execute(
                # The table and its indexes; not its triggers (the plain way writes bare rows).
                "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
                "AND type IN ('table', 'index') ORDER BY type = 'index'",
                [table],
            ).fetchall()
            conn.execute(f'DROP TABLE IF EXISTS "{scratch}"')
            for (sql,) in schema:  # the table, then its indexes, under new names
                conn.execute(
                    sql.replace(f'"{table}"', f'"{scratch}"', 1).replace(
                        'INDEX "', 'INDEX "bench_copy_', 1
                    )
                )
            started = time.perf_counter()
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                with conn:
                    conn.executemany(f'INSERT INTO "{scratch}" VALUES ({marks})', rows)
            elapsed += time.perf_counter() - started
            copied += conn.execute(f'SELECT count(*) FROM "{scratch}"').fetchone()[0]
            conn.execute(f'DROP TABLE "{scratch}"')
    finally:
        conn.close()
    return elapsed, copied


def table_counts(url: str) -> dict[str, int]:
    """Rows in each of the database's tables, to see which tables a scenario wrote."""
    import sqlite3

    if url.startswith("sqlite:"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            names = [
                n
                for (n,) in conn.execute(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
        finally:
            conn.close()
    with psycopg.connect(url) as conn:
        names = [
            n
            for (n,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
