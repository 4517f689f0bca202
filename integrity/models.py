"""Observers' copies of the protocol, the discrepancies between them and the published record,
and organisations' parallel counts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import Timestamped
from common.uploads import RandomName
from complaints.models import Complaint
from elections.models import Contest, Election
from elections.models.protocols import ProtocolNumbers
from observers.models import Organisation
from stations.models import Station


class ProtocolCopy(ProtocolNumbers, Timestamped):
    """An organisation's copy of one station's protocol for one contest, with its images; its
    numbers (the ProtocolNumbers lines and ``votes``) are the two blind transcriptions' agreed
    figures, empty until they agree."""

    class Source(models.TextChoices):
        CERTIFIED = "certified_copy", _("Observer's certified copy")
        POSTED = "posted_photo", _("Photo of the posted protocol")
        PARTY_AGENT = "party_agent", _("Party agent's copy")

    class Status(models.TextChoices):
        AWAITING_SECOND = "awaiting_second", _("Awaiting the second transcription")
        MISMATCH = "mismatch", _("Transcriptions differ: transcribe again")
        TRANSCRIBED = "transcribed", _("Transcribed")

    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="+", verbose_name=_("election")
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="protocol_copies",
        verbose_name=_("station"),
    )  # fmt: skip
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="+", verbose_name=_("contest")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="protocol_copies",
        verbose_name=_("organisation"),
    )  # fmt: skip
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("submitted by"),
    )  # fmt: skip
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    signed_by_chair = models.BooleanField(_("signed by the chair"), default=False)
    signed_by_secretary = models.BooleanField(_("signed by the secretary"), default=False)
    sealed = models.BooleanField(_("bears the seal"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.AWAITING_SECOND
    )
    cycle = models.PositiveSmallIntegerField(_("transcription round"), default=1)
    votes = models.JSONField(_("votes by ballot position"), default=dict, blank=True)
    # The control relations the agreed figures break (checks.control_errors' codes).
    control_errors = models.JSONField(_("control relations broken"), default=list, blank=True)
    published = models.BooleanField(
        _("published by the organisation"), default=False,
        help_text=_("Only then does the public see its images."),
    )  # fmt: skip

    class Meta:
        ordering = ["station", "contest", "pk"]
        verbose_name = _("protocol copy")
        verbose_name_plural = _("protocol copies")

    def __str__(self) -> str:
        return f"{self.get_source_display()}, {self.station}, {self.contest}"


class CopyImage(models.Model):
    copy = models.ForeignKey(
        ProtocolCopy, on_delete=models.PROTECT, related_name="images", verbose_name=_("copy")
    )
    image = models.FileField(_("image"), upload_to=RandomName("integrity/copies"), db_index=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)

    class Meta:
        verbose_name = _("copy image")
        verbose_name_plural = _("copy images")

    def __str__(self) -> str:
        return self.sha256[:12]


class CopyTranscription(ProtocolNumbers):
    """One person's typing of a copy's numbers, blind to the other's (as a protocol's entry)."""

    copy = models.ForeignKey(
        ProtocolCopy, on_delete=models.PROTECT, related_name="transcriptions",
        verbose_name=_("copy"),
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("user"),
    )  # fmt: skip
    cycle = models.PositiveSmallIntegerField(_("transcription round"))
    round = models.PositiveSmallIntegerField(_("entry"))  # 1 or 2
    votes = models.JSONField(_("votes by ballot position"), default=dict)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("copy transcription")
        verbose_name_plural = _("copy transcriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["copy", "cycle", "round"], name="one_transcription_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.copy_id} {self.cycle}.{self.round}"


class Discrepancy(models.Model):
    """What a rule (integrity/rules.py) found between a station's copies and its published
    record: kept while it holds, resolved when it no longer does, explained or taken to a
    complaint meanwhile."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        EXPLAINED = "explained", _("Explained by the commission")
        COMPLAINT = "complaint", _("Complaint filed")
        RESOLVED = "resolved", _("Resolved")

    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="+", verbose_name=_("election")
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="discrepancies", verbose_name=_("station")
    )
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="+", verbose_name=_("contest")
    )
    rule = models.CharField(_("rule"), max_length=32)
    severity = models.CharField(_("severity"), max_length=8)
    copy = models.ForeignKey(
        ProtocolCopy, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("copy"),
    )  # fmt: skip
    detail = models.JSONField(_("detail"), default=dict)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.OPEN)  # fmt: skip
    explanation = models.TextField(_("explanation"), blank=True)
    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("complaint"),
    )  # fmt: skip
    found = models.DateTimeField(_("found"), auto_now_add=True)
    checked = models.DateTimeField(_("last checked"), auto_now=True)

    class Meta:
        ordering = ["station", "contest", "rule", "pk"]
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        # One row per finding: a rule's on one copy, or on the station itself (no copy).
        constraints = [
            models.UniqueConstraint(
                fields=["station", "contest", "rule", "copy"], name="one_discrepancy_per_copy",
                condition=Q(copy__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["station", "contest", "rule"], name="one_discrepancy_per_station",
                condition=Q(copy__isnull=True),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.rule}: {self.station}, {self.contest}"


class ParallelCount(Timestamped):
    """An organisation's parallel vote tabulation: its sample, drawn reproducibly."""

    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="+", verbose_name=_("election")
    )
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="+", verbose_name=_("contest")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="parallel_counts",
        verbose_name=_("organisation"),
    )  # fmt: skip
    seed = models.CharField(_("seed"), max_length=64)
    frame_sha256 = models.CharField(_("frame's SHA-256"), max_length=64)
    frame_size = models.PositiveIntegerField(_("stations in the frame"))
    stations = models.ManyToManyField(Station, related_name="+", verbose_name=_("sample"))

    class Meta:
        verbose_name = _("parallel count")
        verbose_name_plural = _("parallel counts")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "contest"], name="one_parallel_count_per_contest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.contest}"
