import pytest
from django.db.models import Sum

from stations.models import District, Region, Station
from stations.reference import load_dataset, reference_stations_load
from stations.zones import known_time_zones
from tests.conftest import rolled_back

DATA = load_dataset("kz2023")


@pytest.fixture(scope="module")
def first_report(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        yield reference_stations_load(name="kz2023")


@pytest.fixture
def stations(first_report, db):
    return Station.objects.all()


def test_it_builds_the_10233_stations_of_2023(first_report, stations):
    assert (first_report.created, first_report.updated, first_report.unchanged) == (10_233, 0, 0)
    assert stations.count() == 10_233
    assert stations.abroad().count() == 77
    assert stations.abroad().values("country").distinct().count() == 62
    assert Region.objects.exclude(kind=Region.Kind.ABROAD).count() == 20


def test_the_registers_add_up_to_the_national_register(stations):
    assert stations.aggregate(v=Sum("registered_voters"))["v"] == DATA["register"]["national"]
    assert (
        stations.abroad().aggregate(v=Sum("registered_voters"))["v"] == DATA["register"]["abroad"]
    )
    for item in DATA["regions"]:
        region = Region.objects.get(code=item["code"])
        assert region.stations.count() == item["stations_estimate"]
        assert (
            region.stations.aggregate(v=Sum("registered_voters"))["v"] == item["register_estimate"]
        )
    assert not stations.filter(registered_voters=0).exists()


def test_a_few_percent_are_closed_and_every_zone_is_real(stations):
    assert 0.01 < stations.closed().count() / stations.count() < 0.06
    assert set(stations.values_list("time_zone", flat=True)) <= known_time_zones()


def test_each_local_maslikhat_has_its_district_and_cities_have_boroughs(stations):
    oblast_districts = District.objects.filter(region__kind=Region.Kind.OBLAST)
    assert oblast_districts.count() == DATA["contests"]["local_maslikhats"]["count"]
    assert District.objects.filter(region__code="ALA", kind="city_district").count() == 8


def test_stations_abroad_keep_their_host_zone(stations):
    embassy = stations.abroad().get(district__name_en="Japan")
    assert (embassy.country, embassy.time_zone) == ("JP", "Asia/Tokyo")
    assert stations.get(region__code="AKT", number=1).time_zone == "Asia/Aqtobe"


def test_a_second_load_changes_nothing(stations):
    before = list(stations.order_by("pk").values_list())

    report = reference_stations_load(name="kz2023")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 10_233)
    assert list(stations.order_by("pk").values_list()) == before
