import csv
import io
import json
from pathlib import Path

import pytest

from elections.models import Publication
from elections.services.protocols import protocol_submit_entry
from elections.tasks import sweep
from tests.elections.conftest import good_numbers

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_each_aggregation_writes_the_contest_files_and_moves_the_pointer(night, media):
    for station, first in [(night.station, 400), (night.neighbour, 300)]:
        for user in (night.cec, night.cec2):
            data = good_numbers(vote_1=first, vote_2=550 - first)
            protocol_submit_entry(station=station, contest=night.contest, user=user, data=data)
    sweep()  # eager here: publishes both, aggregates the contest, writes its snapshot

    folder = media / "results" / "night" / night.contest.code
    pointer = json.loads((folder / "current.json").read_text())
    assert pointer["publications_up_to"] == 2
    document = json.loads((media / pointer["json"]).read_text())
    nation = next(t for t in document["totals"] if t["area"] == "nation")
    assert nation["votes"] == {"1": 700, "2": 400, "3": 80}
    assert nation["stations_accepted"] == 2
    assert nation["turnout_percent"] == "60.00"  # 1,200 ballots issued of 2,000 on the lists
    assert document["outcome"]["winner"] == "Aigerim Sadykova"
    hashes = set(Publication.objects.values_list("sha256", flat=True))
    assert {s["sha256"] for s in document["stations"]} == hashes

    rows = list(csv.DictReader(io.StringIO((media / pointer["csv"]).read_text())))
    assert [(r["station"], r["1. Aigerim Sadykova"], r["3. Against all"]) for r in rows] == [
        ("101", "400", "40"),
        ("102", "300", "40"),
    ]
    assert {r["sha256"] for r in rows} == hashes


def test_each_publication_rewrites_its_station_file(night, media):
    for user in (night.cec, night.cec2):
        protocol_submit_entry(
            station=night.station, contest=night.contest, user=user, data=good_numbers()
        )
    sweep()

    base = media / "results" / "night" / "stations" / "KAR-101"
    document = json.loads(base.with_suffix(".json").read_text())
    assert [(r["contest"], r["version"], r["lines"]["l7_valid"]) for r in document["results"]] == [
        (night.contest.code, 1, 590)
    ]
    rows = list(csv.DictReader(io.StringIO(base.with_suffix(".csv").read_text())))
    assert (rows[0]["votes"], rows[0]["sha256"]) == ("400;150;40", Publication.objects.get().sha256)


def test_a_run_leaves_the_files_to_the_next_one_queued_during_it(night, media, monkeypatch):
    from django.core.cache import cache

    from elections import tasks
    from elections.tasks import queued_key

    def aggregate_while_another_is_queued(*, contest_id):
        cache.set(queued_key(contest_id), 1)  # a publication during this run queued the next
        return 0

    monkeypatch.setattr(tasks, "contest_bring_up_to_date", aggregate_while_another_is_queued)
    tasks.aggregate_contest(night.contest.pk)
    assert not (media / "results" / "night" / night.contest.code / "current.json").exists()

    monkeypatch.undo()
    tasks.aggregate_contest(night.contest.pk)  # the last run of the burst writes them
    assert (media / "results" / "night" / night.contest.code / "current.json").exists()
