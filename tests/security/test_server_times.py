"""Times that matter are the server's: a client's stated time is kept beside it, never instead.

A report's `at` is what the commission says; `created` is when the server received it. A report
stated long before it arrives is taken only with the reason it is late, one dated ahead of the
server's clock not at all, and the day's dashboard replays by receipt, so that a backdated
opening cannot rewrite the past the commission saw.
"""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from elections.models import StationReport
from tests.clients import api_for, client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"
# Years after the election: "today", on a server clock that does not move during a test.
TODAY = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 10:00 in Karaganda (UTC+5 since 2024)
LATE = (
    "the stated time 07:00 (Asia/Almaty) on 19.03.2023 is more than 60 minutes before the "
    "report was received (10:00 (Asia/Almaty) on 02.12.2026): say why it is reported late"
)
REASON = "The line was down; the opening is reported from the paper log"


def send(day, door: str, hh_mm: str, late_reason: str = "", **fields):
    """Send an opening (or ``fields``' report) stated at HH:MM on 19 March 2023, station time,
    through the API or the admin page, as the precinct clerk; the answer."""
    kind = fields.pop("kind", "opened")
    if door == "api":
        body = {"election": day.election.code, "station": day.station.pk, "kind": kind,
                "at": f"2023-03-19T{hh_mm}:00+06:00", "late_reason": late_reason,
                **fields}  # fmt: skip
        return api_for(day.clerk).post(URL, body, format="json")
    page = reverse("admin:elections_stationreport_report", args=[day.station.pk])
    return client_for(day.clerk).post(
        page, {"kind": kind, "at": f"2023-03-19T{hh_mm}", "late_reason": late_reason, **fields}
    )


def refusal(response, door: str, field: str) -> list[str]:
    if door == "api":
        assert response.status_code == 400
        return response.json()["errors"][field]
    assert response.status_code == 200
    return response.context["form"].errors[field]


DOORS = ["api", "admin"]


@pytest.mark.parametrize("door", DOORS)
def test_a_report_sent_today_stated_on_election_day_2023_is_refused_without_a_reason(day, door):
    with time_machine.travel(TODAY, tick=False):
        response = send(day, door, "07:00")

    assert refusal(response, door, "late_reason") == [LATE]
    assert not StationReport.objects.exists()


@pytest.mark.parametrize("door", DOORS)
def test_a_late_report_with_its_reason_is_taken_and_received_at_the_servers_time(day, door):
    with time_machine.travel(TODAY, tick=False):
        response = send(day, door, "07:00", late_reason=REASON)

    assert response.status_code == (201 if door == "api" else 302)
    report = StationReport.objects.get()
    assert report.created == TODAY  # received now, whatever the report says
    assert report.at == datetime(2023, 3, 19, 1, 0, tzinfo=UTC)  # as stated: 07:00 UTC+6
    assert report.late_reason == REASON
    if door == "api":
        assert datetime.fromisoformat(response.json()["created"]) == TODAY


def test_a_client_cannot_state_when_the_server_received_its_report(day):
    with time_machine.travel(TODAY, tick=False):
        response = send(day, "api", "07:00", late_reason=REASON, created="2023-03-19T07:00:00Z")

    assert response.status_code == 201
    assert StationReport.objects.get().created == TODAY


@pytest.mark.parametrize("door", DOORS)
def test_a_report_dated_ahead_of_the_servers_clock_is_refused(day, door):
    with day.clock("07:00"):  # the server's clock says 07:01; the report says 09:00
        response = send(day, door, "09:00")

    assert refusal(response, door, "at") == ["a report cannot be dated in the future"]
    assert not StationReport.objects.exists()


@pytest.mark.parametrize("door", DOORS)
def test_a_report_within_the_tolerance_needs_no_reason_and_keeps_none(day, door):
    with day.clock("07:58"):  # 59 minutes after the stated time: in time
        response = send(day, door, "07:00", late_reason="typed anyway")

    assert response.status_code == (201 if door == "api" else 302)
    report = StationReport.objects.get()
    assert (report.late_reason, report.created) == ("", day.at("07:59"))


def test_the_dashboard_counts_a_backdated_report_only_from_when_it_was_received(day, cec):
    late = {"late_reason": REASON}
    with day.clock("09:29"):  # received at 09:30, stated 07:00: the station looked late
        assert send(day, "api", "07:00", **late).status_code == 201
    with day.clock("12:59"):  # the 10:00 turnout, received at 13:00
        turnout = {"kind": "turnout", "hour": "10:00", "voters": 150, **late}
        assert send(day, "api", "10:00", **turnout).status_code == 201
    dashboard = reverse("admin:elections_stationreport_dashboard")
    client = client_for(cec)

    def as_at(hh_mm: str):
        context = client.get(dashboard, {"at": hh_mm}).context
        return context["nation"], {row.code: row for row in context["regions"]}["KAR"]

    def day_so_far(row) -> tuple[int, int, int]:
        return row.turnout_due, row.turnout_missing, row.voters

    nation, karaganda = as_at("08:00")  # Astana keeps Karaganda's clock
    assert nation.opened == 0
    assert [station.station_id for station in karaganda.late] == [day.station.pk]
    nation, karaganda = as_at("09:45")
    assert nation.opened == 1 and karaganda.late == []
    assert day_so_far(karaganda) == (0, 0, 0)  # the 10:00 turnout is not due yet
    assert day_so_far(as_at("12:10")[1]) == (1, 1, 0)  # due at 10:15, received at 13:00
    assert day_so_far(as_at("13:05")[1]) == (2, 1, 150)  # now in; the 12:00 one is missing
    reports = StationReport.objects.order_by("created")
    assert [r.created - r.at for r in reports] == [
        timedelta(hours=2, minutes=30),
        timedelta(hours=3),
    ]
    assert [r.hour for r in reports] == [None, time(10)]


def test_a_backdated_report_with_an_invisible_reason_is_refused(day):
    """Found by the red team: a zero-width space passed for the reason it was late."""
    from tests.clients import api_for

    body = {"election": "day", "station": day.station.pk, "kind": "opened",
            "at": "2023-03-19T07:00:00+06:00"}  # fmt: skip
    for invisible in ("\u200b", " \u2060 ", "...", "\u00a0"):
        response = api_for(day.clerk).post(
            "/api/v1/reports/", {**body, "late_reason": invisible}, format="json"
        )
        assert response.status_code == 400
        assert "late_reason" in response.json()["errors"]
    assert not StationReport.objects.exists()
