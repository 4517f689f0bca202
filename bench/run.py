"""Benchmark: loading the reference election, on SQLite and on Postgres.

Each scenario runs the real management command in a fresh database, once on SQLite and once on
Postgres (when one answers at BENCH_POSTGRES_URL), checks what it wrote (the reference's 10,233
stations and 3,131 contests, nothing more on a second run), and prints each figure beside the
plainest way of writing the same rows: a COPY on Postgres, one executemany INSERT per table on
SQLite.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import check, copy_again, fresh_postgres, table_counts

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
    results: dict[str, dict[str, tuple[float, float | None]]] = {}
    for backend, make_database in [("SQLite", fresh_sqlite), ("Postgres", fresh_postgres)]:
        for sequence in SEQUENCES:
            url = make_database()
            if url is None:
                break
            manage(url, "migrate", "--no-input")
            for label, args in sequence:
                before = table_counts(url)
                seconds = manage(url, *args)
                after = table_counts(url)
                written = [t for t, n in after.items() if n > before.get(t, 0)]
                wrote_stations = after["stations_station"] - before["stations_station"]
                if "second run" in label:
                    check(not written, f"{label}: the second run wrote to {written}")
                else:
                    check(
                        # The reference's registry: 10,156 at home and 77 abroad.
                        after["stations_station"] == 10_233 and wrote_stations == 10_233,
                        f"{label}: {after['stations_station']:,} stations, not 10,233",
                    )
                if "--stations-only" not in args and "second run" not in label:
                    contests = after.get("elections_contest", 0)
                    check(contests == 3_131, f"{label}: {contests:,} contests, not 3,131")
                plain = copy_again(written, url)[0] if written else None
                results.setdefault(label, {})[backend] = (seconds, plain)
    backends = sorted({b for row in results.values() for b in row}, reverse=True)
    print(f"| scenario | {' | '.join(backends)} |")
    print(f"|---|{'---|' * len(backends)}")
    for label, row in results.items():
        cells = " | ".join(_cell(row.get(b)) for b in backends)
        print(f"| {label} | {cells} |")


def _cell(figures: tuple[float, float | None] | None) -> str:
    if figures is None:
        return "–"
    seconds, plain = figures
    if plain is None:
        return f"{seconds:.1f} s (nothing to write)"
    return f"{seconds:.1f} s ({seconds / plain:.0f}× the plain way's {plain:.2f} s)"


if __name__ == "__main__":
    main()
