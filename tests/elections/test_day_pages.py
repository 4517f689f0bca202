"""Election day through the admin page, the API, the dashboard and the public turnout chart."""

from datetime import time

from django.urls import reverse

from elections.models import StationReport
from tests.clients import api_for, client_for

URL = "/api/v1/reports/"


def test_precinct_staff_report_the_day_on_the_admin_page(day):
    page = reverse("admin:elections_stationreport_report", args=[day.station.pk])
    with day.clock("07:00"):
        response = client_for(day.clerk).post(page, {"kind": "opened", "at": "2023-03-19T07:00"})
    assert response.status_code == 302
    with day.clock("10:01"):  # signed in again: a session ends after 30 idle minutes
        client = client_for(day.clerk)
        response = client.post(
            page, {"kind": "turnout", "at": "2023-03-19T10:01", "hour": "10:00", "voters": "140"}
        )
        listed = client.get(page)
    assert response.status_code == 302
    report = StationReport.objects.get(kind="turnout")
    assert (report.hour, report.voters) == (time(10), 140)
    # Typed on the station's clock: 10:01 in Karaganda (UTC+6) is 04:01 UTC.
    assert report.at.utctimetuple()[3:5] == (4, 1)
    assert b"Turnout 10:00" in listed.content and b"140" in listed.content


def test_the_page_shows_the_rule_broken_beside_the_field(day):
    page = reverse("admin:elections_stationreport_report", args=[day.station.pk])
    client = client_for(day.clerk)
    with day.clock("14:00"):  # all three sent within the hour: in time
        client.post(page, {"kind": "opened", "at": "2023-03-19T13:10"})
        client.post(
            page, {"kind": "turnout", "at": "2023-03-19T13:20", "hour": "12:00", "voters": "300"}
        )
        response = client.post(
            page, {"kind": "turnout", "at": "2023-03-19T14:00", "hour": "14:00", "voters": "200"}
        )
    assert response.status_code == 200
    assert response.context["form"].errors["voters"] == [
        "turnout cannot fall: 300 voters were reported at 12:00, 200 now"
    ]
    assert StationReport.objects.filter(kind="turnout").count() == 1


def test_another_stations_page_is_not_found(day):
    page = reverse("admin:elections_stationreport_report", args=[day.west.pk])
    assert client_for(day.clerk).get(page).status_code == 404


def test_reports_by_api(day):
    api = api_for(day.clerk)
    body = {"election": "day", "station": day.station.pk, "kind": "opened",
            "at": "2023-03-19T07:00:00+06:00"}  # fmt: skip
    with day.clock("07:00"):
        assert api.post(URL, body, format="json").status_code == 201
    late = {**body, "kind": "turnout", "hour": "10:00", "voters": 2000,
            "at": "2023-03-19T10:00:00+06:00"}  # fmt: skip
    with day.clock("10:00"):
        response = api.post(URL, late, format="json")
    assert response.status_code == 400
    assert "more than the register of 1000" in response.json()["errors"]["voters"][0]
    outside = {**body, "station": day.west.pk}
    assert api.post(URL, outside, format="json").status_code == 404
    assert api_for(day.auditor).post(URL, body, format="json").status_code == 403
    listed = api.get(URL).json()
    assert [r["kind"] for r in listed["results"]] == ["opened"]


def test_dashboard_replays_the_day_in_each_stations_zone(day, cec):
    day.report("opened", "07:00")  # Karaganda, 07:00 UTC+6
    dashboard = reverse("admin:elections_stationreport_dashboard")
    client = client_for(cec)
    # Replayed afterwards (the clock travels on), the dashboard goes by when reports came in.
    # 07:20 Astana: Aktobe (UTC+5) opens at 08:00 Astana time, so it is not late yet.
    early = client.get(dashboard, {"at": "07:20"}).context
    assert early["nation"].opened == 1 and early["nation"].late == []
    # 08:20 Astana is 07:20 in Aktobe: 20 minutes late.
    late = client.get(dashboard, {"at": "08:20"}).context["nation"].late
    assert [(s.opens_local, s.opens_astana) for s in late] == [("07:00 Asia/Aqtobe", "08:00")]
    # 10:20 in Karaganda: the 10:00 turnout report is missing.
    regions = {r.code: r for r in client.get(dashboard, {"at": "10:20"}).context["regions"]}
    assert (regions["KAR"].turnout_missing, regions["KAR"].turnout_due) == (1, 1)
    day.report("turnout", "10:05", hour=time(10), voters=150)
    regions = {r.code: r for r in client.get(dashboard, {"at": "10:20"}).context["regions"]}
    assert regions["KAR"].turnout_missing == 0
    assert regions["KAR"].turnout_percent == 15


def test_dashboard_time_that_is_not_a_time_is_said_so(day, cec):
    response = client_for(cec).get(reverse("admin:elections_stationreport_dashboard"), {"at": "x"})
    assert response.status_code == 200
    assert "is not a time like 14:30" in str(list(response.context["messages"])[0])


def test_public_turnout_chart(day, client):
    day.report("opened", "07:00")
    day.report("turnout", "10:00", hour=time(10), voters=100)
    day.report("turnout", "12:00", hour=time(12), voters=250)
    response = client.get(reverse("elections:turnout"))
    assert response.status_code == 200
    (line,) = response.context["chart"].lines
    assert [(label, value) for _, _, label, value in line.dots] == [("10:00", 10), ("12:00", 25)]
    assert b"<svg" in response.content and b"<polyline" in response.content
    region = client.get(reverse("elections:turnout-region", args=["KAR"]))
    assert [line.name for line in region.context["chart"].lines] == ["Nationwide", "KAR Region"]
    assert client.get(reverse("elections:turnout-region", args=["XXX"])).status_code == 404
