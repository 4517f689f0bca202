"""The language links in every page's header: a plain link, so cached pages need no form."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def choose_language(request: HttpRequest, code: str) -> HttpResponseRedirect:
    """Remember the language in its cookie and go back to the page the reader was on."""
    if code not in dict(settings.LANGUAGES):
        raise Http404(f"No language {code}.")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response
