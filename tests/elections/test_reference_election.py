from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max
from django.utils import translation

from elections.models import BallotLine, Candidate, Contest, ContestStation, Election, PartyList
from elections.services.structure import party_list_problems
from stations.models import District, Region, Station
from tests.conftest import rolled_back


@pytest.fixture(scope="module")
def first_load(django_db_setup, django_db_blocker):
    """Load the whole reference election once for this module, and roll it back afterwards."""
    with rolled_back(django_db_blocker):
        out = StringIO()
        call_command("load_reference", "kz2023", stdout=out, stderr=StringIO())
        yield out.getvalue()


@pytest.fixture
def election(first_load, db) -> Election:
    return Election.objects.get(code="kz2023")


def test_it_makes_the_3131_contests_of_2023(election):
    kinds = Counter(election.contests.values_list("body", "kind"))

    assert election.contests.count() == 3131
    assert kinds == {
        ("mazhilis", "party_list"): 1,
        ("mazhilis", "single_member"): 29,
        ("regional_maslikhat", "party_list"): 20,
        ("regional_maslikhat", "single_member"): 334,
        ("local_maslikhat", "single_member"): 2747,
    }
    assert (
        election.contests.filter(body="local_maslikhat").values("district").distinct().count()
        == 203
    )
    assert election.contests.get(code="mazhilis-list").seats == 69
    assert election.status == Election.Status.SETUP


def test_every_station_gets_5_ballots_in_an_oblast_4_in_a_city_and_1_abroad(election):
    expected = {Region.Kind.OBLAST: 5, Region.Kind.CITY: 4, Region.Kind.ABROAD: 1}
    per_station = Station.objects.annotate(n=Count("coverage")).values_list("region__kind", "n")

    assert Counter(per_station) == Counter(
        {
            (kind, expected[kind]): Station.objects.filter(region__kind=kind).count()
            for kind in expected
        }
    )


def test_the_mazhilis_districts_are_numbered_cities_first_and_never_cross_a_region(election):
    districts = election.contests.filter(body="mazhilis", kind="single_member").order_by("number")
    regions = [d.region.code for d in districts[:7]]

    assert regions == ["AST", "AST", "ALA", "ALA", "ALA", "SHY", "SHY"]
    for contest in districts:
        assert set(contest.stations.values_list("region", flat=True)) == {contest.region_id}


def test_every_ballot_ends_with_one_against_all_and_lists_what_its_kind_allows(election):
    lines = BallotLine.objects.filter(contest__election=election)
    last = lines.values("contest").annotate(last=Max("position"))

    assert lines.filter(is_against_all=True).count() == 3131
    assert set(lines.filter(is_against_all=True).values_list("contest", "position")) == {
        (row["contest"], row["last"]) for row in last
    }
    assert not lines.filter(contest__kind="party_list", candidate__isnull=False).exists()
    assert not lines.filter(contest__kind="single_member", party__isnull=False).exists()


def test_single_member_districts_have_2_to_8_candidates_many_self_nominated(election):
    counts = (
        election.contests.filter(kind="single_member")
        .annotate(n=Count("candidates"))
        .values_list("n", flat=True)
    )
    candidates = Candidate.objects.filter(election=election, contest__isnull=False)

    assert min(counts) >= 2 and max(counts) <= 8
    assert 0.25 < candidates.filter(party=None).count() / candidates.count() < 0.55


def test_every_party_list_meets_the_rules(election):
    lists = PartyList.objects.filter(contest__election=election).select_related("contest", "party")

    assert lists.filter(contest__code="mazhilis-list").count() == 7
    for party_list in lists:
        candidates = [e.candidate for e in party_list.entries.select_related("candidate")]
        assert candidates
        assert (
            party_list_problems(
                seats=party_list.contest.seats,
                max_length=party_list.contest.max_list_length,
                election_day=election.date,
                party=party_list.party,
                candidates=candidates,
            )
            == []
        )


SNAPSHOT = [
    (Contest, ["pk", "code", "updated"]),
    (Candidate, ["pk", "registration_number", "updated"]),
    (ContestStation, ["pk", "contest", "station"]),
    (BallotLine, ["pk", "contest", "position"]),
    (PartyList, ["pk", "updated"]),
]


def snapshot() -> dict[str, list[tuple]]:
    return {
        model.__name__: sorted(model.objects.values_list(*fields)) for model, fields in SNAPSHOT
    }


def test_every_name_is_given_in_kazakh_russian_and_english(election):
    named = [
        Region.objects.all(), District.objects.all(), election.contests.all(),
        election.parties.all(), Election.objects.filter(pk=election.pk),
    ]  # fmt: skip
    for rows in named:
        for row in rows:
            names = [row.name_en, row.name_kk, row.name_ru]
            assert all(names), (type(row).__name__, names)
            # Kazakh in its own letters where the name is not a brand (AMANAT, Respublica).
            if row.name_en not in ("AMANAT", "Respublica"):
                assert any("\u0400" <= letter <= "\u04ff" for letter in row.name_kk), names
    district = District.objects.get(region__code="ALA", name_en="Auezov district")
    assert (district.name_kk, district.name_ru) == ("Әуезов ауданы", "Ауэзовский район")
    japan = District.objects.get(region__code="ABR", name_en="Japan")
    assert (japan.name_kk, japan.name_ru) == ("Жапония", "Япония")  # CLDR's, through Babel
    with translation.override("kk"):
        assert election.contests.get(code="mazhilis-list").name == "Мәжіліс — партиялық тізімдер"
    with translation.override("ru"):
        assert election.contests.get(code="mazhilis-list").name == "Мажилис — партийные списки"


def test_a_second_load_changes_nothing(election):
    before = snapshot()
    out = StringIO()

    call_command("load_reference", "kz2023", stdout=out, stderr=StringIO())

    assert (
        "contests 0 created, 0 updated; candidates 0 created, 0 updated; 0 station-contest "
        "links added; 0 party lists and 0 ballots (re)written."
    ) in out.getvalue()
    assert snapshot() == before


def test_the_command_prints_what_it_made(first_load):
    assert "10233 created" in first_load
    assert (
        "Contests: 3,131 = Mazhilis 1 list + 29 districts, regional maslikhats 20 lists + "
        "334 districts, 203 district/city maslikhats with 2,747 districts."
    ) in first_load


def test_an_unknown_dataset_is_refused_with_the_known_names(db):
    with pytest.raises(CommandError, match="no reference dataset 'kz1999'; known: kz2023"):
        call_command("load_reference", "kz1999")
