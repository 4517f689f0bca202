import pytest

from elections.models import Publication
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.e2e


def test_a_reader_drills_down_from_the_home_page_to_a_station(
    new_tab, live_server, live_night, screenshots
):
    # Real commits here: publication and totals run as each acceptance commits.
    live_night.accept(live_night.station)
    live_night.accept(live_night.neighbour, good_numbers(vote_1=300, vote_2=250))
    page = new_tab(viewport={"width": 390, "height": 844}, is_mobile=True)

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


def test_the_api_docs_render_under_the_content_security_policy(page, live_server, transactional_db):
    page.goto(f"{live_server.url}/api/docs/")

    page.wait_for_selector("text=/api/v1/results/")
    assert "default-src 'self'" in page.evaluate(
        "fetch(location.href).then(r => r.headers.get('content-security-policy'))"
    )
