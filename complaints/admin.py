"""The commission's queue of complaints, most urgent first, and each complaint's page with the
moves open to it: every move goes through complaints.services, so the admin keeps exactly the
rules the services do. Each commission sees the complaints addressed to it (complaints.access),
and no generic add, change or delete page exists (common.admin.WorkflowAdmin).

Times typed on a complaint's page (a hearing, a date to resubmit by) are the deciding body's
own clock, as the paper says them.
"""

from django.contrib import admin, messages
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.admin import WorkflowAdmin
from common.errors import ApplicationError
from complaints import services
from complaints.access import body_members, complaints_handled_by
from complaints.forms import DecideForm, HearingForm, RegisterForm, ReturnForm, SuspendForm
from complaints.models import Complaint
from elections.forms import ProtocolNumbersForm
from elections.models import Assignment

S = Complaint.Status


@admin.register(Complaint)
class ComplaintAdmin(WorkflowAdmin):
    list_display = ["label", "status", "level", "station_label", "deadline", "overdue", "created"]
    list_filter = ["status", "level"]
    list_select_related = ["station__region", "district"]
    search_fields = ["=number", "=court_case"]

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        """Members of a commission (which complaints, complaints.access decides)."""
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (
                user.is_superuser
                or Assignment.objects.filter(user=user)
                .exclude(role=Assignment.Role.AUDITOR)
                .exists()
            )
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        """The commission's own complaints; a voter's only once their address is confirmed.
        Unregistered filings first (they wait for registration), then by deadline."""
        return (
            complaints_handled_by(request.user)
            .filter(contact_verified_at__isnull=False)
            .select_related("station__region", "district")
            .order_by(F("deadline").asc(nulls_first=True), "created")
        )

    @admin.display(description=_("complaint"), ordering="number")
    def label(self, complaint: Complaint) -> str:
        return str(complaint)

    @admin.display(description=_("station"))
    def station_label(self, complaint: Complaint) -> str:
        station = complaint.station
        return f"{station.region.code} {station.number}" if station else "–"

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, complaint: Complaint) -> bool:
        return services.complaint_overdue(complaint)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            # In place of the generic change form: every move goes through the services.
            path("<path:object_id>/change/", view(self.detail_view),
                 name="complaints_complaint_change"),
            *[p for p in super().get_urls() if p.name != "complaints_complaint_change"],
        ]  # fmt: skip

    def detail_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        complaint = self.get_object(request, object_id)
        if complaint is None:
            raise Http404(_("no such complaint addressed to your commission"))
        action = request.POST.get("action", "")
        with timezone.override(services.body_zone(complaint)):
            forms = self._forms(request, complaint, action)
            if request.method == "POST":
                done = self._move(request, complaint, action, forms)
                if done:
                    self.message_user(request, done, messages.SUCCESS)
                    return redirect("admin:complaints_complaint_change", complaint.pk)
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": str(complaint),
                "complaint": complaint,
                "forms": forms,
                "events": complaint.events.select_related("user"),
                "attachments": complaint.attachments.all(),
                "overdue": services.complaint_overdue(complaint),
                "zone": services.body_zone(complaint).key,
            }
            return TemplateResponse(request, "admin/complaints/complaint/detail.html", context)

    def _forms(self, request: HttpRequest, complaint: Complaint, action: str) -> dict:
        """The moves open to the complaint now, each with its form (bound if it was posted)."""

        def bound(name, form_class, **kwargs):
            return form_class(request.POST if action == name else None, **kwargs)

        status = complaint.status
        forms: dict = {}
        if status == S.FILED:
            forms["register"] = bound(
                "register", RegisterForm, complaint=complaint, members=body_members(complaint)
            )
            forms["return"] = bound("return", ReturnForm)
        if status in (S.REGISTERED, S.UNDER_REVIEW):
            forms["hearing"] = bound("hearing", HearingForm)
            forms["suspend"] = bound("suspend", SuspendForm)
            forms["decide"] = bound("decide", DecideForm)
        if status == S.SUSPENDED:
            forms["resume"] = None
        if status in (S.DECIDED, S.APPEALED) and complaint.remedy and not complaint.correction_id:
            lines = list(complaint.protocol.contest.ballot_lines.all())
            forms["recount"] = bound("recount", ProtocolNumbersForm, lines=lines)
        return forms

    def _move(self, request, complaint: Complaint, action: str, forms: dict) -> str | None:
        """Apply the posted move; a refusal goes beside its field or above the forms."""
        if action not in forms:
            self.message_user(request, _("That is not open to this complaint now."), messages.ERROR)
            return None
        form = forms[action]
        if form is not None and not form.is_valid():
            return None
        user, data = request.user, form.cleaned_data if form is not None else {}
        try:
            if action == "register":
                services.complaint_register(
                    complaint, user=user, respondent_user=data.get("respondent_user"),
                    public_subject=data.get("public_subject", ""),
                    public_claim=data.get("public_claim", ""),
                    standing_confirmed=data.get("standing_confirmed", False),
                )  # fmt: skip
                return _("Registered as %(number)s.") % {"number": complaint.number}
            if action == "return":
                services.complaint_return(
                    complaint, user=user, defects=form.defect_list(),
                    resubmit_by=data["resubmit_by"],
                )  # fmt: skip
            elif action == "hearing":
                services.complaint_schedule_hearing(
                    complaint, user=user, at=data["hearing_at"], place=data["hearing_place"],
                    link=data["hearing_link"],
                )  # fmt: skip
            elif action == "suspend":
                services.complaint_suspend(complaint, user=user, court_case=data["court_case"])
            elif action == "resume":
                services.complaint_resume(complaint, user=user)
            elif action == "decide":
                services.complaint_decide(
                    complaint, user=user, outcome=data["outcome"], decision=data["decision"],
                    remedy=data["remedy"],
                )  # fmt: skip
            elif action == "recount":
                correction = services.complaint_enter_recount(
                    complaint, user=user, data=form.entry_data()
                )
                return _(
                    "The recount is entered as version %(version)s; another supervisor approves "
                    "it on the protocol's page."
                ) % {"version": correction.version}
        except ApplicationError as exc:
            if form is not None:
                form.add_service_errors(exc)
            else:
                self.message_user(request, exc.message, messages.ERROR)
            complaint.refresh_from_db()
            return None
        return _("Done: %(status)s.") % {"status": complaint.get_status_display()}
