"""Import polling stations: every source's rows go through one validation and one upsert.

An import is all or nothing. Every row is checked before anything is written; if any row is
bad, the error lists every bad row with its line number, field and reason, and the database is
left as it was. Stations are matched on (region, number): a known station is updated, a new one
created, an identical one left untouched, so importing the same file twice changes nothing.
"""

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.csv_reading import RowError, RowsRefused, csv_rows
from common.numbers import WholeNumberField
from common.sync import bulk_upsert
from stations.models import HOME_COUNTRY, District, Region, Station
from stations.zones import validate_time_zone

# The CSV columns, in the order an export writes them. README documents each one.
COLUMNS = [
    "region",
    "district",
    "number",
    "name",
    "address",
    "registered_voters",
    "kind",
    "country",
    "time_zone",
    "latitude",
    "longitude",
    "step_free_access",
    "aids_visually_impaired",
    "aids_hearing_impaired",
    "chair_name",
    "secretary_name",
    "opening_time",
    "closing_time",
    "is_active",
]
REQUIRED_COLUMNS = ["region", "district", "number", "name", "address", "registered_voters"]
# Fields copied from a validated row onto the Station; an update rewrites exactly these.
STATION_FIELDS = [c for c in COLUMNS if c not in ("region", "district")] + ["district"]
BATCH_SIZE = 500
PROGRESS_EVERY = 1000

ProgressCallback = Callable[[str], None]


class StationImportError(RowsRefused):
    def __init__(self, rows: list[RowError]) -> None:
        lines = len({e.line for e in rows})
        super().__init__(
            _("%(problems)s problem(s) on %(lines)s line(s); nothing was imported.")
            % {"problems": len(rows), "lines": lines},
            rows,
        )


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    districts_created: list[str] = field(default_factory=list)
    dry_run: bool = False

    def __str__(self) -> str:
        counts = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "districts": len(self.districts_created),
        }
        if self.districts_created:
            done = _(
                "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                "%(districts)s new district(s)."
            )
        else:
            done = _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        if self.dry_run:
            return _("Dry run, nothing saved: would have %(done)s") % {"done": done % counts}
        return done % counts


