"""Accreditation's rules and transitions, and who may file what in the field."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.errors import NotAllowed, OutOfScope, StateConflict
from elections.services.staff import staff_assign
from elections.services.structure import election_change_status
from observers.models import Accreditation, AccreditationEvent, Note, Organisation
from observers.services import (
    Refused,
    accreditation_apply,
    accreditation_decide,
    accreditation_revoke,
    accreditations_expire,
    note_file,
    organisation_decide,
    organisation_register,
    visit_check_in,
    visit_check_out,
)
from tests.factories import ElectionFactory, RegionFactory, StationFactory

pytestmark = pytest.mark.django_db
BEFORE_DEADLINE = datetime(2023, 3, 10, 9, 0, tzinfo=UTC)
ON_THE_DAY = datetime(2023, 3, 19, 6, 0, tzinfo=UTC)


class World:
    """An election with its 13 March deadline, two regions, a station in each, and the CEC."""

    def __init__(self, django_user_model):
        from elections.services.structure import ballot_lines_set, contest_cover_stations
        from tests.factories import CandidateFactory, ContestFactory

        self.election = ElectionFactory(
            code="obs",
            accreditation_closes=datetime(2023, 3, 13, 12, 0, tzinfo=UTC),  # 18:00 Astana (UTC+6)
        )
        self.north, self.south = RegionFactory(code="AKM"), RegionFactory(code="TUR")
        self.station = StationFactory(region=self.north, number=11)
        self.far = StationFactory(region=self.south, number=22)
        self.elsewhere = StationFactory(region=self.north, number=33)  # not in the election
        contest = ContestFactory(election=self.election)
        ballot_lines_set(
            contest=contest,
            choices=[CandidateFactory(election=self.election, contest=contest)],
        )
        contest_cover_stations(contest=contest, stations=[self.station, self.far])
        self.cec = django_user_model.objects.create_user("cec")
        staff_assign(user=self.cec, role="cec")
        self.north_commission = django_user_model.objects.create_user("north")
        staff_assign(user=self.north_commission, role="territorial", region=self.north)

    def organisation(self, kind="international", **fields) -> Organisation:
        fields.setdefault("region", None)
        if kind == "domestic":
            fields.setdefault("charter_extract", SimpleUploadedFile("charter.pdf", b"%PDF"))
            fields.setdefault("observation_in_charter", True)
        return organisation_register(
            name=f"{kind} body", kind=kind, country="Kazakhstan", contact="a@b.kz", **fields
        )

    def apply(self, organisation, role="observer", **fields) -> Accreditation:
        fields.setdefault("at", BEFORE_DEADLINE)
        return accreditation_apply(
            election=self.election, organisation=organisation, role=role,
            full_name=fields.pop("full_name", "Aliya Nurova"),
            identity_document=fields.pop("identity_document", "N12345678"), **fields,
        )  # fmt: skip

    def observer(self, **fields) -> Accreditation:
        accreditation = self.apply(self.organisation(), **fields)
        return accreditation_decide(accreditation=accreditation, user=self.cec, approve=True)


def refused(field: str):
    return pytest.raises(Refused, match=f"^{field}: ")


def test_an_international_observer_is_approved_with_a_badge_and_a_history(world):
    accreditation = world.observer()

    assert accreditation.status == "approved" and len(accreditation.code) == 8
    history = AccreditationEvent.objects.filter(accreditation=accreditation)
    assert [(e.from_status, e.to_status, e.user) for e in history] == [
        ("", "submitted", None),
        ("submitted", "approved", world.cec),
    ]


def test_applications_close_at_the_elections_deadline(world):
    organisation = world.organisation()
    with refused("election") as error:
        world.apply(organisation, at=datetime(2023, 3, 13, 12, 1, tzinfo=UTC))
    assert "13 March 2023 at 18:00 (Astana time)" in str(error.value)
    assert not Accreditation.objects.exists()


def test_a_domestic_organisation_must_be_accredited_with_observation_in_its_charter(world):
    with refused("charter_extract"):
        organisation_register(name="X", kind="domestic", country="Kazakhstan", contact="x")
    pending = world.organisation("domestic")
    with refused("organisation") as error:
        world.apply(pending)
    assert "is not accredited (submitted)" in str(error.value)

    no_charter = world.organisation("domestic", observation_in_charter=False)
    with refused("observation_in_charter"):
        organisation_decide(organisation=no_charter, user=world.cec, approve=True)

    accredited = organisation_decide(organisation=pending, user=world.cec, approve=True)
    assert accredited.status == "accredited" and accredited.valid_until is not None
    assert world.apply(accredited).status == "submitted"


def test_a_regional_organisation_is_decided_by_its_regions_commission_only(world):
    regional = world.organisation("domestic", region=world.south)
    with pytest.raises(NotAllowed, match="region's territorial commission"):
        organisation_decide(organisation=regional, user=world.north_commission, approve=True)
    northern = organisation_decide(
        organisation=world.organisation("domestic", region=world.north),
        user=world.north_commission,
        approve=True,
    )

    with refused("regions"):
        world.apply(northern, regions=[world.south])
    person = world.apply(northern)
    assert list(person.regions.all()) == [world.north]  # its people observe its region


def test_a_refusal_needs_its_reason(world):
    organisation = world.organisation("domestic")
    with refused("reason"):
        organisation_decide(organisation=organisation, user=world.cec, approve=False)
    application = world.apply(world.organisation())
    with refused("reason"):
        accreditation_decide(accreditation=application, user=world.cec, approve=False)
    rejected = accreditation_decide(
        accreditation=application, user=world.cec, approve=False, reason="duplicate application"
    )
    assert (rejected.status, rejected.reason) == ("rejected", "duplicate application")


def test_a_partys_observer_is_registered_without_approval(world):
    assert world.apply(world.organisation("party")).status == "approved"


def test_journalists_need_an_accredited_media_outlet_and_bring_one_interpreter(world):
    with refused("role") as error:
        world.apply(world.organisation(), role="journalist")
    assert "through an accredited media outlet" in str(error.value)
    outlet = world.organisation("media")
    with refused("organisation"):
        world.apply(outlet, role="journalist")
    outlet = organisation_decide(organisation=outlet, user=world.cec, approve=True)
    journalist = world.apply(outlet, role="journalist")

    with refused("interpreter_for"):
        world.apply(outlet, role="interpreter")
    world.apply(outlet, role="interpreter", interpreter_for=journalist, full_name="Interpreter")
    with refused("interpreter_for") as error:
        world.apply(outlet, role="interpreter", interpreter_for=journalist, full_name="Second")
    assert "already has an interpreter" in str(error.value)


def test_only_the_cec_decides_and_only_allowed_transitions_happen(world):
    application = world.apply(world.organisation())
    with pytest.raises(NotAllowed):
        accreditation_decide(accreditation=application, user=world.north_commission, approve=True)
    approved = accreditation_decide(accreditation=application, user=world.cec, approve=True)
    with pytest.raises(StateConflict, match="approved cannot become approved"):
        accreditation_decide(accreditation=approved, user=world.cec, approve=True)
    with refused("reason"):
        accreditation_revoke(accreditation=approved, user=world.cec, reason=" ")
    revoked = accreditation_revoke(accreditation=approved, user=world.cec, reason="misconduct")
    assert revoked.status == "revoked"


def test_approvals_end_with_the_final_results(world):
    stays = world.observer(full_name="Stays to the end")
    assert accreditations_expire() == 0

    for status in ("polling", "counting", "certified"):
        election_change_status(election=world.election, to_status=status, user=None)
    assert accreditations_expire() == 1
    stays.refresh_from_db()
    assert stays.status == "expired"


def test_an_observer_checks_in_and_out_and_files_a_note(world):
    accreditation = world.observer()
    visit = visit_check_in(accreditation=accreditation, station=world.station, at=ON_THE_DAY)
    with pytest.raises(StateConflict, match="check out of station 11 first"):
        visit_check_in(accreditation=accreditation, station=world.far, at=ON_THE_DAY)

    note = note_file(
        accreditation=accreditation, station=world.station, phase="opening", category="seal",
        severity="concern", text="One seal was loose", at=ON_THE_DAY,
        checklist={"ballot_boxes_sealed": False, "secret_vote_possible": True},
        photos=[SimpleUploadedFile("box.jpg", b"\xff\xd8\xffjpeg")],
    )  # fmt: skip
    visit = visit_check_out(accreditation=accreditation, at=ON_THE_DAY.replace(hour=8))

    assert visit.left.hour == 8
    assert note.photos.count() == 1 and note.checklist["ballot_boxes_sealed"] is False


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ("revoked", NotAllowed, "yours is revoked"),
        ("submitted", NotAllowed, "yours is submitted"),
        ("certified", NotAllowed, "the results are final"),
        ("out_of_scope", OutOfScope, "outside the regions of your accreditation"),
        ("not_in_election", OutOfScope, "does not vote in"),
    ],
)
def test_a_note_from_someone_who_may_not_file_it_is_refused_and_nothing_saved(
    world, change, error, message
):
    accreditation = world.observer(regions=[world.north])
    station, at = world.station, ON_THE_DAY
    if change == "revoked":
        accreditation_revoke(accreditation=accreditation, user=world.cec, reason="misconduct")
        accreditation.refresh_from_db()
    elif change == "submitted":
        accreditation = world.apply(world.organisation())
    elif change == "certified":
        for status in ("polling", "counting", "certified"):
            election_change_status(election=world.election, to_status=status, user=None)
        accreditation.refresh_from_db()
    elif change == "out_of_scope":
        station = world.far
    else:
        station = world.elsewhere

    with pytest.raises(error, match=message):
        note_file(
            accreditation=accreditation, station=station, phase="voting", category="other",
            severity="information", text="…", at=at,
        )  # fmt: skip
    assert not Note.objects.exists()


def test_a_note_names_what_is_wrong_with_it(world):
    accreditation = world.observer()

    def file(**fields):
        values = {"phase": "voting", "category": "other", "severity": "information", "text": "ok"}
        return note_file(
            accreditation=accreditation, station=world.station, at=ON_THE_DAY,
            **(values | fields),
        )  # fmt: skip

    with refused("phase"):
        file(phase="lunch")
    with refused("text"):
        file(text=" ")
    with refused("checklist"):
        file(checklist={"free_coffee": True})
    with refused("photos"):
        file(photos=[SimpleUploadedFile("virus.exe", b"MZ")])
    assert not Note.objects.exists()
