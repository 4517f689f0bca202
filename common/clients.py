"""Who is asking: the client's address behind the site's own proxies, and how often it may ask.

Each of the TRUSTED_PROXIES proxies in front of the site (the TLS terminator, a load balancer)
appends the address it was reached from to X-Forwarded-For, and the last one is REMOTE_ADDR. So
the client is the TRUSTED_PROXIES-th address from the right; whatever stands further left was
written by the client and may be forged. With no trusted proxy (the default) the header is
ignored. Everything that keys on the client (DRF's and the pages' throttles, the login lockout)
asks `client_address`, so a forged header buys neither a new allowance nor a lockout of others.
"""

import ipaddress
import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from rest_framework.throttling import AnonRateThrottle

# An IPv6 client is given a whole /64 network: it may use any address in it.
IPV6_CLIENT_PREFIX = 64


def client_address(request: HttpRequest) -> str:
    """The client's address as the outermost trusted proxy saw it, or REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        # Fewer entries than proxies: the request skipped a proxy, and no entry can be trusted.
        if len(forwarded) >= proxies:
            try:
                return str(ipaddress.ip_address(forwarded[-proxies].strip()))
            except ValueError:
                pass  # not written by a proxy of ours
    return remote


def client_identity(request: HttpRequest) -> str:
    """What a throttle counts against: the address, or for IPv6 the client's whole network."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:  # ::ffff:192.0.2.1 is 192.0.2.1
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False))


def lockout_exempt(request: HttpRequest | None, credentials: dict | None = None) -> bool:
    """django-axes' whitelist: sign-ins from the CEC's own networks are never locked out."""
    if request is None or not settings.LOCKOUT_EXEMPT_NETWORKS:
        return False
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network for network in settings.LOCKOUT_EXEMPT_NETWORKS)


class AnonymousThrottle(AnonRateThrottle):
    """DRF's anonymous throttle (scope `anon`), counted per client rather than per header."""

    def get_ident(self, request) -> str:
        return client_identity(request)


class PageThrottle(AnonymousThrottle):
    """The same for pages and files (scope `pages`): a reader's browsing is not the API's."""

    scope = "pages"


class PageThrottleMiddleware:
    """Throttle anonymous requests outside the API, whose views throttle themselves.

    After the authentication middleware (signed-in users are not counted) and the public cache
    (whose answers cost nothing and are not counted either). The load balancer's health check
    is never refused.
    """

    exempt = ("/api/", "/health/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(self.exempt):
            throttle = PageThrottle()
            if not throttle.allow_request(request, None):
                wait = math.ceil(throttle.wait() or 1)
                response = HttpResponse(
                    _("Too many requests: try again in %(seconds)d s.") % {"seconds": wait},
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(wait)
                return response
        return self.get_response(request)
