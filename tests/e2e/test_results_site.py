import pytest

from elections.models import Publication
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.e2e


def test_a_reader_drills_down_from_the_home_page_to_a_station(
    browser, live_server, live_night, screenshots
):
    # Real commits here: publication and totals run as each acceptance commits.
    live_night.accept(live_night.station)
    live_night.accept(live_night.neighbour, good_numbers(vote_1=300, vote_2=250))
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()

    page.goto(f"{live_server.url}/results/")
    assert page.locator("h1").inner_text() == live_night.election.name
    assert "2 of 3 stations" in page.content()
    page.click(f"section[aria-labelledby=regions] >> text={live_night.station.region.name}")
    page.click(f"h2 >> text={live_night.contest.name}")
    page.click(f"text={live_night.station.district.name}")
    page.click("text=Station 101")

    assert page.url.endswith("/results/night/stations/KAR-101/")
    publication = Publication.objects.get(protocol__station=live_night.station)
    assert publication.sha256 in page.content()
    page.click("text=Русский")
    assert "Строки протокола" in page.content()
    page.screenshot(path=screenshots / "results-station.png", full_page=True)
    phone.close()
