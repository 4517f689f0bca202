from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from common import queue
from elections.models import ContestTally
from elections.selectors import contest_result
from elections.services.aggregation import (
    REFRESH_CONTESTS,
    contest_aggregate,
    contest_progress_count,
    contests_needing_aggregation,
    totals_differences,
)
from elections.services.protocols import (
    protocol_decide_correction,
    protocol_propose_correction,
    protocol_submit_entry,
)
from elections.services.publication import PUBLISH_PENDING, protocols_publish, queue_publication
from elections.services.structure import ballot_lines_set
from elections.tasks import sweep
from tests.elections.conftest import good_numbers
from tests.factories import PartyFactory, PartyListContestFactory

pytestmark = pytest.mark.django_db


def nation(night) -> ContestTally:
    return ContestTally.objects.get(contest=night.contest, area="nation")


def publish_and_total(night) -> None:
    """What the worker does after acceptances: publish them, then total the published."""
    protocols_publish()
    contest_aggregate(contest_id=night.contest.pk)


def votes(tally: ContestTally) -> list[int]:
    lines = tally.contest.ballot_lines.order_by("position")
    return [tally.votes.get(str(line.pk), 0) for line in lines]


def test_an_acceptance_queues_the_aggregation_after_commit(
    night, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        night.accept(night.station)

    # Publication is what the acceptance queues; publishing then re-aggregates the contest.
    assert queue_publication in callbacks
    tally = nation(night)
    assert (tally.stations_expected, tally.stations_reporting, tally.stations_accepted) == (3, 1, 1)
    assert (tally.l1_voters, tally.l7_valid) == (1000, 590)
    assert votes(tally) == [400, 150, 40]


def test_totals_are_sums_per_district_region_and_nation(night):
    night.accept(night.station)
    night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))
    night.accept(night.other_station, good_numbers(vote_1=100, vote_2=450))

    publish_and_total(night)

    assert votes(nation(night)) == [800, 850, 120]
    karaganda = ContestTally.objects.get(
        contest=night.contest, area=f"region:{night.station.region_id}"
    )
    assert votes(karaganda) == [700, 400, 80]
    assert karaganda.stations_accepted == 2
    district = ContestTally.objects.get(
        contest=night.contest, area=f"district:{night.station.district_id}"
    )
    assert district.l3_issued == 1200


def test_protocols_not_accepted_are_not_counted(night):
    night.accept(night.station)
    protocol_submit_entry(
        station=night.neighbour, contest=night.contest, user=night.cec, data=good_numbers()
    )
    flagged = good_numbers(l1_voters=610, l2_received=610, l4_cancelled=10)
    flagged.explanation = "many voters added on the day"
    night.accept(night.other_station, flagged)  # turnout 98 %: quarantined

    publish_and_total(night)

    tally = nation(night)
    assert (tally.stations_reporting, tally.stations_accepted, tally.stations_quarantined) == (
        3,
        1,
        1,
    )
    assert votes(tally) == [400, 150, 40]


def test_the_totals_follow_a_correction(night):
    original = night.accept(night.station)
    correction = protocol_propose_correction(
        protocol=original,
        user=night.supervisor,
        data=good_numbers(vote_1=390, vote_2=160),
        reason="recount",
    )
    protocol_decide_correction(correction=correction, user=night.supervisor2, approve=True)

    publish_and_total(night)

    assert votes(nation(night)) == [390, 160, 40]


def test_an_accepted_protocol_counts_once_it_is_published(night):
    night.accept(night.station)
    contest_aggregate(contest_id=night.contest.pk)  # its publication has not run yet
    assert nation(night).stations_accepted == 0

    publish_and_total(night)

    assert nation(night).stations_accepted == 1 and votes(nation(night)) == [400, 150, 40]


def test_running_twice_gives_the_same_totals(night):
    night.accept(night.station)
    publish_and_total(night)
    first = [(t.area, t.l7_valid, votes(t)) for t in ContestTally.objects.order_by("area")]

    publish_and_total(night)

    assert [(t.area, t.l7_valid, votes(t)) for t in ContestTally.objects.order_by("area")] == first


def test_the_sweep_finds_contests_whose_task_was_lost(night):
    night.accept(night.station)  # on_commit callbacks do not run here: the task is "lost"
    assert list(contests_needing_aggregation()) == [night.contest]

    assert sweep() == {"publications": 1, "aggregations": 1}  # eager: queued and run at once

    assert votes(nation(night)) == [400, 150, 40]
    assert not contests_needing_aggregation().exists()