class YesNoField(forms.Field):
    """A yes/no cell; an empty cell takes the field's default."""

    TRUE = {"yes", "y", "true", "1"}
    FALSE = {"no", "n", "false", "0"}

    def __init__(self, *, default: bool, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.default = default

    def to_python(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value or "").strip().lower()
        if not text:
            return self.default
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(
            _("write yes or no, not %(value)s") % {"value": repr(value)}, code="invalid"
        )


class StationRowForm(forms.Form):
    """One station as a source describes it, checked before anything is written."""

    region = forms.CharField(max_length=8)
    district = forms.CharField(max_length=120)
    number = WholeNumberField(min_value=1)
    name = forms.CharField(max_length=200)
    address = forms.CharField(max_length=300)
    registered_voters = WholeNumberField(min_value=0)
    kind = forms.ChoiceField(choices=Station.Kind.choices, required=False)
    country = forms.CharField(
        required=False, validators=[RegexValidator(r"^[A-Z]{2}$", _("use a two-letter ISO code"))]
    )
    time_zone = forms.CharField(required=False, validators=[validate_time_zone])
    latitude = forms.DecimalField(required=False, min_value=-90, max_value=90, decimal_places=5)
    longitude = forms.DecimalField(required=False, min_value=-180, max_value=180, decimal_places=5)
    step_free_access = YesNoField(default=False)
    aids_visually_impaired = YesNoField(default=False)
    aids_hearing_impaired = YesNoField(default=False)
    chair_name = forms.CharField(max_length=200, required=False)
    secretary_name = forms.CharField(max_length=200, required=False)
    opening_time = forms.TimeField(required=False)
    closing_time = forms.TimeField(required=False)
    is_active = YesNoField(default=True)

    def __init__(self, *args: Any, regions: dict[str, Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regions = regions

    def clean_region(self) -> Region:
        code = self.cleaned_data["region"].strip().upper()
        if code not in self.regions:
            raise forms.ValidationError(
                _("unknown region %(code)s; known codes: %(codes)s")
                % {"code": repr(code), "codes": ", ".join(sorted(self.regions))}
            )
        return self.regions[code]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        region = data.get("region")
        if not isinstance(region, Region):
            return data
        abroad = region.kind == Region.Kind.ABROAD
        kind = data.get("kind") or (Station.Kind.ABROAD if abroad else Station.Kind.ORDINARY)
        if abroad != (kind == Station.Kind.ABROAD):
            self.add_error(
                "kind",
                (
                    _("a station in region %(region)s must be abroad, not %(kind)s")
                    if abroad
                    else _(
                        "a station in region %(region)s must be ordinary or closed, not %(kind)s"
                    )
                )
                % {"region": region.code, "kind": kind},
            )
        data["kind"] = kind
        if abroad:
            if not data.get("country") or data["country"] == HOME_COUNTRY:
                self.add_error("country", _("a station abroad needs its host country's code"))
            if not data.get("time_zone") and "time_zone" not in self.errors:
                self.add_error("time_zone", _("a station abroad needs its host country's zone"))
        else:
            if data.get("country") not in ("", None, HOME_COUNTRY):
                self.add_error(
                    "country",
                    _("a station in %(region)s is in %(country)s")
                    % {"region": region.code, "country": HOME_COUNTRY},
                )
            data["country"] = HOME_COUNTRY
            data["time_zone"] = data.get("time_zone") or region.time_zone
        return data


def read_station_csv(stream: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    return csv_rows(stream, columns=COLUMNS, required=REQUIRED_COLUMNS, error=StationImportError)


def decode_upload(source: IO[bytes], size: int) -> io.StringIO:
    """Text of an uploaded CSV, refused unread when larger than IMPORT_MAX_BYTES; spreadsheets
    often prepend a UTF-8 byte-order mark."""
    if size > settings.IMPORT_MAX_BYTES:
        limit = settings.IMPORT_MAX_BYTES / 1e6
        message = _("the file is %(size)s MB; an import takes at most %(limit)s MB") % {
            "size": f"{size / 1e6:.1f}",
            "limit": f"{limit:.1f}",
        }
        raise StationImportError([RowError(1, "*", message)])
    try:
        return io.StringIO(source.read().decode("utf-8-sig"), newline="")
    except UnicodeDecodeError as exc:
        raise StationImportError([RowError(1, "*", _("the file is not UTF-8 text"))]) from exc


@transaction.atomic
def stations_import(
    *,
    rows: Iterable[tuple[int, dict[str, Any]]],
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Validate every row, then create, update or leave each station; all or nothing."""
    regions = {r.code: r for r in Region.objects.all()}
    valid, errors = _validate(rows, regions, progress)
    if errors:
        raise StationImportError(errors)
    if not valid:
        raise StationImportError([RowError(1, "*", _("the file has no stations"))])

    report = ImportReport(dry_run=dry_run)
    districts = _districts_for(valid, report)
    existing = {
        (s.region_id, s.number): s
        for s in Station.objects.filter(region__in={row["region"] for row in valid})
    }
    wanted = {}
    for row in valid:
        values = {name: row[name] for name in STATION_FIELDS if name != "district"}
        # Compared by id: reading station.district would cost a query per station.
        values["district_id"] = districts[(row["region"].pk, row["district"])].pk
        values["region_id"] = row["region"].pk
        wanted[(row["region"].pk, row["number"])] = values
    try:
        with transaction.atomic():
            _rows, counts = bulk_upsert(
                Station,
                existing=existing,
                wanted=wanted,
                new=lambda key, values: Station(**values),
                batch_size=BATCH_SIZE,
            )
    except IntegrityError as exc:
        # A rule the database keeps for a later app (a station whose results were counted
        # keeps its district: elections' trigger); its own words name the rule.
        refusal = str(exc).splitlines()[0]
        raise StationImportError([RowError(1, "district", refusal)]) from exc
    report.created, report.updated, report.unchanged = (
        counts.created,
        counts.updated,
        counts.unchanged,
    )
    if dry_run:
        transaction.set_rollback(True)
    return report


def _validate(
    rows: Iterable[tuple[int, dict[str, Any]]],
    regions: dict[str, Region],
    progress: ProgressCallback | None,
) -> tuple[list[dict[str, Any]], list[RowError]]:
    valid: list[dict[str, Any]] = []
    errors: list[RowError] = []
    first_line: dict[tuple[str, int], int] = {}
    for count, (line, cells) in enumerate(rows, start=1):
        form = StationRowForm(data=cells, regions=regions)
        if not form.is_valid():
            errors += [
                RowError(line, name, " ".join(messages)) for name, messages in form.errors.items()
            ]
            continue
        row = form.cleaned_data
        key = (row["region"].code, row["number"])
        if key in first_line:
            errors.append(
                RowError(
                    line,
                    "number",
                    _("station %(station)s of %(region)s is already on line %(line)s")
                    % {"station": key[1], "region": key[0], "line": first_line[key]},
                )
            )
            continue
        first_line[key] = line
        valid.append(row)
        if progress and count % PROGRESS_EVERY == 0:
            progress(f"checked {count:,} rows")
    return valid, errors


def _districts_for(
    valid: list[dict[str, Any]], report: ImportReport
) -> dict[tuple[int, str], District]:
    """Find each row's district by its English name in its region (a file names districts as
    the published records do, whatever language its importer reads), creating the ones not yet
    known."""
    known = {
        (d.region_id, d.name_en): d
        for d in District.objects.filter(region__in={r["region"] for r in valid})
    }
    kind_in = {
        Region.Kind.OBLAST: District.Kind.DISTRICT,
        Region.Kind.CITY: District.Kind.CITY_DISTRICT,
        Region.Kind.ABROAD: District.Kind.COUNTRY,
    }
    for row in valid:
        region, name = row["region"], row["district"]
        if (region.pk, name) not in known:
            known[(region.pk, name)] = District.objects.create(
                region=region, name_en=name, code=_free_code(region, name),
                kind=kind_in[region.kind],
            )  # fmt: skip
            report.districts_created.append(f"{name} ({region.code})")
    return known


def _free_code(region: Region, name: str) -> str:
    base = slugify(name)[:50] or "district"
    code, suffix = base, 2
    while District.objects.filter(region=region, code=code).exists():
        code, suffix = f"{base}-{suffix}", suffix + 1
    return code
