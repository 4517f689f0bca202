from datetime import datetime, timedelta

import pytest
import time_machine

from elections.services.day import station_report_submit
from elections.services.protocols import EntryData, protocol_submit_entry
from elections.services.staff import staff_assign
from elections.services.structure import (
    ballot_lines_set,
    contest_cover_stations,
    election_change_status,
)
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


class Night:
    """An election being counted: one contest, two stations, and staff in every role."""

    def __init__(self, django_user_model):
        region = RegionFactory(code="KAR", time_zone="Asia/Almaty")
        self.station = StationFactory(region=region, number=101, registered_voters=1000)
        self.other_station = StationFactory(
            region=RegionFactory(code="PAV"), number=7, registered_voters=1000
        )
        self.neighbour = StationFactory(
            region=region, district=self.station.district, number=102, registered_voters=1000
        )
        self.election = ElectionFactory(code="night")
        self.contest = ContestFactory(election=self.election, name="District No. 3")
        candidates = [
            CandidateFactory(election=self.election, contest=self.contest, full_name=name)
            for name in ["Aigerim Sadykova", "Bolat Omarov"]
        ]
        self.lines = ballot_lines_set(contest=self.contest, choices=candidates)
        contest_cover_stations(
            contest=self.contest, stations=[self.station, self.other_station, self.neighbour]
        )
        election_change_status(election=self.election, to_status="polling", user=None)
        election_change_status(election=self.election, to_status="counting", user=None)
        self.contest.refresh_from_db()

        def user(name, role, **scope):
            person = django_user_model.objects.create_user(name, password="pw-long-enough-1")
            staff_assign(user=person, role=role, **scope)
            return person

        self.clerk = user("clerk1", "precinct", station=self.station)
        self.clerk2 = user("clerk2", "precinct", station=self.station)
        self.outsider = user("clerk9", "precinct", station=self.other_station)
        self.supervisor = user("super1", "territorial", region=region)
        self.supervisor2 = user("super2", "territorial", region=region)
        self.cec = user("cec1", "cec")
        self.cec2 = user("cec2", "cec")
        self.auditor = user("audit1", "auditor")

    def accept(self, station, data=None):
        """Two CEC members enter the same figures, so the protocol is accepted (if clean)."""
        for user in (self.cec, self.cec2):
            protocol = protocol_submit_entry(
                station=station, contest=self.contest, user=user, data=data or good_numbers()
            )
        return protocol


@pytest.fixture
def night(db, django_user_model) -> Night:
    return Night(django_user_model)


def good_numbers(**changes) -> EntryData:
    """A consistent protocol: 600 of 1,000 voted, 10 invalid, votes 400 + 150 + 40 against."""
    numbers = {
        "l1_voters": 1000, "l2_received": 1000, "l3_issued": 600, "l3a_mobile": 20,
        "l3b_absentee": 5, "l4_cancelled": 400, "l5_found": 600, "l6_invalid": 10, "l7_valid": 590,
    }  # fmt: skip
    votes = {1: 400, 2: 150, 3: 40}
    for key, value in changes.items():
        if key.startswith("vote_"):
            votes[int(key[5:])] = value
        else:
            numbers[key] = value
    return EntryData(numbers=numbers, votes=votes)


class Day:
    """Election day: a polling election, a station in Karaganda (UTC+6) and one in Aktobe."""

    def __init__(self, django_user_model):
        election = ElectionFactory(code="day")
        self.station = StationFactory(region=RegionFactory(code="KAR"), registered_voters=1000)
        self.west = StationFactory(
            region=RegionFactory(code="AKT", time_zone="Asia/Aqtobe"), registered_voters=800
        )
        contest = PartyListContestFactory(election=election)
        ballot_lines_set(contest=contest, choices=[PartyFactory(election=election)])
        contest_cover_stations(contest=contest, stations=[self.station, self.west])
        self.election = election_change_status(election=election, to_status="polling", user=None)
        self.clerk = django_user_model.objects.create_user("precinct-clerk")
        staff_assign(user=self.clerk, role="precinct", station=self.station)
        self.auditor = django_user_model.objects.create_user("auditor")
        staff_assign(user=self.auditor, role="auditor")

    def clock(self, hh_mm, station=None):
        """The server's clock a minute after HH:MM on election day, station time: reports are
        received as they are sent, or they would be late."""
        return time_machine.travel(self.at(hh_mm, station) + timedelta(minutes=1), tick=False)

    def at(self, hh_mm, station=None):
        hour, minute = map(int, hh_mm.split(":"))
        return datetime(2023, 3, 19, hour, minute, tzinfo=(station or self.station).zone)

    def report(self, kind, hh_mm, station=None, user=None, **fields):
        station = station or self.station
        with self.clock(hh_mm, station):
            return station_report_submit(
                election=self.election,
                station=station,
                user=user or self.clerk,
                kind=kind,
                at=self.at(hh_mm, station),
                **fields,
            )


@pytest.fixture
def day(db, django_user_model):
    return Day(django_user_model)


@pytest.fixture
def cec(day, django_user_model):
    """A CEC member, who sees every station's day."""
    user = django_user_model.objects.create_user("cec-member")
    staff_assign(user=user, role="cec")
    return user
