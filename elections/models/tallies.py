"""Tallies: a contest's totals per district, region and nation, rebuilt from accepted protocols."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from elections.models.protocols import ProtocolNumbers
from elections.models.structure import BallotLine, Contest
from stations.models import District, Region


class ContestTally(ProtocolNumbers):
    """Sums of the accepted, current protocols of one contest in one area."""

    class Level(models.TextChoices):
        NATION = "nation", _("Whole contest")
        REGION = "region", _("Region")
        DISTRICT = "district", _("District")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="tallies")
    level = models.CharField(max_length=8, choices=Level.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True)
    area = models.CharField(max_length=24, help_text="nation, region:<id> or district:<id>")
    stations_expected = models.PositiveIntegerField(default=0)
    stations_reporting = models.PositiveIntegerField(default=0)  # any current protocol received
    stations_accepted = models.PositiveIntegerField(default=0)
    stations_quarantined = models.PositiveIntegerField(default=0)
    computed = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["contest", "level", "region", "district"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "area"], name="tally_one_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.contest} · {self.district or self.region or self.get_level_display()}"


class BallotLineTally(models.Model):
    tally = models.ForeignKey(ContestTally, on_delete=models.CASCADE, related_name="lines")
    ballot_line = models.ForeignKey(BallotLine, on_delete=models.PROTECT, related_name="+")
    votes = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["tally", "ballot_line__position"]
        constraints = [
            models.UniqueConstraint(fields=["tally", "ballot_line"], name="line_tally_once"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_line}: {self.votes}"
