"""Public results from the cache, and 304s for pollers, until the next publication lands.

Anonymous GETs of the results pages and the results API are answered from the cache (Redis
when configured), keyed by the *results version*, the language and the full path. Every
publication, aggregation and status change marks the results changed; the next reader then
moves the version on, at most once every PUBLIC_REFRESH_SECONDS. So on election night, with a
publication every second, each page is built once per interval rather than once per
publication, and a reader sees a change at most that many seconds late. Nothing has to be
deleted: old keys simply stop being asked for and expire.
"""

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

PUBLIC_PREFIXES = ("/results/", "/api/v1/results/", "/api/v1/station-results/", "/api/v1/chain/")
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
        if not self._cacheable(request):
            return self.get_response(request)
        version = results_version()
        accept = request.META.get("HTTP_ACCEPT", "")
        language = translation.get_language_from_request(request)
        identity = f"{version[0]}|{version[1]}|{language}|{accept}|{request.get_full_path()}"
        key = "public:" + hashlib.sha256(identity.encode()).hexdigest()
        etag = f'"{key[-24:]}"'
        if request.META.get("HTTP_IF_NONE_MATCH") == etag:
            response = HttpResponseNotModified()
        else:
            response = cache.get(key)
            if response is None:
                response = self.get_response(request)
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
    def _cacheable(request: HttpRequest) -> bool:
        """Anonymous reads of public paths: staff (session or token) always see the live site."""
        return (
            request.method in ("GET", "HEAD")
            and request.path.startswith(PUBLIC_PREFIXES)
            and "HTTP_AUTHORIZATION" not in request.META
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )
