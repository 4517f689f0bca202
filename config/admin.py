"""The admin site: commission staff sign in with a password and a second factor."""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import TO_FIELD_VAR
from django.core.exceptions import BadRequest, FieldDoesNotExist
from django.db.models import IntegerField, Model
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from common.ids import is_canonical_id
from common.numbers import BIGINT_MAX, integer
from elections.services.credentials import api_token_expires, api_token_issue


def _refuse_numbers_past_any_column(query: QueryDict) -> None:
    """A list's filters (``?election=…``, ``?station__id__in=…``) go to the database as they
    come, and a number past a 64-bit column fails there (a 500), not as a wrong filter."""
    for name, value in query.lists():
        for part in (p for v in value for p in v.split(",")):
            number = integer(part)
            if number is not None and not -BIGINT_MAX - 1 <= number <= BIGINT_MAX:
                raise BadRequest(f"{name}: {part[:40]!r} is past any column's range")


def _refuse_unreadable_ids(model: type[Model], query: QueryDict) -> None:
    """An add page fills its form from the query string (``?station=12``), a posted form
    comes back with what was typed, and the admin's autocomplete and raw-id widgets look those
    ids up unchecked when they draw the form again: one that is no id (``abc``, ``204.0``,
    ``²``, ``2**64``) would fail the page's rendering, and ``٣`` would be read as 3. So it is
    a 400 naming the field instead."""
    for name, values in query.lists():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # not a field: the form ignores it
        if not (field.is_relation and isinstance(field.target_field, IntegerField)):
            continue
        for value in values:
            ids = value.split(",") if field.many_to_many else [value]  # as Django splits them
            if not all(is_canonical_id(id_.strip()) for id_ in ids if id_.strip()):
                raise BadRequest(f"{name}: {value[:40]!r} is no row's id")


class TwoFactorLoginForm(OTPAdminAuthenticationForm):
    """One code field: six digits are the authenticator's, anything else a backup code."""

    def _chosen_device(self, user):
        code = (self.cleaned_data.get("otp_token") or "").strip()
        kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
        device = kind.objects.filter(user=user, confirmed=True).first()
        if device is None and not TOTPDevice.objects.filter(user=user).exists():
            raise forms.ValidationError(
                _(
                    "This login has no second factor yet: the commission's administrator gives "
                    "you one (manage.py enrol_two_factor)."
                ),
                code="not_enrolled",
            )
        return device


class SaylauAdminSite(OTPAdminSite):
    """Staff are let in only once a TOTP code or a backup code has verified this session."""

    site_header = _("Saylau")
    site_title = _("Saylau")
    index_title = _("Election administration")
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

        model_admin = getattr(view, "__self__", None)

        def canonical_only(request, *args, **kwargs):
            object_id = kwargs.get("object_id")
            if object_id is not None and not is_canonical_id(object_id):
                raise Http404(_("no such object"))
            if "" in (request.GET.get(TO_FIELD_VAR), request.POST.get(TO_FIELD_VAR)):
                # Django skips its check of an empty one, then looks up the field '' (a 500).
                raise BadRequest(f"{TO_FIELD_VAR}: name a field")
            _refuse_numbers_past_any_column(request.GET)
            if isinstance(model_admin, admin.ModelAdmin):
                if view.__name__ == "add_view":
                    _refuse_unreadable_ids(model_admin.model, request.GET)
                if view.__name__ in ("add_view", "change_view") and request.method == "POST":
                    _refuse_unreadable_ids(model_admin.model, request.POST)
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
            "title": _("API token"),
            "issued": issued,
            "expires": api_token_expires(current) if current else None,
        }
        return TemplateResponse(request, "admin/api_token.html", context)
