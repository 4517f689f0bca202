"""The commissions' list of discrepancies in their area, each answered on its page (explained,
or the complaint filed about it named) through integrity.services; no generic page writes one."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from common.admin import WorkflowAdmin
from common.errors import ApplicationError
from complaints.models import Complaint
from elections import access
from elections.forms import ServiceErrorsForm
from integrity import rules, services
from integrity.models import Discrepancy


class AnswerForm(ServiceErrorsForm):
    explanation = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Explanation")
    )
    complaint = forms.CharField(
        required=False, max_length=64, label=_("Complaint filed about it (its number)")
    )

    def clean_complaint(self) -> Complaint | None:
        number = self.cleaned_data["complaint"].strip()
        if not number:
            return None
        complaint = Complaint.objects.filter(number=number).first()
        if complaint is None:
            raise forms.ValidationError(_("No registered complaint has this number."))
        return complaint


@admin.register(Discrepancy)
class DiscrepancyAdmin(WorkflowAdmin):
    list_display = ["station_label", "contest", "rule", "severity", "status", "found"]
    list_filter = ["status", "rule", "severity", "station__region"]
    list_select_related = ["station__region", "contest"]

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        user = request.user
        return user.is_active and user.is_staff and access.stations_in_scope(user).exists()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Discrepancy]:
        return access.rows_in_scope(request.user, super().get_queryset(request))

    @admin.display(description=_("station"), ordering="station__number")
    def station_label(self, row: Discrepancy) -> str:
        return f"{row.station.region.code} {row.station.number}"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/change/", view(self.detail_view),
                 name="integrity_discrepancy_change"),
            *[p for p in super().get_urls() if p.name != "integrity_discrepancy_change"],
        ]  # fmt: skip

    def detail_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        row = self.get_object(request, object_id)
        if row is None:
            raise Http404(_("no such discrepancy in your commission's area"))
        form = AnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.discrepancy_explain(
                    discrepancy=row, user=request.user,
                    explanation=form.cleaned_data["explanation"],
                    complaint=form.cleaned_data["complaint"],
                )  # fmt: skip
            except ApplicationError as exc:
                form.add_service_errors(exc)
            else:
                self.message_user(request, _("Answered."), messages.SUCCESS)
                return redirect("admin:integrity_discrepancy_change", row.pk)
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": str(row), "row": row, "rule": rules.BY_ID.get(row.rule), "form": form,
        }  # fmt: skip
        return TemplateResponse(request, "admin/integrity/discrepancy/detail.html", context)
