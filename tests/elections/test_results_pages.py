"""The public results site: published figures only, from the election down to each station."""

import csv
import hashlib
import io
import json
import time

import pytest
import time_machine
from django.test import Client, TestCase

from elections.models import ContestTally, Publication
from elections.services.aggregation import contest_aggregate
from elections.services.publication import protocols_publish
from elections.services.structure import ballot_lines_set, election_change_status
from tests.elections.conftest import good_numbers
from tests.factories import PartyFactory, PartyListContestFactory

pytestmark = pytest.mark.django_db


def publish(night) -> None:
    """What the worker does after acceptances: publish them, then total what is published.

    Their commit callbacks run, as in production: they mark the cached public pages outdated.
    """
    with TestCase.captureOnCommitCallbacks(execute=True):
        protocols_publish()
        contest_aggregate(contest_id=night.contest.pk)


@pytest.fixture
def counted(night):
    night.accept(night.station)
    night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))
    publish(night)
    return night


def page(url: str, **headers) -> str:
    response = Client().get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_results_lead_to_the_election_under_way(night):
    response = Client().get("/results/")
    assert response.status_code == 302 and response["Location"] == "/results/night/"


def test_a_contest_with_nothing_published_says_so(night):
    night.accept(night.station)  # accepted, but its publication has not run

    html = page("/results/night/")

    assert "0 of 3 stations" in html
    assert "Nothing has been published for this contest yet." in html
    assert "Aigerim" not in html  # no figure from an unpublished protocol
    station = page("/results/night/stations/KAR-101/")
    assert "Nothing has been published for this contest at this station yet." in station


def test_the_home_page_shows_the_headline_with_a_bar_chart(counted):
    html = page("/results/night/")

    assert "2 of 3 stations" in html
    assert "Turnout <strong>60.00 %</strong>" in html  # 1,200 of 2,000 on the lists
    assert "<svg" in html and "Aigerim Sadykova 59.32%" in html  # 700 of 1,180 valid
    assert 'href="/results/night/regions/KAR/"' in html


def test_the_drill_down_goes_from_the_contest_to_a_station(counted):
    contest = page(f"/results/night/contests/{counted.contest.code}/")
    region_url = f"/results/night/contests/{counted.contest.code}/regions/KAR/"
    assert f'href="{region_url}"' in contest
    assert "By region" in contest

    region = page(region_url)
    district_id = counted.station.district_id
    district_url = f"/results/night/contests/{counted.contest.code}/districts/{district_id}/"
    assert f'href="{district_url}"' in region
    assert "2 / 2" in region  # both Karaganda stations published

    district = page(district_url)
    assert 'href="/results/night/stations/KAR-101/"' in district
    assert "400<br>" in district and "300<br>" in district  # each station's votes

    station = page("/results/night/stations/KAR-101/")
    publication = Publication.objects.get(protocol__station=counted.station)
    assert publication.sha256 in station
    assert "L1 voters on the list" in station and ">1,000<" in station
    assert "1 published version" in station


def test_a_region_not_reached_by_a_contest_is_a_404(counted):
    response = Client().get(f"/results/night/contests/{counted.contest.code}/regions/ZZZ/")
    assert response.status_code == 404
    assert Client().get("/results/nowhere/").status_code == 404
    assert Client().get("/results/night/stations/KAR-999/").status_code == 404


def test_the_contest_csv_has_a_row_per_station_whose_sums_equal_the_totals(counted):
    response = Client().get(f"/results/night/contests/{counted.contest.code}.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert rows[0] == [
        "election", "contest", "region", "station", "version", "l1_voters", "l2_received",
        "l3_issued", "l3a_mobile", "l3b_absentee", "l4_cancelled", "l5_found", "l6_invalid",
        "l7_valid", "1. Aigerim Sadykova", "2. Bolat Omarov", "3. Against all", "sha256",
    ]  # fmt: skip
    publication = Publication.objects.get(protocol__station=counted.station)
    assert rows[1] == [
        "night", counted.contest.code, "KAR", "101", "1", "1000", "1000", "600", "20", "5",
        "400", "600", "10", "590", "400", "150", "40", publication.sha256,
    ]  # fmt: skip
    nation = ContestTally.objects.get(contest=counted.contest, area="nation")
    for column, line in zip(rows[0][14:17], counted.lines, strict=True):
        index = rows[0].index(column)
        assert sum(int(row[index]) for row in rows[1:]) == nation.votes[str(line.pk)]


