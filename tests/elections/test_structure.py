from datetime import date

import pytest
from django.db import IntegrityError, transaction

from elections.models import BallotLine, Candidate, Contest, ContestStation, Election
from elections.services.structure import (
    BallotError,
    CoverageError,
    ElectionStatusError,
    PartyListError,
    ballot_lines_set,
    contest_cover_stations,
    election_change_status,
    party_list_set,
)
from tests.factories import (
    CandidateFactory,
    ContestFactory,
    ElectionFactory,
    PartyFactory,
    PartyListContestFactory,
    StationFactory,
)

pytestmark = pytest.mark.django_db


def test_an_election_moves_through_its_statuses_in_order_and_keeps_the_history(admin_user):
    election = ElectionFactory()

    for status in ["polling", "counting", "certified"]:
        election = election_change_status(
            election=election, to_status=status, user=admin_user, reason=f"to {status}"
        )

    assert election.status == Election.Status.CERTIFIED
    history = list(
        election.status_changes.values_list("from_status", "to_status", "user", "reason")
    )
    assert history == [
        ("setup", "polling", admin_user.pk, "to polling"),
        ("polling", "counting", admin_user.pk, "to counting"),
        ("counting", "certified", admin_user.pk, "to certified"),
    ]


@pytest.mark.parametrize(
    ("start", "target", "message"),
    [
        ("setup", "counting", "an election in setup cannot move to counting; allowed: polling"),
        ("polling", "setup", "an election in polling cannot move to setup; allowed: counting"),
        ("certified", "counting", "allowed: none: it is final"),
    ],
)
def test_a_status_move_out_of_order_is_refused_and_nothing_is_recorded(start, target, message):
    election = ElectionFactory()
    Election.objects.filter(pk=election.pk).update(status=start)

    with pytest.raises(ElectionStatusError, match=message):
        election_change_status(election=election, to_status=target, user=None)

    election.refresh_from_db()
    assert election.status == start
    assert not election.status_changes.exists()


def test_against_all_is_added_once_and_last():
    contest = PartyListContestFactory()
    parties = [PartyFactory(election=contest.election) for _ in range(3)]

    ballot_lines_set(contest=contest, choices=parties)

    lines = list(contest.ballot_lines.all())
    assert [line.position for line in lines] == [1, 2, 3, 4]
    assert [line.party for line in lines[:3]] == parties
    assert lines[-1].is_against_all and lines[-1].party is None
    assert [line.is_against_all for line in lines].count(True) == 1


def test_the_database_refuses_a_second_against_all_line():
    contest = ContestFactory()
    ballot_lines_set(contest=contest, choices=[])

    with pytest.raises(IntegrityError), transaction.atomic():
        BallotLine.objects.create(contest=contest, position=2, is_against_all=True)


def test_a_ballot_lists_only_what_its_kind_allows():
    contest = ContestFactory()
    party = PartyFactory(election=contest.election)
    outsider = CandidateFactory(
        election=contest.election, contest=ContestFactory(election=contest.election)
    )

    with pytest.raises(BallotError, match="a Single-member district ballot lists candidates"):
        ballot_lines_set(contest=contest, choices=[party])
    with pytest.raises(BallotError, match="is not registered in"):
        ballot_lines_set(contest=contest, choices=[outsider])


def test_ballots_are_frozen_once_the_election_leaves_setup():
    contest = ContestFactory()
    candidate = CandidateFactory(election=contest.election, contest=contest)
    ballot_lines_set(contest=contest, choices=[candidate])
    election_change_status(election=contest.election, to_status="polling", user=None)
    contest.refresh_from_db()

    with pytest.raises(BallotError, match="is in polling; ballots are frozen"):
        ballot_lines_set(contest=contest, choices=[])

    assert contest.ballot_lines.count() == 2


