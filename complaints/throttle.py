"""How often one may file: each filing mails an address its filer typed, so filings are counted
per account, and without one per client (the same rate on the page and the API)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from common.clients import client_identity


class FilingThrottle(SimpleRateThrottle):
    """``COMPLAINTS_FILING_RATE`` filings per account, or per client without one."""

    scope = "complaint_filing"

    def get_rate(self) -> str:
        return settings.COMPLAINTS_FILING_RATE

    def get_cache_key(self, request, view) -> str | None:
        user = request.user
        ident = f"user-{user.pk}" if user.is_authenticated else client_identity(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def filing_throttle(request) -> bool:
    """Whether this page request may file now (the API's view uses FilingThrottle itself)."""
    return FilingThrottle().allow_request(request, None)
