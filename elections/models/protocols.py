"""Result protocols: each station's count for each contest, entered twice and checked."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import Timestamped
from common.uploads import RandomName
from elections.models.structure import BallotLine, Contest
from stations.models import Station

# The protocol's lines (docs/rules.md): field name → label naming the line as on the paper form.
PROTOCOL_LINES: dict[str, str] = {
    "l1_voters": _("L1 voters on the list"),
    "l2_received": _("L2 ballots received"),
    "l3_issued": _("L3 voters who received ballots"),
    "l3a_mobile": _("L3a of which outside the premises (mobile box)"),
    "l3b_absentee": _("L3b of which with an absentee certificate"),
    "l4_cancelled": _("L4 unused ballots cancelled"),
    "l5_found": _("L5 ballots found in the boxes"),
    "l6_invalid": _("L6 invalid ballots"),
    "l7_valid": _("L7 valid ballots"),
}

# No polling station holds a million voters; the columns would take up to 2,147,483,647.
PROTOCOL_NUMBER_MAX = 1_000_000


def scan_path(protocol: "Protocol", filename: str) -> str:
    """Store scans under random names, so that a URL cannot be guessed before publication."""
    return RandomName(f"scans/{protocol.contest_id}")(protocol, filename)


class ProtocolNumbers(models.Model):
    """The nine protocol lines; empty until someone enters them."""

    l1_voters = models.PositiveIntegerField(PROTOCOL_LINES["l1_voters"], null=True)
    l2_received = models.PositiveIntegerField(PROTOCOL_LINES["l2_received"], null=True)
    l3_issued = models.PositiveIntegerField(PROTOCOL_LINES["l3_issued"], null=True)
    l3a_mobile = models.PositiveIntegerField(PROTOCOL_LINES["l3a_mobile"], null=True)
    l3b_absentee = models.PositiveIntegerField(PROTOCOL_LINES["l3b_absentee"], null=True)
    l4_cancelled = models.PositiveIntegerField(PROTOCOL_LINES["l4_cancelled"], null=True)
    l5_found = models.PositiveIntegerField(PROTOCOL_LINES["l5_found"], null=True)
    l6_invalid = models.PositiveIntegerField(PROTOCOL_LINES["l6_invalid"], null=True)
    l7_valid = models.PositiveIntegerField(PROTOCOL_LINES["l7_valid"], null=True)

    class Meta:
        abstract = True

    def numbers(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in PROTOCOL_LINES}


class Protocol(ProtocolNumbers, Timestamped):
    class Status(models.TextChoices):
        AWAITING_SECOND = "awaiting_second", _("Awaiting second entry")  # entered once, blind next
        MISMATCH = "mismatch", _("Entries differ")  # a supervisor picks per field or returns it
        REVIEW = "review", _("Supervisor review")  # agreed, with warnings or quarantine flags
        RETURNED = "returned", _("Returned for re-entry")  # both entries set aside; enter anew
        ACCEPTED = "accepted", _("Accepted")  # final and immutable; counted in the totals
        CORRECTION = "correction", _("Correction awaiting approval")  # a proposed new version
        REJECTED = "rejected", _("Correction rejected")  # a proposal that was turned down
        SUPERSEDED = "superseded", _("Superseded")  # an accepted version replaced by a correction

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="protocols", verbose_name=_("station")
    )
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="protocols", verbose_name=_("contest")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    is_active = models.BooleanField(
        _("current version"),
        default=True,
        help_text=_("The one version that stands; corrections awaiting approval are not."),
    )
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("supersedes"),
    )
    cycle = models.PositiveSmallIntegerField(
        _("cycle"),
        default=1,
        help_text=_("Counts the rounds of double entry; a return starts a new one."),
    )
    # Indexed: /media/ looks a scan up by its name to decide who may read it.
    scan = models.FileField(
        _("scan of the signed protocol"), upload_to=scan_path, blank=True, db_index=True
    )
    remarks = models.TextField(_("remarks"), blank=True)
    reason = models.TextField(_("reason for the correction"), blank=True)
    # After certification a result changes only by a court's or commission's decision: its
    # reference (court or body, number, date) is required then, and published with the record.
    legal_basis = models.CharField(_("legal decision ordering the correction"), max_length=200,
                                   blank=True)  # fmt: skip
    warnings = models.JSONField(_("warnings"), default=list, blank=True)  # [{code, field, message}]
    flags = models.JSONField(_("flags"), default=list, blank=True)  # quarantine flags, same shape
    explanation = models.TextField(_("explanation of the warnings"), blank=True)
    # Of the agreed votes in ballot order: finds identical protocols with one indexed lookup.
    votes_fingerprint = models.CharField(
        _("votes fingerprint"), max_length=64, blank=True, editable=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_comment = models.TextField(_("supervisor's comment"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )

    class Meta:
        ordering = ["contest", "station__region__position", "station__number", "-version"]
        verbose_name = _("protocol")
        verbose_name_plural = _("protocols")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "contest"],
                condition=Q(is_active=True),
                name="protocol_one_active_per_station_and_contest",
            ),
            models.UniqueConstraint(
                fields=["station", "contest", "version"], name="protocol_version_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["contest", "status"], name="protocol_contest_status"),
            models.Index(
                fields=["contest", "votes_fingerprint"], name="protocol_votes_fingerprint"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contest} · station {self.station.number} · v{self.version}"

    @staticmethod
    def fingerprint(votes: list[int]) -> str:
        """The fingerprint of a vote vector in ballot order."""
        return hashlib.sha256(",".join(map(str, votes)).encode()).hexdigest()

    @property
    def quarantined(self) -> bool:
        return self.status == self.Status.REVIEW and bool(self.flags)


class ProtocolVote(models.Model):
    """The agreed votes for one ballot line of a protocol; summed by SQL for the totals."""

    protocol = models.ForeignKey(
        Protocol, on_delete=models.CASCADE, related_name="votes", verbose_name=_("protocol")
    )
    ballot_line = models.ForeignKey(
        BallotLine, on_delete=models.PROTECT, related_name="votes", verbose_name=_("ballot line")
    )
    votes = models.PositiveIntegerField(_("votes"))

    class Meta:
        verbose_name = _("protocol vote")
        verbose_name_plural = _("protocol votes")
        ordering = ["protocol", "ballot_line__position"]
        constraints = [
            models.UniqueConstraint(fields=["protocol", "ballot_line"], name="vote_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_line}: {self.votes}"


class ProtocolEntry(ProtocolNumbers):
    """One clerk's typing of a protocol, kept as typed, whatever is decided afterwards."""

    protocol = models.ForeignKey(
        Protocol, on_delete=models.CASCADE, related_name="entries", verbose_name=_("protocol")
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    round = models.PositiveSmallIntegerField(
        _("round"), help_text=_("1 for the first entry, 2 for the second")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    votes = models.JSONField(_("votes"), help_text=_("Votes by ballot position, as typed"))
    explanation = models.TextField(_("explanation"), blank=True)
    # Fields where a supervisor chose the other clerk's value: this clerk's typing errors.
    error_fields = models.JSONField(_("error fields"), default=list, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["protocol", "cycle", "round"]
        verbose_name = _("protocol entry")
        verbose_name_plural = _("protocol entries")
        constraints = [
            # The database settles a race between two second entries: one row, one winner.
            models.UniqueConstraint(
                fields=["protocol", "cycle", "round"], name="entry_once_per_round"
            ),
            models.CheckConstraint(condition=Q(round__in=[1, 2]), name="entry_round_is_1_or_2"),
        ]

    def __str__(self) -> str:
        return f"{self.protocol} · entry {self.round} by {self.user}"


class ProtocolEvent(models.Model):
    """Append-only history of a protocol: who did what, when, from which status to which, why."""

    protocol = models.ForeignKey(
        Protocol, on_delete=models.CASCADE, related_name="events", verbose_name=_("protocol")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from status"), max_length=16, blank=True)
    to_status = models.CharField(_("to status"), max_length=16)
    reason = models.TextField(_("reason"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("protocol event")
        verbose_name_plural = _("protocol events")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status or '–'} → {self.to_status}"


# The only moves a protocol may make; services.protocols enforces them and records each one.
PROTOCOL_TRANSITIONS: dict[str, set[str]] = {
    "": {Protocol.Status.AWAITING_SECOND, Protocol.Status.CORRECTION},
    Protocol.Status.AWAITING_SECOND: {
        Protocol.Status.MISMATCH,
        Protocol.Status.REVIEW,
        Protocol.Status.ACCEPTED,
    },
    Protocol.Status.MISMATCH: {
        Protocol.Status.REVIEW,
        Protocol.Status.ACCEPTED,
        Protocol.Status.RETURNED,
    },
    Protocol.Status.REVIEW: {Protocol.Status.ACCEPTED, Protocol.Status.RETURNED},
    Protocol.Status.RETURNED: {Protocol.Status.AWAITING_SECOND},
    Protocol.Status.ACCEPTED: {Protocol.Status.SUPERSEDED},
    Protocol.Status.CORRECTION: {Protocol.Status.ACCEPTED, Protocol.Status.REJECTED},
    Protocol.Status.REJECTED: set(),
    Protocol.Status.SUPERSEDED: set(),
}
