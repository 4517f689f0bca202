"""Observers' copies: submitted with an image, transcribed twice and blind, and compared with the
published record after either side changes."""

from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.errors import ApplicationError, NotAllowed, OutOfScope
from elections.services.publication import protocols_publish
from integrity.checking import discrepancies_refresh
from integrity.models import Discrepancy, ProtocolCopy
from integrity.services import copy_submit, copy_transcribe
from integrity.tasks import sweep
from observers.services import accreditation_apply, accreditation_decide, organisation_register
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class Mission:
    """An organisation with an accredited observer and a coordinator (its data desk)."""

    def __init__(self, night, django_user_model, name="Mission", regions=()):
        self.organisation = organisation_register(
            name=name, kind="international", country="Norway", contact="m@example.no"
        )
        self.observer = django_user_model.objects.create_user(f"{name}-observer")
        accreditation = accreditation_apply(
            election=night.election, organisation=self.organisation, role="observer",
            full_name="Ingrid Larsen", identity_document="NO1234567", account=self.observer,
            regions=list(regions),  # none: nationwide
        )  # fmt: skip
        accreditation_decide(accreditation=accreditation, user=night.cec, approve=True)
        self.desk = django_user_model.objects.create_user(f"{name}-desk")
        self.organisation.coordinators.add(self.desk)


@pytest.fixture
def mission(night, django_user_model) -> Mission:
    return Mission(night, django_user_model)


