import time

import pytest
from django.core.management import call_command

from elections.models import ContestTally
from elections.services.protocols import protocol_submit_entry
from tests.elections.conftest import Night, good_numbers

pytestmark = pytest.mark.services


def wait_for(condition, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    pytest.fail("the worker did not finish in time")


def test_accepted_protocols_reach_the_totals_through_the_worker(
    transactional_db, django_user_model, celery_worker
):
    night = Night(django_user_model)
    for station, first_vote in [(night.station, 400), (night.neighbour, 300)]:
        for user in (night.cec, night.cec2):
            data = good_numbers(vote_1=first_vote, vote_2=550 - first_vote)
            protocol_submit_entry(station=station, contest=night.contest, user=user, data=data)

    def both_counted():
        tally = ContestTally.objects.filter(contest=night.contest, area="nation").first()
        return tally if tally and tally.stations_accepted == 2 else None

    tally = wait_for(both_counted)

    assert [line.votes for line in tally.lines.order_by("ballot_line__position")] == [700, 400, 80]
    call_command("verify_results")  # raises if the worker's totals differ from a recount
