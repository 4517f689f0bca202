"""Election day reports: a station opens, reports turnout at fixed hours, closes and counts.

Each report is checked against the station's earlier ones, so the day can only move forward:
nothing before the opening, turnout that never falls and never passes the register, no closing
before opening, counting only after the close. Refusals name the field and the rule.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.errors import ApplicationError, StateConflict, refuse
from common.text import says_something
from elections import access
from elections.models import ContestStation, Election, StationReport, turnout_hours
from stations.models import Station

Kind = StationReport.Kind
# What must already be reported before each kind of report.
NEEDS: dict[str, str | None] = {
    Kind.OPENED: None,
    Kind.TURNOUT: Kind.OPENED,
    Kind.CLOSED: Kind.OPENED,
    Kind.COUNTING_STARTED: Kind.CLOSED,
    Kind.COUNTING_FINISHED: Kind.COUNTING_STARTED,
}
# Election statuses in which each kind is taken: counting starts at a station's own close,
# while stations further west are still voting.
DURING = {
    Kind.OPENED: {Election.Status.POLLING},
    Kind.TURNOUT: {Election.Status.POLLING},
    Kind.CLOSED: {Election.Status.POLLING},
    Kind.COUNTING_STARTED: {Election.Status.POLLING, Election.Status.COUNTING},
    Kind.COUNTING_FINISHED: {Election.Status.POLLING, Election.Status.COUNTING},
}
CLOCK_SKEW = timedelta(minutes=5)  # how far ahead of the server's clock a report may be dated


class ReportRefused(ApplicationError):
    """A report that breaks the day's order; ``errors`` maps the field to the rule."""


class Stated(NamedTuple):
    """What the checks read of a report already taken (a row costs more to build than this)."""

    kind: str
    at: datetime
    hour: time | None
    voters: int | None


@dataclass(frozen=True)
class Report:
    """One report as a commission states it (see station_report_submit)."""

    station: Station
    kind: str
    at: datetime
    hour: time | None = None
    voters: int | None = None
    decision: str = ""
    late_reason: str = ""


def station_report_submit(
    *,
    election: Election,
    station: Station,
    user: AbstractBaseUser,
    kind: str,
    at: datetime,
    hour: time | None = None,
    voters: int | None = None,
    decision: str = "",
    late_reason: str = "",
) -> StationReport:
    """Record one report, after checking it against everything the station reported before.

    ``at`` is the commission's stated time; the server's receipt time is kept beside it. A
    report stated more than REPORT_LATE_MINUTES before its receipt is taken only with the
    reason it is late, so that nobody can quietly backdate an opening.
    """
    report = Report(station, kind, at, hour, voters, decision, late_reason)
    return station_reports_submit(election=election, user=user, reports=[report])[0]


@transaction.atomic
def station_reports_submit(
    *, election: Election, user: AbstractBaseUser, reports: Sequence[Report]
) -> list[StationReport]:
    """Record reports of one or many stations in their order, all or none.

    Each is checked as station_report_submit checks one, against its station's earlier reports
    and the batch's reports before it; the first refusal refuses the batch. A batch costs a few
    queries whatever its size (a replayed day, an import), where one report at a time costs
    several each.
    """
    stations = {report.station.pk: report.station for report in reports}
    for station in stations.values():
        access.require_scope(user, station, access.ENTER, _("report for"))
    covered: set[int] | None = None
    received = timezone.now()
    for report in reports:
        _check_report(election, report)
        if covered is None:
            covered = set(
                ContestStation.objects.filter(election=election, station_id__in=stations)
                .values_list("station_id", flat=True)
                .distinct()
            )
        if report.station.pk not in covered:
            number = report.station.number
            refuse(
                "station",
                _("station %(station)s has no ballot in %(election)s")
                % {"station": number, "election": election},
                error=ReportRefused,
            )
        _check_received(report, received)
    # Lock the stations' rows, in one order: two reports for one station are checked one after
    # the other, and two batches never wait on each other's locks.
    list(Station.objects.select_for_update().filter(pk__in=stations).order_by("pk").values("pk"))
    earlier: dict[int, list[Stated]] = {pk: [] for pk in stations}
    rows = StationReport.objects.filter(election=election, station_id__in=stations).order_by()
    for station_id, *stated in rows.values_list("station_id", *Stated._fields):
        earlier[station_id].append(Stated(*stated))
    saved = []
    for report in reports:
        station, kind = report.station, report.kind
        before = earlier[station.pk]
        _check_order(
            election, station, before, kind, report.at, report.hour, report.voters, report.decision
        )
        late = received - report.at > timedelta(minutes=settings.REPORT_LATE_MINUTES)
        row = StationReport(
            election=election,
            station=station,
            user=user,
            kind=kind,
            at=report.at,
            hour=report.hour if kind == Kind.TURNOUT else None,
            voters=report.voters,
            decision=report.decision.strip(),
            late_reason=report.late_reason.strip() if late else "",
        )
        # The next report of this station is checked against this one too.
        before.append(Stated(row.kind, row.at, row.hour, row.voters))
        saved.append(row)
    try:
        return StationReport.objects.bulk_create(saved)
    except IntegrityError as exc:  # pragma: no cover - the station lock makes this a backstop
        raise StateConflict("kind: " + _("this was reported a moment ago"), field="kind") from exc


