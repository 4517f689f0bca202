"""Benchmark: the standalone verifier (saylau-verify) on the reference night, over HTTP.

Builds the reference election in a fresh Postgres database of its own, gives every
station-contest pair an accepted protocol (as bench.aggregation does), publishes the whole
backlog in batches of 1,000 (each batch extends the transparency log and signs a checkpoint),
and serves the site with gunicorn as the image runs it. Then, each beside the plainest way:
- the verifier's whole-log run (`saylau_verify.client.verify_all`: every checkpoint's
  signature, every record's hash and link, the Merkle tree rebuilt and every checkpoint's root
  compared, the consistency proofs between successive checkpoints, every contest's totals
  recomputed) — against reading the same records.jsonl and hashing each record's canonical
  JSON with hashlib alone;
- one station's check (`verify_station`), its bytes;
- the whole-log run on the election archive, offline — against hashing the archive's
  chain.jsonl with hashlib alone.
Checked before a figure is printed: no problem found; every record counted; every contest's
recomputed totals equal to the commission's stored national totals; the plain way saw as many
records, each matching its hash; one station under 10 KB. A failed check exits non-zero.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

# Its own database: the other benches drop and fill saylau_bench.
os.environ.setdefault(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/saylau_bench_verifier"
)

from saylau_verify import client, note  # noqa: E402

from bench.aggregation import accept_everything, analyze  # noqa: E402
from bench.common import (  # noqa: E402
    POSTGRES_URL,
    ROOT,
    Rows,
    check,
    collect_static,
    django_on_fresh_postgres,
    load_reference_election,
    stop,
)

PORT = int(os.environ.get("BENCH_PORT", "8767"))
ORIGIN = "bench.saylau.example/log"


def serve() -> subprocess.Popen:
    env = {
        **os.environ, "DEBUG": "false", "SECURE_SSL_REDIRECT": "false",
        "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": POSTGRES_URL,
        "LOG_LEVEL": "WARNING", "WEB_ACCESS_LOG": "off",
        # One reader asks for every checkpoint and proof in turn.
        "ANON_API_RATE": "10000000/min",
    }  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi",
         "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning", "--timeout", "300"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/log/key", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def canonical_sha256(record: dict) -> str:
    data = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def plain_over_http(url: str) -> tuple[float, int, bool]:
    """The plainest check of the same records: read records.jsonl, hash each record."""
    started, count, whole = time.perf_counter(), 0, True
    with urllib.request.urlopen(f"{url}/api/v1/log/records.jsonl", timeout=300) as answer:
        for line in answer:
            item = json.loads(line)
            whole &= canonical_sha256(item["record"]) == item["sha256"]
            count += 1
    return time.perf_counter() - started, count, whole


def plain_archive(path: Path) -> tuple[float, int, bool]:
    started, count, whole = time.perf_counter(), 0, True
    with zipfile.ZipFile(path) as archive, archive.open("chain.jsonl") as member:
        for line in member:
            item = json.loads(line)
            whole &= canonical_sha256(item["record"]) == item["sha256"]
            count += 1
    return time.perf_counter() - started, count, whole


def publish_and_sign(expected: int) -> int:
    """Drain the backlog batch after batch, the log extended and signed after each, as the
    worker does; returns the checkpoints signed."""
    from elections.services.publication import chain_problems, protocols_publish
    from transparency.services import log_bring_up_to_date

    published, signed = 0, 0
    while batch := protocols_publish():
        published += len(batch)
        signed += log_bring_up_to_date() is not None
    check(published == expected, f"published {published:,} of {expected:,} accepted protocols")
    check(chain_problems() == [], "the chain has breaks")
    return signed


def busiest_station() -> tuple[str, int]:
    """The station with the most records in the log, and how many."""
    from django.db.models import Count

    from elections.models import Publication

    row = (
        Publication.objects.values("protocol__station__region__code", "protocol__station__number")
        .annotate(n=Count("pk"))
        .order_by("-n", "protocol__station__region__code", "protocol__station__number")
        .first()
    )
    code = f"{row['protocol__station__region__code']}-{row['protocol__station__number']}"
    return code, row["n"]


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main() -> None:
    key = note.generate_key()
    os.environ["TRANSPARENCY_KEY"] = note.signer_key(ORIGIN, key)
    vkey = note.verifier_key(ORIGIN, key)
    django_on_fresh_postgres()
    from elections.models import Protocol, Publication
    from elections.services.archive import _nationwide_totals, archive_write
    from transparency.models import Checkpoint

    load_reference_election(counting=True)
    accept_everything()
    analyze()
    count = Protocol.objects.count()
    signed = publish_and_sign(count)
    analyze()
    checkpoints = Checkpoint.objects.count()
    check(checkpoints == signed > 1, f"{checkpoints} checkpoints, {signed} signed")
    check(Checkpoint.objects.order_by("-size").first().size == count, "the last checkpoint")
    stored = _nationwide_totals()
    first = Publication.objects.get(sequence=1).record
    station = f"{first['region']}-{first['station']}"
    busiest, most = busiest_station()
    url = f"http://127.0.0.1:{PORT}"
    rows = Rows()
    collect_static()  # gunicorn runs the production settings, as the image does
    server = serve()
    try:
        seconds, report = timed(lambda: client.verify_all(client.Site(url), keys=[vkey]))
        check(report.ok, f"the verifier found problems: {report.problems[:3]}")
        check(
            f"{count} records: each matches its sha256 and follows the one before it"
            in report.checked,
            f"the verifier did not read all {count:,} records: {report.checked}",
        )
        check(
            f"the Merkle tree rebuilt from them: {checkpoints} of {checkpoints} checkpoints' "
            "roots match it" in report.checked,
            "not every checkpoint's root was compared",
        )
        check(client._totals_problems(stored, report.totals) == [], "recomputed totals differ")
        plain, plain_count, whole = plain_over_http(url)
        check(plain_count == count and whole, "the plain way did not see every record whole")
        rows.add(
            f"saylau-verify, the whole log over HTTP ({count:,} records, {checkpoints} "
            f"checkpoints, {len(report.totals):,} contests' totals), gunicorn", "—",
            f"{seconds:.1f} s ({report.bytes_read / 1e6:.0f} MB in {report.requests} requests)",
            "records.jsonl read and each record hashed (hashlib)", seconds / plain,
        )  # fmt: skip
        site = client.Site(url)
        seconds, one = timed(lambda: client.verify_station(site, station, keys=[vkey]))
        check(one.ok and one.standing, f"the station check failed: {one.problems}")
        check(one.bytes_read < 10_000, f"one station read {one.bytes_read:,} bytes")
        rows.add(
            f"saylau-verify --station {station} ({len(one.standing)} records"
            + (", the most of any station)" if busiest == station else ")"), "< 10 KB",
            f"{one.bytes_read / 1000:.1f} KB in {one.requests} requests (+ "
            f"{one.header_bytes / 1000:.1f} KB of headers), {seconds * 1000:.0f} ms",
        )  # fmt: skip
        site = client.Site(url)
        seconds, big = timed(lambda: client.verify_station(site, busiest, keys=[vkey]))
        check(big.ok and len(big.standing) == most, f"the busiest station: {big.problems}")
        if busiest != station:
            rows.add(
                f"saylau-verify --station {busiest}, the station with the most records ({most})",
                "–", f"{big.bytes_read / 1000:.1f} KB in {big.requests} requests (+ "
                f"{big.header_bytes / 1000:.1f} KB of headers), {seconds * 1000:.0f} ms",
            )  # fmt: skip
    finally:
        stop(server)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive.zip"
        archive_write(path)
        seconds, report = timed(lambda: client.verify_all(client.Archive(path), keys=[vkey]))
        check(report.ok, f"the archive's check found problems: {report.problems[:3]}")
        check(client._totals_problems(stored, report.totals) == [], "archive totals differ")
        plain, plain_count, whole = plain_archive(path)
        check(plain_count == count and whole, "the plain way did not see every archive record")
        rows.add(
            f"saylau-verify, the archive offline ({count:,} records)", "—", f"{seconds:.1f} s",
            "chain.jsonl's records hashed (hashlib)", seconds / plain,
        )  # fmt: skip
    rows.print("Postgres, the reference night")


if __name__ == "__main__":
    sys.exit(main())
