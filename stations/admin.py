from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ExportMixin
from translated_fields.admin import TranslatedFieldAdmin

from common.spreadsheets import safe_cell
from stations.importing import (
    COLUMNS,
    REQUIRED_COLUMNS,
    StationImportError,
    decode_upload,
    read_station_csv,
    stations_import,
)
from stations.models import District, Region, Station


@admin.register(Region)
class RegionAdmin(TranslatedFieldAdmin, admin.ModelAdmin):  # "Name [kk]" …
    list_display = ["code", "name_en", "name_kk", "name_ru", "kind", "time_zone", "station_count"]
    list_filter = ["kind", "time_zone"]
    search_fields = ["code", "name_en", "name_kk", "name_ru"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Region]:
        return super().get_queryset(request).annotate(station_count=Count("stations"))

    @admin.display(description=_("stations"), ordering="station_count")
    def station_count(self, region: Region) -> int:
        return region.station_count


@admin.register(District)
class DistrictAdmin(TranslatedFieldAdmin, admin.ModelAdmin):
    list_display = ["name", "region", "kind", "commission_name"]
    list_filter = ["region", "kind"]
    list_select_related = ["region"]
    search_fields = ["name_en", "name_kk", "name_ru", "code", "commission_name"]


class StationResource(resources.ModelResource):
    """The export format: the same columns that import_stations and the admin import read."""

    region = fields.Field(attribute="region__code", column_name="region")
    district = fields.Field(attribute="district__name_en", column_name="district")  # as imported

    class Meta:
        model = Station
        fields = COLUMNS
        export_order = COLUMNS

    def get_queryset(self) -> QuerySet[Station]:
        return Station.objects.select_related("region", "district")

    def export_field(self, field, instance, **kwargs):
        """A name or address that starts like a formula is written as text (see safe_cell)."""
        return safe_cell(super().export_field(field, instance, **kwargs))


class StationImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, header row first. Required columns: %(columns)s.")
        % {"columns": ", ".join(REQUIRED_COLUMNS)},
    )
    dry_run = forms.BooleanField(label=_("Check only, save nothing"), required=False)


@admin.register(Station)
class StationAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [StationResource]
    change_list_template = "admin/stations/station/change_list.html"
    list_display = [
        "number",
        "name",
        "region",
        "district",
        "kind",
        "registered_voters",
        "time_zone",
        "is_active",
    ]
    list_display_links = ["number", "name"]
    list_filter = ["region", "kind", "is_active", ("district", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["region", "district"]
    search_fields = ["=number", "name", "address"]
    autocomplete_fields = ["district"]
    # Counting 10,000+ rows on every filtered page is wasted work for staff.
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["region", "district", "number", "name", "address", "kind",
                           "is_active"]}),
        (_("Place and time"), {"fields": ["country", "time_zone", "latitude", "longitude",
                                          "opening_time", "closing_time"]}),
        (_("Voters and access"), {"fields": ["registered_voters", "step_free_access",
                                             "aids_visually_impaired", "aids_hearing_impaired"]}),
        (_("Precinct commission"), {"fields": ["chair_name", "secretary_name"]}),
    ]  # fmt: skip

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import-csv/",
                self.admin_site.admin_view(self.import_csv_view),
                name="stations_station_import_csv",
            ),
            *super().get_urls(),
        ]

    def get_export_queryset(self, request: HttpRequest) -> QuerySet[Station]:
        """The list's rows under its filters; a filter the list does not have is a 400 (the
        list itself redirects with ?e=1; the export has no such page to go back to)."""
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as exc:
            raise BadRequest(
                _("no such filter on the station list: %(error)s") % {"error": exc}
            ) from exc

    def import_csv_view(self, request: HttpRequest) -> HttpResponse:
        """Import a CSV with the same all-or-nothing rules as ``manage.py import_stations``."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = StationImportForm(request.POST or None, request.FILES or None)
        errors = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = stations_import(
                    rows=read_station_csv(decode_upload(upload, upload.size)),
                    dry_run=form.cleaned_data["dry_run"],
                )
            except StationImportError as exc:
                errors = exc
            else:
                self.message_user(request, f"{upload.name}: {report}", messages.SUCCESS)
                return redirect("admin:stations_station_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import polling stations"),
            "form": form,
            "import_error": errors,
            "columns": COLUMNS,
        }
        return TemplateResponse(request, "admin/stations/station/import_csv.html", context)
