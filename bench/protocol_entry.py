"""Benchmark: protocols accepted per second through the API, gunicorn on Postgres.

Builds the reference election in a fresh Postgres database, moves it to counting, and has two
clerks (tokens) enter every station's Mazhilis party-list protocol, first and second entry,
from CLIENTS concurrent keep-alive connections. The deployment's shape: Redis as broker and
cache, and a real Celery worker publishing and aggregating on the same two cores while the
entries come in. Prints the rate, the error count, and how long publication trailed.
"""

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from queue import Empty, Queue

from bench.common import (
    POSTGRES_URL,
    ROOT,
    Rows,
    cec_clerks,
    check,
    collect_static,
    copy_again,
    django_on_fresh_postgres,
    load_reference_election,
    stop,
)

PORT = int(os.environ.get("BENCH_PORT", "8765"))
PROTOCOLS = int(os.environ.get("BENCH_PROTOCOLS", "4000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "3"))  # config/gunicorn.py's
CELERY_CONCURRENCY = os.environ.get("BENCH_CELERY_CONCURRENCY", "1")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SECRET_KEY = "bench-only"
BATCH = int(os.environ.get("BENCH_BATCH", "25"))  # entries per POST in the batch scenario
# What entry writes, for the plain way beside it: the same rows COPYed into empty tables.
ENTRY_TABLES = [
    "elections_protocol", "elections_protocolentry", "elections_protocolvote",
    "elections_protocolevent",
]  # fmt: skip


def setup() -> tuple[list[dict], str, str]:
    """A fresh database with the election counting; returns the entries and two clerks' tokens."""
    os.environ["SECRET_KEY"] = SECRET_KEY  # tokens are sealed with the server's key
    django_on_fresh_postgres(redis_url=REDIS_URL)
    from elections.models import Contest
    from elections.services.credentials import api_token_issue

    election = load_reference_election(counting=True)
    tokens = [api_token_issue(user=c).key for c in cec_clerks("bench-clerk-1", "bench-clerk-2")]
    contest = Contest.objects.get(election=election, code="mazhilis-list")
    lines = contest.ballot_lines.count()
    stations = list(
        contest.stations.order_by("pk").values_list("pk", "registered_voters")[:PROTOCOLS]
    )
    rng = random.Random(2023)
    return [_entry(contest.pk, pk, voters, lines, rng) for pk, voters in stations], *tokens


def _entry(contest: int, station: int, voters: int, lines: int, rng: random.Random) -> dict:
    issued = int(voters * rng.uniform(0.4, 0.7))
    invalid = issued // 100
    valid = issued - invalid
    shares = [rng.random() for _ in range(lines)]
    votes = [int(valid * s / sum(shares)) for s in shares]
    votes[0] += valid - sum(votes)
    numbers = {
        "l1_voters": voters, "l2_received": voters, "l3_issued": issued, "l3a_mobile": 0,
        "l3b_absentee": 0, "l4_cancelled": voters - issued, "l5_found": issued,
        "l6_invalid": invalid, "l7_valid": valid,
    }  # fmt: skip
    votes_by_position = {str(p): v for p, v in enumerate(votes, start=1)}
    return {"station": station, "contest": contest, "numbers": numbers, "votes": votes_by_position}


def serve() -> tuple[subprocess.Popen, subprocess.Popen]:
    """gunicorn and one Celery worker, as docker-compose runs them."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": POSTGRES_URL,
        "REDIS_URL": REDIS_URL,
        "LOG_LEVEL": "WARNING",
        # wrk, in bench.ingest_under_reads, is one address standing for many readers.
        "ANON_API_RATE": "10000000/min",
        "ANON_PAGE_RATE": "10000000/min",
    }
    from config.celery import app

    collect_static()
    app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency",
         CELERY_CONCURRENCY, "-l", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi",
         "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        cwd=ROOT, env={**env, "WEB_WORKERS": str(WORKERS), "WEB_ACCESS_LOG": "off"},
    )  # fmt: skip
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/api/v1/")
            return server, worker
        except OSError:
            time.sleep(0.2)
    server.kill()
    worker.kill()
    sys.exit("gunicorn did not start")


def run(
    entries: list[dict], first: str, second: str, batch: int, rate: float | None = None
) -> tuple[float, int, int]:
    """Each client takes ``batch`` entries at a time: the first clerk posts them, then the second.

    With batch 1 every entry is its own POST /api/v1/protocols/; otherwise one POST to
    /api/v1/protocols/batch/ carries them all. With ``rate`` (protocols a second) the chunks
    are released on that schedule instead of as fast as the clients go.
    """
    queue: Queue[tuple[float, list[dict]]] = Queue()
    for start in range(0, len(entries), batch):
        queue.put((start / rate if rate else 0.0, entries[start : start + batch]))
    errors, accepted = [], []

    def post(connection, token: str, chunk: list[dict]) -> list[dict]:
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        if batch == 1:
            connection.request("POST", "/api/v1/protocols/", json.dumps(chunk[0]), headers)
            response = connection.getresponse()
            return [{"status": response.status, "protocol": json.loads(response.read())}]
        body = json.dumps({"entries": chunk})
        connection.request("POST", "/api/v1/protocols/batch/", body, headers)
        response = connection.getresponse()
        return json.loads(response.read())["results"]

    def clerk_pair() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        while True:
            try:
                due, chunk = queue.get_nowait()
            except Empty:
                return
            time.sleep(max(0.0, started + due - time.perf_counter()))
            for token in (first, second):
                results = post(connection, token, chunk)
                errors.extend(r for r in results if r["status"] != 201)
            accepted.extend(r for r in results if r.get("protocol", {}).get("status") == "accepted")

    started = time.perf_counter()
    threads = [threading.Thread(target=clerk_pair) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, len(accepted), len(errors)


def published_after(accepted_total: int) -> float:
    """Seconds until the worker has published every accepted protocol (at most two minutes)."""
    from elections.models import Publication

    started = time.perf_counter()
    while Publication.objects.count() < accepted_total and time.perf_counter() - started < 120:
        time.sleep(0.1)
    return time.perf_counter() - started


def counted(entries: list[dict]) -> None:
    """Check the work was done: every protocol accepted, published, and in the national tally."""
    from elections.models import ContestTally, Protocol, Publication

    stations = [e["station"] for e in entries]
    accepted = Protocol.objects.filter(station_id__in=stations, status="accepted").count()
    check(accepted == len(entries), f"{accepted} of {len(entries)} protocols accepted")
    published = Publication.objects.filter(protocol__station_id__in=stations).count()
    check(published == len(entries), f"{published} of {len(entries)} protocols published")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # the worker totals what it published
        nation = ContestTally.objects.filter(contest_id=entries[0]["contest"], level="nation")
        tally = nation.first()
        if tally and tally.stations_accepted >= len(entries):
            break
        time.sleep(0.5)
    check(tally is not None and tally.stations_accepted == len(entries), "national tally behind")
    want = sum(sum(e["votes"].values()) for e in entries)
    check(sum(tally.votes.values()) == want, "national tally's votes differ from the entries")


def main() -> None:
    entries, first, second = setup()
    half = len(entries) // 2
    server, worker = serve()
    rows, done = Rows(), []
    try:
        # Two halves of the stations: one entry per request, then BATCH entries per request.
        for label, chunk, batch in [
            ("one entry per POST", entries[:half], 1),
            (f"{BATCH} entries per POST (batch)", entries[half:], BATCH),
        ]:
            elapsed, accepted, errors = run(chunk, first, second, batch)
            check(errors == 0, f"{label}: {errors} entries refused")
            done.extend(chunk)
            trailing = published_after(len(done))
            counted(done)
            # The plainest ingest of what this half wrote: its rows COPYed into empty tables.
            plain, copied = copy_again(ENTRY_TABLES)
            check(copied > 0, "the COPY wrote nothing")
            plain_rate = len(done) / plain
            rows.add(
                f"protocols accepted through the API, first + second entry, {label}; gunicorn "
                f"{WORKERS} workers (config/gunicorn.py), {CLIENTS} clients, a Celery worker "
                "publishing, Postgres, Redis",
                "≥ 100/s",
                f"{accepted / elapsed:.0f}/s ({accepted} in {elapsed:.1f} s; all published "
                f"{trailing:.1f} s after the last, and in the national tally)",
                f"COPY of the protocols, entries, votes and events written so far: "
                f"{plain_rate:,.0f} protocols/s",
                plain_rate / (accepted / elapsed),
            )
    finally:
        stop(server, worker)
    rows.print("Protocol entry")


if __name__ == "__main__":
    main()
