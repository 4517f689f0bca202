"""A complaint's history and a decided complaint's decision, rewritten from a shell: refused by
the database itself, on SQLite and on Postgres."""

import pytest
from django.db import IntegrityError, connection, transaction

from complaints.models import Complaint, ComplaintEvent
from complaints.services import (
    complaint_appeal,
    complaint_decide,
    complaint_register,
)
from tests.complaints.test_workflow import file_confirmed, filing

pytestmark = pytest.mark.django_db
BY_A_TRIGGER = "append-only|a decision is final"


def refused(attempt) -> None:
    with pytest.raises(IntegrityError, match=BY_A_TRIGGER), transaction.atomic():
        attempt()


def sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def decided(night) -> Complaint:
    complaint = file_confirmed(election=night.election, level="cec", filing=filing())
    complaint_register(complaint, user=night.cec)
    return complaint_decide(complaint, user=night.cec, outcome="dismissed", decision="Unfounded.")


def test_a_complaints_history_is_append_only(decided):
    event = decided.events.last()

    refused(lambda: ComplaintEvent.objects.filter(pk=event.pk).update(reason="nothing happened"))
    refused(lambda: ComplaintEvent.objects.filter(pk=event.pk).delete())
    refused(lambda: sql("DELETE FROM complaints_complaintevent WHERE id = %s", [event.pk]))

    assert decided.events.count() == 4  # filed, contact confirmed, registered, decided


def test_a_decision_rewritten_or_deleted_from_a_shell_is_refused(decided):
    refused(lambda: Complaint.objects.filter(pk=decided.pk).update(outcome="upheld"))
    refused(lambda: Complaint.objects.filter(pk=decided.pk).update(decision="Founded after all."))
    refused(lambda: sql("UPDATE complaints_complaint SET decision_sha256 = %s", ["0" * 64]))
    refused(lambda: Complaint.objects.filter(pk=decided.pk).update(status="under_review"))
    refused(lambda: Complaint.objects.filter(pk=decided.pk).update(complainant_kind="party"))
    refused(lambda: sql("DELETE FROM complaints_complaint WHERE id = %s", [decided.pk]))

    decided.refresh_from_db()
    assert (decided.outcome, decided.decision) == ("dismissed", "Unfounded.")


def test_a_decided_complaints_one_move_left_is_its_appeal(night):
    complaint = file_confirmed(
        election=night.election, level="territorial", filing=filing(), station=night.station
    )
    complaint_register(complaint, user=night.supervisor)
    complaint_decide(complaint, user=night.supervisor, outcome="dismissed", decision="No.")

    complaint_appeal(complaint, user=None, filing=filing())

    assert Complaint.objects.get(pk=complaint.pk).status == Complaint.Status.APPEALED
