"""Observers' copies of the protocol: submitted with their images, transcribed twice and blind
by two people of the organisation (as commission staff enter protocols: the same shape check,
the same comparison of two entries), and compared with the published record by the rules
(integrity/rules.py) after every change on either side."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from common import uploads
from common.errors import ApplicationError, NotAllowed, OutOfScope, refuse_all
from common.events import log_event
from common.public_cache import results_changed
from common.text import says_something
from elections.models import Contest
from elections.models.protocols import PROTOCOL_LINES
from elections.services.protocols import EntryData, entry_differences, entry_shape_errors
from integrity import rules
from integrity.models import CopyImage, CopyTranscription, Discrepancy, ProtocolCopy
from integrity.tasks import check_station
from observers.models import Accreditation, Organisation
from stations.models import Station

IMAGE_TYPES = uploads.DOCUMENTS  # a photo, or the scanned copy as a PDF
IMAGE_MAX_BYTES = 20 * 1024 * 1024
IMAGES_MAX = 6
Status = ProtocolCopy.Status


def organisation_of(user: AbstractBaseUser) -> Organisation | None:
    """The organisation a user submits and transcribes copies for: their accreditation's, or
    the one they coordinate."""
    if not user.is_authenticated:
        return None
    accreditation = _approved_accreditation(user)
    if accreditation is not None:
        return accreditation.organisation
    return Organisation.objects.filter(coordinators=user).order_by("pk").first()


def _approved_accreditation(user) -> Accreditation | None:
    return (
        Accreditation.objects.filter(user=user, status=Accreditation.Status.APPROVED)
        .select_related("organisation")
        .first()
    )


@transaction.atomic
def copy_submit(
    *, station: Station, contest: Contest, user, source: str, data: EntryData,
    images: Iterable[UploadedFile], signed_by_chair: bool = False,
    signed_by_secretary: bool = False, sealed: bool = False,
) -> ProtocolCopy:  # fmt: skip
    """An organisation's copy of a station's protocol, with its images and the submitter's
    transcription of its numbers (the first of two)."""
    organisation = organisation_of(user)
    if organisation is None:
        raise NotAllowed(_("only an accredited observer or a coordinator submits copies"))
    _accredited_here(user, station, contest)
    if not contest.coverage.filter(station=station).exists():
        raise OutOfScope("station: " + _("the station does not vote in this contest"))
    images = list(images)
    errors = _shape_errors(contest, data)
    if source not in ProtocolCopy.Source.values:
        errors["source"] = [_("say what the copy is")]
    if not images:
        errors["images"] = [_("a copy comes with its image")]
    if len(images) > IMAGES_MAX:
        errors["images"] = [_("at most %(count)d images") % {"count": IMAGES_MAX}]
    for image in images:
        if problems := uploads.upload_problems(image, types=IMAGE_TYPES, max_bytes=IMAGE_MAX_BYTES):
            errors.setdefault("images", []).extend(problems)
    refuse_all(errors)
    copy = ProtocolCopy.objects.create(
        election=contest.election, station=station, contest=contest, organisation=organisation,
        submitted_by=user, source=source, signed_by_chair=signed_by_chair,
        signed_by_secretary=signed_by_secretary, sealed=sealed,
    )  # fmt: skip
    hashes = [uploads.sha256(image) for image in images]
    for image, sha in zip(images, hashes, strict=True):
        CopyImage.objects.create(copy=copy, image=image, sha256=sha)
    _transcription(copy, user, 1, data)
    log_event("copy.submitted", copy=copy.pk, station=station.pk, contest=contest.pk)
    _check_after_commit(copy)
    # A station whose copy has one of these images is checked again too (image_reused).
    for other in ProtocolCopy.objects.filter(images__sha256__in=hashes).exclude(
        station=station
    ).distinct():  # fmt: skip
        _check_after_commit(other)
    return copy


@transaction.atomic
def copy_transcribe(*, copy: ProtocolCopy, user, data: EntryData) -> ProtocolCopy:
    """The second, blind transcription by another person of the organisation: agreeing, the
    copy's figures are set; differing, both are set aside and the copy is transcribed again."""
    copy = ProtocolCopy.objects.select_for_update().select_related("contest").get(pk=copy.pk)
    if organisation_of(user) != copy.organisation:
        raise OutOfScope("copy: " + _("the copy is not your organisation's"))
    refuse_all(_shape_errors(copy.contest, data))
    if copy.status == Status.TRANSCRIBED:
        raise ApplicationError("copy: " + _("the copy is transcribed already"))
    if copy.status == Status.MISMATCH:  # a new round: this is its first transcription
        copy.cycle += 1
        _transcription(copy, user, 1, data)
        copy.status = Status.AWAITING_SECOND
        copy.save()
        return copy
    first = copy.transcriptions.get(cycle=copy.cycle, round=1)
    if first.user_id == user.pk:
        raise NotAllowed(
            "user: " + _("the second transcription is made by another person, without seeing "
                         "the first")
        )  # fmt: skip
    second = _transcription(copy, user, 2, data)
    if entry_differences(first, second):
        copy.status = Status.MISMATCH
    else:
        for name in PROTOCOL_LINES:
            setattr(copy, name, getattr(second, name))
        copy.votes = second.votes
        figures = rules.Figures(second.numbers(), {int(p): v for p, v in second.votes.items()})
        copy.control_errors = figures.control_errors()
        copy.status = Status.TRANSCRIBED
    copy.save()
    log_event("copy.transcribed", copy=copy.pk, status=copy.status)
    _check_after_commit(copy)
    return copy


