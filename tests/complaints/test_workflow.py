"""The complaint workflow: each move and each refusal, through the services."""

import hashlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from common.errors import ApplicationError, NotAllowed, StateConflict
from complaints.models import Complaint
from complaints.services import (
    Filing,
    complaint_appeal,
    complaint_confirm_contact,
    complaint_decide,
    complaint_file,
    complaint_overdue,
    complaint_register,
    complaint_resubmit,
    complaint_resume,
    complaint_return,
    complaint_schedule_hearing,
    complaint_suspend,
    complaint_withdraw,
)

pytestmark = pytest.mark.django_db
S = Complaint.Status
ALMATY = ZoneInfo("Asia/Almaty")


def filing(**changes) -> Filing:
    values = {
        "complainant_kind": "observer", "complainant_name": "Saule Akhmetova",
        "complainant_contact": "saule@example.org", "respondent": "Precinct commission No. 101",
        "subject": "Observers were kept 10 m from the count", "subject_on": date(2023, 3, 19),
        "facts": "At 20:15 the chair asked all observers to stand by the door.",
        "claim": "Recognise the action as unlawful and recount the ballots.",
    }  # fmt: skip
    return Filing(**{**values, **changes})


def file_confirmed(**arguments) -> Complaint:
    """A complaint filed, and its complainant's address confirmed (as a voter does by opening
    the link mailed to them; an account holder's filing is confirmed by the login)."""
    return complaint_confirm_contact(complaint_file(**arguments))


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=ALMATY)


@pytest.fixture
def filed(night) -> Complaint:
    return file_confirmed(
        election=night.election, level="territorial", filing=filing(), station=night.station,
        respondent_user=night.supervisor2,
    )  # fmt: skip


def test_a_registered_complaint_has_a_number_and_is_due_in_five_days_in_the_bodys_zone(
    night, filed
):
    night.election.date = date(2023, 3, 19)
    night.election.save()
    complaint_register(filed, user=night.supervisor, at=at(2023, 3, 1, 10, 0))

    filed.refresh_from_db()
    assert filed.status == S.REGISTERED and filed.number.endswith("-T-00001")
    assert (filed.region, filed.district) == (night.station.region, night.station.district)
    assert filed.deadline == at(2023, 3, 7, 0, 0)  # midnight closing the fifth day, in Almaty
    assert [e.action for e in filed.events.all()] == ["filed", "contact confirmed", "registered"]


def received(night, moment: datetime) -> Complaint:
    with time_machine.travel(moment, tick=False):
        return file_confirmed(
            election=night.election, level="territorial", filing=filing(), station=night.station
        )


def test_a_complaint_received_on_voting_day_is_due_within_hours(night):
    night.election.date = date(2023, 3, 19)
    night.election.save()
    complaint = received(night, at(2023, 3, 19, 20, 30))
    complaint_register(complaint, user=night.supervisor, at=at(2023, 3, 19, 21, 0))

    assert complaint.deadline == at(2023, 3, 20, 21, 0)


def test_the_window_is_read_from_when_it_was_received_not_registered(night):
    night.election.date = date(2023, 3, 19)
    night.election.save()
    complaint = received(night, at(2023, 3, 14, 18, 0))  # five days before: not immediately
    complaint_register(complaint, user=night.supervisor, at=at(2023, 3, 15, 9, 0))

    assert complaint.deadline == at(2023, 3, 21, 0, 0)


def test_a_complaint_is_returned_with_every_defect_and_a_second_defective_one_is_not_considered(
    night, filed
):
    with pytest.raises(ApplicationError) as refused:
        complaint_return(filed, user=night.supervisor, defects=[" "], resubmit_by=at(2023, 3, 5))
    assert "defects" in refused.value.errors

    complaint_return(
        filed, user=night.supervisor, defects=["no date of the action", "no signature"],
        resubmit_by=at(2023, 3, 5, 18, 0),
    )  # fmt: skip
    assert filed.status == S.RETURNED and filed.defects == ["no date of the action", "no signature"]

    complaint_resubmit(filed, user=None, filing=filing(claim="Recount."), at=at(2023, 3, 5, 17, 0))
    assert (filed.status, filed.claim, filed.defects) == (S.FILED, "Recount.", [])

    complaint_return(
        filed, user=night.supervisor, defects=["still unsigned"], resubmit_by=at(2023, 3, 9)
    )
    assert filed.status == S.NOT_CONSIDERED


