"""The simulated night with several jobs at once, on Postgres with the session's real worker."""

import io

import pytest
from django.core.management import call_command

from elections.models import ContestTally, Protocol, Publication, StationReport
from elections.services.publication import chain_problems
from tests.elections.conftest import Day

pytestmark = pytest.mark.services


def test_jobs_share_the_stations_and_the_worker_publishes_every_acceptance(
    transactional_db, django_user_model, celery_worker
):
    day = Day(django_user_model)
    out = io.StringIO()

    call_command("simulate_election_night", "--election", "day", "--jobs", "2", stdout=out)

    assert StationReport.objects.filter(kind="counting_finished").count() == 2
    assert StationReport.objects.filter(station=day.west, kind="turnout").count() == 5
    assert Protocol.objects.filter(is_active=True, status="accepted").count() == 2
    # The command waited for the worker: everything is published and totalled when it ends.
    assert Publication.objects.count() == 2 and chain_problems() == []
    nation = ContestTally.objects.get(area="nation")
    assert nation.stations_accepted == 2
    assert "protocols: 2 entered twice" in out.getvalue()
    call_command("verify_results", stdout=io.StringIO())


def test_jobs_must_be_a_small_whole_number(transactional_db, django_user_model):
    Day(django_user_model)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--jobs: give a number from 1 to 16"):
        call_command("simulate_election_night", "--election", "day", "--jobs", "0")
