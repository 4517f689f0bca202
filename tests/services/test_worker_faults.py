import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection

from elections.models import ContestTally, Protocol, Publication
from elections.services.aggregation import contests_needing_aggregation
from elections.services.protocols import protocol_submit_entry
from elections.services.structure import contest_cover_stations
from elections.tasks import sweep
from tests.elections.conftest import Night, good_numbers
from tests.factories import StationFactory
from tests.services.conftest import wait_for

pytestmark = pytest.mark.services
BURST = 30
MAINTENANCE_URL = os.environ.get("DATABASE_URL", "").rsplit("/", 1)[0] + "/postgres"


def burst(night, fault, recover=lambda: None) -> None:
    """BURST stations' protocols accepted one after another, with ``fault`` in the middle and
    ``recover`` at the end; then the beat's sweep, and every one must end published and
    counted, the chain whole."""
    place = {"region": night.station.region, "district": night.station.district}
    stations = [
        StationFactory(**place, number=200 + n, registered_voters=1000) for n in range(BURST)
    ]
    # Coverage is frozen once the election is counting; the test sets its status directly.
    election = night.contest.election
    election.status = "setup"
    election.save()
    contest_cover_stations(contest=night.contest, stations=stations)
    election.status = "counting"
    election.save()

    for n, station in enumerate(stations):
        data = good_numbers(vote_1=400 - n, vote_2=150 + n)  # every station its own votes
        for user in (night.cec, night.cec2):
            protocol_submit_entry(station=station, contest=night.contest, user=user, data=data)
        if n == BURST // 2:
            fault()  # in the middle of the burst, with tasks queued and running
    recover()
    sweep.delay()  # what beat does every 30 s: queue whatever the fault left undone

    def all_published_and_counted():
        # The sums arrive with each publication; the station counts and files follow from the
        # aggregation task, up to PUBLIC_REFRESH_SECONDS later (or from the sweep, if the
        # fault lost it): done only once nothing is left for either.
        tally = ContestTally.objects.filter(contest=night.contest, area="nation").first()
        done = Publication.objects.count() == BURST and tally and tally.stations_accepted == BURST
        return tally if done and not contests_needing_aggregation().exists() else None

    tally = wait_for(all_published_and_counted, timeout=60)

    assert Protocol.objects.filter(status="accepted").count() == BURST
    assert tally.l7_valid == 590 * BURST
    call_command("verify_results")  # the totals equal a recount and the chain verifies


def test_a_worker_killed_mid_burst_loses_nothing(
    transactional_db, django_user_model, celery_worker
):
    burst(Night(django_user_model), fault=celery_worker.kill, recover=celery_worker.start)


def test_every_database_connection_cut_mid_burst_loses_nothing(
    transactional_db, django_user_model, celery_worker
):
    """As when Postgres restarts or a pooler drops its clients: the worker's connection and the
    web process's are cut; each reconnects (health checks) and the sweep redoes lost tasks."""

    def cut_every_connection():
        with psycopg.connect(MAINTENANCE_URL, autocommit=True) as admin:
            cut = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [connection.settings_dict["NAME"]],
            ).fetchone()[0]
        assert cut >= 2  # this process's and the worker's
        close_old_connections()  # what the web process does as its next request starts

    burst(Night(django_user_model), cut_every_connection)


REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip


def test_acceptance_works_while_redis_is_down_and_the_sweep_catches_up(
    transactional_db, django_user_model, celery_worker
):
    night = Night(django_user_model)
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], check=False)
    try:
        for station, first_vote in [(night.station, 400), (night.neighbour, 300)]:
            data = good_numbers(vote_1=first_vote, vote_2=550 - first_vote)
            for user in (night.cec, night.cec2):
                protocol = protocol_submit_entry(
                    station=station, contest=night.contest, user=user, data=data
                )
            assert protocol.status == "accepted"  # saved, though nothing could be queued
    finally:
        Path("/var/lib/redis").mkdir(parents=True, exist_ok=True)
        Path("/var/log/redis").mkdir(parents=True, exist_ok=True)
        subprocess.run(REDIS_START, check=True)
    assert not Publication.objects.exists()

    wait_for(lambda: _sweep_queued(), timeout=60)  # the worker reconnects; beat's sweep runs

    def published_and_counted():
        tally = ContestTally.objects.filter(contest=night.contest, area="nation").first()
        return Publication.objects.count() == 2 and tally and tally.stations_accepted == 2

    wait_for(published_and_counted, timeout=60)
    call_command("verify_results")


def _sweep_queued() -> bool:
    try:
        sweep.delay()
    except Exception:  # noqa: BLE001 - Redis still starting
        return False
    return True
