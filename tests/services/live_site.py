"""The site as deployed, served by gunicorn from a test's own cluster(s), and the night it shows.

`LiveSite` runs gunicorn (two workers, the cache in Redis) with `tests.services.live_settings`
against the given database URLs. `LiveSite.load_night()` runs this module in a process of the
same settings: it builds the tests' counting election (tests.elections.conftest.Night, from the
project's factories), has two of its three stations accepted (published, totalled and written
to snapshot files by the tasks, run in that process) and prints what the tests need as JSON.
"""

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

from tests.services.clusters import ROOT, free_port

START_TIMEOUT = 60


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self):
        return json.loads(self.body)


@dataclass
class LiveSite:
    database_url: str
    replica_url: str = ""
    port: int = field(default_factory=free_port)
    media: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="saylau-media-")))
    prefix: str = field(default_factory=lambda: f"saylau-live-{uuid.uuid4().hex[:8]}")
    process: subprocess.Popen | None = None
    night: dict = field(default_factory=dict)  # what load_night() printed

    @property
    def env(self) -> dict[str, str]:
        if not os.environ.get("REDIS_URL"):
            pytest.fail("the live site keeps its cache in Redis: make test-services (REDIS_URL)")
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.services.live_settings",
            "DATABASE_URL": self.database_url,
            "DATABASE_REPLICA_URL": self.replica_url,
            "LIVE_CACHE_PREFIX": self.prefix,
            "MEDIA_ROOT": str(self.media),
            "LOG_LEVEL": "WARNING",
        }

    def load_night(self) -> None:
        self.night = self.manage("night")

    def manage(self, command: str) -> dict:
        """This module's ``command`` in a process of the site's settings; its JSON answer."""
        run = [sys.executable, "-m", "tests.services.live_site", command]
        done = subprocess.run(run, cwd=ROOT, env=self.env, capture_output=True, text=True)
        if done.returncode:
            pytest.fail(f"{command} failed: {done.stderr}")
        return json.loads(done.stdout.splitlines()[-1])

    def start(self) -> None:
        """Launch gunicorn (the app loaded once, then forked); `serving()` waits for it."""
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi", "--preload", "--workers", "2",
            "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)

    def serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                self.get("/api/v1/")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start (exit code {self.process.poll()})")
                time.sleep(0.2)

    def enter_the_last_station(self) -> None:
        """Two CEC members enter Pavlodar's protocol through the API: accepted and published."""
        from tests.elections.conftest import good_numbers

        numbers = good_numbers(vote_1=100, vote_2=450)
        body = {
            "station": self.night["other_station"],
            "contest": self.night["contest_id"],
            "numbers": numbers.numbers,
            "votes": {str(line): votes for line, votes in numbers.votes.items()},
            "explanation": "",
        }
        for token in self.night["tokens"]:
            answer = self.request(
                "POST", "/api/v1/protocols/", body, {"Authorization": f"Token {token}"}
            )
            assert answer.status == 201, answer.text
        assert answer.json()["status"] == "accepted"

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, headers=headers)

    def request(self, method: str, path: str, body=None, headers: dict | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            headers = dict(headers or {})
            if payload is not None:
                headers["Content-Type"] = "application/json"
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            return Answer(response.status, dict(response.getheaders()), response.read())
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        for key in client.scan_iter(f"{self.prefix}:*"):
            client.delete(key)
        shutil.rmtree(self.media, ignore_errors=True)


def night() -> dict:
    """The counting election, two of its three stations accepted, and two CEC members' tokens."""
    from django.contrib.auth import get_user_model

    from tests.clients import api_token
    from tests.elections.conftest import Night, good_numbers

    night = Night(get_user_model())
    night.accept(night.station)
    night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))
    return {
        "contest": night.contest.code,
        "contest_id": night.contest.pk,
        "other_station": night.other_station.pk,
        "tokens": [api_token(night.cec), api_token(night.cec2)],
    }


def aliases() -> dict:
    """Which server each alias reaches, and where the router sends a read, public or not."""
    from django.db import connections, router

    from common import replica
    from elections.models import Publication

    def in_recovery(alias: str) -> bool:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            return cursor.fetchone()[0]

    with replica.public_reads():
        public = router.db_for_read(Publication), router.db_for_write(Publication)
    return {
        "in recovery": {alias: in_recovery(alias) for alias in ("default", "replica")},
        "public read": public[0],
        "write in a public read": public[1],
        "other read": router.db_for_read(Publication),
    }


def main() -> None:
    import django

    django.setup()
    command = {"night": night, "aliases": aliases}[sys.argv[1]]
    print(json.dumps(command()))


if __name__ == "__main__":
    main()
