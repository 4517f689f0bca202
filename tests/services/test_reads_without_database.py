"""The public results keep answering while Postgres is down, and read fresh once it is back.

The test's own cluster (tests/services/clusters.py), never the machine's server: the site runs
under gunicorn against it, the night is counted, the pages are read, then the cluster is
stopped for real (`pg_ctl stop -m fast`) and the same pages are read again.
"""

import time

import pytest

from tests.services.clusters import migrated_cluster
from tests.services.live_site import LiveSite

pytestmark = pytest.mark.services

ELECTION = "/results/night/"


@pytest.fixture
def site():
    cluster = migrated_cluster("outage")
    site = LiveSite(cluster.url())
    try:
        site.start()
        site.load_night()
        site.serving()
        site.cluster = cluster
        yield site
    finally:
        site.stop()
        cluster.remove()


def public_answers(site) -> dict[str, str]:
    """What a reader of the night reads: pages, results JSON, and the snapshot files."""
    contest = site.night["contest"]
    pointer = site.get(f"/media/results/night/{contest}/current.json").json()
    return {
        "election": ELECTION,
        "contest": f"{ELECTION}contests/{contest}/",
        "station": f"{ELECTION}stations/KAR-101/",
        "results api": f"/api/v1/results/?election=night&contest={contest}",
        "station api": "/api/v1/station-results/?election=night&region=KAR",
        "contest snapshot": f"/media/{pointer['json']}",
        "contest csv": f"/media/{pointer['csv']}",
        "station snapshot": "/media/results/night/stations/KAR-101.json",
    }


def test_the_public_results_answer_from_the_cache_and_files_while_postgres_is_down(site):
    paths = public_answers(site)
    before = {name: site.get(path) for name, path in paths.items()}
    for name, answer in before.items():
        assert answer.status == 200, (name, answer.status)
    assert "2 of 3 stations" in before["election"].text

    site.cluster.stop("fast")
    assert not site.cluster.running()

    # Nothing has changed since they were read: the same answers, as current as ever.
    during = {name: site.get(path) for name, path in paths.items()}
    for name, answer in during.items():
        assert answer.status == 200, (name, answer.status)
        assert answer.body == before[name].body, name
    assert "X-Saylau-Stale" not in during["election"].headers
    # A poller's copy is still the current one.
    etag = before["election"].headers["ETag"]
    assert site.get(ELECTION, **{"If-None-Match": etag}).status == 304
    # A session cookie cannot be looked up now: the reader is served as anyone is.
    cookie = {"Cookie": "sessionid=0123456789abcdefghijklmnopqrstuv"}
    assert site.get(ELECTION, **cookie).body == before["election"].body
    assert site.get(paths["station snapshot"], **cookie).body == before["station snapshot"].body

    # A page nobody read before the database went: 503 with Retry-After, never a 500.
    page = site.get(f"{ELECTION}regions/PAV/")
    assert page.status == 503 and page.headers["Retry-After"] == "30"
    assert "The results cannot be read just now" in page.text
    api = site.get("/api/v1/station-results/?election=night&region=PAV")
    assert api.status == 503 and api.headers["Retry-After"] == "30"
    assert api.json() == {
        "detail": "The results cannot be read just now. Please try again in a minute."
    }

    site.cluster.start()
    assert "2 of 3 stations" in site.get(ELECTION).text


def test_after_a_change_the_last_good_answers_are_served_marked_stale_then_fresh_again(site):
    paths = public_answers(site)
    before = {name: site.get(path) for name, path in paths.items()}
    assert all(answer.status == 200 for answer in before.values())
    site.enter_the_last_station()  # the results version moves: every cached page is outdated

    site.cluster.stop("fast")

    for name in ("election", "contest", "station", "results api", "station api"):
        answer = site.get(paths[name])
        assert answer.status == 200, (name, answer.status)
        assert answer.body == before[name].body, name  # the last good answer, as it was
        assert answer.headers["X-Saylau-Stale"] == "database unavailable", name
        assert answer.headers["Warning"] == '110 - "Response is Stale"', name
        # Marked as the version it was built for: a poller's copy of it is still good.
        assert answer.headers["ETag"] == before[name].headers["ETag"], name
    assert "2 of 3 stations" in site.get(ELECTION).text
    # The files are written with the results: the last station is already in them.
    contest = site.night["contest"]
    pointer = site.get(f"/media/results/night/{contest}/current.json").json()
    assert site.get(f"/media/{pointer['json']}").json()["publications_up_to"] == 3
    assert site.get("/media/results/night/stations/PAV-7.json").status == 200

    site.cluster.start()  # a restart: the web processes' connections are dead, new ones work

    deadline = time.monotonic() + 30
    while "X-Saylau-Stale" in (fresh := site.get(ELECTION)).headers:
        assert time.monotonic() < deadline, "still stale 30 s after the database came back"
        time.sleep(0.5)
    assert fresh.status == 200 and "3 of 3 stations" in fresh.text
    assert fresh.headers["ETag"] != before["election"].headers["ETag"]
