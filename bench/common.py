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
