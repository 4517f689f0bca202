from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from elections.models import turnout_hours
from elections.public.charts import line_chart
from elections.public.turnout import turnout_series
from elections.selectors import election_under_way, station_ballots
from stations.models import Station


def station_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A station's address, hours in its own time, accessibility, and every ballot it hands out."""
    station = get_object_or_404(Station.objects.select_related("region", "district"), pk=pk)
    context = {"station": station, "elections": station_ballots(station)}
    return render(request, "elections/station_detail.html", context)


def turnout(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Turnout through the day, nationwide and per region, as the commission publishes it."""
    election = election_under_way()
    if election is None:
        raise Http404("No election has started yet.")
    nation, regions = turnout_series(election)
    region = next((r for r in regions if r.code == code), None)
    if code is not None and region is None:
        raise Http404(f"No region {code} in {election}.")
    shown = [nation, region] if region else [nation]
    labels = [f"{hour:%H:%M}" for hour in turnout_hours(election)] + [_("close")]
    chart = line_chart(labels, [(s.name, s.points) for s in shown])
    latest = [(r, r.points[-1] if r.points else None) for r in regions]
    context = {"election": election, "chart": chart, "region": region, "nation": nation,
               "regions": latest}  # fmt: skip
    return render(request, "elections/turnout.html", context)
