from datetime import UTC, date, datetime, time

import pytest

from tests.factories import RegionFactory, StationFactory

ELECTION_DAY_2023 = date(2023, 3, 19)
# After 1 March 2024 the whole country keeps UTC+5.
A_SUNDAY_IN_2024 = date(2024, 3, 17)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def station_in(zone: str, **kwargs):
    return StationFactory.build(
        region=RegionFactory.build(time_zone=zone), time_zone=zone, **kwargs
    )


@pytest.mark.parametrize(
    ("zone", "on", "opens_utc", "closes_utc"),
    [
        ("Asia/Aqtobe", ELECTION_DAY_2023, utc(2023, 3, 19, 2), utc(2023, 3, 19, 15)),
        ("Asia/Almaty", ELECTION_DAY_2023, utc(2023, 3, 19, 1), utc(2023, 3, 19, 14)),
        ("Asia/Qostanay", ELECTION_DAY_2023, utc(2023, 3, 19, 1), utc(2023, 3, 19, 14)),
        ("Asia/Aqtobe", A_SUNDAY_IN_2024, utc(2024, 3, 17, 2), utc(2024, 3, 17, 15)),
        ("Asia/Almaty", A_SUNDAY_IN_2024, utc(2024, 3, 17, 2), utc(2024, 3, 17, 15)),
        # Abroad, the host's zone: Berlin keeps CET in March, New York is on EDT by then.
        ("Europe/Berlin", ELECTION_DAY_2023, utc(2023, 3, 19, 6), utc(2023, 3, 19, 19)),
        ("America/New_York", ELECTION_DAY_2023, utc(2023, 3, 19, 11), utc(2023, 3, 20, 0)),
    ],
)
def test_polls_open_at_seven_and_close_at_eight_local_time(zone, on, opens_utc, closes_utc):
    opens, closes = station_in(zone).polling_hours(on)

    assert (opens, closes) == (opens_utc, closes_utc)
    assert (opens.time(), closes.time()) == (time(7), time(20))


def test_a_station_opened_earlier_by_its_commission_keeps_its_own_time():
    station = station_in("Asia/Almaty", opening_time=time(6))

    opens, closes = station.polling_hours(ELECTION_DAY_2023)

    assert opens == utc(2023, 3, 19, 0)
    assert closes == utc(2023, 3, 19, 14)


def test_an_election_can_set_other_default_hours():
    opens, closes = station_in("Asia/Almaty").polling_hours(
        ELECTION_DAY_2023, opens=time(8), closes=time(22)
    )

    assert (opens, closes) == (utc(2023, 3, 19, 2), utc(2023, 3, 19, 16))
