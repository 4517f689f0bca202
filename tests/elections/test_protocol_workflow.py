import pytest

from common.errors import NotAllowed, OutOfScope, StateConflict
from elections.models import Protocol, ProtocolEvent
from elections.services.protocols import (
    ProtocolInvalid,
    protocol_accept,
    protocol_decide_correction,
    protocol_propose_correction,
    protocol_resolve,
    protocol_return,
    protocol_submit_entry,
)
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.django_db


def enter(night, user, data=None, station=None):
    return protocol_submit_entry(
        station=station or night.station,
        contest=night.contest,
        user=user,
        data=data or good_numbers(),
    )


def history(protocol) -> list[tuple[str, str, str]]:
    return list(
        ProtocolEvent.objects.filter(protocol=protocol).values_list(
            "action", "from_status", "to_status"
        )
    )


def test_two_agreeing_blind_entries_accept_a_clean_protocol(night):
    first = enter(night, night.clerk)
    assert first.status == Protocol.Status.AWAITING_SECOND
    assert first.l7_valid is None  # nothing counts until two clerks agree

    protocol = enter(night, night.clerk2)

    assert protocol.status == Protocol.Status.ACCEPTED
    assert protocol.l7_valid == 590
    assert [v.votes for v in protocol.votes.all()] == [400, 150, 40]
    assert history(protocol) == [
        ("first entry", "", "awaiting_second"),
        ("second entry", "awaiting_second", "accepted"),
    ]


def test_the_same_clerk_cannot_make_the_second_entry(night):
    enter(night, night.clerk)

    with pytest.raises(NotAllowed, match="must be made by a different clerk"):
        enter(night, night.clerk)


def test_an_entry_breaking_a_control_relation_is_refused_and_nothing_is_saved(night):
    with pytest.raises(ProtocolInvalid) as refused:
        enter(night, night.clerk, good_numbers(l2_received=1200, l4_cancelled=250))

    assert refused.value.errors["l2_received"] == [
        "Ballots received (1,200) must equal issued (600) + cancelled (250) = 850"
    ]
    assert not Protocol.objects.exists()


def test_votes_must_match_the_ballot_lines_exactly(night):
    data = good_numbers()
    data.votes = {1: 400, 2: 150, 4: 40}

    with pytest.raises(ProtocolInvalid) as refused:
        enter(night, night.clerk, data)

    assert refused.value.errors["votes"] == [
        "the ballot has no line 4",
        "line 3 (Against all) needs a whole number of votes from 0 to 1,000,000",
    ]


def test_a_warning_needs_an_explanation_and_then_goes_to_review(night):
    data = good_numbers(l6_invalid=30, l7_valid=570, vote_1=380)
    with pytest.raises(
        ProtocolInvalid, match="explanation: explain before submitting: Invalid ballots"
    ):
        enter(night, night.clerk, data)

    data.explanation = "Many ballots marked for two candidates"
    enter(night, night.clerk, data)
    protocol = enter(night, night.clerk2, data)

    assert protocol.status == Protocol.Status.REVIEW
    assert [w["code"] for w in protocol.warnings] == ["many_invalid"]
    assert "Many ballots marked" in protocol.explanation

    accepted = protocol_accept(
        protocol=protocol, user=night.supervisor, comment="Checked the paper"
    )
    assert accepted.status == Protocol.Status.ACCEPTED
    assert accepted.decided_by == night.supervisor


def test_a_flagged_protocol_is_quarantined_until_a_supervisor_decides(night):
    enter(night, night.clerk)
    enter(night, night.clerk2)
    twin = good_numbers()
    enter(night, night.supervisor, twin, station=night.neighbour)

    protocol = enter(night, night.cec, twin, station=night.neighbour)

    assert protocol.status == Protocol.Status.REVIEW and protocol.quarantined
    assert protocol.flags[0]["message"].startswith(
        "The votes are identical, line by line, to those of station 101"
    )


