"""Tallies: a contest's totals per district, region and nation, rebuilt from accepted protocols."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from elections.models.protocols import ProtocolNumbers
from elections.models.structure import Contest
from stations.models import District, Region


class ContestTally(ProtocolNumbers):
    """Sums of the accepted, current protocols of one contest in one area."""

    class Level(models.TextChoices):
        NATION = "nation", _("Whole contest")
        REGION = "region", _("Region")
        DISTRICT = "district", _("District")

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="tallies", verbose_name=_("contest")
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    area = models.CharField(
        _("area"), max_length=24, help_text=_("nation, region:<id> or district:<id>")
    )
    stations_expected = models.PositiveIntegerField(_("stations expected"), default=0)
    # Any current protocol received.
    stations_reporting = models.PositiveIntegerField(_("stations reporting"), default=0)
    stations_accepted = models.PositiveIntegerField(_("stations accepted"), default=0)
    stations_quarantined = models.PositiveIntegerField(_("stations quarantined"), default=0)
    # Votes of each ballot line, {"<ballot line id>": votes}: read whole with the tally, never
    # queried line by line, so one row per area instead of one per area and line.
    votes = models.JSONField(_("votes"), default=dict)
    # Last written, by any of the writers.
    computed = models.DateTimeField(_("computed"), auto_now=True)
    # The last record of the log these sums include: a contest whose last record is later is
    # behind, and the sweep rebuilds it (services.aggregation).
    publications_up_to = models.PositiveBigIntegerField(_("publications up to"), default=0)
    # When the station counts were last recounted from the protocols (they follow the workflow).
    progress_counted = models.DateTimeField(_("progress counted"), null=True, blank=True)

    class Meta:
        verbose_name = _("contest tally")
        verbose_name_plural = _("contest tallies")
        ordering = ["contest", "level", "region", "district"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "area"], name="tally_one_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.contest} · {self.district or self.region or self.get_level_display()}"

    def turnout_percent(self) -> Decimal | None:
        """L3 ÷ L1 over the stations counted so far; None before any."""
        if not self.l1_voters:
            return None
        return (Decimal(self.l3_issued or 0) * 100 / self.l1_voters).quantize(Decimal("0.01"))