def _check_report(election: Election, report: Report) -> None:
    """What a report must be whatever the station reported before: a kind, in its phase."""
    kind = report.kind
    if kind not in NEEDS:
        refuse(
            "kind",
            _("%(kind)s is not a report; choose one of %(kinds)s")
            % {"kind": repr(kind), "kinds": ", ".join(NEEDS)},
            error=ReportRefused,
        )
    if election.status not in DURING[kind]:
        raise StateConflict(
            "kind: "
            + _("%(kind)s is reported while the election is %(phases)s; %(election)s is %(status)s")
            % {
                "kind": Kind(kind).label.lower(),
                "phases": _(" or ").join(
                    str(Election.Status(s).label).lower() for s in sorted(DURING[kind])
                ),
                "election": election,
                "status": election.get_status_display().lower(),
            },
            field="kind",
            status=election.status,
        )


def _check_received(report: Report, received: datetime) -> None:
    """The stated time against the receipt: with its zone, not ahead, late only with a reason."""
    at, station = report.at, report.station
    if timezone.is_naive(at):
        refuse("at", _("give the time with its zone"), error=ReportRefused)
    if at > received + CLOCK_SKEW:
        refuse("at", _("a report cannot be dated in the future"), error=ReportRefused)
    late = received - at > timedelta(minutes=settings.REPORT_LATE_MINUTES)
    if late and not says_something(report.late_reason):
        refuse(
            "late_reason",
            _(
                "the stated time %(at)s on %(day)s is more than %(minutes)s minutes before the "
                "report was received (%(received)s on %(received_day)s): say why it is "
                "reported late"
            )
            % {
                "at": _local(at, station),
                "day": f"{at.astimezone(station.zone):%d.%m.%Y}",
                "minutes": settings.REPORT_LATE_MINUTES,
                "received": _local(received, station),
                "received_day": f"{received.astimezone(station.zone):%d.%m.%Y}",
            },
            error=ReportRefused,
        )


