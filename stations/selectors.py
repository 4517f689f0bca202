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
