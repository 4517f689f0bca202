"""Who works for which commission: the data from which every scope rule is derived."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import Timestamped
from stations.models import District, Region, Station


class Assignment(Timestamped):
    class Role(models.TextChoices):
        PRECINCT = "precinct", _("Precinct commission")  # enters its own station's protocols
        TERRITORIAL = "territorial", _("Territorial commission")  # enters and reviews its area
        CEC = "cec", _("Central Election Commission")  # enters and reviews everywhere
        AUDITOR = "auditor", _("Auditor")  # reads everything, changes nothing

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("station")
    )

    class Meta:
        verbose_name = _("commission assignment")
        verbose_name_plural = _("commission assignments")
        constraints = [
            # A precinct member has a station; a territorial member a region (and maybe a
            # district); the CEC and auditors see the whole country.
            models.CheckConstraint(
                condition=Q(role="precinct", station__isnull=False)
                | Q(role="territorial", region__isnull=False, station__isnull=True)
                | Q(role__in=["cec", "auditor"], region__isnull=True, station__isnull=True),
                name="assignment_scope_fits_role",
                violation_error_message=_(
                    "A precinct assignment needs a station; a territorial one a region (and "
                    "perhaps a district) but no station; CEC and auditor assignments no area."
                ),
            ),
        ]

    def __str__(self) -> str:
        where = self.station or self.district or self.region or _("nationwide")
        return f"{self.user} · {self.get_role_display()} · {where}"
