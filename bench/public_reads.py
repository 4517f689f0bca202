"""Benchmark: public reads with wrk against gunicorn, on the night bench.simulation left behind.

Runs after `python -m bench.simulation` (as `make bench` does), on its Postgres database, with
Redis as the cache: a station's results page, the national Mazhilis party-list page and its
national results JSON. Each URL is read once to fill the cache, then wrk reads it for
BENCH_SECONDS with BENCH_CONNECTIONS connections; prints requests per second and p99.
"""

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time

from bench.common import POSTGRES_URL, ROOT, collect_static, stop

PORT = int(os.environ.get("BENCH_PORT", "8766"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WORKERS = os.environ.get("BENCH_GUNICORN_WORKERS", "3")
THREADS = os.environ.get("BENCH_GUNICORN_THREADS", "4")
PAGES, JSON = "≥ 500/s, p99 < 100 ms", "≥ 1,500/s, p99 < 100 ms"
NATIONAL_PAGE = "/results/kz2023/contests/mazhilis-list/"
NATIONAL_JSON = "/api/v1/results/?election=kz2023&contest=mazhilis-list&level=nation"


def serve() -> subprocess.Popen:
    env = {
        **os.environ, "DEBUG": "false", "SECURE_SSL_REDIRECT": "false",
        "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": POSTGRES_URL,
        "REDIS_URL": REDIS_URL, "LOG_LEVEL": "WARNING",
        # wrk is one address standing for many readers.
        "ANON_API_RATE": "10000000/min", "ANON_PAGE_RATE": "10000000/min",
    }  # fmt: skip
    collect_static()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", WORKERS, "--threads", THREADS, "--worker-class", "gthread",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/health/")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def first_station_path() -> str:
    """A station that has published results: the first of the Astana list, else any."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    connection.request("GET", "/api/v1/station-results/?election=kz2023")
    results = json.loads(connection.getresponse().read())["results"]
    if not results:
        sys.exit("nothing is published: run `python -m bench.simulation` first")
    record = results[0]["record"]
    return f"/results/kz2023/stations/{record['region']}-{record['station']}/"


def wrk(path: str) -> tuple[float, str, int]:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    connection.request("GET", path)  # fills the cache
    status = connection.getresponse().status
    if status != 200:
        sys.exit(f"{path} answered {status}")
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency",
         f"http://127.0.0.1:{PORT}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: (.*)", out)
    errors = int(failed.group(1)) if failed else 0
    errors += sum(map(int, re.findall(r"\d+", sockets.group(1)))) if sockets else 0
    return rate, p99, errors


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    server = serve()
    try:
        targets = [
            ("station results page", first_station_path(), PAGES),
            ("national results page", NATIONAL_PAGE, PAGES),
            ("national results JSON", NATIONAL_JSON, JSON),
        ]
        for label, path, target in targets:
            rate, p99, errors = wrk(path)
            print(
                f"| {label} (`{path}`), wrk {CONNECTIONS} connections, gunicorn {WORKERS}×"
                f"{THREADS} threads, Postgres, Redis cache | {target} | {rate:,.0f}/s, "
                f"p99 {p99}, {errors} errors |"
            )
    finally:
        stop(server)


if __name__ == "__main__":
    main()
