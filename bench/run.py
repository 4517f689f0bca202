"""Benchmarks: wall-clock figures for README, not pass/fail tests.

Each scenario runs the real management commands in a fresh database, once on SQLite and once
on Postgres (when one answers at BENCH_POSTGRES_URL), and prints a Markdown table.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import fresh_postgres

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = ROOT / "var" / "bench.sqlite3"

# Each sequence runs on a fresh, migrated database: (label, manage.py arguments) in order.
SEQUENCES = [
    [
        (
            "load_reference kz2023 --stations-only, empty database",
            ["load_reference", "kz2023", "--stations-only"],
        ),
    ],
    [
        (
            "load_reference kz2023, empty database (stations and election)",
            ["load_reference", "kz2023"],
        ),
        ("load_reference kz2023, second run (no changes)", ["load_reference", "kz2023"]),
    ],
]


def manage(database_url: str, *args: str) -> float:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("REDIS_URL", None)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return time.perf_counter() - started


def fresh_sqlite() -> str:
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    SQLITE_PATH.unlink(missing_ok=True)
    return f"sqlite:///{SQLITE_PATH}"


def main() -> None:
    results: dict[str, dict[str, float]] = {}
    for backend, make_database in [("SQLite", fresh_sqlite), ("Postgres", fresh_postgres)]:
        for sequence in SEQUENCES:
            url = make_database()
            if url is None:
                break
            manage(url, "migrate", "--no-input")
            for label, args in sequence:
                results.setdefault(label, {})[backend] = manage(url, *args)
    backends = sorted({b for row in results.values() for b in row}, reverse=True)
    print(f"| scenario | {' | '.join(backends)} |")
    print(f"|---|{'---|' * len(backends)}")
    for label, row in results.items():
        cells = " | ".join(f"{row[b]:.1f} s" if b in row else "–" for b in backends)
        print(f"| {label} | {cells} |")


if __name__ == "__main__":
    main()
