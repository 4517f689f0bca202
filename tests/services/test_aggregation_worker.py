import pytest
from django.core.management import call_command

from elections.models import ContestTally, Publication
from elections.services.aggregation import contests_needing_aggregation
from elections.services.protocols import protocol_submit_entry
from elections.tasks import aggregate_contest, publish_pending
from tests.elections.conftest import Night, good_numbers
from tests.services.conftest import wait_for

pytestmark = pytest.mark.services


def test_accepted_protocols_are_published_and_totalled_by_the_worker(
    transactional_db, django_user_model, celery_worker
):
    night = Night(django_user_model)
    for station, first_vote in [(night.station, 400), (night.neighbour, 300)]:
        for user in (night.cec, night.cec2):
            data = good_numbers(vote_1=first_vote, vote_2=550 - first_vote)
            protocol_submit_entry(station=station, contest=night.contest, user=user, data=data)

    def both_counted_and_published():
        tally = ContestTally.objects.filter(contest=night.contest, area="nation").first()
        published = Publication.objects.count() == 2
        counted = not contests_needing_aggregation().exists()  # the task's station counts too
        return tally if tally and tally.stations_accepted == 2 and published and counted else None

    tally = wait_for(both_counted_and_published)

    assert [tally.votes[str(line.pk)] for line in night.lines] == [700, 400, 80]
    call_command("verify_results")  # raises on any difference in the totals or the chain


def test_the_same_tasks_run_twice_by_the_worker_give_the_same_result(
    transactional_db, django_user_model, celery_worker
):
    night = Night(django_user_model)
    for user in (night.cec, night.cec2):
        protocol_submit_entry(
            station=night.station, contest=night.contest, user=user, data=good_numbers()
        )
    wait_for(lambda: Publication.objects.exists() and ContestTally.objects.exists())

    def state():
        tallies = sorted(ContestTally.objects.values_list("area", "l7_valid", "votes"))
        return tallies, list(Publication.objects.values_list("sequence", "sha256"))

    before = state()
    assert publish_pending.delay().get(timeout=30) == 0  # nothing left to publish
    aggregate_contest.delay(night.contest.pk).get(timeout=30)

    assert state() == before
