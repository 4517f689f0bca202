"""Public results from the cache, and 304s for pollers, until the next publication lands.

Anonymous GETs of the results pages and the results API are answered from the cache (Redis
when configured), keyed by the *results version* and the canonical request (below). Every
publication, aggregation and status change marks the results changed; the next reader then
moves the version on, at most once every PUBLIC_REFRESH_SECONDS. So on election night, with a
publication every second, each page is built once per interval rather than once per
publication, and a reader sees a change at most that many seconds late. Nothing has to be
deleted: old keys simply stop being asked for and expire.

An entry is keyed only on what changes the answer, and the page is built from nothing else: the
request is first rewritten to hold just that (its canonical form), so no reader can make a new
entry, or an answer that others are then handed, with a made-up query parameter, header or
cookie:
- the host and the path;
- the query parameters the view reads, in a fixed order: for the API, its filters, pagination
  and `format` (read from the view itself); for the pages, those listed in PAGE_QUERY;
- the language, as LocaleMiddleware will choose it;
- for the API, the renderer that content negotiation picks (JSON or the browsable page), whose
  own media type then stands in for the reader's Accept header;
- no cookie but the language's, no Authorization: the page is built as for an anonymous reader,
  and whatever cookie it sets (a CSRF token) is dropped, so no reader is handed another's.
Staff and observers who are signed in (a live session or a known token) see the live site; a
session cookie or token that is not one is read as anonymous.

When the database cannot be reached (down, restarting, refusing connections), a public answer
that is not in the cache for the current version is the *last good* one: each answer built is
also kept, for LAST_GOOD_SECONDS, under its page alone, and is handed out marked stale
(`Warning: 110`, `X-Saylau-Stale`) with the ETag and Last-Modified of the version it was built
for. A page never built before is a 503 with Retry-After, never a 500. The snapshot files under
/media/results/ are public and the same for everyone, so they reach their view as anonymous:
serving them reads no session, no user and no row.

A hit should cost little more than sending the bytes. Each web process keeps the answers it
handed out last (LOCAL_ANSWERS, pickled as the cache holds them, so every reader is handed a
fresh copy), the canonical form of the requests it saw last, and the results version for
LOCAL_VERSION_SECONDS at most: a hit then makes no round trip to the cache. The version moves on
that much earlier than PUBLIC_REFRESH_SECONDS, so a reader still sees a change at most
PUBLIC_REFRESH_SECONDS late.

Public answers are built inside `replica.public_reads()`: with DATABASE_REPLICA_URL their
queries go to the replica (common/replica.py), once it has replayed the last change; if the
replica fails, the answer is built again on the primary.
"""

import functools
import hashlib
import logging
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from http.cookies import SimpleCookie
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
    QueryDict,
)
from django.template.loader import render_to_string
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import NotAcceptable
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from common import replica

PUBLIC_PREFIXES = ("/results/", "/api/v1/results/", "/api/v1/station-results/", "/api/v1/chain/")
# Files that are the same for every reader (config/media.py): no session or user is looked up.
PUBLIC_FILES = "/media/results/"
# The query parameters each public page (not the API) reads, by URL name; any other is dropped.
PAGE_QUERY = {"results:chain": ("after",)}
VERSION_KEY = "results-version:2"  # (changes, since): the number moves with the format
CHANGED_KEY = "results-changed"
CHANGED_POSITION_KEY = "results-changed-at"  # the primary's log position after the last change
CACHED_SECONDS = 3600
# How long the last good answer of each page is kept for readers while the database is down.
LAST_GOOD_SECONDS = 24 * 3600
# What a client is told to wait before asking again when the database is down.
RETRY_AFTER_SECONDS = 30
# Once a public answer could not be built, none is tried for this long: the cache answers.
UNREACHABLE_KEY = "results-database-unreachable"
UNREACHABLE_PAUSE_SECONDS = 2
# The database cannot be reached: refused, dropped, shutting down or starting up.
UNREACHABLE = (OperationalError, InterfaceError)
# What each web process keeps of its own (see above): answers by key, canonical requests.
LOCAL_ANSWERS = 256
LOCAL_ANSWER_MAX_BYTES = 4 * 1024 * 1024  # a larger answer is read from the cache each time
LOCAL_REQUESTS = 1024
# At most this long, and a tenth of PUBLIC_REFRESH_SECONDS (so 0 when that is 0, in the tests).
LOCAL_VERSION_SECONDS = 0.5

