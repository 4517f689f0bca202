from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stations.models import Region


def region_list(request: HttpRequest) -> HttpResponse:
    """The registry at a glance: each region's stations and registered voters."""
    regions = Region.objects.annotate(
        station_count=Count("stations"), voters=Sum("stations__registered_voters")
    )
    totals = {
        "stations": sum(r.station_count for r in regions),
        "voters": sum(r.voters or 0 for r in regions),
    }
    return render(request, "stations/region_list.html", {"regions": regions, "totals": totals})
