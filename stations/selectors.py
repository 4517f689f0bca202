from django.db.models import Count, Q, QuerySet, Sum

from stations.models import District, Region, Station


def registry_counts() -> dict[str, int]:
    """What the registry holds, for command summaries and checks."""
    stations = Station.objects.all()
    return {
        "regions": Region.objects.exclude(kind=Region.Kind.ABROAD).count(),
        "districts": District.objects.count(),
        "stations": stations.count(),
        "abroad": stations.abroad().count(),
        "countries": stations.abroad().values("country").distinct().count(),
        "closed": stations.closed().count(),
    }


def regions_with_totals() -> QuerySet[Region]:
    return Region.objects.annotate(
        station_count=Count("stations"), voters=Sum("stations__registered_voters")
    )


def station_search(
    *,
    region: Region | None = None,
    district: District | None = None,
    number: int | None = None,
    words: str = "",
) -> QuerySet[Station]:
    """Active stations matching every given criterion; each word must be in the name or address."""
    stations = Station.objects.active().select_related("region", "district")
    if region is not None:
        stations = stations.in_region(region)
    if district is not None:
        stations = stations.filter(district=district)
    if number is not None:
        stations = stations.filter(number=number)
    for word in words.split():
        stations = stations.filter(Q(address__icontains=word) | Q(name__icontains=word))
    return stations