logger = logging.getLogger(__name__)


class _Recent:
    """The last ``size`` values put, by key: a small thread-safe LRU for one web process."""

    def __init__(self, size: int) -> None:
        self.size, self.values, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
            return value

    def clear(self) -> None:
        with self.lock:
            self.values.clear()

    def put(self, key, value) -> None:
        with self.lock:
            self.values[key] = value
            self.values.move_to_end(key)
            while len(self.values) > self.size:
                self.values.popitem(last=False)


_answers = _Recent(LOCAL_ANSWERS)  # key -> the pickled answer
_requests = _Recent(LOCAL_REQUESTS)  # (path, query, Accept) -> (representation, query) or ()
_version_seen: tuple[float, tuple[int, float]] | None = None  # (when read, version)


def _local_version_seconds() -> float:
    return min(LOCAL_VERSION_SECONDS, settings.PUBLIC_REFRESH_SECONDS / 10)


def results_changed() -> None:
    """Call after a publication or an aggregation commits: every cached answer is outdated."""
    global _version_seen
    _version_seen = None  # this process reads the version afresh, and forgets what it kept
    _answers.clear()
    _requests.clear()
    if replica.configured():
        # Noted before the count moves: a reader who sees the new count sees this position.
        cache.set(CHANGED_POSITION_KEY, replica.primary_position(), timeout=None)
    if not cache.add(CHANGED_KEY, 1, timeout=None):
        cache.incr(CHANGED_KEY)


def results_version() -> tuple[int, float]:
    """(the count of changes the cached answers include, when that version began).

    The first reader after a change moves the version on, once the current one is
    PUBLIC_REFRESH_SECONDS old. Changes are counted rather than timed, so web processes whose
    clocks disagree still agree on whether something changed.

    A process reuses the version it read for up to a tenth of PUBLIC_REFRESH_SECONDS (half a
    second at most); the version moves on that much sooner, so the delay a reader sees is the
    same.
    """
    global _version_seen
    now, local = time.time(), _local_version_seconds()
    seen = _version_seen
    if seen is not None and 0 <= now - seen[0] < local:
        return seen[1]
    found = cache.get_many([VERSION_KEY, CHANGED_KEY])
    changes, version = found.get(CHANGED_KEY, 0), found.get(VERSION_KEY)
    refresh = settings.PUBLIC_REFRESH_SECONDS - local
    if (
        not isinstance(version, tuple | list)
        or len(version) != 2
        or (version[0] != changes and not 0 <= now - version[1] < refresh)
    ):
        version = (changes, now)
        cache.set(VERSION_KEY, version, timeout=None)
    version = tuple(version)
    _version_seen = (now, version)
    return version


