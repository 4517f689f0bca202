import factory

from stations.models import District, Region, Station


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"R{n:02d}")
    name_kk = factory.LazyAttribute(lambda r: f"{r.code} облысы")
    name_ru = factory.LazyAttribute(lambda r: f"{r.code} область")
    name_en = factory.LazyAttribute(lambda r: f"{r.code} Region")
    kind = Region.Kind.OBLAST
    time_zone = "Asia/Almaty"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"district-{n}")
    name = factory.Sequence(lambda n: f"District {n}")
    kind = District.Kind.DISTRICT


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station

    region = factory.SubFactory(RegionFactory)
    district = factory.SubFactory(DistrictFactory, region=factory.SelfAttribute("..region"))
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Secondary school No. {n}")
    address = "12 Abai street, Semey"
    time_zone = factory.SelfAttribute("region.time_zone")
    registered_voters = 1500
