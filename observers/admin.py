"""The commission's accreditation desk: queues by state, bulk decisions, counts, badges.

Adding an organisation or an application, and every decision, goes through observers.services,
so the admin enforces exactly the rules the API does.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.admin import WorkflowAdmin
from common.errors import ApplicationError, error_lines
from elections import access
from observers import services
from observers.models import Accreditation, AccreditationEvent, Note, Organisation, Visit
from observers.views import badge_qr


class ReasonActionForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason (to reject or revoke)"), required=False,
        widget=forms.TextInput(attrs={"size": 40}),
    )  # fmt: skip


def decision(description: str, done: str, decide):
    """An admin action that applies ``decide(item, user, reason)`` to each selected row, with
    the reason typed beside the action, and reports what was done and every refusal."""

    @admin.action(description=description)
    def act(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
        succeeded = 0
        for item in queryset:
            try:
                decide(item, request.user, request.POST.get("reason", ""))
            except ApplicationError as exc:
                for line in error_lines(exc):
                    messages.error(request, f"{item}: {line}")  # the object, then its refusal
            else:
                succeeded += 1
        if succeeded:
            messages.success(request, done % {"count": succeeded})

    return act


class EventInline(admin.TabularInline):
    model = AccreditationEvent
    extra = 0
    can_delete = False
    fields = ["created", "user", "from_status", "to_status", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ServiceForm(forms.ModelForm):
    """A form whose row is made or changed by a service: its refusal shows beside the field it
    names, and the admin saves nothing more (the service saved the row, or nothing at all)."""

    def create(self, data: dict):
        raise NotImplementedError

    def update(self, data: dict):
        raise NotImplementedError

    def _post_clean(self) -> None:
        if self.errors:
            return
        try:
            if self.instance.pk:
                self.instance = self.update(self.cleaned_data)
            else:
                self.instance = self.create(self.cleaned_data)
        except ApplicationError as exc:
            for name, problem in exc.on_form(self.fields):
                self.add_error(name, problem)


# What organisation_update changes; the rest is what the accreditation was decided on.
CHANGEABLE = ("contact", "coordinators")


class OrganisationForm(ServiceForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "country", "contact", "region", "charter_extract",
                  "observation_in_charter", "coordinators"]  # fmt: skip

    def create(self, data: dict) -> Organisation:
        return services.organisation_register(
            name=data["name"], kind=data["kind"], country=data["country"],
            contact=data["contact"], region=data["region"],
            charter_extract=data.get("charter_extract") or None,
            observation_in_charter=data["observation_in_charter"], user=self.user,
        )  # fmt: skip

    def update(self, data: dict) -> Organisation:
        return services.organisation_update(
            organisation=self.instance, user=self.user, contact=data["contact"],
            coordinators=data["coordinators"],
        )  # fmt: skip


class AccreditationForm(ServiceForm):
    class Meta:
        model = Accreditation
        fields = ["election", "organisation", "role", "interpreter_for", "full_name",
                  "identity_document", "photo", "regions", "user"]  # fmt: skip

    def create(self, data: dict) -> Accreditation:
        return services.accreditation_apply(
            election=data["election"], organisation=data["organisation"], role=data["role"],
            full_name=data["full_name"], identity_document=data["identity_document"],
            regions=data["regions"], interpreter_for=data.get("interpreter_for"),
            photo=data.get("photo") or None, account=data.get("user"),
        )  # fmt: skip

    def update(self, data: dict) -> Accreditation:
        return services.accreditation_link_account(
            accreditation=self.instance, user=self.user, account=data.get("user")
        )


class ServiceAdmin(admin.ModelAdmin):
    """Rows are added and changed by the form's services, never saved by the admin itself."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a register: refused, revoked or expired, never deleted

    def save_model(self, request, obj, form, change: bool) -> None:
        pass  # the form's service saved it

    def save_related(self, request, form, formsets, change: bool) -> None:
        pass


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    form = OrganisationForm
    list_display = ["name", "kind", "country", "region", "status", "valid_until", "decision_due"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["name", "country"]
    action_form = ReasonActionForm
    actions = ["accredit", "refuse"]
    inlines = [EventInline]
    filter_horizontal = ["coordinators"]
    readonly_fields = ["status", "decided_at", "valid_until", "decision_reason"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        """A territorial commission sees the registers it keeps: its region's organisations."""
        kept = access.regions_kept_by(request.user)
        organisations = super().get_queryset(request)
        return organisations if kept is None else organisations.filter(region_id__in=kept)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # Once registered, only the contact and the coordinators change (organisation_update).
        fixed = [name for name in OrganisationForm.Meta.fields if name not in CHANGEABLE]
        return [*fixed, *self.readonly_fields]

    accredit = decision(
        _("Accredit the selected organisations"), _("Accredited: %(count)s."),
        lambda item, user, reason: services.organisation_decide(
            organisation=item, user=user, approve=True, reason=reason),
    )  # fmt: skip
    refuse = decision(
        _("Refuse the selected organisations (give the reason)"), _("Refused: %(count)s."),
        lambda item, user, reason: services.organisation_decide(
            organisation=item, user=user, approve=False, reason=reason),
    )  # fmt: skip

    @admin.display(description=_("decision due"))
    def decision_due(self, organisation: Organisation):
        if organisation.status != Organisation.Status.SUBMITTED:
            return "—"
        return (organisation.created + timedelta(days=services.DECISION_DAYS)).date()


@admin.register(Accreditation)
class AccreditationAdmin(ServiceAdmin):
    form = AccreditationForm
    list_display = ["full_name", "organisation", "kind", "country", "role", "document",
                    "status", "code"]  # fmt: skip
    list_filter = ["status", "role", "organisation__kind", "election", "organisation"]
    search_fields = ["full_name", "code", "organisation__name"]
    list_select_related = ["organisation"]
    action_form = ReasonActionForm
    actions = ["approve", "reject", "revoke"]
    inlines = [EventInline]
    change_form_template = "admin/observers/accreditation/change_form.html"
    change_list_template = "admin/observers/accreditation/change_list.html"
    raw_id_fields = ["user", "interpreter_for"]

    approve = decision(
        _("Approve the selected applications"), _("Approved: %(count)s."),
        lambda item, user, reason: services.accreditation_decide(
            accreditation=item, user=user, approve=True, reason=reason),
    )  # fmt: skip
    reject = decision(
        _("Reject the selected applications (give the reason)"), _("Rejected: %(count)s."),
        lambda item, user, reason: services.accreditation_decide(
            accreditation=item, user=user, approve=False, reason=reason),
    )  # fmt: skip
    revoke = decision(
        _("Revoke the selected accreditations (give the reason)"), _("Revoked: %(count)s."),
        lambda item, user, reason: services.accreditation_revoke(
            accreditation=item, user=user, reason=reason),
    )  # fmt: skip

    @admin.display(description=_("kind"), ordering="organisation__kind")
    def kind(self, accreditation: Accreditation) -> str:
        return accreditation.organisation.get_kind_display()

    @admin.display(description=_("country"), ordering="organisation__country")
    def country(self, accreditation: Accreditation) -> str:
        return accreditation.organisation.country

    @admin.display(description=_("identity document"))
    def document(self, accreditation: Accreditation) -> str:
        return accreditation.masked_document

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["status", "code"]
        # Only the observer's login may be set later; the rest is what was decided on.
        decided = [name for name in AccreditationForm.Meta.fields if name != "user"]
        return [*decided, "status", "reason", "code"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        accreditation = self.get_object(request, object_id)
        extra = {"badge_qr": badge_qr(request, accreditation)} if accreditation else {}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def changelist_view(self, request, extra_context=None):
        approved = Accreditation.objects.filter(status=Accreditation.Status.APPROVED)
        by_kind = approved.values("organisation__kind").annotate(
            people=Count("pk"),
            countries=Count("organisation__country", distinct=True),
            organisations=Count("organisation", distinct=True),
        )
        kinds = dict(Organisation.Kind.choices)
        counts = [
            {**row, "kind": kinds[row["organisation__kind"]]}
            for row in by_kind.order_by("organisation__kind")
        ]
        queues = Accreditation.objects.aggregate(
            **{s: Count("pk", filter=Q(status=s)) for s in Accreditation.Status.values}
        )
        context = {"counts": counts, "queues": queues, **(extra_context or {})}
        return super().changelist_view(request, context)


@admin.register(Visit)
class VisitAdmin(WorkflowAdmin):
    list_display = ["accreditation", "station", "arrived", "left"]
    list_select_related = ["accreditation", "station"]
    raw_id_fields = ["accreditation", "station"]


@admin.register(Note)
class NoteAdmin(WorkflowAdmin):
    list_display = ["created", "station", "phase", "category", "severity", "accreditation",
                    "published"]  # fmt: skip
    list_filter = ["severity", "phase", "category", "accreditation__organisation"]
    list_select_related = ["station", "accreditation"]
    search_fields = ["text"]
