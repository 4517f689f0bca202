"""Election day reports through the service: the day only moves forward, within scope."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from common.errors import NotAllowed, OutOfScope, StateConflict
from elections.models import StationReport
from elections.services.day import (
    Report,
    ReportRefused,
    station_report_submit,
    station_reports_submit,
)
from elections.services.staff import staff_assign
from elections.services.structure import election_change_status
from tests.factories import StationFactory

ALMATY = ZoneInfo("Asia/Almaty")  # UTC+6 on 19 March 2023
AQTOBE = ZoneInfo("Asia/Aqtobe")  # UTC+5


def refused(call, field: str, words: str) -> None:
    with pytest.raises(ReportRefused) as caught:
        call()
    messages = caught.value.errors[field]
    assert any(words in message for message in messages), messages


def test_a_whole_day_in_order(day):
    day.report("opened", "07:00")
    day.report("turnout", "10:02", hour=time(10), voters=120)
    day.report("turnout", "12:01", hour=time(12), voters=260)
    day.report("closed", "20:00", voters=610)
    day.report("counting_started", "20:05")
    day.report("counting_finished", "23:40")
    kinds = list(StationReport.objects.values_list("kind", flat=True))
    assert kinds == ["opened", "turnout", "turnout", "closed", "counting_started",
                     "counting_finished"]  # fmt: skip


def test_nothing_before_the_opening(day):
    refused(
        lambda: day.report("turnout", "10:00", hour=time(10), voters=5), "kind", "before opened"
    )
    refused(lambda: day.report("closed", "20:00"), "kind", "before opened")


def test_closing_before_opening_time_is_refused(day):
    day.report("opened", "07:00")
    day.report("turnout", "10:00", hour=time(10), voters=100)
    refused(lambda: day.report("closed", "09:00"), "at", "would come before turnout")


def test_turnout_cannot_fall(day):
    day.report("opened", "07:00")
    day.report("turnout", "12:00", hour=time(12), voters=300)
    refused(
        lambda: day.report("turnout", "14:00", hour=time(14), voters=250),
        "voters",
        "turnout cannot fall: 300 voters were reported at 12:00",
    )
    # A late 10:00 report must not be above the 12:00 one either.
    refused(
        lambda: day.report("turnout", "14:05", hour=time(10), voters=301), "voters", "later than"
    )


def test_turnout_above_the_register_is_refused(day):
    day.report("opened", "07:00")
    refused(
        lambda: day.report("turnout", "10:00", hour=time(10), voters=1051),
        "voters",
        "more than the register of 1000 allows (tolerance 5.00 %)",
    )


def test_turnout_only_at_the_elections_hours_and_not_before_them(day):
    day.report("opened", "07:00")
    refused(lambda: day.report("turnout", "11:00", hour=time(11), voters=5), "hour", "10:00, 12:00")
    refused(lambda: day.report("turnout", "09:50", hour=time(10), voters=5), "at", "cannot be")
    day.report("turnout", "10:00", hour=time(10), voters=50)
    refused(lambda: day.report("turnout", "10:30", hour=time(10), voters=60), "hour", "already")


def test_early_opening_needs_the_commissions_decision(day):
    refused(lambda: day.report("opened", "06:00"), "decision", "before the normal 07:00")
    report = day.report("opened", "06:00", decision="TEC decision No. 12: shift workers")
    assert report.decision.startswith("TEC decision")


def test_opening_is_judged_in_the_stations_own_zone(day, django_user_model):
    cec = django_user_model.objects.create_user("cec")
    staff_assign(user=cec, role="cec")
    # 07:00 in Aktobe is 08:00 in Astana: on time there, though the Astana clock says 08:00.
    report = day.report("opened", "07:00", station=day.west, user=cec)
    assert report.at.astimezone(ALMATY).hour == 8
    assert report.at.astimezone(AQTOBE).hour == 7


def test_counting_only_after_the_close(day):
    day.report("opened", "07:00")
    refused(lambda: day.report("counting_started", "19:00"), "kind", "before closed")
    day.report("closed", "20:00")
    refused(lambda: day.report("counting_finished", "21:00"), "kind", "before counting started")


def test_each_report_once(day):
    day.report("opened", "07:00")
    refused(lambda: day.report("opened", "07:05"), "kind", "already reported at 07:00")


def test_scope_and_role(day, django_user_model):
    with pytest.raises(OutOfScope):
        day.report("opened", "07:00", station=day.west)
    with pytest.raises(NotAllowed):
        day.report("opened", "07:00", user=day.auditor)


def test_reports_need_a_polling_election(day):
    day.election = election_change_status(election=day.election, to_status="counting", user=None)
    with pytest.raises(StateConflict, match="opened is reported while the election is polling"):
        day.report("opened", "07:00")


def test_a_report_cannot_be_dated_in_the_future(day):
    with pytest.raises(ReportRefused, match="future"):
        station_report_submit(
            election=day.election,
            station=day.station,
            user=day.clerk,
            kind="opened",
            at=datetime(2999, 3, 19, 7, tzinfo=ALMATY),
        )


def test_a_station_without_a_ballot_in_the_election_reports_nothing(day, django_user_model):
    elsewhere = StationFactory(region=day.station.region)
    cec = django_user_model.objects.create_user("cec")
    staff_assign(user=cec, role="cec")
    refused(
        lambda: day.report("opened", "07:00", station=elsewhere, user=cec), "station", "no ballot"
    )


def test_a_batch_is_checked_report_by_report_against_its_own_earlier_reports(day, cec):
    # A replayed day, both stations at once: each report is checked against those before it.
    late = "replayed after the line came back"
    reports = [
        Report(day.station, "opened", day.at("07:00"), late_reason=late),
        Report(day.west, "opened", day.at("07:00", day.west), late_reason=late),
        Report(day.station, "turnout", day.at("10:00"), hour=time(10), voters=120,
               late_reason=late),
        Report(day.station, "turnout", day.at("12:00"), hour=time(12), voters=260,
               late_reason=late),
    ]  # fmt: skip
    with day.clock("23:00"):
        saved = station_reports_submit(election=day.election, user=cec, reports=reports)
    assert [(r.station_id, r.kind, r.voters) for r in saved] == [
        (day.station.pk, "opened", None),
        (day.west.pk, "opened", None),
        (day.station.pk, "turnout", 120),
        (day.station.pk, "turnout", 260),
    ]
    assert StationReport.objects.count() == 4
    assert all(r.late_reason == late and r.pk for r in saved)


def test_one_refusal_refuses_the_whole_batch(day, cec):
    day.report("opened", "07:00")
    late = "replayed after the line came back"
    reports = [
        Report(day.west, "opened", day.at("07:00", day.west), late_reason=late),
        Report(day.station, "turnout", day.at("10:00"), hour=time(10), voters=300,
               late_reason=late),
        # Lower than the 10:00 figure earlier in the same batch.
        Report(day.station, "turnout", day.at("12:00"), hour=time(12), voters=250),
    ]  # fmt: skip
    with day.clock("12:00"), pytest.raises(ReportRefused) as caught:
        station_reports_submit(election=day.election, user=cec, reports=reports)
    assert caught.value.errors == {
        "voters": ["turnout cannot fall: 300 voters were reported at 10:00, 250 now"]
    }
    assert list(StationReport.objects.values_list("kind", flat=True)) == ["opened"]


def test_a_batch_is_refused_if_one_station_is_outside_the_users_area(day):
    reports = [
        Report(day.station, "opened", day.at("07:00")),
        Report(day.west, "opened", day.at("07:00", day.west)),
    ]
    with day.clock("07:00", day.west), pytest.raises(OutOfScope):
        station_reports_submit(election=day.election, user=day.clerk, reports=reports)
    assert not StationReport.objects.exists()