def test_a_station_is_covered_by_one_contest_of_each_body_and_kind():
    election = ElectionFactory()
    station = StationFactory()
    first = ContestFactory(election=election, name="District No. 1")
    contest_cover_stations(contest=first, stations=[station])
    same_kind = ContestFactory(election=election)
    other_kind = PartyListContestFactory(election=election)

    with pytest.raises(CoverageError, match="is already in District No. 1"):
        contest_cover_stations(contest=same_kind, stations=[station])
    assert contest_cover_stations(contest=other_kind, stations=[station]) == 1
    assert contest_cover_stations(contest=first, stations=[station]) == 0  # already there


def test_the_database_itself_refuses_double_coverage():
    election = ElectionFactory()
    station = StationFactory()
    contest_cover_stations(contest=ContestFactory(election=election), stations=[station])

    with pytest.raises(IntegrityError), transaction.atomic():
        ContestStation.objects.create(
            contest=ContestFactory(election=election),
            station=station,
            election=election,
            body=Contest.Body.MAZHILIS,
            kind=Contest.Kind.SINGLE_MEMBER,
        )


def people(election, party, *, women=0, men=0, **extra):
    return [
        CandidateFactory(election=election, party=party, sex=sex, **extra)
        for sex in ["F"] * women + ["M"] * men
    ]


def test_a_list_that_meets_the_quota_is_registered_in_order():
    contest = PartyListContestFactory(seats=10)
    party = PartyFactory(election=contest.election)
    candidates = people(contest.election, party, women=4, men=9)

    party_list = party_list_set(contest=contest, party=party, candidates=candidates)

    assert [e.candidate for e in party_list.entries.all()] == candidates


def test_a_list_below_the_quota_is_refused_with_the_numbers():
    contest = PartyListContestFactory(seats=10)
    party = PartyFactory(election=contest.election)

    with pytest.raises(PartyListError) as refused:
        party_list_set(
            contest=contest, party=party, candidates=people(contest.election, party, women=2, men=8)
        )

    assert (
        "quota: 2 of 10 candidates (20.0 %) are women, under 29 or persons with disabilities; "
        "at least 30 % (3) are required"
    ) in refused.value.message
    assert not contest.party_lists.exists()


def test_young_people_and_persons_with_disabilities_count_for_the_quota_once_each():
    contest = PartyListContestFactory(seats=10)
    party = PartyFactory(election=contest.election)
    under_29 = people(contest.election, party, men=1, date_of_birth=date(1994, 3, 20))
    disabled_woman = people(contest.election, party, women=1, has_disability=True)
    just_29 = people(contest.election, party, men=1, date_of_birth=date(1994, 3, 19))

    with pytest.raises(PartyListError, match=r"quota: 2 of 7 candidates \(28.6 %\)"):
        party_list_set(
            contest=contest,
            party=party,
            candidates=under_29 + disabled_woman + just_29 + people(contest.election, party, men=4),
        )


def test_a_list_longer_than_seats_times_1_3_is_refused():
    contest = PartyListContestFactory(seats=10)
    party = PartyFactory(election=contest.election)

    with pytest.raises(
        PartyListError,
        match=r"length: the list has 14 names; at most 13 are allowed \(10 seats × 1.3\)",
    ):
        party_list_set(
            contest=contest, party=party, candidates=people(contest.election, party, women=14)
        )


def test_the_mazhilis_list_may_hold_90_names():
    assert Contest(seats=69).max_list_length == 90


def test_a_duplicate_or_a_non_member_is_refused():
    contest = PartyListContestFactory(seats=10)
    party, rival = PartyFactory(election=contest.election), PartyFactory(election=contest.election)
    [twice] = people(contest.election, party, women=1)
    [outsider] = people(contest.election, rival, women=1)

    with pytest.raises(PartyListError) as refused:
        party_list_set(contest=contest, party=party, candidates=[twice, twice, outsider])

    assert f"duplicate: {twice} is at positions 1 and 2" in refused.value.message
    assert f"membership: {outsider} (position 3) is not on {party}'s roll" in refused.value.message


def test_age_is_counted_on_election_day():
    candidate = Candidate(date_of_birth=date(1994, 3, 20))

    assert candidate.age_on(date(2023, 3, 19)) == 28
    assert candidate.age_on(date(2023, 3, 20)) == 29