def _accredited_here(user, station: Station, contest: Contest) -> None:
    """An observer submits copies where their accreditation lets them observe: its election,
    and its regions if it names any (a coordinator, for the organisation, anywhere)."""
    accreditation = _approved_accreditation(user)
    if accreditation is None:
        return
    regions = set(accreditation.regions.values_list("pk", flat=True))
    if accreditation.election_id != contest.election_id or (
        regions and station.region_id not in regions
    ):
        raise NotAllowed("station: " + _("your accreditation does not cover this station"))


def _shape_errors(contest: Contest, data: EntryData) -> dict[str, list[str]]:
    return entry_shape_errors(data, list(contest.ballot_lines.order_by("position")))


def _transcription(copy: ProtocolCopy, user, round_: int, data: EntryData) -> CopyTranscription:
    return CopyTranscription.objects.create(
        copy=copy, user=user, cycle=copy.cycle, round=round_,
        votes={str(position): votes for position, votes in data.votes.items()}, **data.numbers,
    )  # fmt: skip


def _check_after_commit(copy: ProtocolCopy) -> None:
    station, contest = copy.station_id, copy.contest_id
    transaction.on_commit(lambda: check_station.delay(station, contest))
    # The station's public page says how its copies compare: cached answers are outdated.
    transaction.on_commit(results_changed)


@transaction.atomic
def copy_publish(*, copy: ProtocolCopy, user) -> ProtocolCopy:
    """The organisation makes a copy's images public (its coordinators decide, as for notes)."""
    if not copy.organisation.coordinators.filter(pk=user.pk).exists():
        raise NotAllowed(_("only the organisation's coordinators publish its copies"))
    ProtocolCopy.objects.filter(pk=copy.pk).update(published=True)
    copy.published = True
    transaction.on_commit(results_changed)
    log_event("copy.published", copy=copy.pk, user=user.username)
    return copy


# --- the commission's answer ------------------------------------------------------------------


@transaction.atomic
def discrepancy_explain(
    *, discrepancy: Discrepancy, user, explanation: str = "", complaint=None
) -> Discrepancy:
    """The commission of the station's area explains a discrepancy, or records the complaint
    filed about it; the rules still run, and resolve it when it no longer holds."""
    from elections import access

    station = discrepancy.station
    access.require_scope(user, station, access.REVIEW, _("answer for"))
    if complaint is None and not says_something(explanation):
        raise ApplicationError("explanation: " + _("say what explains it, or name the complaint"))
    if complaint is not None and (
        complaint.station_id != station.pk or complaint.election_id != discrepancy.election_id
    ):
        raise ApplicationError(
            "complaint: " + _("the complaint named is not about this station in this election")
        )
    row = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    if row.status == Discrepancy.Status.RESOLVED:
        raise ApplicationError("status: " + _("the discrepancy no longer holds"))
    row.explanation = explanation.strip()
    row.complaint = complaint
    row.status = Discrepancy.Status.COMPLAINT if complaint else Discrepancy.Status.EXPLAINED
    row.save()
    log_event("discrepancy.answered", discrepancy=row.pk, status=row.status, user=user.username)
    return row
