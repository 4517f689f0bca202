"""An observer's copy of the protocol, in the browser: submitted from a phone with its photo,
transcribed blind by the organisation's data desk, and compared on the station's public page
with what was published."""

import pytest

from elections.services.publication import protocols_publish
from integrity.models import ProtocolCopy
from tests.e2e.conftest import Night
from tests.elections.conftest import good_numbers
from tests.integrity.test_copies import PNG, Mission

pytestmark = pytest.mark.e2e
PASSWORD = "pw-long-enough-1"
PHONE = {"width": 390, "height": 844}


def log_in(page, live_server, username: str, then: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/observe/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def type_figures(page, numbers: dict, votes: dict) -> None:
    for name, value in numbers.items():
        page.fill(f"#id_{name}", str(value))
    for position, value in votes.items():
        page.fill(f"#id_vote_{position}", str(value))


def test_a_copy_from_a_phone_is_transcribed_and_compared_on_the_station_page(
    page, live_server, live_night: Night, django_user_model, screenshots, tmp_path
):
    night = live_night
    night.accept(night.station, good_numbers(vote_1=430, vote_2=120))  # as it was published
    protocols_publish()
    mission = Mission(night, django_user_model)
    for user in (mission.observer, mission.desk):
        user.set_password(PASSWORD)
        user.save()
    photo = tmp_path / "protocol.png"
    photo.write_bytes(PNG)
    paper = good_numbers()  # what the paper given to the observer says: 400 and 150

    # The observer, on a phone, finds the station and its contest and types the paper's figures.
    page.set_viewport_size(PHONE)
    log_in(page, live_server, mission.observer.username, "/observe/copies/")
    page.click("text=Submit a copy")
    page.select_option("#id_region", night.station.region.code)
    page.fill("#id_number", str(night.station.number))
    page.click("text=Find the station")
    page.click(f"text={night.contest}")
    page.select_option("#id_source", "certified_copy")
    page.check("#id_signed_by_chair")
    page.check("#id_sealed")
    page.set_input_files("#id_images", str(photo))
    type_figures(page, paper.numbers, paper.votes)
    page.screenshot(path=screenshots / "copy-submitting.png", full_page=True)
    with page.expect_navigation():
        page.press("#id_vote_3", "Enter")  # the phone's keyboard's "Go"
    assert "transcribes it now" in page.locator("main").inner_text()
    copy = ProtocolCopy.objects.get()
    assert (copy.status, copy.signed_by_chair, copy.sealed) == ("awaiting_second", True, True)

    # The data desk transcribes it from the image, seeing nobody's figures.
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, mission.desk.username, "/observe/copies/")
    page.click("text=Transcribe")
    assert page.input_value("#id_vote_1") == ""  # blind
    type_figures(page, paper.numbers, paper.votes)
    page.click("text=Save the transcription")
    copy.refresh_from_db()
    assert copy.status == "transcribed"

    # Anyone sees on the station's page that the copy differs from the record, and where.
    page.context.clear_cookies()
    page.goto(
        f"{live_server.url}/results/{night.election.code}/stations/"
        f"{night.station.region.code}-{night.station.number}/"
    )
    panel = page.locator("main").inner_text()
    assert "1 copy" in panel
    assert "430" in panel and "400" in panel  # the published line and the copy's
    assert "Ingrid Larsen" not in page.content()
    page.screenshot(path=screenshots / "copy-compared.png", full_page=True)
