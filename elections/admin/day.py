"""Election day in the admin: a station's reports (a page that works on a phone) and the
commission's dashboard of the day."""

from datetime import datetime

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.admin import WorkflowAdmin
from common.errors import ApplicationError
from elections import access
from elections.dashboard import day_overview
from elections.forms import StationPickForm, StationReportForm
from elections.models import Election, StationReport
from elections.selectors import election_under_way, protocol_progress
from elections.services.day import station_report_submit
from stations.zones import ASTANA


def current_election(request: HttpRequest) -> Election | None:
    """The election named in ``?election=``, else the latest one past setup."""
    return election_under_way(request.GET.get("election"))


@admin.register(StationReport)
class StationReportAdmin(WorkflowAdmin):
    list_display = ["station_label", "kind", "hour", "local_time", "astana_time", "voters", "user"]
    list_filter = ["kind", "election", "station__region"]
    list_select_related = ["station__region", "user"]
    search_fields = ["=station__number"]
    show_full_result_count = False
    change_list_template = "admin/elections/stationreport/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[StationReport]:
        return access.rows_in_scope(request.user, super().get_queryset(request))

    @admin.display(description=_("station"), ordering="station__number")
    def station_label(self, report: StationReport) -> str:
        return f"{report.station.region.code} {report.station.number}"

    @admin.display(description=_("station time"), ordering="at")
    def local_time(self, report: StationReport) -> str:
        return f"{report.at.astimezone(report.station.zone):%H:%M} ({report.station.time_zone})"

    @admin.display(description=_("Astana time"), ordering="at")
    def astana_time(self, report: StationReport) -> str:
        return f"{report.at.astimezone(ASTANA):%d.%m %H:%M}"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("report/", view(self.choose_view), name="elections_stationreport_choose"),
            path(
                "report/<int:station_id>/",
                view(self.report_view),
                name="elections_stationreport_report",
            ),
            path("dashboard/", view(self.dashboard_view), name="elections_stationreport_dashboard"),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, title: str, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title,
                **extra}  # fmt: skip

    def choose_view(self, request: HttpRequest) -> HttpResponse:
        """Pick the station by region and number; precinct staff see theirs as a link."""
        form = StationPickForm(request.GET or None)
        if form.is_valid():
            stations = access.stations_in_scope(request.user, access.ENTER)
            station = form.station(stations, _("No such station in your commission's area."))
            if station is not None:
                return redirect("admin:elections_stationreport_report", station.pk)
        mine = access.own_stations(request.user).select_related("region")
        context = self._context(request, _("Report the day"), form=form, mine=mine)
        return TemplateResponse(request, "admin/elections/stationreport/choose.html", context)

    def report_view(self, request: HttpRequest, station_id: int) -> HttpResponse:
        """The station's day so far and the next report, on the station's own clock."""
        stations = access.stations_in_scope(request.user, access.ENTER).select_related("region")
        station = get_object_or_404(stations, pk=station_id)
        election = current_election(request)
        if election is None:
            self.message_user(request, _("No election is under way."), messages.WARNING)
            return redirect("admin:elections_stationreport_changelist")
        now = timezone.now().astimezone(station.zone).replace(second=0, microsecond=0)
        form = StationReportForm(
            request.POST or None,
            election=election,
            zone=station.zone,
            initial={"at": now.replace(tzinfo=None)},
        )
        if request.method == "POST" and form.is_valid():
            try:
                report = station_report_submit(
                    election=election, station=station, user=request.user, **form.cleaned_data
                )
            except ApplicationError as exc:
                form.add_service_errors(exc)
            else:
                self.message_user(
                    request, _("Saved: %(report)s.") % {"report": report}, messages.SUCCESS
                )
                return redirect(request.get_full_path())
        reports = StationReport.objects.filter(election=election, station=station)
        context = self._context(
            request,
            _("Station %(number)s — the day") % {"number": station.number},
            station=station,
            election=election,
            form=form,
            reports=[(r, r.at.astimezone(station.zone), r.at.astimezone(ASTANA)) for r in reports],
            now_local=now,
            now_astana=now.astimezone(ASTANA),
        )
        return TemplateResponse(request, "admin/elections/stationreport/report.html", context)

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        """Per region and nationwide: late openings, missing turnout, counting, protocols."""
        election = current_election(request)
        at = _as_at(request, election)
        stations = access.stations_in_scope(request.user)
        nation, regions, contests = None, [], []
        if election is not None:
            nation, regions = day_overview(election, stations, at)
            contests = [
                row for row in protocol_progress(election, stations, by="contest") if row.expected
            ]
            contests.sort(key=lambda row: (-row.outstanding, row.area.code))
        context = self._context(
            request,
            _("Election day"),
            election=election,
            at=at,
            at_astana=at.astimezone(ASTANA),
            nation=nation,
            regions=regions,
            contests=contests[:50],
            contests_total=len(contests),
        )
        return TemplateResponse(request, "admin/elections/stationreport/dashboard.html", context)


def _as_at(request: HttpRequest, election: Election | None) -> datetime:
    """Now, or ``?at=HH:MM`` Astana time on election day, to replay the day."""
    if election is not None and (wanted := request.GET.get("at")):
        try:
            clock = datetime.strptime(wanted, "%H:%M").time()
        except ValueError:
            messages.error(
                request,
                "at: "
                + _("%(wanted)s is not a time like 14:30; showing now.") % {"wanted": repr(wanted)},
            )
        else:
            return datetime.combine(election.date, clock, tzinfo=ASTANA)
    return timezone.now()
