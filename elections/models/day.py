"""Election day at a station: opened, turnout at the fixed hours, closed, counting."""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from elections.models.structure import Election
from stations.models import Station


def turnout_hours(election: Election) -> list[time]:
    return [time.fromisoformat(hour) for hour in election.turnout_hours]


class StationReport(models.Model):
    """One thing a precinct commission reports during the day; append-only, in the day's order.

    ``voters`` is how many voters had received ballots by then (turnout reports and, if given,
    the closing report). ``decision`` is the commission's decision behind an opening earlier or a
    closing earlier than the normal hours.
    """

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        TURNOUT = "turnout", _("Turnout")
        CLOSED = "closed", _("Closed")
        COUNTING_STARTED = "counting_started", _("Counting started")
        COUNTING_FINISHED = "counting_finished", _("Counting finished")

    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="reports", verbose_name=_("election")
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="reports", verbose_name=_("station")
    )
    kind = models.CharField(_("report"), max_length=20, choices=Kind.choices)
    hour = models.TimeField(_("turnout hour (local)"), null=True, blank=True)
    at = models.DateTimeField(_("when"))
    voters = models.PositiveIntegerField(_("voters who received ballots"), null=True, blank=True)
    decision = models.TextField(_("commission's decision"), blank=True)
    # Sent long after the stated time: why (the line was down, ...). Empty when sent in time.
    late_reason = models.TextField(_("why it is reported late"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("user")
    )
    # When the server received it: the dashboard's replay goes by this, never by ``at``.
    created = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["election", "station", "at", "pk"]
        verbose_name = _("station report")
        verbose_name_plural = _("station reports")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "station", "kind"],
                condition=~Q(kind="turnout"),
                name="report_once_per_kind",
            ),
            models.UniqueConstraint(
                fields=["election", "station", "hour"],
                condition=Q(kind="turnout"),
                name="report_turnout_once_per_hour",
            ),
            models.CheckConstraint(
                condition=Q(kind="turnout", hour__isnull=False, voters__isnull=False)
                | (~Q(kind="turnout") & Q(hour__isnull=True)),
                name="report_turnout_has_hour_and_voters",
            ),
        ]
        indexes = [models.Index(fields=["election", "kind"], name="report_election_kind")]

    def __str__(self) -> str:
        what = f"turnout {self.hour:%H:%M}" if self.kind == self.Kind.TURNOUT else self.kind
        return f"{self.station} · {what}"
