"""The stored figures: computed after aggregation by the task, read by the pages.

Derived data, rebuilt whole for a contest each time its records move on: nothing here is a
record of the election (that is the publication log), so rows are replaced, not versioned.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from elections.models import Contest
from stations.models import Station


class AreaReport(models.Model):
    """One contest's forensic figures in one area (the whole contest, a region, a district)."""

    class Level(models.TextChoices):
        NATION = "nation", _("Whole contest")
        REGION = "region", _("Region")
        DISTRICT = "district", _("District")

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="+", verbose_name=_("contest")
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    key = models.CharField(_("area"), max_length=60, blank=True)  # region code or district id
    publications_up_to = models.PositiveBigIntegerField(_("publications up to"))
    seed = models.PositiveIntegerField(_("seed"))
    replicates = models.PositiveIntegerField(_("replicates"))
    computed = models.DateTimeField(_("computed"), auto_now_add=True)
    figures = models.JSONField(_("figures"))

    class Meta:
        verbose_name = _("forensic report")
        verbose_name_plural = _("forensic reports")
        constraints = [
            models.UniqueConstraint(fields=["contest", "level", "key"], name="one_report_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.contest} {self.level} {self.key}".strip()


class StationSignal(models.Model):
    """A station worth a look in one contest: turnout or the leader's share at or above 95 % or
    far above its district, both, or whole percentages on both axes. Never a verdict."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="+", verbose_name=_("contest")
    )
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="+", verbose_name=_("station")
    )
    turnout = models.FloatField(_("turnout (%)"))
    share = models.FloatField(_("leader's share (%)"))
    signals = models.JSONField(_("signals"))
    publications_up_to = models.PositiveBigIntegerField(_("publications up to"))

    class Meta:
        verbose_name = _("station signal")
        verbose_name_plural = _("station signals")
        constraints = [
            models.UniqueConstraint(fields=["contest", "station"], name="one_signal_per_station")
        ]

    def __str__(self) -> str:
        return f"{self.station} {', '.join(self.signals)}"
