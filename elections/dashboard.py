"""The day as the commission sees it: who has opened, turnout reported, who is counting.

Read-only. Every figure is "as at" an instant, so the dashboard can be replayed for any moment
of the day, and every time is judged on each station's own clock.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from elections.models import Election, StationReport, turnout_hours
from stations.models import Region, Station
from stations.zones import ASTANA

LATE_AFTER = timedelta(minutes=15)  # a station not open this long after its opening is late
Kind = StationReport.Kind


@dataclass
class LateStation:
    station_id: int
    label: str
    opens_local: str  # "07:00 Asia/Aqtobe"
    opens_astana: str  # "08:00"


@dataclass
class DayRow:
    """One region's (or the nation's) day so far."""

    name: str
    code: str
    stations: int = 0
    registered: int = 0
    opened: int = 0
    late: list[LateStation] = field(default_factory=list)
    turnout_due: int = 0
    turnout_missing: int = 0
    voters: int = 0
    closed: int = 0
    counting: int = 0
    counted: int = 0

    @property
    def turnout_percent(self) -> Decimal | None:
        if not self.registered:
            return None
        return (Decimal(self.voters * 100) / self.registered).quantize(Decimal("0.01"))

    def add(self, other: "DayRow") -> None:
        for name in ("stations", "registered", "opened", "turnout_due", "turnout_missing",
                     "voters", "closed", "counting", "counted"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.late += other.late


def day_overview(
    election: Election, stations: QuerySet[Station], at: datetime
) -> tuple[DayRow, list[DayRow]]:
    """The nation and each region as at ``at``: openings, late ones, turnout, closings, counts.

    Reports count from when the server received them: a backdated report cannot rewrite the
    dashboard's past.
    """
    hours = turnout_hours(election)
    reports: dict[int, list[tuple[str, time | None, int | None]]] = {}
    for station_id, kind, hour, voters in StationReport.objects.filter(
        election=election, created__lte=at, station__in=stations
    ).values_list("station_id", "kind", "hour", "voters"):
        reports.setdefault(station_id, []).append((kind, hour, voters))
    regions = {region.pk: region for region in Region.objects.all()}
    rows: dict[int, DayRow] = {}
    for station in stations.select_related("region").order_by("region__code", "number"):
        region = regions[station.region_id]
        row = rows.setdefault(region.pk, DayRow(name=region.name, code=region.code))
        _count_station(row, station, reports.get(station.pk, []), election, hours, at)
    nation = DayRow(name=_("Nationwide"), code="")
    for row in rows.values():
        nation.add(row)
    return nation, sorted(rows.values(), key=lambda row: row.code)


def _count_station(
    row: DayRow,
    station: Station,
    reports: list[tuple[str, time | None, int | None]],
    election: Election,
    hours: list[time],
    at: datetime,
) -> None:
    row.stations += 1
    row.registered += station.registered_voters
    kinds = {kind for kind, _, _ in reports}
    opens, _closes = station.polling_hours(
        election.date, opens=election.opens_at, closes=election.closes_at
    )
    if Kind.OPENED in kinds:
        row.opened += 1
    elif at >= opens + LATE_AFTER:
        row.late.append(
            LateStation(
                station_id=station.pk,
                label=f"{station.region.code} {station.number}",
                opens_local=f"{opens:%H:%M} {station.time_zone}",
                opens_astana=f"{opens.astimezone(ASTANA):%H:%M}",
            )
        )
    reported_hours = {hour for kind, hour, _ in reports if kind == Kind.TURNOUT}
    for hour in hours:
        due = datetime.combine(election.date, hour, tzinfo=station.zone) + LATE_AFTER
        if at >= due or hour in reported_hours:
            row.turnout_due += 1
            row.turnout_missing += hour not in reported_hours
    row.voters += max((voters or 0 for _, _, voters in reports), default=0)
    row.closed += Kind.CLOSED in kinds
    row.counted += Kind.COUNTING_FINISHED in kinds
    row.counting += Kind.COUNTING_STARTED in kinds and Kind.COUNTING_FINISHED not in kinds
