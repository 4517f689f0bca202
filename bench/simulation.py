"""Benchmark: the simulated election night on Postgres, with a real Celery worker on Redis.

Loads the reference election into a fresh database, starts one worker (as docker-compose does),
and runs `simulate_election_night --reporting BENCH_REPORTING --jobs BENCH_JOBS` (defaults 100
and 3: every station's protocols, ≈ 50,000, each entered twice, accepted, published and
aggregated). Prints the time of the day, the night and the wait for the worker to publish the
rest.
"""

import os
import subprocess
import sys
import time
from io import StringIO

from bench.common import ROOT, django_on_fresh_postgres, load_reference_election, stop

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
REPORTING = os.environ.get("BENCH_REPORTING", "100")
JOBS = os.environ.get("BENCH_JOBS", "3")  # simulate_election_night --jobs


def main() -> None:
    django_on_fresh_postgres(redis_url=REDIS_URL)
    from django.core.management import call_command

    from config.celery import app
    from elections.models import Protocol, Publication

    load_reference_election(counting=False)
    app.control.purge()
    command = ["celery", "-A", "config", "worker", "--concurrency", "1", "-l", "warning"]
    worker = subprocess.Popen([sys.executable, "-m", *command], cwd=ROOT, env={**os.environ})
    try:
        time.sleep(5)  # the worker connects to the broker
        out = StringIO()
        started = time.perf_counter()
        call_command(
            "simulate_election_night", "--reporting", REPORTING, "--jobs", JOBS, stdout=out
        )
        elapsed = time.perf_counter() - started
    finally:
        stop(worker)
    summary = [line for line in out.getvalue().splitlines() if line.startswith("reports:")]
    accepted = Protocol.objects.filter(status="accepted").count()
    print(summary[-1] if summary else out.getvalue()[-2000:])
    print(
        f"| simulated night, {REPORTING} % of stations: day reports, double entry, acceptance, "
        f"publication and aggregation; {JOBS} jobs, Postgres, Redis, 1 worker | "
        f"all ≈ 50,000 in < 15 min | "
        f"{accepted:,} protocols accepted, {Publication.objects.count():,} published in "
        f"{elapsed / 60:.1f} min |"
    )


if __name__ == "__main__":
    main()
