"""Structured logs: every state change and task run is one JSON line with its fields."""

import json
import logging

import pytest
from django.db import transaction

from common.events import JsonFormatter
from elections.services.structure import election_change_status

pytestmark = pytest.mark.django_db


def events(caplog) -> list[dict]:
    return [{"event": r.event, **r.fields} for r in caplog.records if r.name == "saylau.events"]


def test_a_protocols_path_to_publication_is_logged_step_by_step(
    night, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="saylau.events")
    with django_capture_on_commit_callbacks(execute=True):
        night.accept(night.station)

    logged = events(caplog)
    steps = [(e["event"], e.get("to_status") or e.get("task")) for e in logged]
    assert steps[:2] == [
        ("protocol.status", "awaiting_second"), ("protocol.status", "accepted"),
    ]  # fmt: skip
    assert ("publication.batch", None) in steps and ("totals.stations_counted", None) in steps
    batch = next(e for e in logged if e["event"] == "publication.batch")
    assert batch["records"] == 1 and batch["tallies"] == 3  # its district, region and nation
    assert ("task.run", "elections.publish_pending") in steps
    accepted = logged[1]
    assert accepted["station"] == night.station.pk and accepted["user"] == night.cec2.username
    run = next(e for e in logged if e.get("task") == "elections.publish_pending")
    assert run["state"] == "SUCCESS" and run["seconds"] >= 0


def test_a_change_that_is_rolled_back_is_not_logged(
    night, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="saylau.events")

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        election_change_status(election=night.election, to_status="certified", user=night.cec)
        raise RuntimeError("something after it failed: the whole change is undone")
    with django_capture_on_commit_callbacks(execute=True):
        election_change_status(election=night.election, to_status="certified", user=night.cec)

    assert [(e["event"], e["to_status"]) for e in events(caplog)] == [
        ("election.status", "certified")
    ]


def test_the_formatter_writes_one_json_object_with_the_events_fields():
    record = logging.LogRecord("saylau.events", logging.INFO, "x", 1, "protocol.status", (), None)
    record.event, record.fields = "protocol.status", {"protocol": 7, "user": "clerk1"}

    line = json.loads(JsonFormatter().format(record))

    assert line["event"] == "protocol.status" and line["protocol"] == 7
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
