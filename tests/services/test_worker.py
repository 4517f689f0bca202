import os
import signal

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from config.celery import ping
from elections.tasks import HEARTBEAT_KEY, sweep

pytestmark = pytest.mark.services


def test_the_service_suite_runs_on_postgres_and_redis():
    assert connection.vendor == "postgresql"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)


def test_a_task_runs_in_the_worker_process_not_in_the_caller(celery_worker):
    answer = ping.delay().get(timeout=10)

    assert answer["pong"] is True
    assert answer["pid"] == celery_worker.pid != os.getpid()


def test_the_cache_stores_its_values_in_redis():
    cache.set("probe", "stored", timeout=30)

    keys = redis.Redis.from_url(settings.REDIS_URL).keys("saylau:*probe")

    assert keys and cache.get("probe") == "stored"


@pytest.mark.django_db
def test_health_reports_a_live_worker_and_its_heartbeat(client, celery_worker):
    cache.delete(HEARTBEAT_KEY)
    before = client.get(reverse("health")).json()
    sweep.delay().get(timeout=30)  # what beat queues every 30 s

    after = client.get(reverse("health")).json()

    assert before["healthy"] and before["heartbeat_age_seconds"] is None
    assert "no worker has run the periodic sweep yet" in before["degraded"][0]
    assert after["healthy"] and after["degraded"] == [] and after["heartbeat_age_seconds"] <= 5


@pytest.mark.django_db
def test_health_reports_503_when_no_worker_answers(client, celery_worker, monkeypatch, caplog):
    monkeypatch.setattr("config.health.QUEUE_TIMEOUT_SECONDS", 0.5)
    celery_worker.process.send_signal(signal.SIGSTOP)  # alive, but answering nothing
    try:
        response = client.get(reverse("health"))
    finally:
        celery_worker.process.send_signal(signal.SIGCONT)

    assert response.status_code == 503
    assert response.json()["queue"] == "unavailable"  # the reason is for operators, in the log
    assert "TimeoutError" in caplog.text
