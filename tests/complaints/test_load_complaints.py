"""`load_complaints kz2023`: the reference election's complaints register, shaped like 2023's,
counted through the public register."""

from collections import Counter
from datetime import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from complaints.models import Complaint, ComplaintEvent
from complaints.register import public_complaints, public_row
from elections.models import Assignment, Election
from elections.services.staff import staff_assign
from observers.models import Accreditation
from observers.services import accreditation_apply, accreditation_decide, organisation_register
from stations.zones import ASTANA
from tests.conftest import rolled_back

OBSERVERS = ["Anna Novak", "Timur Kim", "Sofia Rossi"]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The reference election, a few accredited observers, and the command's first run: made
    once for this module and rolled back afterwards."""
    with rolled_back(django_db_blocker):
        call_command("load_reference", "kz2023", stdout=StringIO(), stderr=StringIO())
        election = Election.objects.get(code="kz2023")
        _accredit(election)
        out = StringIO()
        call_command("load_complaints", "kz2023", stdout=out)
        yield out.getvalue()


def _accredit(election) -> None:
    desk = get_user_model().objects.create_user("accreditation-desk")
    staff_assign(user=desk, role="cec")
    body = organisation_register(
        name="Test mission", kind="international", country="Poland", contact="a@b.example"
    )
    for name in OBSERVERS:
        accreditation = accreditation_apply(
            election=election, organisation=body, role="observer", full_name=name,
            identity_document="N12345678", at=datetime(2023, 3, 10, 12, 0, tzinfo=ASTANA),
        )  # fmt: skip
        if accreditation.status == Accreditation.Status.SUBMITTED:
            accreditation_decide(accreditation=accreditation, user=desk, approve=True)


@pytest.fixture
def register(loaded, db):
    return public_complaints(level="court")


def test_the_166_lawsuits_are_split_by_court_as_in_2023(register):
    assert register.count() == 166
    assert Counter(register.values_list("court", flat=True)) == {
        "supreme": 55, "administrative": 104, "district": 7,
    }  # fmt: skip
    rows = [public_row(complaint) for complaint in register]
    assert all(row["court_case"] and row["number"] for row in rows)
    assert sum(1 for row in rows if row["district"]) == 135  # against district commissions
    assert {row["complainant_kind"] for row in rows} == {"candidate", "party"}
    assert Counter(register.values_list("contest__body", flat=True))["mazhilis"] == 82


def test_their_fates_are_2023s(register):
    def count(**filters) -> int:
        return public_complaints(level="court", **filters).count()

    assert count(outcome="upheld") == 49
    assert count(outcome="dismissed") == 84
    assert count(outcome="not_considered") == 16
    assert count(status="withdrawn") == 15
    assert count(status="registered") == 2  # still before the courts
    dates = register.values_list("registered_at", "decided_at")
    assert all(
        datetime(2023, 1, 20, tzinfo=ASTANA) <= moment < datetime(2023, 4, 16, tzinfo=ASTANA)
        for pair in dates
        for moment in pair
        if moment
    )


def test_every_lawsuit_went_through_the_services_by_the_cecs_desk(register):
    desk = Assignment.objects.get(user__username="sim-complaints-desk").user
    withdrawn = register.filter(status="withdrawn")
    assert all(complaint.filed_by == desk for complaint in register)
    assert set(
        ComplaintEvent.objects.filter(complaint__in=withdrawn).values_list("action", flat=True)
    ) == {"filed", "registered", "withdrawn"}
    assert all(complaint.subject_on < complaint.registered_at.date() for complaint in register)


def test_election_day_complaints_from_observers_and_voters_are_decided_by_their_bodies(loaded, db):
    day = Complaint.objects.filter(level__in=["precinct", "territorial"])
    assert Counter(day.values_list("complainant_kind", flat=True)) == {"observer": 3, "voter": 18}
    assert set(day.filter(complainant_kind="observer").values_list("complainant_name", flat=True))
    assert Counter(day.values_list("status", flat=True))["suspended"] == 1
    assert day.filter(status="returned").count() == 1
    assert day.filter(status="decided").count() == day.count() - 2
    assert day.filter(hearing_at__isnull=False).exists()
    for complaint in day.exclude(status="returned"):
        registered_by = complaint.events.get(action="registered").user
        body = registered_by.assignments.get()
        assert body.role == complaint.level
        if complaint.level == "precinct":
            assert body.station == complaint.station
        if complaint.decided_at:
            assert complaint.decided_at < complaint.deadline  # decided in time


def test_the_command_prints_the_register(loaded):
    assert "Complaints: 187 in the register of kz2023." in loaded
    assert "Court: Supreme Court" in loaded and "Withdrawn" in loaded


def test_a_second_run_changes_nothing(loaded, db, django_user_model):
    before = snapshot(django_user_model)
    out = StringIO()

    call_command("load_complaints", "kz2023", stdout=out)

    assert "has a complaints register already: nothing added" in out.getvalue()
    assert snapshot(django_user_model) == before


def snapshot(django_user_model) -> tuple:
    return (
        list(Complaint.objects.order_by("pk").values_list("pk", "number", "status", "outcome")),
        ComplaintEvent.objects.count(),
        django_user_model.objects.count(),
        Assignment.objects.count(),
    )
