"""Requests no view should see, and the header every answer carries."""

import functools
from collections.abc import Callable

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseNulCharacters:
    """A NUL character (``%00``) is refused before any view runs: in the path a 404 (no address
    has one), in the query string or a form's field a 400 naming the field. No text the site
    stores or looks up may hold one, and Postgres refuses it outright (a DataError, so a 500,
    wherever a view looked it up). JSON bodies are the API parser's to check (common.parsers).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            raise Http404("no address holds a NUL character (%00)")
        fields = [request.GET]
        if request.method == "POST" and request.content_type in FORMS:
            fields.append(request.POST)  # read here; a view reading request.POST gets the same
        for data in fields:
            for name, values in data.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    raise BadRequest(
                        f"{name.replace(chr(0), '%00')}: " + _("a NUL character (%00)")
                    )
        return self.get_response(request)


# What a view may set to have its own policy (django-csp's decorators); no view here does.
_PER_ANSWER = (
    "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
)  # fmt: skip


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's middleware, with the site's one policy built once per process.

    Building it is a good part of what a cached public answer costs (every answer gets the
    header). An answer whose view set a policy of its own, or a request that used a nonce, is
    handled by django-csp as before; a change of the settings (tests) builds it afresh.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _PER_ANSWER
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for header, policy, setting in _site_policies():
            excluded = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if policy and header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@functools.cache
def _site_policies() -> tuple[tuple[str, str, str], ...]:
    return (
        (HEADER, build_policy(), "CONTENT_SECURITY_POLICY"),
        (HEADER_REPORT_ONLY, build_policy(report_only=True), "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
    )


@receiver(setting_changed)
def _policy_settings_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _site_policies.cache_clear()
