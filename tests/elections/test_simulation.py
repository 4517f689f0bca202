"""The simulated election night at a small scale, through the management command."""

import io

import pytest
from django.core.management import call_command

from elections.demo.simulation import apportion
from elections.models import Protocol, Publication, StationReport
from elections.services.publication import chain_problems

# Real commits: publication and aggregation run once each transaction commits, as in the demo.
pytestmark = pytest.mark.usefixtures("transactional_db")


def simulate(*args: str) -> str:
    out = io.StringIO()
    call_command("simulate_election_night", "--election", "day", *args, stdout=out)
    return out.getvalue()


def test_a_whole_night_through_the_services(day):
    output = simulate("--seed", "7")
    day.election.refresh_from_db()
    assert day.election.status == "counting"
    for station in (day.station, day.west):
        kinds = set(StationReport.objects.filter(station=station).values_list("kind", flat=True))
        assert kinds == {"opened", "turnout", "closed", "counting_started", "counting_finished"}
        assert StationReport.objects.filter(station=station, kind="turnout").count() == 5
    protocols = Protocol.objects.filter(is_active=True)
    assert {p.status for p in protocols} == {"accepted"} and protocols.count() == 2
    for protocol in protocols:  # every protocol entered twice, by two different clerks
        assert len({entry.user_id for entry in protocol.entries.all()}) == 2
    assert Publication.objects.count() == 2 and chain_problems() == []
    assert "protocols: 2 entered twice" in output
    call_command("verify_results", stdout=io.StringIO())


def test_reporting_stops_part_way_and_a_second_run_finishes(day):
    simulate("--reporting", "50")
    assert Protocol.objects.filter(status="accepted").count() == 1
    assert StationReport.objects.filter(kind="counting_finished").count() == 1
    simulate("--reporting", "100")
    assert Protocol.objects.filter(status="accepted").count() == 2
    assert StationReport.objects.filter(kind="closed").count() == 2  # the day was not redone


def test_reporting_must_be_a_percentage(day):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--reporting: give a percentage"):
        simulate("--reporting", "150")


def test_apportion_splits_exactly():
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(apportion(997, [0.5, 0.2, 0.3])) == 997


def test_on_sqlite_the_stations_are_worked_on_one_after_another(day):
    from django.db import connection

    err = io.StringIO()
    call_command(
        "simulate_election_night", "--election", "day", "--jobs", "3",
        stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    sqlite = connection.vendor == "sqlite"
    assert ("SQLite writes one transaction at a time" in err.getvalue()) == sqlite
    assert Protocol.objects.filter(status="accepted").count() == 2
    call_command("verify_results", stdout=io.StringIO())


def test_in_the_process_each_wave_is_published_in_one_batch(day, monkeypatch):
    from elections import tasks

    batches = []
    publish = tasks.protocols_publish

    def spy(**kwargs):
        batch = publish(**kwargs)
        batches.append(len(batch))
        return batch

    monkeypatch.setattr(tasks, "protocols_publish", spy)
    simulate()
    # One wave: both stations' acceptances in one record batch (then an empty one: drained),
    # rather than a publication run after each acceptance.
    assert batches == [2, 0]
    assert Publication.objects.count() == 2 and chain_problems() == []
    call_command("verify_results", stdout=io.StringIO())


def test_deferred_runs_are_sent_once_as_the_block_ends(monkeypatch):
    from types import SimpleNamespace

    from common import queue

    sent = []
    monkeypatch.setattr(queue, "_send", lambda task, args, countdown: sent.append((task, args)))
    with queue.deferred():
        queue.once("t", 1)
        queue.once("t", 1)
        queue.once("t", 2)
        assert sent == []
    assert sent == [("t", (1,)), ("t", (2,))]
    # With a broker the workers run them meanwhile: nothing waits for the block to end.
    broker = SimpleNamespace(conf=SimpleNamespace(task_always_eager=False))
    monkeypatch.setattr(queue, "current_app", broker)
    with queue.deferred():
        queue.once("t", 3)
        assert sent[-1] == ("t", (3,))
