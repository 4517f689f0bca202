"""Observers: organisations, accreditation of people, station visits and notes (docs/rules.md).

Every change of an accreditation's state goes through observers.services, which checks the
transition and writes an AccreditationEvent.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import Timestamped
from common.uploads import RandomName
from elections.models import Election
from stations.models import Region, Station

# Letters and digits that cannot be mistaken for one another when read aloud or off a badge.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_badge_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Organisation(Timestamped):
    """Who observers come through. A domestic organisation is accredited itself first."""

    class Kind(models.TextChoices):
        INTERNATIONAL = "international", _("International organisation")
        FOREIGN_STATE = "foreign_state", _("Foreign state")
        DOMESTIC = "domestic", _("Domestic organisation")
        PARTY = "party", _("Political party")
        MEDIA = "media", _("Media outlet")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCREDITED = "accredited", _("Accredited")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    country = models.CharField(
        _("country"), max_length=80, help_text=_("In English, e.g. Germany.")
    )
    contact = models.CharField(_("contact"), max_length=200, help_text=_("E-mail or telephone."))
    # A domestic organisation's own accreditation (docs/rules.md): CEC nationwide, a territorial
    # commission for one region; decided within 30 days; valid one year.
    charter_extract = models.FileField(
        _("charter extract"), upload_to=RandomName("observers/charters"), blank=True
    )
    observation_in_charter = models.BooleanField(
        _("election observation is a statutory activity"), default=False
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True,
        help_text=_("Empty for a nationwide organisation."),
        verbose_name=_("region"),
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED,
        editable=False,
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, editable=False)
    decision_reason = models.TextField(_("decision reason"), blank=True, editable=False)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coordinated_organisations",
        help_text=_("Accounts that see and export this organisation's observers' notes."),
        verbose_name=_("coordinators"),
    )  # fmt: skip

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Accreditation(Timestamped):
    """A person's application to observe (or report, or interpret) one election, and its fate."""

    class Role(models.TextChoices):
        OBSERVER = "observer", _("Observer")
        JOURNALIST = "journalist", _("Journalist")
        INTERPRETER = "interpreter", _("Interpreter")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    election = models.ForeignKey(
        Election,
        on_delete=models.PROTECT,
        related_name="accreditations",
        verbose_name=_("election"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="accreditations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    interpreter_for = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="interpreter",
        help_text=_("The journalist this interpreter accompanies (one each)."),
        verbose_name=_("interpreter for"),
    )  # fmt: skip
    full_name = models.CharField(_("full name"), max_length=200)
    # Never shown publicly; the admin list shows only its last characters.
    identity_document = models.CharField(_("identity document"), max_length=60)
    photo = models.FileField(_("photo"), upload_to=RandomName("observers/photos"), blank=True)
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="+",
        help_text=_("Empty for nationwide."),
        verbose_name=_("regions"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED,
        editable=False,
    )  # fmt: skip
    reason = models.TextField(_("reason"), blank=True, editable=False)
    code = models.CharField(
        _("badge code"), max_length=CODE_LENGTH, unique=True, default=new_badge_code,
        editable=False,
    )  # fmt: skip
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="accreditation", help_text=_("The observer's own login, once approved."),
        verbose_name=_("user"),
    )  # fmt: skip

    class Meta:
        ordering = ["election", "organisation", "full_name"]
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="interpreter") | Q(interpreter_for__isnull=True),
                name="only_an_interpreter_accompanies",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()}, {self.organisation})"

    @property
    def masked_document(self) -> str:
        return "•••" + self.identity_document[-3:]


class AccreditationEvent(models.Model):
    """Append-only history of an accreditation's (or an organisation's) decisions."""

    accreditation = models.ForeignKey(
        Accreditation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("accreditation"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    from_status = models.CharField(_("from status"), max_length=12, blank=True)
    to_status = models.CharField(_("to status"), max_length=12)
    reason = models.TextField(_("reason"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("accreditation event")
        verbose_name_plural = _("accreditation events")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class Visit(models.Model):
    """An accredited person's time at a station: checked in, and out once they leave."""

    accreditation = models.ForeignKey(
        Accreditation,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("accreditation"),
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="observer_visits", verbose_name=_("station")
    )
    arrived = models.DateTimeField(_("checked in"))
    left = models.DateTimeField(_("checked out"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["arrived", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["accreditation"], condition=Q(left__isnull=True),
                name="one_open_visit_per_person",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.accreditation.full_name} at station {self.station.number}"


# The standard checklist every note carries (yes/no answers); keys are stable for exports.
CHECKLIST = {
    "ballot_boxes_sealed": _("Ballot boxes were sealed in front of those present"),
    "secret_vote_possible": _("Voters could mark their ballots in secret"),
    "voter_list_checked": _("Voters' identity was checked against the list"),
    "observers_unhindered": _("Observers could watch without hindrance"),
    "protocol_posted": _("A copy of the protocol was posted for the public"),
}


class Note(Timestamped):
    """What an observer saw at a station, in one phase of the election."""

    class Phase(models.TextChoices):
        OPENING = "opening", _("Opening")
        VOTING = "voting", _("Voting")
        COUNTING = "counting", _("Counting")
        TABULATION = "tabulation", _("Tabulation")

    class Category(models.TextChoices):
        SECRECY = "secrecy", _("Secrecy of the vote")
        SEAL = "seal", _("Ballot-box seal")
        OVERCROWDING = "overcrowding", _("Overcrowding")
        UNAUTHORISED = "unauthorised", _("Unauthorised persons")
        PROTOCOL = "protocol_not_posted", _("Protocol not posted")
        ACCESSIBILITY = "accessibility", _("Accessibility")
        OTHER = "other", _("Other")

    class Severity(models.TextChoices):
        INFORMATION = "information", _("Information")
        CONCERN = "concern", _("Concern")
        VIOLATION = "violation", _("Violation")

    accreditation = models.ForeignKey(
        Accreditation,
        on_delete=models.PROTECT,
        related_name="notes",
        verbose_name=_("accreditation"),
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="observer_notes", verbose_name=_("station")
    )
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices)
    text = models.TextField(_("what happened"))
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    published = models.BooleanField(
        _("published by the organisation"), default=False,
        help_text=_("Only then does the public see its text."),
    )  # fmt: skip

    class Meta:
        ordering = ["-created", "pk"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        kind = f"{self.get_severity_display()}: {self.get_category_display()}"
        return f"{kind}, station {self.station.number}"


class NotePhoto(models.Model):
    note = models.ForeignKey(
        Note, on_delete=models.CASCADE, related_name="photos", verbose_name=_("note")
    )
    # /media/.
    image = models.FileField(_("image"), upload_to=RandomName("observers/notes"), db_index=True)

    class Meta:
        verbose_name = _("note photo")
        verbose_name_plural = _("note photos")

    def __str__(self) -> str:
        return self.image.name
