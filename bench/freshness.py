"""Benchmark: how far the totals trail the log, during the simulated night and after it.

The deployment's shape on Postgres and Redis: one Celery worker of BENCH_CELERY_CONCURRENCY
processes (4, as docker-compose.yml runs it) with its beat, and the simulated night
(`simulate_election_night --reporting BENCH_REPORTING --jobs BENCH_JOBS`) driving the services
in another process. Meanwhile this process polls, every POLL_SECONDS, for records
that are in the log but not yet in their contest's totals, and for how old the oldest is. Then:
- per record, from acceptance to its record in the log and the totals (`accepted_at` to
  `published`, the same transaction as the totals), p50, p95 and max;
- after the last publication, how long until every contest's station counts and snapshot files
  are current too (nothing left for the aggregation task or the sweep);
- the plain way: COPY of every row the night wrote, against the night's own wall time.
Checked before printing: every accepted protocol in the log, the chain whole, and every
contest's stored totals equal to a recount from scratch.
"""

import os
import subprocess
import sys
import threading
import time

from bench.common import (
    ROOT,
    Rows,
    check,
    copy_again,
    django_on_fresh_postgres,
    load_reference_election,
    stop,
)

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
REPORTING = os.environ.get("BENCH_REPORTING", "25")
JOBS = os.environ.get("BENCH_JOBS", "3")
# docker-compose.yml's worker: one worker of 4 processes (here with its beat in the same worker).
CONCURRENCY = os.environ.get("BENCH_CELERY_CONCURRENCY", "4")
POLL_SECONDS = 0.25
# Where the server runs without autovacuum (this machine's does), the poller analyzes the
# night's tables this often, as autovacuum would as they grow: on statistics of empty tables the
# planner scanned every protocol to find one contest's (seen: 43 ms per contest's files, 30 after
# ANALYZE).
ANALYZE_SECONDS = 30

# Records in the log whose contest's totals do not include them yet, and the oldest one's age.
BEHIND = """
    SELECT count(*), coalesce(max(extract(epoch FROM now() - pub.published)), 0)
    FROM elections_publication pub
    JOIN elections_protocol p ON p.id = pub.protocol_id
    LEFT JOIN elections_contesttally t ON t.contest_id = p.contest_id AND t.area = 'nation'
    WHERE pub.sequence > coalesce(t.publications_up_to, 0)
"""
LATENCY = """
    SELECT percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY seconds), max(seconds),
           count(*)
    FROM (SELECT extract(epoch FROM pub.published - (pub.record->>'accepted_at')::timestamptz)
                 AS seconds
          FROM elections_publication pub) AS behind_log
"""
NIGHT_TABLES = [
    "elections_protocol", "elections_protocolentry", "elections_protocolvote",
    "elections_protocolevent", "elections_publication",
    "elections_contesttally", "elections_stationreport",
]  # fmt: skip


class Poller(threading.Thread):
    """Watches the log and the totals from its own connection while the night runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.polls = self.most_behind = 0
        self.oldest_behind = 0.0
        self.running = True
        self.analyzes = False

    def run(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW autovacuum")
            self.analyzes = cursor.fetchone()[0] == "off"
            analyzed = time.monotonic()
            while self.running:
                if self.analyzes and time.monotonic() - analyzed > ANALYZE_SECONDS:
                    cursor.execute(f"ANALYZE {', '.join(NIGHT_TABLES)}")
                    analyzed = time.monotonic()
                cursor.execute(BEHIND)
                behind, oldest = cursor.fetchone()
                self.polls += 1
                self.most_behind = max(self.most_behind, behind)
                self.oldest_behind = max(self.oldest_behind, float(oldest))
                time.sleep(POLL_SECONDS)
        connection.close()


def all_current_after(last_publication: float, deadline: float) -> float:
    """Seconds from the last publication until no contest needs the aggregation task."""
    from elections.services.aggregation import contests_needing_aggregation
    from elections.services.publication import unpublished_protocols

    while time.time() < deadline:
        if not unpublished_protocols().exists() and not contests_needing_aggregation().exists():
            return time.time() - last_publication
        time.sleep(POLL_SECONDS)
    check(False, "the worker did not catch up within the deadline")
    return 0.0


def main() -> None:
    django_on_fresh_postgres(redis_url=REDIS_URL)
    from django.db import connection
    from django.db.models import Max

    from config.celery import app
    from elections.models import Contest, Protocol, Publication
    from elections.services.aggregation import totals_differences
    from elections.services.publication import chain_problems

    load_reference_election(counting=False)
    app.control.purge()
    env = {**os.environ}
    command = ["celery", "-A", "config", "worker", "-B", "--concurrency", CONCURRENCY,
               "-l", "warning", "-s", str(ROOT / "var" / "bench-beat-schedule")]  # fmt: skip
    worker = subprocess.Popen([sys.executable, "-m", *command], cwd=ROOT, env=env)
    poller = Poller()
    try:
        time.sleep(5)  # the worker connects to the broker
        poller.start()
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "simulate_election_night", "--reporting", REPORTING,
             "--jobs", JOBS],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        night = time.perf_counter() - started
        last = Publication.objects.aggregate(last=Max("published"))["last"].timestamp()
        current = all_current_after(last, time.time() + 600)
    finally:
        poller.running = False
        poller.join(timeout=10)
        stop(worker)

    accepted = Protocol.objects.filter(status="accepted").count()
    check(accepted > 0, "the night accepted nothing")
    check(chain_problems() == [], "the chain has breaks, or acceptances are not in it")
    # The contests the night published into (a contest nobody reported yet has no tallies to
    # compare: its pages say nothing is published).
    counted = Contest.objects.filter(pk__in=Publication.objects.values("protocol__contest_id"))
    check(counted.exists(), "nothing was published")
    differences = totals_differences(counted)
    check(differences == [], f"stored totals differ from the recount: {differences[:3]}")
    with connection.cursor() as cursor:
        cursor.execute(LATENCY)
        (p50, p95), worst, records = cursor.fetchone()
    copying, copied = copy_again(NIGHT_TABLES)

    rows = Rows()
    rows.add(
        f"records in the log but not in their contest's totals, {poller.polls:,} polls during "
        f"the night ({REPORTING} % of stations, {records:,} records)", "p95 ≤ 5 s",
        f"at most {poller.most_behind} records, oldest {poller.oldest_behind:.2f} s",
        "the same transaction",
    )  # fmt: skip
    rows.add(
        "acceptance → record in the log and in the totals, per record", "(the queue's delay)",
        f"p50 {p50:.2f} s, p95 {p95:.2f} s, max {worst:.1f} s",
    )  # fmt: skip
    rows.add(
        "last publication → every contest's station counts and files current", "≤ 10 s",
        f"{current:.1f} s",
    )  # fmt: skip
    rows.add(
        f"the night itself: {accepted:,} protocols entered twice, reviewed, published, "
        f"{JOBS} jobs, 1 worker", "–", f"{night / 60:.1f} min",
        f"COPY of the {copied:,} rows it wrote", night / copying,
    )  # fmt: skip
    analyzing = f", ANALYZE every {ANALYZE_SECONDS} s (no autovacuum)" if poller.analyzes else ""
    rows.print(f"Postgres, Redis, 1 worker of {CONCURRENCY} processes with beat{analyzing}")


if __name__ == "__main__":
    sys.exit(main())
