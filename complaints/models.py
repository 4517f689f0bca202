"""A complaint's record and its history: what was filed, by whom, to which body, and its fate."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import Timestamped
from common.uploads import RandomName
from elections.models import Contest, Election, Protocol
from observers.models import Note
from stations.models import District, Region, Station


def new_follow_key() -> str:
    return secrets.token_urlsafe(24)


class Complaint(Timestamped):
    """A complaint or appeal to a commission, from filing to its final decision."""

    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        RETURNED = "returned", _("Returned for defects")
        REGISTERED = "registered", _("Registered")
        UNDER_REVIEW = "under_review", _("Under review")
        SUSPENDED = "suspended", _("Suspended while a court hears it")
        DECIDED = "decided", _("Decided")
        APPEALED = "appealed", _("Appealed")
        NOT_CONSIDERED = "not_considered", _("Left without consideration")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Level(models.TextChoices):
        """The body addressed: a station's, a district's (territorial) or the CEC."""

        PRECINCT = "precinct", _("Precinct commission")
        TERRITORIAL = "territorial", _("Territorial commission")
        CEC = "cec", _("Central Election Commission")
        COURT = "court", _("Court")  # a lawsuit, recorded by the CEC's desk with its case number

    class Court(models.TextChoices):
        SUPREME = "supreme", _("Supreme Court")
        ADMINISTRATIVE = "administrative", _("Specialised inter-district administrative court")
        DISTRICT = "district", _("District court")

    class Complainant(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        PARTY = "party", _("Party")
        OBSERVER = "observer", _("Observer")
        ORGANISATION = "organisation", _("Observer organisation")
        MEMBER = "member", _("Commission member")
        VOTER = "voter", _("Voter")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
        DISMISSED = "dismissed", _("Dismissed")
        NOT_CONSIDERED = "not_considered", _("Left without consideration")

    class Remedy(models.TextChoices):
        """What an upheld decision orders that changes a result, through the protocol
        workflow: a recount names the protocol version it recounts."""

        RECOUNT = "recount", _("Recount")

    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("election")
    )
    level = models.CharField(_("body addressed"), max_length=12, choices=Level.choices)
    court = models.CharField(_("court"), max_length=16, choices=Court.choices, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("region"),
    )  # fmt: skip
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("district"),
    )  # fmt: skip
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints",
        verbose_name=_("polling station"),
    )  # fmt: skip
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("contest"),
    )  # fmt: skip
    protocol = models.ForeignKey(
        Protocol, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints",
        verbose_name=_("protocol"),
    )  # fmt: skip
    note = models.ForeignKey(
        Note, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints",
        verbose_name=_("observer's note"),
    )  # fmt: skip

    complainant_kind = models.CharField(
        _("complainant"), max_length=12, choices=Complainant.choices
    )
    complainant_name = models.CharField(_("complainant's name"), max_length=200)
    # Private: never in the public register (a voter's identity and anyone's contact).
    complainant_contact = models.CharField(_("contact"), max_length=200)
    # A voter without an account proves their address by opening the link mailed to it; until
    # then no commission sees the filing. (A filing with an account is verified by its login.)
    contact_verified_at = models.DateTimeField(_("contact verified"), null=True, blank=True)
    # The secret part of the complainant's link (/complaints/follow/<pk>-<key>/), mailed to
    # them: random per complaint, so that no key the site holds can forge another's link.
    follow_key = models.CharField(_("follow key"), max_length=40, default=new_follow_key)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("filed by"),
    )  # fmt: skip

    respondent = models.CharField(_("respondent"), max_length=300)
    # A commission member complained about: they may not decide it (separation of duties).
    respondent_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("respondent's account"),
    )  # fmt: skip
    subject = models.TextField(_("decision, action or inaction complained of"))
    subject_on = models.DateField(_("when it happened"))
    facts = models.TextField(_("facts and evidence"))
    claim = models.TextField(_("claim"))

    # What the register publishes of a private complainant's complaint: the registering
    # member's summary, not the complainant's own words (which may name them however written).
    public_subject = models.TextField(_("subject, as the register shows it"), blank=True)
    public_claim = models.TextField(_("claim, as the register shows it"), blank=True)
    # A candidate's, party's or organisation's name is published once the registering member
    # has checked the filer's standing (an authorised person's documents).
    standing_confirmed = models.BooleanField(_("standing checked"), default=False)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.FILED
    )
    number = models.CharField(_("registration number"), max_length=64, blank=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    deadline = models.DateTimeField(_("to be decided by"), null=True, blank=True)
    defects = models.JSONField(_("defects"), default=list, blank=True)
    resubmit_by = models.DateTimeField(_("resubmit by"), null=True, blank=True)
    returns = models.PositiveSmallIntegerField(_("times returned"), default=0)
    hearing_at = models.DateTimeField(_("hearing"), null=True, blank=True)
    hearing_place = models.CharField(_("hearing place"), max_length=300, blank=True)
    hearing_link = models.URLField(_("online hearing"), blank=True)
    court_case = models.CharField(_("court case number"), max_length=64, blank=True)
    # While a court hears the matter the commission's clock stops: resuming moves the deadline.
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    decision = models.TextField(_("reasoned decision"), blank=True)
    decision_sha256 = models.CharField(_("decision's SHA-256"), max_length=64, blank=True)
    remedy = models.CharField(_("remedy"), max_length=12, choices=Remedy.choices, blank=True)
    # The protocol version the remedy caused (a correction carrying this complaint's number).
    correction = models.ForeignKey(
        Protocol, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("correction ordered"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("decided by"),
    )  # fmt: skip
    appeal_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="appeals",
        verbose_name=_("appeal of"),
    )  # fmt: skip

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="complaint_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class Attachment(models.Model):
    """A document a complaint rests on: a PDF or an image, checked like a protocol's scan.
    Private: its complainant and the body deciding it read it, the public never."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="attachments",
        verbose_name=_("complaint"),
    )  # fmt: skip
    file = models.FileField(_("file"), upload_to=RandomName("complaints"), db_index=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.sha256[:12]


class ComplaintEvent(models.Model):
    """Append-only history of a complaint: who moved it, when, from which status, and why."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", verbose_name=_("complaint")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("user"),
    )  # fmt: skip
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from status"), max_length=16, blank=True)
    to_status = models.CharField(_("to status"), max_length=16)
    reason = models.TextField(_("reason"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status or '–'} → {self.to_status}"


S = Complaint.Status
OPEN = {S.FILED, S.RETURNED, S.REGISTERED, S.UNDER_REVIEW, S.SUSPENDED}
# The only moves a complaint may make; complaints.services enforces them and records each one.
COMPLAINT_TRANSITIONS: dict[str, set[str]] = {
    "": {S.FILED},
    S.FILED: {S.REGISTERED, S.RETURNED, S.NOT_CONSIDERED, S.WITHDRAWN},  # the last: defective again
    S.RETURNED: {S.FILED, S.NOT_CONSIDERED, S.WITHDRAWN},
    S.REGISTERED: {S.UNDER_REVIEW, S.SUSPENDED, S.DECIDED, S.WITHDRAWN},
    S.UNDER_REVIEW: {S.SUSPENDED, S.DECIDED, S.WITHDRAWN},
    S.SUSPENDED: {S.UNDER_REVIEW, S.WITHDRAWN},
    S.DECIDED: {S.APPEALED},
    S.APPEALED: set(),
    S.NOT_CONSIDERED: set(),
    S.WITHDRAWN: set(),
}
