"""Benchmark: staff enter protocols through the API while wrk reads the public pages flat out.

The night's busiest hour: clerks' batches come in at BENCH_INGEST_RATE protocols a second
(bench.protocol_entry's setup, server and clients, with a real Celery worker publishing and
aggregating), every publication changes the results, and meanwhile wrk reads a station's page,
the national party-list page and its JSON in turn, as fast as it can. Prints both rates, wrk's
p50 and p99, and every error. Target: at least 50 protocols/s in, public p99 under 200 ms, no
errors. Checked before printing: no entry refused, no read failed, every protocol accepted,
published and in the national tally; the ingest is shown beside a COPY of the rows it wrote.
"""

import os
import re
import shutil
import signal
import subprocess
import sys

from bench.common import ROOT, Rows, check, copy_again, stop
from bench.protocol_entry import (
    BATCH,
    CLIENTS,
    ENTRY_TABLES,
    PORT,
    WORKERS,
    counted,
    published_after,
    run,
    serve,
    setup,
)

SCRIPT = ROOT / "bench" / "reads.lua"
# Protocols a second the clerks send: the target's 50 and some; flat out they would take every
# cycle of the two cores, and the figure to show is what readers get during a busy night.
INGEST_RATE = float(os.environ.get("BENCH_INGEST_RATE", "60"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
NATIONAL_PAGE = "/results/kz2023/contests/mazhilis-list/"
NATIONAL_JSON = "/api/v1/results/?election=kz2023&contest=mazhilis-list&level=nation"


def read_paths(first_entry: dict) -> list[str]:
    from stations.models import Station

    station = Station.objects.select_related("region").get(pk=first_entry["station"])
    return [
        f"/results/kz2023/stations/{station.region.code}-{station.number}/",
        NATIONAL_PAGE,
        NATIONAL_JSON,
    ]


def start_wrk(paths: list[str]) -> subprocess.Popen:
    """wrk reading the paths in turn until it is interrupted (it then prints its figures)."""
    return subprocess.Popen(
        ["wrk", "-t2", f"-c{CONNECTIONS}", "-d600s", "--latency", "-s", str(SCRIPT),
         f"http://127.0.0.1:{PORT}"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "READ_PATHS": " ".join(paths)},
    )  # fmt: skip


def _seconds(match: re.Match) -> float:
    """wrk's duration: "58.21s" or "1.05m"."""
    return float(match.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def stop_wrk(reader: subprocess.Popen) -> dict:
    reader.send_signal(signal.SIGINT)
    out = reader.communicate(timeout=30)[0]
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: (.*)", out)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "seconds": _seconds(re.search(r"requests in ([\d.]+)(\w+),", out)),
        "p50": re.search(r"50%\s+(\S+)", out).group(1),
        "p99": re.search(r"99%\s+(\S+)", out).group(1),
        "errors": (int(failed.group(1)) if failed else 0)
        + (sum(map(int, re.findall(r"\d+", sockets.group(1)))) if sockets else 0),
    }


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    entries, first, second = setup()
    paths = read_paths(entries[0])
    server, worker = serve()
    try:
        rest = entries[200:]
        run(entries[:200], first, second, BATCH)  # warm up: the pages have something to show
        reader = start_wrk(paths)
        elapsed, accepted, errors = run(rest, first, second, BATCH, rate=INGEST_RATE)
        reads = stop_wrk(reader)  # reads stop with the ingest: the figures cover it alone
        trailing = published_after(len(entries))
        check(errors == 0, f"{errors} entries refused")
        check(reads["errors"] == 0, f"{reads['errors']} errors among the reads")
        counted(entries)  # every protocol accepted, published and in the national tally
    finally:
        stop(server, worker)
    plain, copied = copy_again(ENTRY_TABLES)
    check(copied > 0, "the COPY wrote nothing")
    rows = Rows()
    rows.add(
        f"protocols accepted through the API, {BATCH} per POST sent at {INGEST_RATE:.0f}/s, "
        f"{CLIENTS} clients, gunicorn {WORKERS} workers, a Celery worker publishing, "
        "while wrk reads",
        "≥ 50/s, 0 errors",
        f"{accepted / elapsed:.0f}/s ({accepted} in {elapsed:.1f} s, 0 errors; all published "
        f"{trailing:.1f} s after the last, and in the national tally)",
        f"COPY of the protocols, entries, votes and events: {len(entries) / plain:,.0f}/s",
        (len(entries) / plain) / (accepted / elapsed),
    )
    rows.add(
        f"public reads meanwhile: wrk {CONNECTIONS} connections over {reads['seconds']:.0f} s, "
        "a station page, the national page and its JSON in turn",
        "p99 < 200 ms, 0 errors",
        f"{reads['rate']:,.0f}/s, p50 {reads['p50']}, p99 {reads['p99']}, 0 errors",
        "the same answers idle: bench.public_reads",
    )
    rows.print("Ingest under reads, Postgres, Redis, 1 worker")


if __name__ == "__main__":
    main()
