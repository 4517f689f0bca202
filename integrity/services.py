"""Observers' copies of the protocol: submitted with their images, transcribed twice and blind
by two people of the organisation (as commission staff enter protocols: the same shape check,
the same comparison of two entries), and compared with the published record by the rules
(integrity/rules.py) after every change on either side."""

import hashlib
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common import uploads
from common.errors import ApplicationError, NotAllowed, OutOfScope
from common.events import log_event
from common.public_cache import results_changed
from common.text import says_something
from elections.models import Contest, Election, Publication
from elections.models.protocols import PROTOCOL_LINES
from elections.services.protocols import EntryData, entry_differences, entry_shape_errors
from integrity import rules
from integrity.models import CopyImage, CopyTranscription, Discrepancy, ProtocolCopy
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
    accreditation = (
        Accreditation.objects.filter(user=user, status=Accreditation.Status.APPROVED)
        .select_related("organisation")
        .first()
    )
    if accreditation is not None:
        return accreditation.organisation
    return Organisation.objects.filter(coordinators=user).order_by("pk").first()


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
    _refuse(errors)
    copy = ProtocolCopy.objects.create(
        election=contest.election, station=station, contest=contest, organisation=organisation,
        submitted_by=user, source=source, signed_by_chair=signed_by_chair,
        signed_by_secretary=signed_by_secretary, sealed=sealed,
    )  # fmt: skip
    for image in images:
        CopyImage.objects.create(copy=copy, image=image, sha256=_sha256(image))
    _transcription(copy, user, 1, data)
    log_event("copy.submitted", copy=copy.pk, station=station.pk, contest=contest.pk)
    _check_after_commit(copy)
    return copy


@transaction.atomic
def copy_transcribe(*, copy: ProtocolCopy, user, data: EntryData) -> ProtocolCopy:
    """The second, blind transcription by another person of the organisation: agreeing, the
    copy's figures are set; differing, both are set aside and the copy is transcribed again."""
    copy = ProtocolCopy.objects.select_for_update().select_related("contest").get(pk=copy.pk)
    if organisation_of(user) != copy.organisation:
        raise OutOfScope("copy: " + _("the copy is not your organisation's"))
    _refuse(_shape_errors(copy.contest, data))
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


def _shape_errors(contest: Contest, data: EntryData) -> dict[str, list[str]]:
    return entry_shape_errors(data, list(contest.ballot_lines.order_by("position")))


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        first, messages = next(iter(errors.items()))
        raise ApplicationError(f"{first}: {messages[0]}", errors=errors)


def _transcription(copy: ProtocolCopy, user, round_: int, data: EntryData) -> CopyTranscription:
    return CopyTranscription.objects.create(
        copy=copy, user=user, cycle=copy.cycle, round=round_,
        votes={str(position): votes for position, votes in data.votes.items()}, **data.numbers,
    )  # fmt: skip


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _check_after_commit(copy: ProtocolCopy) -> None:
    from integrity.tasks import check_station

    station, contest = copy.station_id, copy.contest_id
    transaction.on_commit(lambda: check_station.delay(station, contest))
    # The station's public page says how its copies compare: cached answers are outdated.
    transaction.on_commit(results_changed)


# --- the rules, run ---------------------------------------------------------------------------


def facts_of(station: Station, contest: Contest, now: datetime | None = None) -> rules.Facts:
    """What the rules read about one station and contest, from the database."""
    now = now or timezone.now()
    copies = list(
        ProtocolCopy.objects.filter(station=station, contest=contest)
        .prefetch_related("images")
        .order_by("pk")
    )
    hashes = {image.sha256 for copy in copies for image in copy.images.all()}
    elsewhere: dict[str, list[str]] = {}
    for sha, region, number in (
        CopyImage.objects.filter(sha256__in=hashes)
        .exclude(copy__station=station)
        .values_list("sha256", "copy__station__region__code", "copy__station__number")
        .distinct()
    ):
        elsewhere.setdefault(sha, []).append(f"{region}-{number}")
    records = [
        rules.RecordFacts.of(record)
        for record in Publication.objects.filter(
            protocol__station=station, protocol__contest=contest
        )
        .order_by("sequence")
        .values_list("record", flat=True)
    ]
    election = contest.election
    _opens, closes = station.polling_hours(
        election.date, opens=election.opens_at, closes=election.closes_at
    )
    return rules.Facts(
        copies=[_copy_facts(copy) for copy in copies], records=records, closed_at=closes, now=now,
        unpublished_hours=settings.INTEGRITY_UNPUBLISHED_HOURS, images_elsewhere=elsewhere,
    )  # fmt: skip


def _copy_facts(copy: ProtocolCopy) -> rules.CopyFacts:
    figures = None
    if copy.status == Status.TRANSCRIBED:
        figures = rules.Figures(copy.numbers(), {int(p): v for p, v in copy.votes.items()})
    return rules.CopyFacts(
        copy.pk, copy.source, figures, tuple(i.sha256 for i in copy.images.all())
    )


@transaction.atomic
def discrepancies_refresh(station: Station, contest: Contest, now: datetime | None = None) -> int:
    """Run every rule on the station and contest: what is found is kept (reopened if it had been
    resolved), what no longer holds is resolved. Returns the open discrepancies."""
    found = rules.findings(facts_of(station, contest, now))
    kept = set()
    for finding in found:
        rule = rules.BY_ID[finding.rule]
        row, created = Discrepancy.objects.get_or_create(
            station=station, contest=contest, rule=finding.rule, copy_id=finding.copy,
            defaults={"election": contest.election, "severity": rule.severity,
                      "detail": finding.detail},
        )  # fmt: skip
        if not created:
            row.detail = finding.detail
            if row.status == Discrepancy.Status.RESOLVED:
                row.status = Discrepancy.Status.OPEN
            row.save()
        kept.add(row.pk)
    Discrepancy.objects.filter(station=station, contest=contest).exclude(pk__in=kept).exclude(
        status=Discrepancy.Status.RESOLVED
    ).update(status=Discrepancy.Status.RESOLVED, checked=timezone.now())
    return len(kept)


def stations_to_check(after_sequence: int) -> set[tuple[int, int]]:
    """(station, contest) pairs with copies whose record was published after ``after_sequence``,
    or which have no record yet (the unpublished rule runs on the clock)."""
    with_copies = set(ProtocolCopy.objects.values_list("station_id", "contest_id").distinct())
    published = Publication.objects.filter(
        protocol__station__in=ProtocolCopy.objects.values("station")
    ).values_list("protocol__station_id", "protocol__contest_id", "sequence")
    newly, ever = set(), set()
    for station, contest, sequence in published:
        ever.add((station, contest))
        if sequence > after_sequence:
            newly.add((station, contest))
    return (newly & with_copies) | (with_copies - ever)


def election_of(contest_id: int) -> Election:
    return Contest.objects.select_related("election").get(pk=contest_id).election


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
    if complaint is not None and complaint.station_id not in (None, station.pk):
        raise ApplicationError("complaint: " + _("the complaint is about another station"))
    row = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    if row.status == Discrepancy.Status.RESOLVED:
        raise ApplicationError("status: " + _("the discrepancy no longer holds"))
    row.explanation = explanation.strip()
    row.complaint = complaint
    row.status = Discrepancy.Status.COMPLAINT if complaint else Discrepancy.Status.EXPLAINED
    row.save()
    log_event("discrepancy.answered", discrepancy=row.pk, status=row.status, user=user.username)
    return row
