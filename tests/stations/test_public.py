import pytest
from django.core.cache import cache
from django.urls import reverse

from elections.tasks import HEARTBEAT_KEY
from tests.factories import RegionFactory, StationFactory

pytestmark = pytest.mark.django_db


def test_the_registry_page_sums_stations_and_voters_by_region(client):
    StationFactory(region__code="AKT", region__name_en="Aktobe Region", registered_voters=1000)
    StationFactory(region__code="AKT", registered_voters=500)

    response = client.get(reverse("stations:finder"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "2 polling stations, 1,500 registered voters." in content
    assert "Aktobe Region" in content


def test_the_registry_page_shows_region_names_in_the_chosen_language(client):
    RegionFactory(code="AKT", name_en="Aktobe Region", name_ru="Актюбинская область")

    response = client.get(reverse("stations:finder"), HTTP_ACCEPT_LANGUAGE="ru")

    assert "Актюбинская область" in response.content.decode()


def test_the_regions_api_lists_each_region_exactly(client):
    RegionFactory(code="AST", name_kk="Астана", name_ru="Астана", name_en="Astana", kind="city")

    response = client.get("/api/v1/regions/")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {"code": "AST", "name_kk": "Астана", "name_ru": "Астана", "name_en": "Astana",
         "kind": "city", "time_zone": "Asia/Almaty"}
    ]  # fmt: skip
    assert client.get("/api/v1/regions/XXX/").status_code == 404


def test_the_api_is_read_only_for_the_public(client):
    response = client.post("/api/v1/regions/", {"code": "NEW"})

    assert response.status_code in (401, 405)  # told to sign in, or that nothing is written


def test_the_health_check_reports_each_dependency(client):
    cache.delete(HEARTBEAT_KEY)  # no sweep has run: the embedded setup has no scheduler

    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {
        "healthy": True, "database": "ok", "cache": "ok", "queue": "ok",
        "heartbeat_age_seconds": None, "unpublished_acceptances": 0,
        "oldest_unpublished_acceptance_seconds": None, "degraded": [],
    }  # fmt: skip
