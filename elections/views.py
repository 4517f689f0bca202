from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from elections.selectors import station_ballots
from stations.models import Station


def station_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A station's address, hours in its own time, accessibility, and every ballot it hands out."""
    station = get_object_or_404(Station.objects.select_related("region", "district"), pk=pk)
    context = {"station": station, "elections": station_ballots(station)}
    return render(request, "elections/station_detail.html", context)