class PublicCacheMiddleware:
    """Each language has its own entries, chosen as LocaleMiddleware (further in) will choose."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(PUBLIC_FILES):
            _as_anonymous(request)
            return self.get_response(request)
        if not self._public(request) or _signed_in(request):
            return self.get_response(request)
        canonical, rewritten = _canonical(request)
        if canonical is None:  # no such page, or no such format: a cheap refusal
            return self.get_response(request)
        representation, query = canonical
        version = results_version()
        language = translation.get_language_from_request(request)
        page = "|".join((language, representation, request.get_host(), request.path, query))
        key = _key("public:", f"{version[0]}|{version[1]}|{page}")
        etag = f'"{key[-24:]}"'
        if request.META.get("HTTP_IF_NONE_MATCH") == etag:
            response = HttpResponseNotModified()
        elif (kept := _answers.get(key)) is not None:
            response = pickle.loads(kept)  # this process's own pickle of its answer
        else:
            response = cache.get(key)
            if response is not None:
                _keep(key, response)
            else:
                if not rewritten:
                    _make_canonical(request)  # the view sees only what the answer depends on
                # Just found unreachable: wait a moment before trying again (a connection that
                # times out would hold every worker), and hand out the last good answers.
                response = None if cache.get(UNREACHABLE_KEY) else self._build(request)
                if response is None or getattr(response, "database_unreachable", False):
                    if response is not None and cache.add(
                        UNREACHABLE_KEY, True, UNREACHABLE_PAUSE_SECONDS
                    ):
                        logger.warning("database unreachable: public answers from the cache")
                    return _last_good(request, _key("public-last:", page))
                # One reader's cookie (a CSRF token made for this page) is nobody else's.
                response.cookies = SimpleCookie()
                if not response.streaming and response.status_code in (200, 301, 302):
                    if response.status_code == 200:
                        cache.set(key, response, CACHED_SECONDS)
                        _keep(key, response)
                    last_good = (response, version[1], etag)
                    cache.set(_key("public-last:", page), last_good, LAST_GOOD_SECONDS)
        return _public_headers(response, etag, version[1])

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A public answer the database cannot build now: marked, for __call__ to replace."""
        if not isinstance(exception, UNREACHABLE) or not getattr(request, "_public_read", False):
            return None
        response = HttpResponse(status=503)
        response.database_unreachable = True
        return response

    def _build(self, request: HttpRequest) -> HttpResponse:
        """The view's answer, read on the replica when it is in step, else on the primary."""
        request._public_read = True
        on_replica = replica.configured() and replica.replica_has_replayed(
            cache.get(CHANGED_POSITION_KEY)
        )
        with replica.public_reads(on_replica):
            response = self.get_response(request)
        if on_replica and getattr(response, "database_unreachable", False):
            with replica.public_reads(on_replica=False):
                response = self.get_response(request)  # the replica failed: the primary may not
        elif on_replica and response.streaming:
            response.streaming_content = replica.streamed_on_replica(response.streaming_content)
        return response

    @staticmethod
    def _public(request: HttpRequest) -> bool:
        return request.method in ("GET", "HEAD") and request.path.startswith(PUBLIC_PREFIXES)


def _keep(key: str, response: HttpResponse) -> None:
    """Keep an answer in this process, as the cache holds it (before the headers of the hour)."""
    kept = pickle.dumps(response, pickle.HIGHEST_PROTOCOL)
    if len(kept) <= LOCAL_ANSWER_MAX_BYTES:
        _answers.put(key, kept)


def _canonical(request: HttpRequest) -> tuple[tuple[str, str] | None, bool]:
    """((representation, canonical query), whether the request was rewritten to it just now).

    Both depend on the path, the query and the Accept header alone, so each process remembers
    them for the requests it saw last; the request itself is rewritten only when the answer has
    to be built (a hit is not handed on).
    """
    seen = (
        request.path_info,
        request.META.get("QUERY_STRING", ""),
        request.META.get("HTTP_ACCEPT"),
    )
    found = _requests.get(seen)
    if found is not None:
        return found or None, False
    representation = _make_canonical(request)
    canonical = (representation, request.META["QUERY_STRING"]) if representation else None
    _requests.put(seen, canonical or ())
    return canonical, True


def _key(prefix: str, identity: str) -> str:
    return prefix + hashlib.sha256(identity.encode()).hexdigest()


def _public_headers(response: HttpResponse, etag: str, since: float) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(since)
    # Browsers and proxies ask again each time (a 304 costs almost nothing): the language
    # comes from a cookie, and a reader who switches it must not get the cached other one.
    response["Cache-Control"] = "public, no-cache"
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def _last_good(request: HttpRequest, key: str) -> HttpResponse:
    """The database is unreachable: the page's last good answer, marked stale, or a 503."""
    found = cache.get(key)
    if found is None:
        return _unavailable(request)
    response, since, etag = found
    if request.META.get("HTTP_IF_NONE_MATCH") == etag:
        response = HttpResponseNotModified()
    response["Warning"] = '110 - "Response is Stale"'
    response["X-Saylau-Stale"] = "database unavailable"
    return _public_headers(response, etag, since)


