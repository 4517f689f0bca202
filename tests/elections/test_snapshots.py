import csv
import io
import json
from pathlib import Path

import pytest

from elections.models import Contest, Publication
from elections.services.aggregation import contests_needing_aggregation
from elections.services.protocols import protocol_submit_entry
from elections.services.publication import protocols_publish
from elections.services.structure import ballot_lines_set, contest_cover_stations
from elections.tasks import sweep
from tests.elections.conftest import good_numbers
from tests.factories import CandidateFactory, ContestFactory, StationFactory

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


def two_contests_published(night) -> list[Contest]:
    """The night's contest and a second one, each with a record in the log, neither counted."""
    # A second contest, set up as the night's own was, while the election (this stale copy of
    # it) was still in setup.
    second = ContestFactory(election=night.election, name="District No. 4")
    candidates = [
        CandidateFactory(election=night.election, contest=second, full_name=name)
        for name in ["Dana Omarova", "Marat Seitov"]
    ]
    ballot_lines_set(contest=second, choices=candidates)
    elsewhere = StationFactory(region=night.other_station.region, number=8, registered_voters=1000)
    contest_cover_stations(contest=second, stations=[elsewhere])
    second = Contest.objects.get(pk=second.pk)  # the election as it is now: counting
    night.accept(night.station)
    for user in (night.cec, night.cec2):
        protocol_submit_entry(station=elsewhere, contest=second, user=user, data=good_numbers())
    while protocols_publish():  # the records are in; their contests' counts and files are not
        pass
    assert set(contests_needing_aggregation()) == {night.contest, second}
    return [night.contest, second]


def test_one_run_brings_every_changed_contest_up_to_date_a_slice_at_a_time(
    night, media, monkeypatch
):
    from elections import tasks
    from elections.services import aggregation

    first, second = two_contests_published(night)
    monkeypatch.setattr(aggregation, "REFRESH_SLICE", 1)
    slices = []
    bring_up_to_date = tasks.contests_bring_up_to_date

    def recorded(**kwargs):
        slices.append(bring_up_to_date(**kwargs))
        return slices[-1]

    monkeypatch.setattr(tasks, "contests_bring_up_to_date", recorded)
    assert tasks.refresh_contests() == 2

    assert slices == [[first.pk], [second.pk], []]  # one transaction per slice
    assert not contests_needing_aggregation().exists()
    for contest in (first, second):
        assert (media / "results" / "night" / contest.code / "current.json").exists()


def test_a_run_takes_each_contest_once_however_often_it_changes_meanwhile(night, monkeypatch):
    from elections import tasks

    night.accept(night.station)
    while protocols_publish():
        pass

    def another_protocol_changes_it(**kwargs):
        night.accept(night.neighbour)  # as a publication would, after each slice

    # The run still ends; the change's own queued run (lost here) takes it from there.
    monkeypatch.setattr(tasks, "contest_snapshot_write", another_protocol_changes_it)
    assert tasks.refresh_contests() == 1
    assert list(contests_needing_aggregation()) == [night.contest]


def test_a_workers_run_lets_others_have_the_worker_after_its_time(night, media, monkeypatch):
    from celery import current_app

    from elections import tasks
    from elections.services import aggregation

    first, second = two_contests_published(night)
    monkeypatch.setattr(aggregation, "REFRESH_SLICE", 1)
    monkeypatch.setattr(tasks, "REFRESH_RUN_SECONDS", 0)
    queued = []
    monkeypatch.setattr(tasks.queue, "once", lambda *args, **kwargs: queued.append(args))
    # As in a worker. Set and put back as tests/conftest.py does: monkeypatch.setitem on Celery's
    # settings left tasks eager for the rest of the session (the service suite's worker tests
    # then ran their pings in the test process).
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False
    try:
        assert tasks.refresh_contests() == 1  # one slice, then its time was up
    finally:
        current_app.conf.task_always_eager = eager
    # The rest queued behind what waits (the apps on top queue their own runs too).
    assert [run for run in queued if run[0].startswith("elections.")] == [
        (aggregation.REFRESH_CONTESTS,)
    ]
    assert list(contests_needing_aggregation()) == [second]
