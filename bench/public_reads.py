"""Benchmark: public reads with wrk against gunicorn, warm cache, beside the same bytes as a file.

Runs after `python -m bench.freshness` (as `make bench` does), on the night it left, with
Redis as the cache and gunicorn as the image runs it (config/gunicorn.py): a station's results
page, the national Mazhilis party-list page and its national results JSON. Each answer is read
once to fill the cache and written, byte for byte, as a static file under STATIC_ROOT; the
server is restarted (whitenoise lists its files as it starts) and wrk reads, for BENCH_SECONDS
with BENCH_CONNECTIONS connections, each answer and then its file from the same server: the
plainest way to send the same bytes. Prints requests per second, p99 and the ratio.

Before any figure is printed the bench checks what it read: every answer a 200 carrying the
site's Content-Security-Policy, the same bytes as its file, no error or non-2xx answer in any wrk
run. A failed check exits non-zero.
"""

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time

from bench.common import POSTGRES_URL, ROOT, Rows, check, collect_static, stop

PORT = int(os.environ.get("BENCH_PORT", "8766"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
# The deployment's shape unless told otherwise (config/gunicorn.py reads WEB_WORKERS, ...).
WORKERS = os.environ.get("BENCH_GUNICORN_WORKERS", "")
THREADS = os.environ.get("BENCH_GUNICORN_THREADS", "")
PAGES, JSON = "≥ 2,000/s, p99 < 50 ms", "≥ 3,000/s, p99 < 50 ms"
NATIONAL_PAGE = "/results/kz2023/contests/mazhilis-list/"
NATIONAL_JSON = "/api/v1/results/?election=kz2023&contest=mazhilis-list&level=nation"
PLAIN = ROOT / "staticfiles" / "bench-plain"  # STATIC_ROOT's default, as collect_static fills


def serve() -> subprocess.Popen:
    env = {
        **os.environ, "DEBUG": "false", "SECURE_SSL_REDIRECT": "false",
        "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": POSTGRES_URL,
        "REDIS_URL": REDIS_URL, "LOG_LEVEL": "WARNING", "WEB_ACCESS_LOG": "off",
        # wrk is one address standing for many readers.
        "ANON_API_RATE": "10000000/min", "ANON_PAGE_RATE": "10000000/min",
        **({"WEB_WORKERS": WORKERS} if WORKERS else {}),
        **({"WEB_THREADS": THREADS} if THREADS else {}),
    }  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi",
         "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/api/v1/")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def read(path: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def first_station_path() -> str:
    """A station that has published results: the first the station-results API lists."""
    status, _, body = read("/api/v1/station-results/?election=kz2023")
    results = json.loads(body)["results"] if status == 200 else []
    if not results:
        sys.exit("nothing is published: run `python -m bench.freshness` first")
    record = results[0]["record"]
    return f"/results/kz2023/stations/{record['region']}-{record['station']}/"


def wrk(path: str) -> tuple[float, float, int]:
    """Requests a second, p99 in milliseconds, and errors (socket errors and non-2xx/3xx)."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency",
         f"http://127.0.0.1:{PORT}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s|m)\b", out)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[p99.group(2)]
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: (.*)", out)
    errors = int(failed.group(1)) if failed else 0
    errors += sum(map(int, re.findall(r"\d+", sockets.group(1)))) if sockets else 0
    return rate, p99_ms, errors


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    collect_static()
    server = serve()
    try:
        targets = [
            ("station results page", first_station_path(), PAGES, "station.html"),
            ("national results page", NATIONAL_PAGE, PAGES, "national.html"),
            ("national results JSON", NATIONAL_JSON, JSON, "national.json"),
        ]
        shutil.rmtree(PLAIN, ignore_errors=True)
        PLAIN.mkdir(parents=True)
        answers = {}
        for _, path, _, name in targets:
            status, headers, body = read(path)  # fills the cache
            check(status == 200, f"{path} answered {status}")
            check("default-src 'self'" in headers.get("Content-Security-Policy", ""), "no CSP")
            (PLAIN / name).write_bytes(body)
            answers[path] = body
    finally:
        stop(server)
    server = serve()  # whitenoise lists the files it serves as it starts
    rows = Rows()
    try:
        for label, path, target, name in targets:
            plain = f"/static/bench-plain/{name}"
            check(read(path)[2] == answers[path], f"{path}: the cached answer changed")
            check(read(plain)[2] == answers[path], f"{plain}: not the answer's bytes")
            rate, p99, errors = wrk(path)
            plain_rate, plain_p99, plain_errors = wrk(plain)
            check(errors == 0, f"{path}: {errors} errors under wrk")
            check(plain_errors == 0, f"{plain}: {plain_errors} errors under wrk")
            rows.add(
                f"{label} (`{path}`, {len(answers[path]):,} bytes), wrk {CONNECTIONS} "
                "connections, gunicorn as config/gunicorn.py, Postgres, Redis cache",
                target,
                f"{rate:,.0f}/s, p99 {p99:.0f} ms",
                f"the same bytes as a static file, same server: {plain_rate:,.0f}/s, "
                f"p99 {plain_p99:.0f} ms",
                plain_rate / rate,
            )
    finally:
        stop(server)
        shutil.rmtree(PLAIN, ignore_errors=True)
    rows.print("Public reads")


if __name__ == "__main__":
    main()
