"""The forensic pages of a party list, through their URLs: the fingerprint and the figures, in
the three languages, the same numbers as `manage.py forensics` prints (on the records and on
the page's own CSV); recomputed when the log moves on; the stations worth a look in the
commissions' review list (their area only) and on /integrity/."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from elections.models import Protocol
from elections.services.protocols import EntryData, protocol_accept, protocol_submit_entry
from elections.services.publication import protocols_publish
from elections.services.staff import staff_assign
from elections.services.structure import (
    ballot_lines_set,
    contest_cover_stations,
    election_change_status,
)
from forensics.models import AreaReport, StationSignal
from forensics.tasks import refresh
from tests.clients import client_for
from tests.factories import (
    ContestFactory,
    DistrictFactory,
    ElectionFactory,
    PartyFactory,
    PartyListContestFactory,
    RegionFactory,
    StationFactory,
)

pytestmark = pytest.mark.django_db
REPLICATES_NOTE = "1,000 replicates"


def numbers(voters: int, given: int, leader: int, other: int) -> EntryData:
    """A protocol meeting every control relation: ``given`` of ``voters`` voted, 4 invalid."""
    valid = given - 4
    return EntryData(
        numbers={
            "l1_voters": voters, "l2_received": voters, "l3_issued": given, "l3a_mobile": 0,
            "l3b_absentee": 0, "l4_cancelled": voters - given, "l5_found": given,
            "l6_invalid": 4, "l7_valid": valid,
        },
        votes={1: leader, 2: other, 3: valid - leader - other},
        explanation="Nearly every voter on the list came: the minutes say so.",
    )  # fmt: skip


class ListNight:
    """A party list in two regions of two districts each, 24 stations counted, one of them
    at 97 % turnout with 96 % for the leader."""

    def __init__(self):
        self.election = ElectionFactory(code="night")
        self.contest = PartyListContestFactory(election=self.election, code="mazhilis-list")
        self.single = ContestFactory(election=self.election, code="smd-1")
        parties = [PartyFactory(election=self.election, short_name=n) for n in ("AM", "AU")]
        ballot_lines_set(contest=self.contest, choices=parties)
        self.regions = [RegionFactory(code="KAR"), RegionFactory(code="PAV")]
        self.districts = [DistrictFactory(region=r) for r in self.regions for _ in range(2)]
        self.stations = [
            StationFactory(region=d.region, district=d, number=n, registered_voters=1000)
            for d in self.districts
            for n in range(self.districts.index(d) * 10 + 1, self.districts.index(d) * 10 + 7)
        ]
        self.outside = DistrictFactory(region=self.regions[0])  # no station of the list
        contest_cover_stations(contest=self.contest, stations=self.stations)
        election_change_status(election=self.election, to_status="polling", user=None)
        election_change_status(election=self.election, to_status="counting", user=None)
        self.contest.refresh_from_db()
        self.cec = [self._user(f"cec{n}", "cec") for n in (1, 2)]
        self.supervisors = [
            self._user(f"super-{r.code}", "territorial", region=r) for r in self.regions
        ]

    def _user(self, name, role, **scope):
        person = get_user_model().objects.create_user(name, password="pw-long-enough-1")
        staff_assign(user=person, role=role, **scope)
        return person

    def count(self, stations) -> None:
        for index, station in enumerate(stations):
            if station == self.stations[0]:
                data = numbers(1000, 970, 930, 30)  # both at or above 95 %
            else:
                given = 520 + 17 * index
                data = numbers(1000, given, given // 2 + 3 * index, given // 3)
            for user in self.cec:
                protocol_submit_entry(station=station, contest=self.contest, user=user, data=data)
            protocol = Protocol.objects.get(station=station, contest=self.contest, is_active=True)
            if protocol.status == Protocol.Status.REVIEW:  # 97 % turnout is held for review
                protocol_accept(protocol=protocol, user=self.supervisors[0],
                                comment="Checked against the signed protocol.")  # fmt: skip
        protocols_publish()


@pytest.fixture
def list_night(db) -> ListNight:
    night = ListNight()
    night.count(night.stations)
    return night


def page(path: str, language: str = "en") -> str:
    response = Client().get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def command(*args) -> str:
    out = StringIO()
    call_command("forensics", *args, stdout=out)
    return out.getvalue()


def figures_of(html: str) -> dict[str, str]:
    return {
        "observed": re.search(r'data-figure="observed">([^<]+)<', html).group(1),
        "z": re.search(r"z = ([-+−0-9.,]+),", html).group(1),
        "correlation": re.search(r'data-figure="correlation">([^<]+)<', html).group(1),
    }


def printed(output: str) -> dict[str, str]:
    return {
        "observed": re.search(r"observed ([0-9,]+),", output).group(1),
        "z": f"{float(re.search(r' z ([-+0-9.]+),', output).group(1)):.2f}",
        "correlation": f"{float(re.search(r'share: ([-+0-9.]+)', output).group(1)):.3f}",
    }


def test_the_page_draws_the_fingerprint_and_prints_the_commands_numbers(list_night):
    url = "/results/night/contests/mazhilis-list/integrity/"
    html = page(url)

    assert html.count('<rect class="cell"') >= 10  # the fingerprint's filled squares
    assert '<polyline class="cumulative"' in html
    assert "24 stations' standing records" in html
    assert "Kobak, Shpilkin and Pshenichnikov" in html and "PNAS 109(41)" in html
    assert REPLICATES_NOTE in html
    on_records = printed(command("--election", "night", "--contest", "mazhilis-list"))
    assert figures_of(html) == on_records
    # The same figures again from the page's own download, by anyone with the command.
    download = Client().get("/results/night/contests/mazhilis-list/integrity.csv")
    assert download["Content-Type"].startswith("text/csv")
    body = b"".join(download.streaming_content).decode()
    assert body.splitlines()[0] == "station,voters,given,received,leader_votes,region,district"
    assert len(body.splitlines()) == 25
    path = list_night.election.code + ".csv"
    with open(f"/tmp/{path}", "w") as file:
        file.write(body)
    assert printed(command("--csv", f"/tmp/{path}")) == on_records
    # The figures' own download says what each statistic means and cites its source.
    document = Client().get("/results/night/contests/mazhilis-list/integrity.json").json()
    assert "Kobak" in document["about"]["excess"]["source"]
    assert "never a verdict" in document["about"]["caveat"]
    assert len(document["areas"]) == 1 + 2 + 4  # the contest, its regions, its districts
    whole = next(area for area in document["areas"] if area["level"] == "nation")
    assert f"{whole['excess']['z']:.2f}" == on_records["z"]
    assert len(document["signals"]) == 2


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_page_speaks_kazakh_and_russian_with_the_same_numbers(list_night, language):
    english = figures_of(page("/results/night/contests/mazhilis-list/integrity/"))
    html = page("/results/night/contests/mazhilis-list/integrity/", language)

    with translation.override(language):
        heading = translation.gettext("Statistical fingerprints")
        caveat = translation.gettext("Digit tests (weak evidence on their own)")
    assert heading != "Statistical fingerprints" and heading in html
    assert caveat != "Digit tests (weak evidence on their own)" and caveat in html
    local = figures_of(html)
    assert local["z"].replace(",", ".").replace("−", "-") == english["z"]
    assert local["observed"] == english["observed"]


def test_regions_and_districts_have_their_pages_and_only_areas_of_the_list(list_night):
    results = page("/results/night/contests/mazhilis-list/regions/KAR/")
    assert "/results/night/contests/mazhilis-list/regions/KAR/integrity/" in results
    nation = page("/results/night/contests/mazhilis-list/integrity/")
    assert "/results/night/contests/mazhilis-list/regions/KAR/integrity/" in nation
    region = page("/results/night/contests/mazhilis-list/regions/KAR/integrity/")
    assert "12 stations' standing records" in region
    assert '<rect class="cell"' in region
    district = list_night.districts[1]
    assert f"/contests/mazhilis-list/districts/{district.pk}/integrity/" in region
    assert "6 stations' standing records" in page(
        f"/results/night/contests/mazhilis-list/districts/{district.pk}/integrity/"
    )
    client = Client()
    for path in (
        f"/results/night/contests/mazhilis-list/districts/{list_night.outside.pk}/integrity/",
        "/results/night/contests/mazhilis-list/regions/NOWHERE/integrity/",
        "/results/night/contests/smd-1/integrity/",  # a single-member contest: no party list
        "/results/elsewhere/contests/mazhilis-list/integrity/",
    ):
        assert client.get(path).status_code == 404, path


def test_figures_are_stored_once_and_recomputed_when_the_log_moves_on():
    night = ListNight()
    night.count(night.stations[:12])
    page("/results/night/contests/mazhilis-list/integrity/")
    stored = AreaReport.objects.get(contest=night.contest, level="nation")
    page("/results/night/contests/mazhilis-list/integrity/")
    assert AreaReport.objects.get(contest=night.contest, level="nation").pk == stored.pk
    assert refresh() == 0  # the beat's run: nothing behind

    night.count(night.stations[12:])
    assert refresh() == 1  # the beat's run after the records moved on
    again = AreaReport.objects.get(contest=night.contest, level="nation")
    assert again.publications_up_to > stored.publications_up_to
    assert again.figures["stations"] == 24


def test_stations_worth_a_look_reach_their_commission_and_the_integrity_page(list_night):
    page("/results/night/contests/mazhilis-list/integrity/")
    signal = StationSignal.objects.get(station=list_night.stations[0])
    assert signal.signals == ["turnout_high", "share_high", "both_high"]
    # 1,000 voters: every turnout is a tenth of a percent, one in ten a whole one.
    assert StationSignal.objects.get(station__number=33).signals == ["whole_numbers"]

    own, other = (client_for(supervisor) for supervisor in list_night.supervisors)
    listing = "/admin/forensics/stationsignal/"
    mine = own.get(listing).content.decode()
    assert "KAR 1<" in mine and "both of these" in mine
    assert "KAR 1<" not in other.get(listing).content.decode()  # another region's commission
    assert "KAR 1<" in own.get(f"{listing}?signal=both_high&_facets=True").content.decode()
    assert "KAR 1<" not in own.get(f"{listing}?signal=whole_numbers").content.decode()
    for odd in ("signals__contains=x", "signals__regex=(", "signals=1"):
        assert own.get(f"{listing}?{odd}").status_code in (302, 400), odd
    # Read-only: the task writes these rows, no page does.
    assert own.post(f"{listing}{signal.pk}/change/", {"turnout": 50}).status_code == 403
    assert own.post(f"{listing}add/", {}).status_code in (403, 404)
    assert own.post(f"{listing}{signal.pk}/delete/", {"post": "yes"}).status_code in (403, 404)
    assert StationSignal.objects.get(pk=signal.pk).turnout == signal.turnout

    public = page("/integrity/")
    assert 'id="worth-a-look"' in public and "KAR-1" in public
    assert "never a verdict" in public


def test_the_command_compares_regions_and_districts_with_the_correction(list_night):
    output = command("--election", "night", "--replicates", "200")
    assert "2 regions compared (Benjamini–Hochberg" in output
    assert "4 districts compared" in output
    assert "stations worth a look (a signal, never a verdict): 2" in output
