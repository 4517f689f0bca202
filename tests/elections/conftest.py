import pytest

from elections.services.structure import ballot_lines_set, contest_cover_stations
from tests.factories import (
    CandidateFactory,
    ContestFactory,
    ElectionFactory,
    PartyFactory,
    PartyListContestFactory,
    RegionFactory,
    StationFactory,
)


@pytest.fixture
def station():
    """A station in Aktobe (UTC+5 in 2023) with a party-list and a single-member ballot."""
    region = RegionFactory(code="AKT", name_en="Aktobe Region", time_zone="Asia/Aqtobe")
    station = StationFactory(
        region=region, number=14, name="School-lyceum No. 3", address="7 Abai street, Aktobe",
        step_free_access=True,
    )  # fmt: skip
    election = ElectionFactory(code="kz2023", name="Elections 2023")
    party_list = PartyListContestFactory(election=election, name="Mazhilis — party lists")
    district = ContestFactory(election=election, name="Mazhilis district No. 10", number=10)
    parties = [
        PartyFactory(election=election, name=n, short_name=n[:4]) for n in ["Amanat", "Auyl"]
    ]
    ballot_lines_set(contest=party_list, choices=parties)
    ballot_lines_set(
        contest=district,
        choices=[
            CandidateFactory(
                election=election, contest=district, full_name="Dana Omarova", party=parties[1]
            ),
            CandidateFactory(election=election, contest=district, full_name="Marat Seitov"),
        ],
    )
    for contest in (party_list, district):
        contest_cover_stations(contest=contest, stations=[station])
    return station