def test_a_returned_complaint_resubmitted_after_its_date_is_not_considered(night, filed):
    complaint_return(
        filed, user=night.supervisor, defects=["no claim"], resubmit_by=at(2023, 3, 5, 18, 0)
    )

    complaint_resubmit(filed, user=None, filing=filing(), at=at(2023, 3, 5, 18, 1))

    assert filed.status == S.NOT_CONSIDERED


def test_a_hearing_a_suspension_for_a_court_and_the_review_resumed(night, filed):
    complaint_register(filed, user=night.supervisor)
    with pytest.raises(ApplicationError):
        complaint_schedule_hearing(filed, user=night.supervisor, at=at(2023, 3, 20, 10), place="")

    complaint_schedule_hearing(
        filed, user=night.supervisor, at=at(2023, 3, 20, 10, 0), place="Room 4, akimat",
        link="https://meet.example.org/tec-3",
    )  # fmt: skip
    assert filed.status == S.UNDER_REVIEW

    with pytest.raises(ApplicationError) as refused:
        complaint_suspend(filed, user=night.supervisor, court_case="")
    assert "court_case" in refused.value.errors
    complaint_suspend(filed, user=night.supervisor, court_case="7594-23-00-4/215")
    assert (filed.status, filed.court_case) == (S.SUSPENDED, "7594-23-00-4/215")
    with pytest.raises(StateConflict):  # no decision while the court hears it
        complaint_decide(filed, user=night.supervisor, outcome="dismissed", decision="No.")

    complaint_resume(filed, user=night.supervisor)
    assert filed.status == S.UNDER_REVIEW


def test_a_decision_gives_its_reasons_and_its_hash(night, filed):
    complaint_register(filed, user=night.supervisor)
    with pytest.raises(ApplicationError) as refused:
        complaint_decide(filed, user=night.supervisor, outcome="upheld", decision="  ")
    assert "decision" in refused.value.errors
    with pytest.raises(ApplicationError):
        complaint_decide(filed, user=night.supervisor, outcome="granted", decision="Because.")

    complaint_decide(
        filed, user=night.supervisor, outcome="partly_upheld", decision="The chair erred."
    )

    assert (filed.status, filed.outcome, filed.decided_by) == (
        S.DECIDED,
        "partly_upheld",
        night.supervisor,
    )
    assert filed.decision_sha256 == hashlib.sha256(b"The chair erred.").hexdigest()


def test_a_member_may_not_decide_a_complaint_against_themselves(night, filed):
    complaint_register(filed, user=night.supervisor)

    with pytest.raises(NotAllowed):
        complaint_decide(filed, user=night.supervisor2, outcome="dismissed", decision="Not me.")
    assert Complaint.objects.get(pk=filed.pk).status == S.REGISTERED


def test_a_decision_is_appealed_to_the_next_body_within_the_window_only(night, filed):
    complaint_register(filed, user=night.supervisor)
    complaint_decide(
        filed, user=night.supervisor, outcome="dismissed", decision="Observers stood 3 m away.",
        at=at(2023, 3, 20, 12, 0),
    )  # fmt: skip

    with pytest.raises(StateConflict) as late:
        complaint_appeal(filed, user=None, filing=filing(), at=at(2023, 3, 31, 0, 1))
    assert "appeal_of" in late.value.errors

    appeal = complaint_appeal(filed, user=None, filing=filing(), at=at(2023, 3, 30, 23, 50))
    assert (appeal.level, appeal.appeal_of, appeal.status) == ("cec", filed, S.FILED)
    assert Complaint.objects.get(pk=filed.pk).status == S.APPEALED


def test_the_cecs_decisions_are_appealed_in_court(night):
    complaint = file_confirmed(election=night.election, level="cec", filing=filing())
    complaint_register(complaint, user=night.cec)
    complaint_decide(complaint, user=night.cec, outcome="dismissed", decision="Unfounded.")

    with pytest.raises(StateConflict):
        complaint_appeal(complaint, user=None, filing=filing())


def test_withdrawn_at_any_open_state_and_never_after_the_decision(night, filed):
    complaint_withdraw(filed, user=None, reason="settled")
    assert filed.status == S.WITHDRAWN

    other = file_confirmed(election=night.election, level="cec", filing=filing())
    complaint_register(other, user=night.cec)
    complaint_decide(other, user=night.cec, outcome="upheld", decision="Founded.")
    with pytest.raises(StateConflict):
        complaint_withdraw(other, user=None)


def test_a_move_the_table_does_not_allow_is_refused(night, filed):
    with pytest.raises(StateConflict) as refused:
        complaint_decide(filed, user=night.supervisor, outcome="upheld", decision="Founded.")
    assert refused.value.extra["status"] == S.FILED
    assert Complaint.objects.get(pk=filed.pk).status == S.FILED


