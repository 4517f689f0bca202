"""A decision that orders a recount changes a certified result only through the protocol
workflow: the recount is a correction of the version the complaint named, citing the decision,
approved by a second supervisor; nothing else reopens a certified result."""

import pytest
from django.urls import reverse

from common.errors import ApplicationError, StateConflict
from complaints.models import Complaint
from complaints.services import (
    complaint_decide,
    complaint_enter_recount,
    complaint_register,
    decision_reference,
)
from elections.models import Protocol
from elections.services.protocols import protocol_decide_correction
from elections.services.publication import protocols_publish
from elections.services.structure import election_change_status
from tests.clients import client_for
from tests.complaints.test_workflow import file_confirmed, filing
from tests.elections.conftest import good_numbers
from tests.elections.test_protocol_admin import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(night):
    night.original = night.accept(night.station)
    protocols_publish()
    election_change_status(election=night.election, to_status="certified", user=night.cec)
    return night


def upheld(night, **decision) -> Complaint:
    complaint = file_confirmed(
        election=night.election, level="territorial", station=night.station,
        contest=night.contest, protocol=night.original, filing=filing(),
    )  # fmt: skip
    complaint_register(complaint, user=night.supervisor)
    choices = {
        "outcome": "upheld", "remedy": "recount",
        "decision": "The count was not watched; the ballots are recounted.", **decision,
    }  # fmt: skip
    return complaint_decide(complaint, user=night.supervisor, **choices)


def test_a_recount_ordered_after_certification_becomes_a_linked_correction(certified):
    complaint = upheld(certified)
    page = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    recount = good_numbers(vote_1=390, vote_2=160)

    response = client_for(certified.supervisor).post(
        page, {**form_data(recount), "action": "recount"}
    )

    assert response.status_code == 302
    complaint.refresh_from_db()
    correction = complaint.correction
    assert (correction.status, correction.supersedes) == (
        Protocol.Status.CORRECTION, certified.original
    )  # fmt: skip
    assert correction.legal_basis == decision_reference(complaint)
    assert complaint.number in correction.legal_basis and complaint.decision_sha256[:16] in (
        correction.legal_basis
    )
    # The second supervisor approves it, as any correction: the new version stands.
    protocol_decide_correction(correction=correction, user=certified.supervisor2, approve=True)
    correction.refresh_from_db()
    assert correction.is_active and correction.status == Protocol.Status.ACCEPTED
    assert [v.votes for v in correction.votes.order_by("ballot_line__position")][:2] == [390, 160]


def test_the_recount_is_entered_once_and_only_when_ordered(certified):
    complaint = upheld(certified)
    complaint_enter_recount(
        complaint, user=certified.supervisor, data=good_numbers(vote_1=390, vote_2=160)
    )
    with pytest.raises(StateConflict):
        complaint_enter_recount(complaint, user=certified.supervisor, data=good_numbers())

    plain = file_confirmed(
        election=certified.election, level="territorial", station=certified.station,
        filing=filing(),
    )  # fmt: skip
    complaint_register(plain, user=certified.supervisor)
    complaint_decide(plain, user=certified.supervisor, outcome="dismissed", decision="No.")
    with pytest.raises(StateConflict):
        complaint_enter_recount(plain, user=certified.supervisor, data=good_numbers())


def test_a_recount_needs_an_upheld_decision_naming_the_standing_version(certified):
    with pytest.raises(ApplicationError) as refused:
        upheld(certified, outcome="dismissed")
    assert "remedy" in refused.value.errors

    unnamed = file_confirmed(
        election=certified.election, level="territorial", station=certified.station,
        filing=filing(),
    )  # fmt: skip
    complaint_register(unnamed, user=certified.supervisor)
    with pytest.raises(ApplicationError) as refused:
        complaint_decide(
            unnamed, user=certified.supervisor, outcome="upheld", decision="Yes.", remedy="recount"
        )
    assert "protocol" in refused.value.errors
    unnamed.refresh_from_db()
    assert unnamed.status == Complaint.Status.REGISTERED  # nothing half-saved
