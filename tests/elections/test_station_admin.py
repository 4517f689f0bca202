"""The station page in the admin: a station stays in its region, and where it was counted."""

import pytest
from django.contrib.auth import get_user_model

from tests.clients import client_for
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def change_page(night):
    root = get_user_model().objects.create_superuser("root", password="pw-long-enough-1")
    client = client_for(root)
    url = f"/admin/stations/station/{night.station.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: "" if value is None else value for name, value in form.initial.items()}
    return client, url, data


def test_a_district_of_another_region_is_refused_by_name(night):
    client, url, data = change_page(night)
    elsewhere = DistrictFactory(region=night.other_station.region)

    response = client.post(url, {**data, "district": elsewhere.pk})

    assert response.status_code == 200  # the form again, with its error
    assert "The district must be one of the station&#x27;s region." in response.content.decode()
    night.station.refresh_from_db()
    assert night.station.district_id != elsewhere.pk


@pytest.mark.parametrize("odd", ["abc", "204.0", str(10**20), "٣", "²"])
def test_an_id_that_is_no_id_is_a_400_naming_the_field_never_a_500(night, odd):
    client, url, data = change_page(night)

    response = client.post(url, {**data, "district": odd})

    assert response.status_code == 400
    night.station.refresh_from_db()
    assert night.station.district_id == data["district"]


def test_a_counted_station_shows_where_it_is_but_cannot_be_moved(night):
    night.accept(night.station)
    client, url, data = change_page(night)
    before = (night.station.region_id, night.station.district_id, night.station.number)

    page = client.get(url).content.decode()
    client.post(url, {**data, "number": 999, "district": DistrictFactory().pk})

    assert 'name="number"' not in page and 'name="district"' not in page
    night.station.refresh_from_db()
    assert (night.station.region_id, night.station.district_id, night.station.number) == before
