"""Production settings: Django's deployment check is clean, HTTPS is enforced, sessions idle out."""

import os
import secrets
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from tests.clients import client_for, current_code

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_prints_no_warning_with_production_settings():
    env = {
        **os.environ, "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "saylau.example.kz", "DJANGO_SETTINGS_MODULE": "config.settings",
    }  # fmt: skip
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_plain_http_is_sent_to_https_except_the_health_check(settings):
    settings.SECURE_SSL_REDIRECT = True

    assert Client().get("/results/").status_code == 301
    assert Client().get("/health/", secure=False).status_code in (200, 503)
    assert Client().get("/results/", HTTP_X_FORWARDED_PROTO="https").status_code != 301


@pytest.mark.django_db
def test_a_session_ends_after_half_an_hour_without_a_request(admin_user):
    client = client_for(admin_user)
    start = datetime.now(UTC)

    with time_machine.travel(start + timedelta(minutes=25)):
        assert client.get("/admin/").status_code == 200  # each request keeps it alive
    with time_machine.travel(start + timedelta(minutes=50)):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=81)):
        assert client.get("/admin/").status_code == 302  # idle for 31 minutes: log in again


@pytest.mark.django_db
@pytest.mark.parametrize("login_page", ["/admin/login/", "/observe/login/"])
def test_five_wrong_passwords_lock_the_login_out(admin_user, login_page):
    client = Client()
    for _ in range(4):
        wrong = client.post(login_page, {"username": "admin", "password": "guess"})
        assert wrong.status_code == 200  # the form again, with its error
    assert client.post(login_page, {"username": "admin", "password": "guess"}).status_code == 429

    locked = client.post(login_page, {"username": "admin", "password": "password"})

    assert locked.status_code == 429  # even the right password, for 30 minutes
    elsewhere = {"username": "admin", "password": "password", "otp_token": current_code(admin_user)}
    assert Client().post("/admin/login/", elsewhere, REMOTE_ADDR="10.0.0.9").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/results/", "/api/v1/regions/", "/admin/login/", "/api/docs/"])
def test_every_answer_allows_only_the_sites_own_scripts_and_styles(path):
    first, cached = Client().get(path), Client().get(path)

    for response in (first, cached):  # the public cache's copy carries it too
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "object-src 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_a_results_version_left_in_an_old_format_is_replaced_not_a_500():
    from django.core.cache import cache

    from common.public_cache import VERSION_KEY

    cache.set(VERSION_KEY, 1764000000.0)  # as an older release stored it: a bare time

    assert Client().get("/api/v1/results/").status_code == 200
    assert len(cache.get(VERSION_KEY)) == 2
