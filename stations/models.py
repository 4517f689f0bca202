"""The registry: regions, districts, and the polling stations that outlive any one election."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import Timestamped
from common.translated import translated
from stations.zones import validate_time_zone

DEFAULT_OPENING = time(7, 0)
DEFAULT_CLOSING = time(20, 0)
HOME_COUNTRY = "KZ"


class Region(Timestamped):
    class Kind(models.TextChoices):
        OBLAST = "oblast", _("Oblast")  # a province, with district and city maslikhats
        CITY = "city", _("City of national significance")  # Astana, Almaty, Shymkent
        ABROAD = "abroad", _("Abroad")  # embassies and consulates, one district per country

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = translated(models.CharField(_("name"), max_length=120))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Asia/Almaty; abroad, each station has its own."),
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class District(Timestamped):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")  # a rural district of an oblast
        CITY = "city", _("City")  # a city of regional significance inside an oblast
        CITY_DISTRICT = "city_district", _("City district")  # a borough of Astana/Almaty/Shymkent
        COUNTRY = "country", _("Host country")  # the stations abroad in one country

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="districts", verbose_name=_("region")
    )
    code = models.SlugField(_("code"), max_length=60)
    name = translated(models.CharField(_("name"), max_length=120))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    commission_name = models.CharField(
        _("territorial commission"),
        max_length=200,
        blank=True,
        help_text=_("The territorial election commission that supervises this district."),
    )

    class Meta:
        ordering = ["region__position", "name_en"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code"], name="district_code_unique_in_region"
            ),
            # By the English name, the one files and the published records use (another
            # language may repeat a name).
            models.UniqueConstraint(
                fields=["region", "name_en"], name="district_name_unique_in_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.region.code})"


class StationQuerySet(models.QuerySet):
    def active(self) -> "StationQuerySet":
        return self.filter(is_active=True)

    def abroad(self) -> "StationQuerySet":
        return self.filter(kind=Station.Kind.ABROAD)

    def closed(self) -> "StationQuerySet":
        return self.filter(kind=Station.Kind.CLOSED)

    def in_region(self, region: Region) -> "StationQuerySet":
        return self.filter(region=region)


class Station(Timestamped):
    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary")  # open to every voter on its list
        CLOSED = "closed", _("Closed")  # hospital, military unit or detention facility
        ABROAD = "abroad", _("Abroad")  # at an embassy or consulate

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="stations", verbose_name=_("region")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="stations", verbose_name=_("district")
    )
    number = models.PositiveIntegerField(_("number"), help_text=_("Unique within its region."))
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        default=HOME_COUNTRY,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter ISO code, e.g. KZ."))],
    )
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ORDINARY)
    registered_voters = models.PositiveIntegerField(_("registered voters"))
    step_free_access = models.BooleanField(_("step-free access"), default=False)
    aids_visually_impaired = models.BooleanField(
        _("aids for visually impaired voters"), default=False
    )
    aids_hearing_impaired = models.BooleanField(
        _("aids for hearing impaired voters"), default=False
    )
    chair_name = models.CharField(_("commission chair"), max_length=200, blank=True)
    secretary_name = models.CharField(_("commission secretary"), max_length=200, blank=True)
    opening_time = models.TimeField(
        _("opening time"),
        null=True,
        blank=True,
        help_text=_("Only when a territorial commission moved this station's opening."),
    )
    closing_time = models.TimeField(_("closing time"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        ordering = ["region__position", "number"]
        verbose_name = _("polling station")
        verbose_name_plural = _("polling stations")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "number"], name="station_number_unique_in_region"
            ),
            # A station abroad is one in another country, and only such a station is abroad.
            models.CheckConstraint(
                condition=Q(kind="abroad") & ~Q(country=HOME_COUNTRY)
                | ~Q(kind="abroad") & Q(country=HOME_COUNTRY),
                name="station_abroad_iff_foreign_country",
            ),
        ]
        indexes = [models.Index(fields=["region", "district"], name="station_region_district")]

    def __str__(self) -> str:
        return f"No. {self.number} {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.district_id and self.region_id and self.district.region_id != self.region_id:
            # Not keyed to one field: a form may show either of the two as read-only.
            raise ValidationError(_("The district must be one of the station's region."))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def polling_hours(
        self, on: date, *, opens: time = DEFAULT_OPENING, closes: time = DEFAULT_CLOSING
    ) -> tuple[datetime, datetime]:
        """Return the opening and closing instants on a date, in the station's own zone.

        The zone's offset is taken for that date, never fixed: Asia/Almaty was UTC+6 in
        March 2023 and UTC+5 from March 2024. A station's own times override the election's.
        """
        return (
            datetime.combine(on, self.opening_time or opens, tzinfo=self.zone),
            datetime.combine(on, self.closing_time or closes, tzinfo=self.zone),
        )
