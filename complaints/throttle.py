"""How often one client may file: a complaint is mail sent to an address its filer typed, so
filings without an account are counted per client (the same rate on the page and the API)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from common.clients import client_identity


class FilingThrottle(SimpleRateThrottle):
    """``COMPLAINTS_FILING_RATE`` filings per client; account holders are not counted."""

    scope = "complaint_filing"

    def get_rate(self) -> str:
        return settings.COMPLAINTS_FILING_RATE

    def get_cache_key(self, request, view) -> str | None:
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_identity(request)}


def filing_throttle(request) -> bool:
    """Whether this page request may file now (the API's view uses FilingThrottle itself)."""
    return FilingThrottle().allow_request(request, None)
