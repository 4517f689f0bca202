from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from stations.models import District, Region, Station
from stations.reference import load_dataset
from stations.zones import known_time_zones

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_reference", "kz2023", stdout=out, stderr=StringIO())
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(Station.objects.order_by("pk").values_list())


def test_the_reference_registry_has_the_2023_stations_and_a_second_load_changes_nothing():
    data = load_dataset("kz2023")

    out = load()

    assert "10233 created" in out
    stations = Station.objects.all()
    assert stations.count() == 10_233
    assert stations.abroad().count() == 77
    assert stations.abroad().values("country").distinct().count() == 62
    assert Region.objects.exclude(kind=Region.Kind.ABROAD).count() == 20
    assert stations.aggregate(v=Sum("registered_voters"))["v"] == data["register"]["national"]
    assert (
        stations.abroad().aggregate(v=Sum("registered_voters"))["v"] == data["register"]["abroad"]
    )
    for item in data["regions"]:
        region = Region.objects.get(code=item["code"])
        assert region.stations.count() == item["stations_estimate"]
        assert (
            region.stations.aggregate(v=Sum("registered_voters"))["v"] == item["register_estimate"]
        )
    assert 0.01 < stations.closed().count() / stations.count() < 0.06
    assert set(stations.values_list("time_zone", flat=True)) <= known_time_zones()
    # Each district/city maslikhat of an oblast has its district; cities have boroughs.
    oblast_districts = District.objects.filter(region__kind=Region.Kind.OBLAST).count()
    assert oblast_districts == data["contests"]["local_maslikhats"]["count"]
    assert not stations.filter(registered_voters=0).exists()

    before, first_updated = snapshot(), Station.objects.order_by("-updated").first().updated
    out = load()

    assert "0 created, 0 updated, 10233 unchanged" in out
    assert snapshot() == before
    assert Station.objects.order_by("-updated").first().updated == first_updated


def test_stations_abroad_keep_their_host_zone():
    load()

    embassy = Station.objects.abroad().get(district__name="Japan")
    assert (embassy.country, embassy.time_zone) == ("JP", "Asia/Tokyo")
    assert Station.objects.get(region__code="AKT", number=1).time_zone == "Asia/Aqtobe"


def test_an_unknown_dataset_is_refused_with_the_known_names():
    with pytest.raises(CommandError, match="no reference dataset 'kz1999'; known: kz2023"):
        call_command("load_reference", "kz1999")
