"""The admin site: commission staff sign in with a password and a second factor."""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from common.ids import is_canonical_id
from elections.services.credentials import api_token_expires, api_token_issue


class TwoFactorLoginForm(OTPAdminAuthenticationForm):
    """One code field: six digits are the authenticator's, anything else a backup code."""

    def _chosen_device(self, user):
        code = (self.cleaned_data.get("otp_token") or "").strip()
        kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
        device = kind.objects.filter(user=user, confirmed=True).first()
        if device is None and not TOTPDevice.objects.filter(user=user).exists():
            raise forms.ValidationError(
                "This login has no second factor yet: the commission's administrator gives you "
                "one (manage.py enrol_two_factor).",
                code="not_enrolled",
            )
        return device


class SaylauAdminSite(OTPAdminSite):
    """Staff are let in only once a TOTP code or a backup code has verified this session."""

    site_header = "Saylau"
    site_title = "Saylau"
    index_title = "Election administration"
    login_form = TwoFactorLoginForm
    login_template = "admin/login_two_factor.html"

    def __init__(self, name: str = "admin"):
        # The usual name, so that every `admin:` URL and template keeps working.
        super().__init__(name)

    def admin_view(self, view, cacheable: bool = False):
        """Every admin page finds a row by its canonical id alone (``969``; never ``+969``,
        ``%20969`` or ``0969``, which the generic pages' ``int()`` would take): one row, one
        address, so that no second spelling reaches a page the first one does not."""
        guarded = super().admin_view(view, cacheable)

        def canonical_only(request, *args, **kwargs):
            object_id = kwargs.get("object_id")
            if object_id is not None and not is_canonical_id(object_id):
                raise Http404("no such object")
            return guarded(request, *args, **kwargs)

        canonical_only.__wrapped__ = guarded
        return canonical_only

    def get_urls(self):
        own = [path("api-token/", self.admin_view(self.api_token_view), name="api-token")]
        return own + super().get_urls()

    def api_token_view(self, request: HttpRequest) -> HttpResponse:
        """Issue the signed-in member of staff a new API token; its key is shown only here."""
        issued = api_token_issue(user=request.user) if request.method == "POST" else None
        current = issued or Token.objects.filter(user=request.user).first()
        context = {
            **self.each_context(request),
            "title": "API token",
            "issued": issued,
            "expires": api_token_expires(current) if current else None,
        }
        return TemplateResponse(request, "admin/api_token.html", context)
