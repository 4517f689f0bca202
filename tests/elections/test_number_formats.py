"""Numbers as each language writes them on the public pages; machine numbers where machines read."""

import re

import pytest
from django.test import Client

from elections.models import ContestTally
from elections.services.structure import ballot_lines_set, election_change_status
from tests.factories import PartyFactory, PartyListContestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted_list(db):
    contest = PartyListContestFactory(seats=10, threshold_percent=5)
    parties = [PartyFactory(election=contest.election, short_name=n) for n in ("A", "B", "C")]
    lines = ballot_lines_set(contest=contest, choices=parties)
    election_change_status(election=contest.election, to_status="polling", user=None)
    votes = dict(zip([str(line.pk) for line in lines], [336756, 20000, 3000, 1000], strict=True))
    ContestTally.objects.create(
        contest=contest, level="nation", area="nation", votes=votes, stations_expected=1,
        stations_accepted=1, l1_voters=600000, l3_issued=362000, l7_valid=360756,
    )  # fmt: skip
    return contest


@pytest.mark.parametrize(
    ("language", "votes", "percent"),
    [("kk", "336\xa0756", "93,35"), ("ru", "336\xa0756", "93,35"), ("en", "336,756", "93.35")],
)
def test_a_results_page_writes_numbers_as_its_readers_language_does(
    counted_list, language, votes, percent
):
    url = f"/results/{counted_list.election.code}/contests/{counted_list.code}/"
    html = Client().get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f'<td class="num">{votes}</td>' in html
    assert f'<td class="num">{percent}</td>' in html
    # The chart's geometry stays a machine number in every language: "12,5" is no SVG length.
    widths = re.findall(r'<rect [^>]*width="([^"]+)"', html)
    assert widths and all(re.fullmatch(r"\d+(\.\d+)?", width) for width in widths), widths


def test_a_stations_page_gives_its_times_in_the_stations_own_zone_and_names_it(night, settings):
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from elections.models import Publication
    from elections.services.publication import protocols_publish

    settings.TIME_ZONE = "UTC"  # the server's zone is not the station's
    night.accept(night.station)
    protocols_publish()
    published = Publication.objects.get().published
    html = Client().get("/results/night/stations/KAR-101/", HTTP_ACCEPT_LANGUAGE="ru")
    local = timezone.localtime(published, ZoneInfo(night.station.time_zone))

    assert f"{local:%H:%M} <abbr" in html.content.decode()
    assert f'title="{night.station.time_zone}">UTC{local:%z}</abbr>' in html.content.decode()
    assert '<td class="num">1\xa0000</td>' in html.content.decode()  # voters on the list
