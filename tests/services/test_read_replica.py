"""A real streaming replica takes the public reads; writes and everything else stay on the primary.

The test makes both servers (tests/services/clusters.py): a primary, and a hot standby made from
it with `pg_basebackup -R`, streaming its log, each on its own port and logging every statement.
The site (gunicorn) runs with DATABASE_URL on the primary and DATABASE_REPLICA_URL on the standby;
which server answered a request is read from the servers' own logs.
"""

import pytest

from tests.services.clusters import Cluster, migrated_cluster
from tests.services.conftest import wait_for
from tests.services.live_site import LiveSite

pytestmark = pytest.mark.services

RESULTS_TABLES = ("elections_contesttally", "elections_publication", "stations_station")


@pytest.fixture
def servers():
    primary = migrated_cluster("primary", log_statements=True)
    standby = Cluster("standby", log_statements=True)
    site = LiveSite(primary.url(), replica_url=standby.url())
    try:
        standby.backup_of(primary)
        standby.start()
        site.start()
        site.load_night()  # written to the primary, streamed to the standby
        site.serving()
        yield site, primary, standby
    finally:
        site.stop()
        standby.remove()
        primary.remove()


def published(cluster) -> int:
    return cluster.query("SELECT count(*) FROM elections_publication")[0][0]


def caught_up(primary, standby) -> None:
    """Wait until the standby has replayed everything the primary had written so far."""
    position = primary.query("SELECT pg_current_wal_lsn()")[0][0]
    replayed = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn"
    wait_for(lambda: standby.query(replayed, (str(position),))[0][0])


def results_reads(cluster, since: int) -> list[str]:
    """The statements a server ran since ``since`` (a log offset) that read the results."""
    return [
        line
        for line in cluster.log_since(since).splitlines()
        if "statement:" in line
        and line.split("statement:")[1].lstrip().upper().startswith("SELECT")
        and any(table in line for table in RESULTS_TABLES)
    ]


def writes(cluster, since: int) -> list[str]:
    return [
        line
        for line in cluster.log_since(since).splitlines()
        if "statement:" in line and "INSERT INTO" in line
    ]


def test_public_pages_are_read_on_the_replica_and_writes_go_to_the_primary(servers):
    site, primary, standby = servers
    assert site.manage("aliases") == {
        "in recovery": {"default": False, "replica": True},
        "public read": "replica",
        "write in a public read": "default",
        "other read": "default",
    }
    caught_up(primary, standby)
    assert published(standby) == 2

    marks = primary.log_size(), standby.log_size()
    page = site.get("/results/night/")

    assert page.status == 200 and "2 of 3 stations" in page.text
    assert results_reads(standby, marks[1]), "the replica ran none of the page's queries"
    assert results_reads(primary, marks[0]) == []

    # A write, with the replica held back: signed-in clerks' entries go to the primary.
    standby.query("SELECT pg_wal_replay_pause()")
    marks = primary.log_size(), standby.log_size()
    site.enter_the_last_station()

    assert writes(primary, marks[0]), "the entries were not written on the primary"
    assert writes(standby, marks[1]) == []
    assert (published(primary), published(standby)) == (3, 2)

    # The replica has not replayed the change: the page is built on the primary, never stale.
    marks = primary.log_size(), standby.log_size()
    page = site.get("/results/night/")

    assert page.status == 200 and "3 of 3 stations" in page.text
    assert results_reads(primary, marks[0])
    assert results_reads(standby, marks[1]) == []

    # Replayed, the replica answers again, the new station's record included.
    standby.query("SELECT pg_wal_replay_resume()")
    caught_up(primary, standby)
    assert published(standby) == 3
    sha256 = primary.query(
        "SELECT p.sha256 FROM elections_publication p JOIN elections_protocol r"
        " ON r.id = p.protocol_id JOIN stations_station s ON s.id = r.station_id"
        " WHERE s.number = 7"
    )[0][0]
    marks = primary.log_size(), standby.log_size()
    station = site.get("/results/night/stations/PAV-7/")
    api = site.get("/api/v1/station-results/?election=night&region=PAV")

    assert station.status == 200 and sha256 in station.text
    assert [row["sha256"] for row in api.json()["results"]] == [sha256]
    assert results_reads(standby, marks[1])
    assert results_reads(primary, marks[0]) == []
