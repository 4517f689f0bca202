import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stations.importing import COLUMNS
from stations.models import Station
from tests.factories import RegionFactory, StationFactory

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "admin:stations_station_changelist",
    "admin:stations_region_changelist",
    "admin:stations_district_changelist",
    "admin:stations_station_import_csv",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_user_without_staff_status_cannot_open_the_admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("citizen", password="pw-123456x"))

    response = client.get(reverse("admin:stations_station_changelist"))

    assert response.status_code == 302


def test_staff_see_the_station_list_with_its_filters(staff_client):
    StationFactory(name="School-lyceum No. 12", region__code="AST")
    StationFactory(name="House of Culture", region__code="ALA")

    response = staff_client.get(reverse("admin:stations_station_changelist"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "School-lyceum No. 12" in content
    assert "By region" in content and "By kind" in content and "By district" in content
    assert "Import CSV" in content and "Export" in content


@pytest.mark.parametrize(
    ("query", "found"), [("12", True), ("lyceum", True), ("Kenesary", True), ("99", False)]
)
def test_staff_search_stations_by_number_name_and_address(staff_client, query, found):
    StationFactory(number=12, name="School-lyceum No. 3", address="4 Kenesary street, Astana")
    StationFactory(number=13, name="House of Culture", address="1 Abai street")

    response = staff_client.get(reverse("admin:stations_station_changelist"), {"q": query})

    assert response.status_code == 200
    assert ("School-lyceum No. 3" in response.content.decode()) is found


@pytest.mark.parametrize(
    "name", ["admin:stations_region_changelist", "admin:stations_district_changelist"]
)
def test_staff_see_regions_and_districts(staff_client, name):
    StationFactory(region__code="KAR", district__name="Karaganda")

    response = staff_client.get(reverse(name), {"q": "KAR" if "region" in name else "Karaganda"})

    assert response.status_code == 200
    assert ("KAR Region" if "region" in name else "Karaganda") in response.content.decode()


def csv_upload(rows: list[dict[str, str]]) -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("stations.csv", text.getvalue().encode(), content_type="text/csv")


def test_staff_import_a_csv_from_the_admin(staff_client):
    RegionFactory(code="PAV", time_zone="Asia/Almaty")
    upload = csv_upload(
        [{"region": "PAV", "district": "Pavlodar", "number": "5", "name": "School No. 5",
          "address": "1 Satpaev street, Pavlodar", "registered_voters": "2100"}]
    )  # fmt: skip

    response = staff_client.post(
        reverse("admin:stations_station_import_csv"), {"file": upload}, follow=True
    )

    assert response.status_code == 200
    assert "1 created, 0 updated, 0 unchanged, 1 new district(s)" in response.content.decode()
    assert Station.objects.get(number=5).district.name == "Pavlodar"


def test_a_bad_admin_import_lists_the_rows_and_saves_nothing(staff_client):
    RegionFactory(code="PAV")
    upload = csv_upload(
        [{"region": "PAV", "district": "Pavlodar", "number": "5", "name": "School No. 5",
          "address": "x", "registered_voters": "-3"}]
    )  # fmt: skip

    response = staff_client.post(reverse("admin:stations_station_import_csv"), {"file": upload})

    content = response.content.decode()
    assert response.status_code == 200
    assert "line 2: registered_voters: Ensure this value is greater than or equal to 0." in content
    assert "nothing was imported" in content
    assert not Station.objects.exists()


def test_the_admin_export_writes_the_import_format(staff_client):
    StationFactory(number=77, region__code="SKO", district__name="Petropavl")

    response = staff_client.post(
        reverse("admin:stations_station_export"),
        {"format": "0", "resource": "0", **{f"stationresource_{c}": "on" for c in COLUMNS}},
    )

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == COLUMNS
    assert (rows[0]["region"], rows[0]["district"], rows[0]["number"]) == ("SKO", "Petropavl", "77")
