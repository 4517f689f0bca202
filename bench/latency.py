"""Benchmark: acceptance-to-publication latency with a real Celery worker on Redis and Postgres.

Accepts a burst of protocols through the services (two entries each, as fast as one client
can), while a worker publishes them and re-aggregates their contests. The latency of a protocol
is from its acceptance event to its publication record, both stamped on this machine's clock.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
BURST = int(os.environ.get("BENCH_BURST", "400"))


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.protocol_entry import POSTGRES_URL, _entry

    os.environ.update(
        DATABASE_URL=POSTGRES_URL, REDIS_URL=REDIS_URL, DJANGO_SETTINGS_MODULE="config.settings"
    )
    from bench.run import fresh_postgres

    if fresh_postgres() is None:
        sys.exit("Postgres is needed for this benchmark")
    import random

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from config.celery import app
    from elections.models import Contest, Election, ProtocolEvent, Publication
    from elections.services.protocols import EntryData, protocol_submit_entry
    from elections.services.staff import staff_assign
    from elections.services.structure import election_change_status

    call_command("migrate", "--no-input", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_reference", "kz2023", stdout=quiet, stderr=quiet)
    election = Election.objects.get(code="kz2023")
    for status in ("polling", "counting"):
        election = election_change_status(election=election, to_status=status, user=None)
    clerks = []
    for name in ("latency-clerk-1", "latency-clerk-2"):
        clerk = get_user_model().objects.create_user(name)
        staff_assign(user=clerk, role="cec")
        clerks.append(clerk)
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
        worker.terminate()
        worker.wait(timeout=60)
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
