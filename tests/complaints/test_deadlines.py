"""The law's deadlines: instants in the deciding body's zone, from the rules as data."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints.deadlines import DeadlineRule, DeadlineRules, _rule_set, deadline_rules

AKTOBE = ZoneInfo("Asia/Aqtobe")  # UTC+5
ALMATY = ZoneInfo("Asia/Almaty")  # UTC+6 in 2023
VOTE = date(2023, 3, 19)  # a Sunday


def at(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)


@pytest.fixture
def rules() -> DeadlineRules:
    return deadline_rules()


def test_a_decision_is_due_at_midnight_closing_the_fifth_day_in_the_bodys_zone(rules):
    registered = at(AKTOBE, 2023, 3, 1, 16, 30)

    assert rules.deadline("decide", registered, AKTOBE, VOTE) == at(AKTOBE, 2023, 3, 7, 0, 0)
    # The same instant seen from Almaty is an hour later on its clocks, and it is not a day longer.
    assert rules.deadline("decide", registered, AKTOBE, VOTE).astimezone(ALMATY).hour == 1


@pytest.mark.parametrize(
    ("filed", "in_time"),
    [((2023, 3, 11, 23, 50), True), ((2023, 3, 11, 23, 59), True), ((2023, 3, 12, 0, 5), False)],
)
def test_a_filing_at_2350_local_on_the_last_day_is_in_time_and_at_0005_it_is_late(
    rules, filed, in_time
):
    decided = at(AKTOBE, 2023, 3, 1, 12, 0)  # ten calendar days: the last is 11 March

    assert rules.in_time("file_against_decision", decided, at(AKTOBE, *filed), AKTOBE) is in_time


def test_the_last_minute_is_the_bodys_not_the_servers(rules):
    decided = at(AKTOBE, 2023, 3, 1, 12, 0)
    late_in_almaty_early_in_aktobe = at(ALMATY, 2023, 3, 12, 0, 30)  # 23:30 on the 11th in Aktobe

    assert rules.in_time("file_against_decision", decided, late_in_almaty_early_in_aktobe, AKTOBE)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Five days before the vote: the campaign's five days still run.
        ((2023, 3, 14, 10, 0), (2023, 3, 20, 0, 0)),
        # Four days before, and on voting day: immediately, within the window's hours.
        ((2023, 3, 15, 10, 0), (2023, 3, 16, 10, 0)),
        ((2023, 3, 19, 21, 0), (2023, 3, 20, 21, 0)),
        # After voting day the five days run again.
        ((2023, 3, 20, 9, 0), (2023, 3, 26, 0, 0)),
    ],
)
def test_the_immediately_window_opens_less_than_five_days_before_the_vote(rules, received, due):
    assert rules.deadline("decide", at(AKTOBE, *received), AKTOBE, VOTE) == at(AKTOBE, *due)


def test_the_window_is_read_on_the_bodys_calendar(rules):
    # 23:30 on 14 March in Aktobe is already 15 March in Almaty: the Aktobe body's five days run.
    received = at(AKTOBE, 2023, 3, 14, 23, 30)

    assert rules.deadline("decide", received, AKTOBE, VOTE) == at(AKTOBE, 2023, 3, 20, 0, 0)
    assert rules.deadline("decide", received, ALMATY, VOTE) == received + timedelta(hours=24)


def test_state_bodies_answer_immediately_only_on_voting_day_and_the_day_before(rules):
    two_days_before = at(AKTOBE, 2023, 3, 17, 9, 0)
    the_day_before = at(AKTOBE, 2023, 3, 18, 9, 0)

    assert rules.deadline("state_body_answers", two_days_before, AKTOBE, VOTE) == at(
        AKTOBE, 2023, 3, 21, 0, 0
    )
    assert rules.deadline("state_body_answers", the_day_before, AKTOBE, VOTE) == the_day_before + (
        timedelta(hours=24)
    )


def test_a_working_day_rule_skips_the_weekend_and_the_holidays():
    rules = DeadlineRules(
        rules={
            "answer": DeadlineRule(
                code="answer", what="", counts_from="registration", amount=3, unit="days",
                days="working", source="",
            )
        },
        holidays=frozenset({date(2023, 3, 8)}),  # International Women's Day, a Wednesday
    )  # fmt: skip
    friday = at(AKTOBE, 2023, 3, 3, 15, 0)

    # Mon 6, Tue 7, (Wed 8 a holiday), Thu 9: due at the close of Thursday.
    assert rules.deadline("answer", friday, AKTOBE) == at(AKTOBE, 2023, 3, 10, 0, 0)


def test_a_figure_the_law_did_not_give_is_a_setting(settings):
    _rule_set.cache_clear()
    settings.COMPLAINTS_FILING_WINDOW_DAYS = 3
    try:
        decided = at(AKTOBE, 2023, 3, 1, 12, 0)
        assert deadline_rules().deadline("file_against_decision", decided, AKTOBE) == at(
            AKTOBE, 2023, 3, 5, 0, 0
        )
    finally:
        _rule_set.cache_clear()


def test_every_rule_names_its_source(rules):
    assert {code: bool(rule.source) for code, rule in rules.rules.items()} == dict.fromkeys(
        ["decide", "appeal_party_list_refusal", "file_against_decision", "state_body_answers"],
        True,
    )
