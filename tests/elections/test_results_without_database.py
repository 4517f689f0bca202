"""Public results while the database cannot be reached, in process (SQLite or Postgres).

Every query is refused as a stopped server refuses it (Django's execute_wrapper raising
OperationalError); the real thing, a Postgres stopped under gunicorn, is
tests/services/test_reads_without_database.py.
"""

import json
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client

from common.public_cache import UNREACHABLE_KEY
from elections.public.snapshots import contest_snapshot_write
from tests.elections.conftest import good_numbers
from tests.elections.test_results_pages import publish

pytestmark = pytest.mark.django_db


@contextmanager
def database_down():
    """Every query fails as on a server that is gone; yields the list of refused queries."""
    refused = []

    def refuse(execute, sql, params, many, context):
        refused.append(sql)
        raise OperationalError("connection to server failed: Connection refused")

    with connection.execute_wrapper(refuse):
        yield refused


@pytest.fixture(autouse=True)
def no_pause_left():
    """Each test starts with the database deemed reachable."""
    cache.delete(UNREACHABLE_KEY)


def test_a_page_whose_cached_answer_is_outdated_gets_its_last_good_answer_marked_stale(night):
    night.accept(night.station)
    publish(night)
    before = Client().get("/results/night/")
    night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))
    publish(night)  # the results version moves: the cached page is outdated

    with database_down() as refused:
        stale = Client().get("/results/night/")

    assert refused, "the page was not even tried on the database"
    assert stale.status_code == 200 and stale.content == before.content
    assert "1 of 3 stations" in stale.content.decode()
    assert stale["X-Saylau-Stale"] == "database unavailable"
    assert stale["Warning"] == '110 - "Response is Stale"'
    assert stale["ETag"] == before["ETag"] and stale["Last-Modified"] == before["Last-Modified"]

    # Back, but not tried again for UNREACHABLE_PAUSE_SECONDS: the poller's copy is still it.
    assert Client().get("/results/night/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    cache.delete(UNREACHABLE_KEY)  # the pause is over
    fresh = Client().get("/results/night/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert fresh.status_code == 200 and "2 of 3 stations" in fresh.content.decode()
    assert "X-Saylau-Stale" not in fresh


def test_a_poller_holding_the_last_good_answer_gets_a_304_while_the_database_is_down(night):
    night.accept(night.station)
    publish(night)
    before = Client().get("/api/v1/results/?election=night")
    night.accept(night.neighbour, good_numbers(vote_1=300, vote_2=250))
    publish(night)

    with database_down():
        again = Client().get("/api/v1/results/?election=night", HTTP_IF_NONE_MATCH=before["ETag"])

    assert again.status_code == 304 and again["X-Saylau-Stale"] == "database unavailable"


def test_a_page_never_read_is_a_503_with_retry_after_and_the_database_is_left_alone_a_moment(
    night,
):
    reader = Client(HTTP_HOST="localhost")  # pages no other test reads: none kept for them
    with database_down() as refused:
        page = reader.get("/results/night/regions/PAV/")
        tried = len(refused)
        api = reader.get("/api/v1/station-results/?election=night&region=PAV")

    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert "The results cannot be read just now" in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert api.status_code == 503 and api["Retry-After"] == "30"
    assert api.json() == {
        "detail": "The results cannot be read just now. Please try again in a minute."
    }
    assert len(refused) == tried, "the next answer tried the database again at once"


def test_a_signed_in_reader_whose_session_cannot_be_read_gets_the_public_answer(night):
    night.accept(night.station)
    publish(night)
    before = Client().get("/results/night/")
    reader = Client()
    reader.cookies["sessionid"] = "0123456789abcdefghijklmnopqrstuv"

    with database_down():
        during = reader.get("/results/night/")

    assert during.status_code == 200 and during.content == before.content


def test_a_snapshot_file_is_served_without_the_database(night, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    night.accept(night.station)
    publish(night)
    contest_snapshot_write(contest_id=night.contest.pk)  # as the aggregation task does
    path = f"/media/results/night/{night.contest.code}/current.json"
    reader = Client()
    reader.cookies["sessionid"] = "0123456789abcdefghijklmnopqrstuv"

    with database_down() as refused:
        pointer = reader.get(path)
        snapshot = reader.get(f"/media/{json.loads(b''.join(pointer))['json']}")

    assert pointer.status_code == 200 and snapshot.status_code == 200
    document = json.loads(b"".join(snapshot))
    assert document["election"] == "night" and document["publications_up_to"] == 1
    assert refused == []
