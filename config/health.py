"""A health check for load balancers and docker-compose: database, cache and task queue."""

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import ping

QUEUE_TIMEOUT_SECONDS = 5


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


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Return each check's result; 503 if any failed, so a balancer stops sending traffic."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure is reported, none is raised
            results[name] = f"error: {type(exc).__name__}: {exc}"
        else:
            results[name] = "ok"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse({"healthy": healthy, **results}, status=200 if healthy else 503)