def _unavailable(request: HttpRequest) -> HttpResponse:
    """Nothing kept for this page and no database to build it: try again shortly."""
    message = _("The results cannot be read just now. Please try again in a minute.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        html = render_to_string("unavailable.html", {"message": message}, request=request)
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _as_anonymous(request: HttpRequest) -> None:
    """Drop what would make Django look the reader up: a public file is everyone's."""
    request.COOKIES = {
        name: value
        for name, value in request.COOKIES.items()
        if name == settings.LANGUAGE_COOKIE_NAME
    }
    request.META.pop("HTTP_AUTHORIZATION", None)


def _signed_in(request: HttpRequest) -> bool:
    """A live session of someone signed in, or a token that exists (expired ones are told so).

    With the database unreachable nobody can be told apart: everyone reads the public answers.
    """
    try:
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if session_key:
            store = import_module(settings.SESSION_ENGINE).SessionStore
            if SESSION_KEY in store(session_key):
                return True
        scheme, _blank, key = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        return scheme.lower() == "token" and Token.objects.filter(key=key.strip()).exists()
    except UNREACHABLE:
        return False


def _make_canonical(request: HttpRequest) -> str | None:
    """Rewrite the request to what its answer depends on; return its representation's name."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    view_class = getattr(match.func, "cls", None)
    api = isinstance(view_class, type) and issubclass(view_class, APIView)
    names = _api_query(view_class) if api else PAGE_QUERY.get(match.view_name, ())
    query = QueryDict(mutable=True)
    for name in sorted(names):
        if name in request.GET:
            query.setlist(name, request.GET.getlist(name))
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode()
    request.COOKIES = {
        name: value
        for name, value in request.COOKIES.items()
        if name == settings.LANGUAGE_COOKIE_NAME
    }
    request.META.pop("HTTP_AUTHORIZATION", None)
    if not api:
        return "page"  # the pages answer the same whatever the reader accepts
    return _negotiate(request, view_class, match)


def _negotiate(request: HttpRequest, view_class: type[APIView], match: ResolverMatch) -> str | None:
    """The renderer the view will pick; its media type replaces the reader's Accept header."""
    renderers = [renderer() for renderer in view_class.renderer_classes]
    try:
        renderer, _ = view_class.content_negotiation_class().select_renderer(
            Request(request), renderers, match.kwargs.get("format")
        )
    except (NotAcceptable, Http404):
        return None
    request.META["HTTP_ACCEPT"] = renderer.media_type
    # Negotiating read request.headers, which Django then keeps: without this the view would
    # negotiate again from the reader's own Accept (its "indent=8" shaping everyone's answer).
    request.__dict__.pop("headers", None)
    return renderer.format


@functools.cache
def _api_query(view_class: type[APIView]) -> frozenset[str]:
    """The query parameters an API view reads: `format`, its filters' and its pagination's."""
    names = {api_settings.URL_FORMAT_OVERRIDE}
    for backend in view_class.filter_backends:
        if issubclass(backend, DjangoFilterBackend):
            queryset = getattr(view_class, "queryset", None)
            filterset = backend().get_filterset_class(view_class, queryset)
            for name, field in (filterset.base_filters if filterset else {}).items():
                # A range filter reads name_min and name_max (its widget's suffixes).
                suffixes = getattr(field.field.widget, "suffixes", None) or [""]
                names.update("_".join(filter(None, (name, suffix))) for suffix in suffixes)
        names.update(
            getattr(backend, attribute)
            for attribute in ("search_param", "ordering_param")
            if hasattr(backend, attribute)
        )
    pagination = getattr(view_class, "pagination_class", None)
    if pagination is not None:
        names.update(
            value
            for attribute in dir(pagination)
            if attribute.endswith("query_param") and (value := getattr(pagination, attribute))
        )
    names.discard(None)
    return frozenset(names)