def _check_order(
    election: Election,
    station: Station,
    earlier: list[Stated],
    kind: str,
    at: datetime,
    hour: time | None,
    voters: int | None,
    decision: str,
) -> None:
    done = {report.kind: report for report in earlier if report.kind != Kind.TURNOUT}
    turnouts = sorted((r for r in earlier if r.kind == Kind.TURNOUT), key=lambda r: r.hour)
    label = Kind(kind).label.lower()
    if kind in done:
        refuse(
            "kind",
            _("%(kind)s was already reported at %(at)s")
            % {"kind": label, "at": _local(done[kind].at, station)},
            error=ReportRefused,
        )
    needed = NEEDS[kind]
    if needed and needed not in done:
        refuse(
            "kind",
            _("%(kind)s cannot be reported before %(needed)s")
            % {"kind": label, "needed": Kind(needed).label.lower()},
            error=ReportRefused,
        )
    if kind == Kind.TURNOUT and Kind.CLOSED in done:
        refuse("kind", _("turnout cannot be reported after closed"), error=ReportRefused)
    latest = max(earlier, key=lambda r: r.at, default=None)
    if latest is not None and at < latest.at:
        refuse(
            "at",
            _("%(kind)s at %(at)s would come before %(latest)s at %(latest_at)s")
            % {
                "kind": label,
                "at": _local(at, station),
                "latest": Kind(latest.kind).label.lower(),
                "latest_at": _local(latest.at, station),
            },
            error=ReportRefused,
        )
    if at.astimezone(station.zone).date() != election.date and kind in (
        Kind.OPENED,
        Kind.TURNOUT,
    ):
        refuse(
            "at",
            _("%(kind)s must be on election day, %(date)s, station time")
            % {"kind": label, "date": date_format(election.date, "j E Y")},
            error=ReportRefused,
        )
    opens, closes = station.polling_hours(
        election.date, opens=election.opens_at, closes=election.closes_at
    )
    if kind == Kind.OPENED and at < opens and not says_something(decision):
        refuse(
            "decision",
            _("opening at %(at)s, before the normal %(normal)s, needs the commission's decision")
            % {"at": _local(at, station), "normal": f"{opens:%H:%M}"},
            error=ReportRefused,
        )
    if kind == Kind.CLOSED and at < closes and not says_something(decision):
        refuse(
            "decision",
            _("closing at %(at)s, before the normal %(normal)s, needs the commission's decision")
            % {"at": _local(at, station), "normal": f"{closes:%H:%M}"},
            error=ReportRefused,
        )
    if kind == Kind.TURNOUT:
        _check_turnout(election, station, turnouts, at, hour, voters)
    elif voters is not None:
        if kind != Kind.CLOSED:
            refuse(
                "voters",
                _("a %(kind)s report carries no voter count") % {"kind": label},
                error=ReportRefused,
            )
        _check_voters(election, station, voters, turnouts, None)


def _check_turnout(
    election: Election,
    station: Station,
    turnouts: list[Stated],
    at: datetime,
    hour: time | None,
    voters: int | None,
) -> None:
    hours = turnout_hours(election)
    if hour not in hours:
        listed = ", ".join(f"{h:%H:%M}" for h in hours)
        refuse(
            "hour",
            _("turnout is reported at %(hours)s local time") % {"hours": listed},
            error=ReportRefused,
        )
    if voters is None:
        refuse(
            "voters",
            _("a turnout report needs the number of voters who received ballots"),
            error=ReportRefused,
        )
    if at.astimezone(station.zone).time() < hour:
        refuse(
            "at",
            _("the %(hour)s turnout cannot be reported at %(at)s")
            % {"hour": f"{hour:%H:%M}", "at": _local(at, station)},
            error=ReportRefused,
        )
    if any(report.hour == hour for report in turnouts):
        refuse(
            "hour",
            _("the %(hour)s turnout was already reported") % {"hour": f"{hour:%H:%M}"},
            error=ReportRefused,
        )
    _check_voters(election, station, voters, turnouts, hour)


def _check_voters(
    election: Election,
    station: Station,
    voters: int,
    turnouts: list[Stated],
    hour: time | None,
) -> None:
    """Turnout never falls from one hour to the next and never passes the register."""
    if voters < 0:
        refuse("voters", _("the number of voters cannot be negative"), error=ReportRefused)
    limit = int(
        station.registered_voters * (1 + election.register_tolerance_percent / Decimal(100))
    )
    if voters > limit:
        refuse(
            "voters",
            _(
                "%(voters)s voters is more than the register of %(register)s allows "
                "(tolerance %(tolerance)s %%)"
            )
            % {
                "voters": voters,
                "register": station.registered_voters,
                "tolerance": election.register_tolerance_percent,
            },
            error=ReportRefused,
        )
    for report in turnouts:
        before = hour is None or report.hour < hour
        if before and voters < report.voters:
            refuse(
                "voters",
                _("turnout cannot fall: %(before)s voters were reported at %(hour)s, %(now)s now")
                % {"before": report.voters, "hour": f"{report.hour:%H:%M}", "now": voters},
                error=ReportRefused,
            )
        if not before and voters > report.voters:
            refuse(
                "voters",
                _(
                    "turnout cannot fall: %(before)s voters were reported at %(hour)s, later "
                    "than %(now)s"
                )
                % {"before": report.voters, "hour": f"{report.hour:%H:%M}", "now": f"{hour:%H:%M}"},
                error=ReportRefused,
            )


def _local(at: datetime, station: Station) -> str:
    return f"{at.astimezone(station.zone):%H:%M} ({station.time_zone})"
