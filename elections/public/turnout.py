"""The day's turnout as the CEC publishes it: the nation and each region, hour by hour."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from elections.models import Election, StationReport, turnout_hours
from elections.selectors import election_stations
from stations.models import Region

Kind = StationReport.Kind


@dataclass
class TurnoutSeries:
    """Turnout at each fixed hour (and at the close), in % of the register of those reporting."""

    name: str
    code: str
    points: list[tuple[str, Decimal]]


def turnout_series(election: Election) -> tuple[TurnoutSeries, list[TurnoutSeries]]:
    """The nation's and each region's turnout through the day, as the CEC publishes it."""
    stations = election_stations(election).values_list("pk", "registered_voters", "region_id")
    registered, region_of = {}, {}
    for pk, voters, region_id in stations:
        registered[pk], region_of[pk] = voters, region_id
    sums: dict[tuple[int | None, str], list[int]] = {}
    reports = StationReport.objects.filter(
        election=election, kind__in=[Kind.TURNOUT, Kind.CLOSED], voters__isnull=False
    ).values_list("station_id", "kind", "hour", "voters")
    for station_id, kind, hour, voters in reports:
        label = f"{hour:%H:%M}" if kind == Kind.TURNOUT else _("close")
        for area in (None, region_of[station_id]):
            total = sums.setdefault((area, label), [0, 0])
            total[0] += voters
            total[1] += registered[station_id]
    labels = [f"{hour:%H:%M}" for hour in turnout_hours(election)] + [_("close")]

    def series(area: int | None, name: str, code: str) -> TurnoutSeries:
        points = [
            (label, (Decimal(sums[area, label][0] * 100) / sums[area, label][1]).quantize(
                Decimal("0.01")
            ))
            for label in labels
            if sums.get((area, label), [0, 0])[1]
        ]  # fmt: skip
        return TurnoutSeries(name=name, code=code, points=points)

    regions = Region.objects.filter(pk__in=set(region_of.values())).order_by("code")
    return series(None, _("Nationwide"), ""), [series(r.pk, r.name, r.code) for r in regions]
