"""The law's deadlines for complaints, as data, and the instant each one ends.

A rule (`complaints/data/<rule set>_deadlines.json`, from docs/rules.md) says what starts the
clock (a registration, a decision), how long it runs (days or hours; calendar or working days)
and its source in law; a rule may have an *immediately* window near the vote, with its own
limit in hours. A figure the law text did not give is a Django setting with the file's figure as
its default.

A deadline is an instant in the deciding body's zone: N days from a start end at midnight at the
close of the N-th day there, so a filing at 23:50 local time on the last day is in time and one
at 00:05 is late, whatever zone the server runs in. Working days skip Saturdays, Sundays and the
rule set's holidays.
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

DATA_DIR = Path(__file__).resolve().parent / "data"
WEEKEND = (5, 6)  # Saturday, Sunday


@dataclass(frozen=True)
class Immediately:
    """The window near the vote in which a rule's clock runs in hours, not days."""

    opens_days_before_vote: int  # 4: received 4 days before the vote, or later up to voting day
    hours: int
    source: str


@dataclass(frozen=True)
class DeadlineRule:
    code: str
    what: str
    counts_from: str  # "registration" or "decision"
    amount: int
    unit: str  # "days" or "hours"
    days: str  # "calendar" or "working"
    source: str
    immediately: Immediately | None = None

    def applying(
        self, start: datetime, zone: ZoneInfo, election_day: date | None
    ) -> "DeadlineRule":
        """The rule as it applies to a clock started at ``start``: in hours inside its
        immediately window (from ``opens_days_before_vote`` days before the vote to voting day,
        in the body's zone), as written otherwise."""
        window = self.immediately
        if window is None or election_day is None:
            return self
        started_on = start.astimezone(zone).date()
        if (
            not election_day - timedelta(days=window.opens_days_before_vote)
            <= started_on
            <= election_day
        ):
            return self
        return DeadlineRule(
            code=f"{self.code}:immediately", what=self.what, counts_from=self.counts_from,
            amount=window.hours, unit="hours", days="calendar", source=window.source,
        )  # fmt: skip


@dataclass(frozen=True)
class DeadlineRules:
    rules: dict[str, DeadlineRule]
    holidays: frozenset[date]

    def deadline(
        self, code: str, start: datetime, zone: ZoneInfo, election_day: date | None = None,
        received: datetime | None = None,
    ) -> datetime:  # fmt: skip
        """The instant the rule ``code`` ends for a clock started at ``start`` (aware); whether
        its immediately window applies is read from when the complaint was ``received`` (its
        filing; the start by default)."""
        rule = self.rules[code].applying(received or start, zone, election_day)
        if rule.unit == "hours":  # real hours, in UTC: a change of clocks makes none longer
            return (start.astimezone(UTC) + timedelta(hours=rule.amount)).astimezone(zone)
        last_day = self._after(start.astimezone(zone).date(), rule.amount, rule.days == "working")
        return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone)

    def in_time(
        self, code: str, start: datetime, at: datetime, zone: ZoneInfo,
        election_day: date | None = None,
    ) -> bool:  # fmt: skip
        """Whether something done at ``at`` is within the rule's deadline."""
        return at < self.deadline(code, start, zone, election_day)

    def _after(self, day: date, count: int, working: bool) -> date:
        """The ``count``-th day after ``day`` (only working days counted if ``working``)."""
        while count:
            day += timedelta(days=1)
            if not working or (day.weekday() not in WEEKEND and day not in self.holidays):
                count -= 1
        return day


def deadline_rules(name: str | None = None) -> DeadlineRules:
    """The rule set in force (COMPLAINTS_DEADLINE_RULES: the law as amended for 2023), or the
    one named, with the settings that override its figures."""
    return _rule_set(name or settings.COMPLAINTS_DEADLINE_RULES)


@cache
def _rule_set(name: str) -> DeadlineRules:
    data = json.loads((DATA_DIR / f"{name}_deadlines.json").read_text(encoding="utf-8"))
    rules = {}
    for item in data["rules"]:
        window = item.get("immediately")
        rules[item["code"]] = DeadlineRule(
            code=item["code"], what=item["what"], counts_from=item["counts_from"],
            amount=_figure(item, "amount"), unit=item["unit"], days=item["days"],
            source=item["source"],
            immediately=Immediately(
                opens_days_before_vote=window["opens_days_before_vote"],
                hours=_figure(window, "hours"), source=window["source"],
            ) if window else None,
        )  # fmt: skip
    holidays = frozenset(date.fromisoformat(day) for day in data.get("holidays", []))
    return DeadlineRules(rules=rules, holidays=holidays)


def _figure(item: dict, key: str) -> int:
    """A rule's figure, or the setting's that stands for it where the law gave none."""
    setting = getattr(settings, item["setting"], None) if "setting" in item else None
    return int(item[key] if setting is None else setting)
