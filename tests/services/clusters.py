"""Postgres clusters that a test makes, stops and throws away: never the machine's own server.

Debian's binaries (/usr/lib/postgresql/15/bin) in a temporary folder, on a free port of the
loopback address, owned by `postgres` when the suite runs as root (initdb refuses root). The
schema is migrated once per test session into a template cluster, whose folder each cluster
then copies: a migration takes seconds, a copy a fraction of one.
"""

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parents[2]
DATABASE = "saylau"
# Run as the clusters' owner: root cannot run initdb or postgres.
AS_OWNER = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(*command: str | Path) -> None:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True)
    if done.returncode:
        pytest.fail(f"{command[0]} failed ({done.returncode}): {done.stdout}{done.stderr}")


class Cluster:
    """One Postgres server: its data folder, its port, its log (every statement, if asked)."""

    def __init__(self, name: str, *, log_statements: bool = False) -> None:
        if not (BIN / "initdb").exists():
            pytest.fail(f"no Postgres binaries in {BIN}: apt-get install postgresql-15")
        self.root = Path(tempfile.mkdtemp(prefix=f"saylau-{name}-"))
        if AS_OWNER:
            shutil.chown(self.root, "postgres", "postgres")
        self.data, self.log = self.root / "data", self.root / "postgres.log"
        self.port = free_port()
        self.settings = {
            "port": self.port,
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": self.root,
            "fsync": "off",  # a test's cluster is thrown away: no need to survive a power cut
            "full_page_writes": "off",
            "log_statement": "all" if log_statements else "none",
        }

    def url(self, database: str = DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def initdb(self) -> None:
        _run(
            *AS_OWNER,
            BIN / "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )

    def copy_of(self, template: "Cluster") -> None:
        _run(*AS_OWNER, "cp", "-a", template.data, self.data)

    def backup_of(self, primary: "Cluster") -> None:
        """A streaming standby of ``primary``: its base backup, set to follow it (-R)."""
        _run(
            *AS_OWNER,
            BIN / "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            self.data,
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
        )

    def start(self) -> None:
        options = " ".join(f"-c {name}={value}" for name, value in self.settings.items())
        _run(
            *AS_OWNER,
            BIN / "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.log,
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        _run(*AS_OWNER, BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def running(self) -> bool:
        status = [*AS_OWNER, str(BIN / "pg_ctl"), "-D", str(self.data), "status"]
        return subprocess.run(status, capture_output=True).returncode == 0

    def query(self, sql: str, params: tuple = (), database: str = DATABASE) -> list[tuple]:
        with psycopg.connect(self.url(database), autocommit=True) as connection:
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def log_since(self, offset: int) -> str:
        with self.log.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def remove(self) -> None:
        if self.data.exists() and self.running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


_template: Cluster | None = None


def _migrated_template() -> Cluster:
    """A stopped cluster holding the migrated schema, made on first use in the session."""
    global _template
    if _template is None:
        template = Cluster("template")
        atexit.register(template.remove)
        template.initdb()
        template.start()
        template.query(f"CREATE DATABASE {DATABASE}", database="postgres")
        env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        env |= {"DATABASE_URL": template.url(), "DJANGO_SETTINGS_MODULE": "config.settings_test"}
        migrate = [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"]
        done = subprocess.run(migrate, cwd=ROOT, env=env, capture_output=True, text=True)
        template.stop()
        if done.returncode:
            pytest.fail(f"migrate failed on the test's cluster: {done.stderr}")
        _template = template
    return _template


def migrated_cluster(name: str, *, log_statements: bool = False) -> Cluster:
    """A running cluster with the project's schema and nothing else; the caller removes it."""
    cluster = Cluster(name, log_statements=log_statements)
    try:
        cluster.copy_of(_migrated_template())
        cluster.start()
    except BaseException:
        cluster.remove()
        raise
    return cluster