def photo(content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile("copy.png", content, "image/png")


def submit(night, mission, data=None, **fields) -> ProtocolCopy:
    values = {"source": "certified_copy", "images": [photo()], **fields}
    return copy_submit(
        station=night.station, contest=night.contest, user=mission.observer,
        data=data or good_numbers(), **values,
    )  # fmt: skip


def test_two_blind_transcriptions_that_agree_set_the_copys_figures(night, mission):
    copy = submit(night, mission, signed_by_chair=True, sealed=True)
    assert copy.status == "awaiting_second" and copy.l7_valid is None

    copy = copy_transcribe(copy=copy, user=mission.desk, data=good_numbers())

    assert copy.status == "transcribed" and copy.l7_valid == 590
    assert copy.votes == {"1": 400, "2": 150, "3": 40} and copy.control_errors == []
    assert len(copy.images.get().sha256) == 64


def test_the_same_person_does_not_transcribe_twice_and_a_difference_starts_a_new_round(
    night, mission
):
    copy = submit(night, mission)
    with pytest.raises(NotAllowed):
        copy_transcribe(copy=copy, user=mission.observer, data=good_numbers())

    copy = copy_transcribe(copy=copy, user=mission.desk, data=good_numbers(vote_1=401, vote_3=39))
    assert copy.status == "mismatch" and copy.l7_valid is None
    copy = copy_transcribe(copy=copy, user=mission.desk, data=good_numbers())
    assert (copy.status, copy.cycle) == ("awaiting_second", 2)
    copy = copy_transcribe(copy=copy, user=mission.observer, data=good_numbers())
    assert copy.status == "transcribed"


def test_a_copy_is_taken_as_the_paper_says_even_if_it_breaks_the_control_relations(night, mission):
    broken = good_numbers(l7_valid=600)
    copy = submit(night, mission, data=broken)
    copy = copy_transcribe(copy=copy, user=mission.desk, data=broken)
    assert copy.status == "transcribed"
    assert copy.control_errors == ["found_balance", "valid_balance"]


def test_what_is_refused_is_named_and_nothing_is_saved(night, mission, django_user_model):
    with pytest.raises(ApplicationError) as refused:
        submit(night, mission, data=replace(good_numbers(), numbers={}), images=[])
    assert {"images", "l1_voters"} <= set(refused.value.errors)
    with pytest.raises(ApplicationError) as refused:
        submit(night, mission, images=[photo(b"<svg onload=alert(1)>")])
    assert "images" in refused.value.errors
    with pytest.raises(NotAllowed):
        copy_submit(
            station=night.station, contest=night.contest, user=night.clerk,
            source="certified_copy", data=good_numbers(), images=[photo()],
        )  # fmt: skip
    other = Mission(night, django_user_model, name="Other")
    copy = submit(night, mission)
    with pytest.raises(OutOfScope):
        copy_transcribe(copy=copy, user=other.desk, data=good_numbers())
    assert ProtocolCopy.objects.count() == 1


def test_a_copy_differing_from_the_published_record_is_found_and_resolved_when_it_no_longer_holds(
    night, mission
):
    night.accept(night.station, good_numbers(vote_1=430, vote_2=120))  # rewritten at entry
    protocols_publish()
    copy = submit(night, mission)
    copy_transcribe(copy=copy, user=mission.desk, data=good_numbers())  # checks after commit

    discrepancies_refresh(night.station, night.contest)
    found = Discrepancy.objects.get(rule="copy_differs")
    assert (found.copy, found.status, found.severity) == (copy, "open", "high")
    assert found.detail["favours_leader"] is True

    Discrepancy.objects.filter(pk=found.pk).update(status="explained")
    ProtocolCopy.objects.filter(pk=copy.pk).update(votes={"1": 430, "2": 120, "3": 40})
    discrepancies_refresh(night.station, night.contest)
    found.refresh_from_db()
    assert found.status == "resolved"


def test_the_sweep_checks_what_was_published_since_it_last_ran(night, mission):
    copy = submit(night, mission)
    copy_transcribe(copy=copy, user=mission.desk, data=good_numbers())
    assert sweep() == 1  # unpublished: checked on the clock
    night.accept(night.station, good_numbers(vote_1=430, vote_2=120))
    protocols_publish()

    assert sweep() == 1
    assert Discrepancy.objects.filter(rule="copy_differs", status="open").count() == 1
    assert sweep() == 0  # nothing new


# --- what the red team found ------------------------------------------------------------------


def test_one_image_submitted_for_a_second_station_flags_both(
    night, mission, django_capture_on_commit_callbacks
):
    shared = PNG + b"the same photo"
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(night, mission, images=[photo(shared)])
    with django_capture_on_commit_callbacks(execute=True):
        copy_submit(
            station=night.neighbour, contest=night.contest, user=mission.observer,
            source="certified_copy", data=good_numbers(), images=[photo(shared)],
        )  # fmt: skip
    flagged = set(Discrepancy.objects.filter(rule="image_reused").values_list("station", flat=True))
    assert flagged == {night.station.pk, night.neighbour.pk} and first.station == night.station


def test_an_observer_submits_copies_only_where_their_accreditation_reaches(
    night, django_user_model
):
    regional = Mission(night, django_user_model, name="Regional", regions=[night.station.region])
    with pytest.raises(NotAllowed):  # accredited for KAR; PAV's station is elsewhere
        copy_submit(
            station=night.other_station, contest=night.contest, user=regional.observer,
            source="certified_copy", data=good_numbers(), images=[photo()],
        )  # fmt: skip
    assert not ProtocolCopy.objects.exists()


def test_a_discrepancy_is_linked_only_to_a_complaint_about_its_station(night, mission):
    from complaints.services import Filing, complaint_confirm_contact, complaint_file
    from integrity.services import discrepancy_explain

    night.accept(night.station, good_numbers(vote_1=430, vote_2=120))
    protocols_publish()
    copy = submit(night, mission)
    copy_transcribe(copy=copy, user=mission.desk, data=good_numbers())
    discrepancies_refresh(night.station, night.contest)
    row = Discrepancy.objects.get(rule="copy_differs")
    filing = Filing(
        complainant_kind="observer", complainant_name="Ingrid Larsen",
        complainant_contact="i@example.no", respondent="PEC 101", subject="Figures rewritten",
        subject_on=night.election.date, facts="The copy says 400.", claim="Recount.",
    )  # fmt: skip
    unrelated = complaint_confirm_contact(
        complaint_file(election=night.election, level="cec", filing=filing)
    )
    with pytest.raises(ApplicationError):
        discrepancy_explain(discrepancy=row, user=night.supervisor, complaint=unrelated)
    about_it = complaint_confirm_contact(complaint_file(
        election=night.election, level="territorial", station=night.station, filing=filing,
    ))  # fmt: skip
    row = discrepancy_explain(discrepancy=row, user=night.supervisor, complaint=about_it)
    assert (row.status, row.complaint) == ("complaint", about_it)