def test_the_sweep_sends_its_runs_past_a_claim_a_lost_run_left(night):
    # A worker killed while it held the runs leaves their claims in the cache: the sweep must
    # not take them for runs still coming (they would hold the next back for QUEUED_SECONDS).
    night.accept(night.station)
    cache.set(queue.key(PUBLISH_PENDING), 1, timeout=600)
    cache.set(queue.key(REFRESH_CONTESTS), 1, timeout=600)

    sweep()

    assert votes(nation(night)) == [400, 150, 40]
    assert not contests_needing_aggregation().exists()


def test_verify_results_passes_on_true_totals_and_fails_on_tampered_ones(night):
    night.accept(night.station)
    sweep()
    out = StringIO()
    call_command("verify_results", stdout=out)
    assert "1 contest(s): tallies equal a recount; the publication chain verifies" in out.getvalue()

    tally = nation(night)
    tally.votes[str(night.lines[0].pk)] += 1000
    tally.save()
    out = StringIO()
    with pytest.raises(CommandError, match="1 difference"):
        call_command("verify_results", stdout=out)

    assert "votes is" in out.getvalue() and "nation" in out.getvalue()


def test_a_single_member_result_names_the_leader_provisionally(night):
    night.accept(night.station)
    night.accept(night.neighbour, good_numbers(vote_1=100, vote_2=450))
    publish_and_total(night)

    result = contest_result(night.contest)

    assert result.provisional and result.stations_accepted == 2
    assert (result.outcome.winner, result.outcome.leading_votes) == ("Bolat Omarov", 600)


def test_against_all_leading_elects_nobody_under_the_default_rule(night):
    night.accept(night.station, good_numbers(vote_1=100, vote_2=90, vote_3=400))
    publish_and_total(night)

    outcome = contest_result(night.contest).outcome

    assert (outcome.winner, outcome.against_all_leads) == (None, True)


def test_a_party_list_result_allocates_the_seats_from_the_totals(db):
    contest = PartyListContestFactory(seats=10, threshold_percent=5)
    parties = [PartyFactory(election=contest.election, short_name=n) for n in ("A", "B", "C")]
    ballot_lines_set(contest=contest, choices=parties)
    lines = contest.ballot_lines.order_by("position")
    votes = {str(line.pk): n for line, n in zip(lines, [600, 350, 30, 20], strict=True)}
    ContestTally.objects.create(contest=contest, level="nation", area="nation", votes=votes)

    result = contest_result(contest)

    assert [(row.name, row.percent, row.seats) for row in result.seats] == [
        ("A", Decimal("60.00"), 6), ("B", Decimal("35.00"), 4), ("C", Decimal("3.00"), 0)
    ]  # fmt: skip


def test_a_record_is_in_the_totals_from_its_publication_without_any_task(night):
    night.accept(night.station)
    contest_aggregate(contest_id=night.contest.pk)  # before the publication: counts nothing
    assert not contests_needing_aggregation().exists()

    protocols_publish()  # on_commit callbacks do not run here: no task follows

    assert votes(nation(night)) == [400, 150, 40] and nation(night).stations_accepted == 1
    assert not contests_needing_aggregation().exists()


def test_the_sweep_rebuilds_tallies_that_fell_behind_the_log(night):
    night.accept(night.station)
    protocols_publish()
    # What no service does: sums rolled back behind the record they say they include.
    ContestTally.objects.filter(contest=night.contest).update(
        publications_up_to=0, l7_valid=0, votes={}
    )
    assert list(contests_needing_aggregation()) == [night.contest]

    sweep()

    assert votes(nation(night)) == [400, 150, 40] and nation(night).l7_valid == 590
    assert not contests_needing_aggregation().exists()


def test_a_correction_counts_once_its_record_replaces_the_one_before(night):
    original = night.accept(night.station)
    protocols_publish()
    correction = protocol_propose_correction(
        protocol=original, user=night.supervisor, data=good_numbers(vote_1=390, vote_2=160),
        reason="recount",
    )  # fmt: skip
    protocol_decide_correction(correction=correction, user=night.supervisor2, approve=True)

    # Approved but not yet in the log: the published record still stands, and is counted.
    assert votes(nation(night)) == [400, 150, 40]

    protocols_publish()

    assert votes(nation(night)) == [390, 160, 40] and nation(night).stations_accepted == 1
    contest_progress_count(contest_id=night.contest.pk)  # the station counts: the task's part
    assert totals_differences([night.contest]) == []
