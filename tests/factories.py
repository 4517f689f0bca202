import datetime

import factory

from elections.models import Candidate, Contest, Election, Party
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


class NamedFactory(factory.django.DjangoModelFactory):
    """A model with a name in every language: ``name=`` given to the factory is the English one."""

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        if "name" in kwargs:
            kwargs["name_en"] = kwargs.pop("name")
        return kwargs


class DistrictFactory(NamedFactory):
    class Meta:
        model = District

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"district-{n}")
    name_en = factory.Sequence(lambda n: f"District {n}")
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


class ElectionFactory(NamedFactory):
    class Meta:
        model = Election
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"election-{n}")
    name_en = factory.Sequence(lambda n: f"General election {n}")
    date = datetime.date(2023, 3, 19)


class PartyFactory(NamedFactory):
    class Meta:
        model = Party

    election = factory.SubFactory(ElectionFactory)
    short_name = factory.Sequence(lambda n: f"P{n}")
    name_en = factory.LazyAttribute(lambda p: f"Party {p.short_name}")
    registration_order = factory.Sequence(lambda n: n + 1)


class ContestFactory(NamedFactory):
    class Meta:
        model = Contest

    election = factory.SubFactory(ElectionFactory)
    code = factory.Sequence(lambda n: f"smd-{n}")
    name_en = factory.Sequence(lambda n: f"Single-member district No. {n}")
    body = Contest.Body.MAZHILIS
    kind = Contest.Kind.SINGLE_MEMBER


class PartyListContestFactory(ContestFactory):
    code = factory.Sequence(lambda n: f"list-{n}")
    name_en = "Mazhilis — party lists"
    kind = Contest.Kind.PARTY_LIST
    seats = 10
    threshold_percent = 5


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    election = factory.SubFactory(ElectionFactory)
    registration_number = factory.Sequence(lambda n: f"C{n:05d}")
    full_name = factory.Sequence(lambda n: f"Askar Candidate{n}ov")
    sex = Candidate.Sex.MALE
    date_of_birth = datetime.date(1975, 6, 1)
