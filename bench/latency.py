"""Benchmark: acceptance-to-publication latency with a real Celery worker on Redis and Postgres.

Accepts a burst of protocols through the services (two entries each, as fast as one client
can), while a worker publishes them and re-aggregates their contests. The latency of a protocol
is from its acceptance event to its publication record, both stamped on this machine's clock.
"""

import os
import random
import subprocess
import sys
import time

from bench.common import ROOT, cec_clerks, django_on_fresh_postgres, load_reference_election, stop
from bench.protocol_entry import _entry

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
BURST = int(os.environ.get("BENCH_BURST", "400"))


def main() -> None:
    django_on_fresh_postgres(redis_url=REDIS_URL)
    from config.celery import app
    from elections.models import Contest, ProtocolEvent, Publication
    from elections.services.protocols import EntryData, protocol_submit_entry

    election = load_reference_election(counting=True)
    clerks = cec_clerks("latency-clerk-1", "latency-clerk-2")
    contest = Contest.objects.select_related("election").get(
        election=election, code="mazhilis-list"
    )
    lines = contest.ballot_lines.count()
    stations = list(contest.stations.order_by("pk")[:BURST])
    rng = random.Random(7)

    app.control.purge()
    command = ["celery", "-A", "config", "worker", "--concurrency", "2", "-l", "warning"]
    worker = subprocess.Popen([sys.executable, "-m", *command], cwd=ROOT, env={**os.environ})
    try:
        time.sleep(5)  # the worker connects to the broker
        started = time.perf_counter()
        for station in stations:
            payload = _entry(contest.pk, station.pk, station.registered_voters, lines, rng)
            for clerk in clerks:
                data = EntryData(
                    numbers=payload["numbers"],
                    votes={int(p): v for p, v in payload["votes"].items()},
                )
                protocol_submit_entry(station=station, contest=contest, user=clerk, data=data)
        entered = time.perf_counter() - started
        deadline = time.monotonic() + 120
        while Publication.objects.count() < len(stations) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        stop(worker)
    accepted = dict(
        ProtocolEvent.objects.filter(to_status="accepted").values_list("protocol_id", "created")
    )
    latencies = sorted(
        (published - accepted[protocol_id]).total_seconds()
        for protocol_id, published in Publication.objects.values_list("protocol_id", "published")
    )
    p50, p95 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"| acceptance to publication, real worker (2 processes), {len(latencies)} of "
        f"{len(stations)} published, accepted at {len(stations) / entered:.0f}/s | p95 < 2 s | "
        f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms |"
    )


if __name__ == "__main__":
    main()
