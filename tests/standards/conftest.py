"""A night partly counted: a nationwide party list on three stations in two regions and a
single-member district on two of them; two stations published in both, the third not yet; one
registered complaint and one discrepancy (an observer's copy that differs from the record)."""

import pytest

from complaints.services import complaint_register
from elections.services.protocols import protocol_submit_entry
from elections.services.staff import staff_assign
from elections.services.structure import (
    ballot_lines_set,
    contest_cover_stations,
    election_change_status,
)
from elections.tasks import sweep
from integrity.checking import discrepancies_refresh
from integrity.services import copy_transcribe
from tests.complaints.test_workflow import file_confirmed, filing
from tests.elections.conftest import good_numbers
from tests.factories import (
    CandidateFactory,
    ContestFactory,
    ElectionFactory,
    PartyFactory,
    PartyListContestFactory,
    RegionFactory,
    StationFactory,
)
from tests.integrity.test_copies import Mission, submit


class Counted:
    """The shape `Night` has (station, contest, election, cec, cec2), with a party list too."""

    def __init__(self, django_user_model):
        karaganda = RegionFactory(code="KAR", time_zone="Asia/Almaty")
        self.station = StationFactory(region=karaganda, number=101, registered_voters=1000)
        self.neighbour = StationFactory(
            region=karaganda, district=self.station.district, number=102, registered_voters=1000
        )
        self.other_station = StationFactory(
            region=RegionFactory(code="PAV"), number=7, registered_voters=1000
        )
        self.stations = [self.station, self.neighbour, self.other_station]
        self.election = ElectionFactory(code="night")
        self.party_list = PartyListContestFactory(election=self.election, name="Mazhilis lists")
        parties = [
            PartyFactory(election=self.election, name=name, short_name=name[:4])
            for name in ("Amanat", "Auyl")
        ]
        ballot_lines_set(contest=self.party_list, choices=parties)
        self.contest = ContestFactory(
            election=self.election, name="District No. 3", region=karaganda
        )
        ballot_lines_set(
            contest=self.contest,
            choices=[
                CandidateFactory(election=self.election, contest=self.contest,
                                 full_name="Aigerim Sadykova", party=parties[1]),
                CandidateFactory(election=self.election, contest=self.contest,
                                 full_name="Bolat Omarov"),
            ],
        )  # fmt: skip
        contest_cover_stations(contest=self.party_list, stations=self.stations)
        contest_cover_stations(contest=self.contest, stations=[self.station, self.neighbour])
        election_change_status(election=self.election, to_status="polling", user=None)
        election_change_status(election=self.election, to_status="counting", user=None)
        for contest in (self.party_list, self.contest):
            contest.refresh_from_db()
        self.cec = django_user_model.objects.create_user("cec1", password="pw-long-enough-1")
        self.cec2 = django_user_model.objects.create_user("cec2", password="pw-long-enough-1")
        for user in (self.cec, self.cec2):
            staff_assign(user=user, role="cec")

    def accept(self, station, contest, data=None):
        for user in (self.cec, self.cec2):
            protocol_submit_entry(
                station=station, contest=contest, user=user, data=data or good_numbers()
            )


@pytest.fixture
def counted(db, django_user_model, settings, tmp_path) -> Counted:
    settings.MEDIA_ROOT = tmp_path / "media"
    night = Counted(django_user_model)
    night.accept(night.station, night.party_list)
    night.accept(night.neighbour, night.party_list, good_numbers(vote_1=300, vote_2=250))
    night.accept(night.station, night.contest, good_numbers(vote_1=430, vote_2=120))
    night.accept(night.neighbour, night.contest, good_numbers(vote_1=100, vote_2=450))
    sweep()  # eager here: publishes, aggregates, writes the snapshots
    mission = Mission(night, django_user_model)
    copy = submit(night, mission)  # the paper says 400 and 150; the record 430 and 120
    copy_transcribe(copy=copy, user=mission.desk, data=good_numbers())
    discrepancies_refresh(night.station, night.contest)
    complaint = file_confirmed(
        election=night.election, level="cec", filing=filing(complainant_kind="party",
                                                            complainant_name="Auyl party"),
    )  # fmt: skip
    complaint_register(complaint, user=night.cec, standing_confirmed=True)
    return night
