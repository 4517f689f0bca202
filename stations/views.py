from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stations.forms import StationFinderForm
from stations.selectors import regions_with_totals, station_search

RESULTS_PER_PAGE = 25


def station_finder(request: HttpRequest) -> HttpResponse:
    """Find a polling station by region, district, number or words of its address."""
    form = StationFinderForm(request.GET or None)
    page = None
    if form.has_criteria():
        criteria = form.cleaned_data
        stations = station_search(
            region=criteria["region"],
            district=criteria["district"],
            number=criteria["number"],
            words=criteria["q"],
        )
        page = Paginator(stations, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    regions = list(regions_with_totals())
    totals = {
        "stations": sum(r.station_count for r in regions),
        "voters": sum(r.voters or 0 for r in regions),
    }
    context = {"form": form, "page": page, "regions": regions, "totals": totals}
    return render(request, "stations/finder.html", context)
