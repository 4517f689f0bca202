"""The rules run after every change on either side: a copy's (right after it commits) and the
published record's (the sweep, every minute, reads the publication log past its cursor: the
elections app knows nothing of copies)."""

from celery import shared_task
from django.core.cache import cache
from django.db.models import Max

from elections.models import Contest, Publication
from integrity.checking import discrepancies_refresh, stations_to_check
from stations.models import Station

CURSOR = "integrity:sweep:sequence"  # lost with the cache: every pair is checked again


@shared_task(name="integrity.check_station")
def check_station(station_id: int, contest_id: int) -> int:
    station = Station.objects.select_related("region").get(pk=station_id)
    contest = Contest.objects.select_related("election").get(pk=contest_id)
    return discrepancies_refresh(station, contest)


@shared_task(name="integrity.sweep")
def sweep() -> int:
    """Check every station whose record was published since the last sweep, and every one with
    copies still unpublished; returns how many were checked."""
    after = cache.get(CURSOR, 0)
    last = Publication.objects.aggregate(last=Max("sequence"))["last"] or 0
    pairs = stations_to_check(after)
    for station_id, contest_id in sorted(pairs):
        check_station(station_id, contest_id)
    cache.set(CURSOR, last, timeout=None)
    return len(pairs)
