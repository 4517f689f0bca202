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
"""

import functools
import hashlib
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import NotAcceptable
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.views import APIView

PUBLIC_PREFIXES = ("/results/", "/api/v1/results/", "/api/v1/station-results/", "/api/v1/chain/")
# The query parameters each public page (not the API) reads, by URL name; any other is dropped.
PAGE_QUERY = {"results:chain": ("after",)}
VERSION_KEY = "results-version:2"  # (changes, since): the number moves with the format
CHANGED_KEY = "results-changed"
CACHED_SECONDS = 3600


def results_changed() -> None:
    """Call after a publication or an aggregation commits: every cached answer is outdated."""
    if not cache.add(CHANGED_KEY, 1, timeout=None):
        cache.incr(CHANGED_KEY)


def results_version() -> tuple[int, float]:
    """(the count of changes the cached answers include, when that version began).

    The first reader after a change moves the version on, once the current one is
    PUBLIC_REFRESH_SECONDS old. Changes are counted rather than timed, so web processes whose
    clocks disagree still agree on whether something changed.
    """
    found = cache.get_many([VERSION_KEY, CHANGED_KEY])
    changes, version, now = found.get(CHANGED_KEY, 0), found.get(VERSION_KEY), time.time()
    if (
        not isinstance(version, tuple | list)
        or len(version) != 2
        or (version[0] != changes and not 0 <= now - version[1] < settings.PUBLIC_REFRESH_SECONDS)
    ):
        version = (changes, now)
        cache.set(VERSION_KEY, version, timeout=None)
    return tuple(version)


class PublicCacheMiddleware:
    """Each language has its own entries, chosen as LocaleMiddleware (further in) will choose."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._public(request) or _signed_in(request):
            return self.get_response(request)
        representation = _make_canonical(request)
        if representation is None:  # no such page, or no such format: a cheap refusal
            return self.get_response(request)
        version = results_version()
        language = translation.get_language_from_request(request)
        identity = "|".join(
            (
                f"{version[0]}|{version[1]}",
                language,
                representation,
                request.get_host(),
                request.path,
                request.META["QUERY_STRING"],
            )
        )
        key = "public:" + hashlib.sha256(identity.encode()).hexdigest()
        etag = f'"{key[-24:]}"'
        if request.META.get("HTTP_IF_NONE_MATCH") == etag:
            response = HttpResponseNotModified()
        else:
            response = cache.get(key)
            if response is None:
                response = self.get_response(request)
                # One reader's cookie (a CSRF token made for this page) is nobody else's.
                response.cookies = SimpleCookie()
                if response.status_code == 200 and not response.streaming:
                    cache.set(key, response, CACHED_SECONDS)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(version[1])
        # Browsers and proxies ask again each time (a 304 costs almost nothing): the language
        # comes from a cookie, and a reader who switches it must not get the cached other one.
        response["Cache-Control"] = "public, no-cache"
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    @staticmethod
    def _public(request: HttpRequest) -> bool:
        return request.method in ("GET", "HEAD") and request.path.startswith(PUBLIC_PREFIXES)


def _signed_in(request: HttpRequest) -> bool:
    """A live session of someone signed in, or a token that exists (expired ones are told so)."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if session_key:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        if SESSION_KEY in store(session_key):
            return True
    scheme, _, key = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "token" and Token.objects.filter(key=key.strip()).exists()


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
