import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from elections.models import Contest, ContestTally, Publication
from elections.services.aggregation import contests_bring_up_to_date, contests_needing_aggregation
from elections.services.protocols import protocol_submit_entry
from elections.services.publication import protocols_publish
from elections.tasks import publish_pending, refresh_contests
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
    refresh_contests.delay().get(timeout=30)

    assert state() == before


def test_a_contest_another_writer_holds_is_left_to_the_run_it_queues(
    transactional_db, django_user_model
):
    night = Night(django_user_model)
    night.accept(night.station)
    while protocols_publish():
        pass
    held, release = threading.Event(), threading.Event()

    def publication_holding_the_contest() -> None:
        with transaction.atomic():
            Contest.objects.select_for_update().get(pk=night.contest.pk)
            held.set()
            release.wait(timeout=30)
        connection.close()

    writer = threading.Thread(target=publication_holding_the_contest)
    writer.start()
    assert held.wait(timeout=30)
    try:
        assert contests_bring_up_to_date() == []  # SKIP LOCKED: no wait behind the writer
    finally:
        release.set()
        writer.join(timeout=30)
    assert contests_bring_up_to_date() == [night.contest.pk]
    assert not contests_needing_aggregation().exists()
