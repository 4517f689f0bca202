import pytest

from observers.models import Accreditation, Note
from tests.e2e.conftest import admin_log_in
from tests.observers.test_accreditation import World

pytestmark = pytest.mark.e2e
PASSWORD = "pw-long-enough-1"


def test_accreditation_from_registration_to_a_note_from_the_field(
    page, live_server, transactional_db, django_user_model, screenshots
):
    world = World(django_user_model)
    world.election.accreditation_closes = None  # applications are open today
    world.election.save()
    world.cec.set_password(PASSWORD)
    world.cec.save()
    account = django_user_model.objects.create_user("new-observer", password=PASSWORD)

    # The commission registers the organisation and the application, then approves it.
    admin_log_in(page, live_server, world.cec, PASSWORD)
    page.goto(f"{live_server.url}/admin/observers/organisation/add/")
    page.fill("#id_name", "Nordic Observation Mission")
    page.select_option("#id_kind", "international")
    page.fill("#id_country", "Norway")
    page.fill("#id_contact", "mission@example.no")
    page.click("input[name=_save]")
    page.goto(f"{live_server.url}/admin/observers/accreditation/add/")
    page.select_option("#id_election", str(world.election.pk))
    page.select_option("#id_organisation", label="Nordic Observation Mission")
    page.select_option("#id_role", "observer")
    page.fill("#id_full_name", "Ingrid Larsen")
    page.fill("#id_identity_document", "NO1234567")
    page.select_option("#id_regions", label=world.north.name)
    page.fill("#id_user", str(account.pk))
    page.click("input[name=_save]")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "approve")
    page.click("button[name=index]")
    assert "1" in page.locator(".messagelist").inner_text()  # the count, in any wording

    # Anyone checks the badge at the door.
    accreditation = Accreditation.objects.get(full_name="Ingrid Larsen")
    assert accreditation.status == Accreditation.Status.APPROVED
    page.goto(f"{live_server.url}/verify/{accreditation.code}/")
    assert "Valid" in page.content() and "NO1234567" not in page.content()

    # The observer logs in on a phone, checks in and files a note.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/observe/")
    page.fill("#id_username", "new-observer")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.select_option("#id_region", world.north.code)
    page.fill("#id_number", str(world.station.number))
    page.click("button[name=check_in]")
    assert f"At station {world.station.number}" in page.locator("h2#here").inner_text()
    page.click("text=File a note")
    page.select_option("#id_phase", "voting")
    page.select_option("#id_category", "overcrowding")
    page.select_option("#id_severity", "concern")
    page.fill("#id_text", "Forty people queueing in a narrow corridor")
    page.select_option("#id_check_secret_vote_possible", "yes")
    page.click("text=File the note")
    assert "Note filed for station" in page.locator("main").inner_text()
    page.screenshot(path=screenshots / "observer-note.png", full_page=True)

    note = Note.objects.get()
    assert (note.accreditation, note.station, note.checklist) == (
        accreditation, world.station, {"secret_vote_possible": True}
    )  # fmt: skip
