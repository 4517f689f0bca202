from datetime import time

import pytest
from django.urls import reverse

from tests.factories import RegionFactory, StationFactory

pytestmark = pytest.mark.django_db


def test_the_station_page_lists_every_ballot_in_order_with_local_hours(client, station):
    response = client.get(reverse("elections:station", args=[station.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Polling station 14" in text and "7 Abai street, Aktobe" in text
    assert "from 07:00 to 20:00 local time (Asia/Aqtobe, UTC+0500)" in text
    assert "Voters here receive 2 ballot papers" in text
    order = [
        "1. Mazhilis — party lists", "Amanat", "Auyl", "Against all",
        "2. Mazhilis district No. 10", "Dana Omarova", "Auyl", "Marat Seitov", "self-nominated",
        "Against all",
    ]  # fmt: skip
    cursor = 0
    for item in order:  # each must come after the one before; index() raises if it does not
        cursor = text.index(item, cursor) + 1
    assert "Step-free access" in text
    assert '<meta name="viewport"' in text


def test_a_station_opened_early_shows_its_own_hours(client, station):
    station.opening_time = time(6)
    station.save()

    response = client.get(reverse("elections:station", args=[station.pk]))

    assert "from 06:00 to 20:00 local time" in response.content.decode()


def test_a_missing_station_is_404(client, db):
    assert client.get(reverse("elections:station", args=[99999])).status_code == 404


def test_a_station_with_no_election_says_so(client):
    response = client.get(reverse("elections:station", args=[StationFactory().pk]))

    assert "No election is set up for this station yet." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"region": "AKT"}, True),
        ({"number": "14"}, True),
        ({"q": "abai aktobe"}, True),
        ({"q": "lyceum"}, True),
        ({"q": "abai almaty"}, False),
        ({"region": "AKT", "number": "15"}, False),
    ],
)
def test_the_finder_finds_a_station_by_region_number_or_address_words(
    client, station, query, found
):
    response = client.get(reverse("stations:finder"), query)

    assert response.status_code == 200
    assert (station.get_absolute_url() in response.content.decode()) is found


def test_the_finder_refuses_a_district_from_another_region(client, station):
    other = StationFactory(region=RegionFactory(code="PAV"))

    response = client.get(
        reverse("stations:finder"), {"region": "AKT", "district": other.district_id}
    )

    assert "This district is not in the chosen region." in response.content.decode()
