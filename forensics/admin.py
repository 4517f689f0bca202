"""The commissions' review list of stations worth a look: the forensic signals of the stations
in their area, each linking to the station's protocols. Derived rows, read-only: the task
writes them, no page does."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin import WorkflowAdmin
from elections import access
from forensics.models import StationSignal
from forensics.signals import signal_labels


class SignalFilter(admin.SimpleListFilter):
    title = _("signal")
    parameter_name = "signal"

    def lookups(self, request, model_admin):
        return list(signal_labels().items())

    def queryset(self, request, queryset):
        if self.value() not in signal_labels():
            return queryset
        # Few rows per contest (the signalled stations only): filtered in Python, as JSON
        # containment differs between SQLite and Postgres.
        rows = queryset.values_list("pk", "signals")
        return queryset.filter(pk__in=[pk for pk, signals in rows if self.value() in signals])


@admin.register(StationSignal)
class StationSignalAdmin(WorkflowAdmin):
    list_display = ["station_label", "contest", "signals_shown", "turnout", "share", "kind",
                    "protocols"]  # fmt: skip
    list_filter = [SignalFilter, "contest", "station__region", "station__kind"]
    list_select_related = ["station__region", "contest"]
    ordering = ["station__region__code", "station__number"]

    def lookup_allowed(self, lookup: str, value, request=None) -> bool:
        # The list's own filters only: a lookup on the JSON list (?signals__regex=…) is no
        # filter anyone needs, and some fail in the database.
        if lookup.split("__")[0] == "signals":
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[StationSignal]:
        return access.rows_in_scope(request.user, super().get_queryset(request))

    @admin.display(description=_("station"), ordering="station__number")
    def station_label(self, row: StationSignal) -> str:
        return f"{row.station.region.code} {row.station.number}"

    @admin.display(description=_("signals (worth a look, never a verdict)"))
    def signals_shown(self, row: StationSignal) -> str:
        labels = signal_labels()
        return "; ".join(str(labels[name]) for name in row.signals)

    @admin.display(description=_("station kind"))
    def kind(self, row: StationSignal) -> str:
        return row.station.get_kind_display()

    @admin.display(description=_("protocols"))
    def protocols(self, row: StationSignal) -> str:
        url = reverse("admin:elections_protocol_changelist")
        return format_html('<a href="{}?station={}&amp;contest={}">{}</a>',
                           url, row.station_id, row.contest_id, _("review"))  # fmt: skip