def test_the_election_csv_and_the_chain_download(counted):
    response = Client().get("/results/night/stations.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][-4:] == ["line_1", "line_2", "line_3", "sha256"]
    assert len(rows) == 3

    response = Client().get("/results/chain.jsonl")
    items = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    previous = "0" * 64
    for item in items:  # the check the open-data page teaches
        canonical = json.dumps(
            item["record"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        assert hashlib.sha256(canonical.encode()).hexdigest() == item["sha256"]
        assert item["record"]["previous_sha256"] == previous
        previous = item["sha256"]
    assert len(items) == 2
    assert Client().get("/results/chain.jsonl?after=x").status_code == 400
    assert page("/results/night/open-data/").count("sha256") >= 2


def test_the_contest_json_holds_the_totals_and_every_record(counted):
    document = Client().get(f"/results/night/contests/{counted.contest.code}.json").json()

    nation = next(t for t in document["totals"] if t["area"] == "nation")
    assert nation["votes"] == {"1": 700, "2": 400, "3": 80}
    assert {s["station"] for s in document["stations"]} == {101, 102}


def test_a_party_list_shows_its_provisional_seats(db):
    contest = PartyListContestFactory(seats=10, threshold_percent=5)
    parties = [PartyFactory(election=contest.election, short_name=n) for n in ("A", "B", "C")]
    lines = ballot_lines_set(contest=contest, choices=parties)
    election_change_status(election=contest.election, to_status="polling", user=None)
    votes = {str(line.pk): n for line, n in zip(lines, [600, 350, 30, 20], strict=True)}
    ContestTally.objects.create(
        contest=contest, level="nation", area="nation", votes=votes, stations_expected=1,
        stations_accepted=1, l1_voters=1500, l3_issued=1000, l7_valid=1000,
    )  # fmt: skip

    html = page(f"/results/{contest.election.code}/")

    assert "Provisional seats: A 6, B 4" in html
    assert html.count("<circle") == 10 + 2  # a seat each, and the two parties' legend marks


def test_pollers_get_a_304_until_the_next_publication(night):
    night.accept(night.station)
    publish(night)
    first = Client().get("/api/v1/results/?level=nation")
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]

    again = Client().get("/api/v1/results/?level=nation", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304

    night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))
    publish(night)
    fresh = Client().get("/api/v1/results/?level=nation", HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and fresh["ETag"] != first["ETag"]
    assert fresh.json()["results"][0]["stations_published"] == 2


def test_while_results_keep_changing_a_page_is_rebuilt_at_most_every_few_seconds(night, settings):
    settings.PUBLIC_REFRESH_SECONDS = 5
    url = "/api/v1/results/?level=nation"
    start = time.time()
    night.accept(night.station)
    publish(night)
    with time_machine.travel(start + 10, tick=False):
        first = Client().get(url)
    with time_machine.travel(start + 11, tick=False):
        night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))
        publish(night)
    with time_machine.travel(start + 12, tick=False):
        soon = Client().get(url)  # 2 s after the page was built: still that page
    with time_machine.travel(start + 16, tick=False):
        later = Client().get(url)  # 6 s after: rebuilt with the new publication

    assert soon["ETag"] == first["ETag"]
    assert first.json()["results"][0]["stations_published"] == 1
    assert later["ETag"] != first["ETag"]
    assert later.json()["results"][0]["stations_published"] == 2


def test_a_change_another_web_process_counts_is_seen_within_the_refresh_interval(night, settings):
    """Each process reuses the results version it read for a moment: never past the interval."""
    from django.core.cache import cache

    from common.public_cache import CHANGED_KEY

    settings.PUBLIC_REFRESH_SECONDS = 5
    url = "/api/v1/results/?level=nation"
    start = time.time()
    night.accept(night.station)
    publish(night)
    with time_machine.travel(start + 10, tick=False):
        first = Client().get(url)
        cache.incr(CHANGED_KEY)  # another process's publication: this one's copies stay
    with time_machine.travel(start + 10.2, tick=False):
        soon = Client().get(url)
    with time_machine.travel(start + 15, tick=False):
        later = Client().get(url)  # 5 s after the change: a new version

    assert soon["ETag"] == first["ETag"]
    assert later["ETag"] != first["ETag"]


def test_each_language_is_handed_its_own_cached_copy(counted):
    english, russian = Client(), Client()
    russian.cookies["django_language"] = "ru"

    pages = [c.get("/results/night/") for c in (english, russian, english, russian)]

    assert all(page.status_code == 200 for page in pages)
    assert [page["Content-Language"] for page in pages] == ["en", "ru", "en", "ru"]
    assert '<html lang="ru">' in pages[3].content.decode()
    assert '<html lang="en">' in pages[2].content.decode()
    assert pages[2]["ETag"] == pages[0]["ETag"] != pages[1]["ETag"] == pages[3]["ETag"]
    assert "default-src 'self'" in pages[3]["Content-Security-Policy"]


def test_staff_with_a_session_always_see_the_live_page(counted):
    from tests.clients import client_for

    response = client_for(counted.cec).get("/results/night/")
    assert response.status_code == 200 and "ETag" not in response


def test_the_station_results_api_answers_one_station(counted):
    response = Client().get("/api/v1/station-results/?region=KAR&station=101")

    [item] = response.json()["results"]
    publication = Publication.objects.get(protocol__station=counted.station)
    assert item["sha256"] == publication.sha256
    assert item["record"]["lines"]["l1_voters"] == 1000
    assert item["record"]["votes"][0] == {"position": 1, "name": "Aigerim Sadykova", "votes": 400}


def test_the_results_api_gives_each_level_with_named_lines(counted):
    data = Client().get(f"/api/v1/results/?contest={counted.contest.code}&level=region").json()

    karaganda = next(row for row in data["results"] if row["region"] == "KAR")
    assert karaganda["stations_published"] == 2 and karaganda["turnout_percent"] == "60.00"
    assert karaganda["votes"][0] == {
        "position": 1, "name": "Aigerim Sadykova", "votes": 700, "percent": "59.32"
    }  # fmt: skip


def test_the_chain_api_continues_after_a_sequence(counted):
    data = Client().get("/api/v1/chain/?after=1").json()

    assert [item["sequence"] for item in data["results"]] == [2]
    assert (
        data["results"][0]["record"]["previous_sha256"]
        == Publication.objects.get(sequence=1).sha256
    )


def test_the_language_links_switch_the_page(counted):
    client = Client()
    response = client.get("/language/ru/?next=/results/night/")
    assert response.status_code == 302 and response["Location"] == "/results/night/"

    html = client.get("/results/night/").content.decode()

    assert '<html lang="ru">' in html and "Явка" in html
    assert client.get("/language/xx/").status_code == 404
    assert client.get("/language/kk/?next=https://evil.example/")["Location"] == "/"