def test_the_body_addressed_names_where_it_sits(night):
    with pytest.raises(ApplicationError) as refused:
        file_confirmed(election=night.election, level="precinct", filing=filing())
    assert "station" in refused.value.errors


def test_overdue_is_computed_from_the_deadline(night, filed):
    complaint_register(filed, user=night.supervisor, at=at(2023, 3, 1, 10, 0))

    assert not complaint_overdue(filed, now=filed.deadline - timedelta(minutes=1))
    assert complaint_overdue(filed, now=filed.deadline)
    complaint_decide(
        filed, user=night.supervisor, outcome="dismissed", decision="Late, but decided."
    )
    assert not complaint_overdue(filed, now=filed.deadline + timedelta(days=3))


def test_only_a_filing_is_returned_and_never_twice_in_a_row(night, filed):
    complaint_return(filed, user=night.supervisor, defects=["no claim"], resubmit_by=at(2023, 3, 5))

    with pytest.raises(StateConflict):  # returned already: no second return without a refiling
        complaint_return(
            filed, user=night.supervisor, defects=["still"], resubmit_by=at(2023, 3, 9)
        )
    assert Complaint.objects.get(pk=filed.pk).status == S.RETURNED


def test_the_respondent_takes_no_part_in_any_move(night, filed):
    with pytest.raises(NotAllowed):
        complaint_register(filed, user=night.supervisor2)
    with pytest.raises(NotAllowed):
        complaint_return(filed, user=night.supervisor2, defects=["x"], resubmit_by=at(2023, 3, 5))
    complaint_register(filed, user=night.supervisor)
    with pytest.raises(NotAllowed):
        complaint_schedule_hearing(filed, user=night.supervisor2, at=at(2023, 3, 20), place="Hall")
    with pytest.raises(NotAllowed):
        complaint_suspend(filed, user=night.supervisor2, court_case="1/23")


def test_only_the_complainant_withdraws_mends_or_appeals(night):
    complaint = file_confirmed(
        election=night.election, level="cec", filing=filing(), user=night.clerk
    )
    with pytest.raises(NotAllowed):
        complaint_withdraw(complaint, user=night.clerk2)
    complaint_withdraw(complaint, user=night.clerk)
    assert complaint.status == S.WITHDRAWN


def test_a_stale_copy_cannot_move_a_complaint_twice(night, filed):
    stale = Complaint.objects.get(pk=filed.pk)
    complaint_register(filed, user=night.supervisor)

    with pytest.raises(StateConflict):
        complaint_register(stale, user=night.supervisor)
    assert Complaint.objects.get(pk=filed.pk).events.filter(action="registered").count() == 1


def test_a_hearing_needs_a_web_address_and_moving_it_is_on_record(night, filed):
    complaint_register(filed, user=night.supervisor)
    with pytest.raises(ApplicationError) as refused:
        complaint_schedule_hearing(
            filed, user=night.supervisor, at=at(2023, 3, 20), place="Hall",
            link="javascript:alert(1)",
        )  # fmt: skip
    assert "hearing_link" in refused.value.errors

    complaint_schedule_hearing(filed, user=night.supervisor, at=at(2023, 3, 20), place="Hall")
    complaint_schedule_hearing(filed, user=night.supervisor, at=at(2023, 3, 21), place="Room 2")
    assert [e.action for e in filed.events.all()][-2:] == ["hearing scheduled", "hearing moved"]

    complaint_suspend(filed, user=night.supervisor, court_case="1/23")
    with pytest.raises(StateConflict):  # no hearing while the court hears it: resume first
        complaint_schedule_hearing(filed, user=night.supervisor, at=at(2023, 3, 22), place="Hall")


def test_a_suspended_complaint_is_not_overdue(night, filed):
    complaint_register(filed, user=night.supervisor, at=at(2023, 3, 1, 10, 0))
    complaint_suspend(filed, user=night.supervisor, court_case="1/23")

    assert not complaint_overdue(filed, now=filed.deadline + timedelta(days=1))


def test_the_clock_stops_while_a_court_hears_the_matter(night, filed):
    complaint_register(filed, user=night.supervisor, at=at(2023, 3, 1, 10, 0))
    due = filed.deadline
    complaint_suspend(filed, user=night.supervisor, court_case="1/23", at=at(2023, 3, 3, 12, 0))
    complaint_resume(filed, user=night.supervisor, at=at(2023, 3, 5, 12, 0))

    filed.refresh_from_db()
    assert filed.deadline == due + timedelta(days=2)  # two days waited for the court
    assert filed.suspended_at is None
