"""A complaint from an observer's note to the public register, in the browser: the observer
files it from their note on a phone, the territorial commission's member registers it, schedules
its hearing and decides it in the admin, and the public register shows the decision."""

import pytest

from complaints.models import Complaint
from observers.models import Accreditation
from observers.services import (
    accreditation_apply,
    accreditation_decide,
    note_file,
    organisation_register,
    visit_check_in,
)
from tests.e2e.conftest import admin_log_in

pytestmark = pytest.mark.e2e
PASSWORD = "pw-long-enough-1"


def observer_with_a_note(night, django_user_model) -> Accreditation:
    organisation = organisation_register(
        name="Mission", kind="international", country="Norway", contact="mission@example.no"
    )
    account = django_user_model.objects.create_user("observer-1", password=PASSWORD)
    accreditation = accreditation_apply(
        election=night.election, organisation=organisation, role="observer",
        full_name="Ingrid Larsen", identity_document="NO1234567", account=account,
        regions=[night.station.region],
    )  # fmt: skip
    accreditation = accreditation_decide(accreditation=accreditation, user=night.cec, approve=True)
    visit_check_in(accreditation=accreditation, station=night.station)
    note_file(
        accreditation=accreditation, station=night.station, phase="counting",
        category="other", severity="violation",
        text="At 20:15 the chair sent all observers to stand by the door during the count.",
    )  # fmt: skip
    return accreditation


def test_an_observer_files_from_a_note_and_the_territorial_member_decides_it(
    page, live_server, live_night, django_user_model, screenshots
):
    night = live_night
    observer_with_a_note(night, django_user_model)

    # The observer, on a phone, opens their page and files a complaint from the note.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/observe/")
    page.fill("#id_username", "observer-1")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.click("text=File a complaint")
    assert page.input_value("#id_station_number") == str(night.station.number)
    assert "stand by the door" in page.input_value("#id_facts")
    page.select_option("#id_level", "territorial")
    page.fill("#id_complainant_contact", "ingrid@example.no")
    page.fill("#id_respondent", f"Precinct commission No. {night.station.number}, its chair")
    page.fill("#id_subject", "Observers were kept away from the count")
    page.fill("#id_claim", "Recognise the chair's action as unlawful and recount the ballots.")
    page.screenshot(path=screenshots / "complaint-filing.png", full_page=True)
    page.click("text=File the complaint")
    assert "Your complaint is filed" in page.locator("main").inner_text()
    complaint = Complaint.objects.get()
    assert (complaint.complainant_kind, complaint.note.text[:8], complaint.level) == (
        "observer", "At 20:15", "territorial"
    )  # fmt: skip

    # The territorial commission's member finds it in the queue and takes it through.
    page.set_viewport_size({"width": 1280, "height": 900})
    night.supervisor.set_password(PASSWORD)
    night.supervisor.is_staff = True
    night.supervisor.save()
    admin_log_in(page, live_server, night.supervisor, PASSWORD)
    page.goto(f"{live_server.url}/admin/complaints/complaint/")
    page.click(f"text=#{complaint.pk}")
    page.click("button[name=submit-register]")
    complaint.refresh_from_db()
    assert complaint.status == "registered" and complaint.number
    page.fill("#move-hearing input[name=hearing_at]", "2023-03-20T10:00")
    page.fill("#move-hearing input[name=hearing_place]", "Akimat, room 4")
    page.fill("#move-hearing input[name=hearing_link]", "https://meet.example.org/tec-3")
    page.click("button[name=submit-hearing]")
    page.select_option("#move-decide select[name=outcome]", "partly_upheld")
    page.fill(
        "#move-decide textarea[name=decision]",
        "The chair restricted observation unlawfully; the count itself was not disputed.",
    )
    page.screenshot(path=screenshots / "complaint-deciding.png", full_page=True)
    page.click("button[name=submit-decide]")
    assert "Decided" in page.locator("#complaint-status").inner_text()
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome, complaint.decided_by) == (
        "decided", "partly_upheld", night.supervisor
    )  # fmt: skip

    # Anyone sees it in the register: the decision and its hash, never the observer's name.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/complaints/")
    register = page.locator("main").inner_text()
    assert complaint.number in register and "Partly upheld" in register
    assert complaint.decision_sha256 in register
    assert "Ingrid Larsen" not in page.content() and "ingrid@example.no" not in page.content()
    page.screenshot(path=screenshots / "complaint-register.png", full_page=True)