def test_accepting_a_review_needs_a_comment(night):
    data = good_numbers(l1_voters=1200, l2_received=1200, l4_cancelled=600)
    data.explanation = "Register updated on the day"
    enter(night, night.clerk, data)
    protocol = enter(night, night.clerk2, data)

    with pytest.raises(ProtocolInvalid, match="comment: say why"):
        protocol_accept(protocol=protocol, user=night.supervisor, comment=" ")


def test_mismatched_entries_go_to_a_supervisor_who_picks_per_field(night):
    enter(night, night.clerk)
    protocol = enter(night, night.clerk2, good_numbers(vote_1=410, vote_2=140))
    assert protocol.status == Protocol.Status.MISMATCH
    assert protocol.votes.count() == 0

    resolved = protocol_resolve(
        protocol=protocol, user=night.supervisor, choices={"vote:1": 1, "vote:2": 1}
    )

    assert resolved.status == Protocol.Status.ACCEPTED
    assert [v.votes for v in resolved.votes.all()] == [400, 150, 40]
    first, second = resolved.entries.order_by("round")
    assert (first.error_fields, second.error_fields) == ([], ["vote:1", "vote:2"])


def test_every_differing_field_must_be_chosen(night):
    enter(night, night.clerk)
    protocol = enter(night, night.clerk2, good_numbers(vote_1=410, vote_2=140))

    with pytest.raises(ProtocolInvalid, match="choose entry 1 or 2 for vote:2"):
        protocol_resolve(protocol=protocol, user=night.supervisor, choices={"vote:1": 1})


def test_a_returned_protocol_is_entered_twice_afresh(night):
    enter(night, night.clerk)
    protocol = enter(night, night.clerk2, good_numbers(vote_1=410, vote_2=140))

    protocol_return(
        protocol=protocol, user=night.supervisor, reason="Illegible copy; ask for the original"
    )
    again = enter(night, night.clerk2)
    again = enter(night, night.clerk)

    assert again.status == Protocol.Status.ACCEPTED
    assert again.cycle == 2
    assert again.entries.count() == 4  # the first round's typing is kept


def test_precinct_staff_cannot_review_and_outsiders_cannot_see(night):
    enter(night, night.clerk)
    protocol = enter(night, night.clerk2, good_numbers(vote_1=410, vote_2=140))

    with pytest.raises(NotAllowed):
        protocol_return(protocol=protocol, user=night.clerk, reason="x")
    with pytest.raises(OutOfScope):
        protocol_return(protocol=protocol, user=night.outsider, reason="x")
    with pytest.raises(OutOfScope):
        enter(night, night.outsider)
    with pytest.raises(NotAllowed):
        enter(night, night.auditor)


def test_an_accepted_protocol_takes_no_more_entries(night):
    enter(night, night.clerk)
    enter(night, night.clerk2)

    with pytest.raises(StateConflict, match="is accepted; it takes no entry now"):
        enter(night, night.supervisor)


def test_a_correction_is_a_new_version_approved_by_another_supervisor(night):
    enter(night, night.clerk)
    original = enter(night, night.clerk2)
    fixed = good_numbers(vote_1=390, vote_2=160)

    correction = protocol_propose_correction(
        protocol=original, user=night.supervisor, data=fixed, reason="Court ruling 12/3: recount"
    )
    assert (correction.version, correction.status, correction.is_active) == (2, "correction", False)
    with pytest.raises(NotAllowed, match="other than the one who proposed it"):
        protocol_decide_correction(correction=correction, user=night.supervisor, approve=True)

    approved = protocol_decide_correction(
        correction=correction, user=night.supervisor2, approve=True
    )

    original.refresh_from_db()
    assert (original.status, original.is_active) == ("superseded", False)
    assert (approved.status, approved.is_active) == ("accepted", True)
    assert [v.votes for v in approved.votes.all()] == [390, 160, 40]
    assert [v.votes for v in original.votes.all()] == [400, 150, 40]  # never changed


def test_entries_are_only_taken_while_the_election_is_counting(night):
    night.election.status = "certified"
    night.election.save()

    with pytest.raises(StateConflict, match="protocols are entered while the election is counting"):
        enter(night, night.clerk)
