"""The reference night's recount (complaints.reference): an upheld complaint orders it, and the
corrected version stands, approved by a second member of the territorial commission."""

import pytest

from complaints.reference import _recount_plans
from elections.services.publication import protocols_publish

pytestmark = pytest.mark.django_db


def test_the_night_orders_one_recount_that_becomes_the_stations_corrected_version(night):
    original = night.accept(night.station)
    protocols_publish()
    notices: list[str] = []

    (plan,) = _recount_plans(night.election, notices)
    complaint = plan.enter()

    assert not notices
    correction = complaint.correction
    assert (complaint.outcome, complaint.remedy, complaint.protocol) == (
        "upheld", "recount", original
    )  # fmt: skip
    assert correction.is_active and correction.supersedes == original
    assert complaint.number in correction.legal_basis
    moved = {v.ballot_line.position: v.votes for v in correction.votes.all()}
    assert (moved[1], moved[2]) == (400 - 5, 150 + 5)
    approver = correction.decided_by
    assert approver != correction.proposed_by and approver.assignments.get().role == "territorial"
