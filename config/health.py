"""The health check, for load balancers and the operations dashboard.

`healthy` (and the 503) covers what a web process needs to serve: database, cache and task
queue with a worker answering. The rest tells operators whether the night is keeping up, and is
listed under `degraded` when it is not, without taking the web process out of rotation:
- the heartbeat: when a worker last ran the periodic sweep (so the scheduler and a worker live);
- publication: how many accepted protocols wait to be published, and for how long the oldest.

Anyone may call it, so a failed check says only "unavailable": an exception's text can name a
server's address, a user or a path. The exception itself goes to the log, for operators.
"""

import logging
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from config.celery import ping

QUEUE_TIMEOUT_SECONDS = 5
# The sweep runs every 30 s: three missed runs mean the scheduler or every worker is gone.
HEARTBEAT_STALE_SECONDS = 90
PUBLICATION_LAG_SECONDS = 60
UNAVAILABLE = "unavailable"

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("health", "ok", timeout=10)
    if cache.get("health") != "ok":
        raise RuntimeError("the cache did not return what was stored")


def _queue() -> None:
    # In the embedded setup this runs in-process; with REDIS_URL a worker must answer.
    if not ping.delay().get(timeout=QUEUE_TIMEOUT_SECONDS)["pong"]:
        raise RuntimeError("the worker answered without a pong")


CHECKS = {"database": _database, "cache": _cache, "queue": _queue}


def _seconds_since(moment: datetime | None) -> int | None:
    return None if moment is None else int((timezone.now() - moment).total_seconds())


def _operations() -> tuple[dict, list[str]]:
    from elections.models import Protocol, ProtocolEvent
    from elections.services.publication import unpublished_protocols
    from elections.tasks import last_sweep

    degraded = []
    heartbeat_age = _seconds_since(last_sweep())
    if heartbeat_age is None and not ping.app.conf.task_always_eager:
        degraded.append("no worker has run the periodic sweep yet: is celery beat running?")
    elif heartbeat_age is not None and heartbeat_age > HEARTBEAT_STALE_SECONDS:
        degraded.append(f"the last periodic sweep ran {heartbeat_age} s ago")

    pending = unpublished_protocols()
    oldest = ProtocolEvent.objects.filter(
        protocol__in=pending, to_status=Protocol.Status.ACCEPTED
    ).aggregate(oldest=Min("created"))["oldest"]
    oldest_age = _seconds_since(oldest)
    if oldest_age is not None and oldest_age > PUBLICATION_LAG_SECONDS:
        degraded.append(f"an accepted protocol has waited {oldest_age} s to be published")
    return {
        "heartbeat_age_seconds": heartbeat_age,
        "unpublished_acceptances": pending.count(),
        "oldest_unpublished_acceptance_seconds": oldest_age,
    }, degraded


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Each check's result; 503 if the web process cannot serve, so a balancer stops sending."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # noqa: BLE001 - any failure is reported, none is raised
            logger.exception("health: the %s check failed", name)
            results[name] = UNAVAILABLE
        else:
            results[name] = "ok"
    healthy = all(value == "ok" for value in results.values())
    operations, degraded = {}, []
    if results["database"] == "ok":
        try:
            operations, degraded = _operations()
        except Exception:  # noqa: BLE001 - the balancer's answer must not become a 500
            logger.exception("health: the operations figures could not be read")
            degraded = [f"operations: {UNAVAILABLE}"]
    return JsonResponse(
        {"healthy": healthy, **results, **operations, "degraded": degraded},
        status=200 if healthy else 503,
    )
