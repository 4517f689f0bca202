"""Accreditation and observers' work, with the rules of docs/rules.md ("Observers and media").

Each refusal names the field and the rule; nothing is saved when one is refused. Every change of
state writes an AccreditationEvent.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common import uploads
from common.errors import ApplicationError, NotAllowed, OutOfScope, StateConflict, refuse
from common.events import log_event
from common.text import says_something
from elections import access
from elections.models import ContestStation, Election
from observers.models import (
    CHECKLIST,
    Accreditation,
    AccreditationEvent,
    Note,
    NotePhoto,
    Organisation,
    Visit,
)
from stations.models import Region, Station

Kind, Role, Status = Organisation.Kind, Accreditation.Role, Accreditation.Status
ORGANISATION_VALID_DAYS = 365  # a domestic organisation's accreditation lasts one year
DECISION_DAYS = 30  # ... and is decided within 30 days of its application
PHOTO_TYPES = uploads.IMAGES
PHOTO_MAX_BYTES = 10 * 1024 * 1024
CHARTER_TYPES = uploads.DOCUMENTS  # an extract is a PDF or a photograph of the pages
CHARTER_MAX_BYTES = 20 * 1024 * 1024
# What each kind of organisation may send.
ROLES_BY_KIND = {
    Kind.INTERNATIONAL: {Role.OBSERVER},
    Kind.FOREIGN_STATE: {Role.OBSERVER},
    Kind.DOMESTIC: {Role.OBSERVER},
    Kind.PARTY: {Role.OBSERVER},
    Kind.MEDIA: {Role.JOURNALIST, Role.INTERPRETER},
}
# Organisations that are themselves accredited before their people can apply.
ACCREDITED_BODIES = {Kind.DOMESTIC, Kind.MEDIA}
TRANSITIONS = {
    Status.SUBMITTED: {Status.APPROVED, Status.REJECTED},
    Status.APPROVED: {Status.REVOKED, Status.EXPIRED},
    Status.REJECTED: set(),
    Status.REVOKED: set(),
    Status.EXPIRED: set(),
}


class Refused(ApplicationError):
    """Bad input or a broken rule; ``errors`` maps the field to its messages."""


# --- organisations ---------------------------------------------------------------------------


@transaction.atomic
def organisation_register(
    *,
    name: str,
    kind: str,
    country: str,
    contact: str,
    region: Region | None = None,
    charter_extract: UploadedFile | None = None,
    observation_in_charter: bool = False,
    user: AbstractBaseUser | None = None,
) -> Organisation:
    """Register an organisation. A domestic one or a media outlet waits for its own decision;
    international organisations, foreign states and parties need none. A commission registers
    only what it keeps: a territorial one its region's, the CEC any (``user=None``: a loader)."""
    if user is not None and not access.commission_for(user, region):
        refuse(
            "region",
            _(
                "your commission registers organisations of its own region; a nationwide one, or "
                "another region's, is registered by the commission that keeps it"
            ),
        )
    for field, value in (("name", name), ("country", country), ("contact", contact)):
        if not value.strip():
            refuse(field, _("required"), error=Refused)
    if kind not in Kind.values:
        refuse("kind", _("one of %(values)s") % {"values": ", ".join(Kind.values)}, error=Refused)
    if kind == Kind.DOMESTIC and charter_extract is None:
        refuse(
            "charter_extract",
            _("a domestic organisation applies with an extract of its charter"),
            error=Refused,
        )
    if charter_extract is not None:
        _check_file(charter_extract, "charter_extract", CHARTER_TYPES, CHARTER_MAX_BYTES)
    status = (
        Organisation.Status.SUBMITTED
        if kind in ACCREDITED_BODIES
        else Organisation.Status.ACCREDITED
    )
    organisation = Organisation.objects.create(
        name=name.strip(), kind=kind, country=country.strip(), contact=contact.strip(),
        region=region, observation_in_charter=observation_in_charter, status=status,
        charter_extract=charter_extract or "",
    )  # fmt: skip
    AccreditationEvent.objects.create(
        organisation=organisation, user=user, to_status=status, reason="registered"
    )
    log_event("organisation.registered", organisation=organisation.pk, status=status)
    return organisation


@transaction.atomic
def organisation_decide(
    *, organisation: Organisation, user: AbstractBaseUser, approve: bool, reason: str = ""
) -> Organisation:
    """The commission's decision: the CEC for a nationwide body, the region's commission for a
    regional one. An approval lasts one year."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status != Organisation.Status.SUBMITTED:
        raise StateConflict(
            "status: "
            + _("%(organisation)s is already %(status)s")
            % {"organisation": organisation, "status": organisation.get_status_display().lower()}
        )
    if not access.commission_for(user, organisation.region):
        raise NotAllowed(
            "user: "
            + _(
                "a nationwide organisation is decided by the CEC, a regional one by its "
                "region's territorial commission"
            )
        )
    if approve and organisation.kind == Kind.DOMESTIC and not organisation.observation_in_charter:
        refuse(
            "observation_in_charter",
            _(
                "a domestic organisation is accredited only if election observation is among its "
                "statutory activities"
            ),
            error=Refused,
        )
    if not approve and not says_something(reason):
        refuse("reason", _("say why the organisation is refused"), error=Refused)
    now = timezone.now()
    organisation.status = (
        Organisation.Status.ACCREDITED if approve else Organisation.Status.REJECTED
    )
    organisation.decided_at, organisation.decision_reason = now, reason.strip()
    organisation.valid_until = (
        (now + timedelta(days=ORGANISATION_VALID_DAYS)).date() if approve else None
    )
    organisation.save()
    AccreditationEvent.objects.create(
        organisation=organisation, user=user, from_status=Organisation.Status.SUBMITTED,
        to_status=organisation.status, reason=reason.strip(),
    )  # fmt: skip
    log_event(
        "organisation.decided", organisation=organisation.pk, to_status=organisation.status,
        user=user.username,
    )  # fmt: skip
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, user: AbstractBaseUser, contact: str, coordinators: Iterable
) -> Organisation:
    """Change an organisation's contact (its deciding commission) or its coordinators.

    Coordinators read every note of the organisation's observers, unpublished ones and names
    included: only the CEC's accreditation desk appoints them, whatever the organisation's area.
    """
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not access.commission_for(user, organisation.region):
        raise NotAllowed(
            "user: "
            + _("an organisation's details are changed by the commission that accredits it"),
            field="user",
        )
    if not contact.strip():
        refuse("contact", _("required"), error=Refused)
    wanted = {person.pk for person in coordinators}
    current = set(organisation.coordinators.values_list("pk", flat=True))
    if wanted != current and not access.commission_for(user, None):
        refuse(
            "coordinators",
            _("coordinators are appointed only by the CEC's accreditation desk"),
            error=Refused,
        )
    changed = []
    if contact.strip() != organisation.contact:
        organisation.contact = contact.strip()
        organisation.save(update_fields=["contact", "updated"])
        changed.append("contact")
    if wanted != current:
        organisation.coordinators.set(wanted)
        changed.append("coordinators")
    if changed:
        AccreditationEvent.objects.create(
            organisation=organisation, user=user, from_status=organisation.status,
            to_status=organisation.status, reason=f"changed: {', '.join(changed)}",
        )  # fmt: skip
        log_event(
            "organisation.changed", organisation=organisation.pk, fields=changed,
            coordinators=sorted(wanted), user=user.username,
        )  # fmt: skip
    return organisation


# --- people ----------------------------------------------------------------------------------


@transaction.atomic
def accreditation_apply(
    *,
    election: Election,
    organisation: Organisation,
    role: str,
    full_name: str,
    identity_document: str,
    regions: Iterable[Region] = (),
    interpreter_for: Accreditation | None = None,
    photo: UploadedFile | None = None,
    account: AbstractBaseUser | None = None,
    at: datetime | None = None,
) -> Accreditation:
    """Apply for a person (``account``: the login they will observe with, if they have one yet).
    A party's observer is registered at once: no commission approves them."""
    at = at or timezone.now()
    regions = list(regions)
    if election.accreditation_closes and at > election.accreditation_closes:
        closes = timezone.localtime(election.accreditation_closes)
        refuse(
            "election",
            _("applications closed on %(day)s at %(time)s (Astana time)")
            % {"day": date_format(closes, "j E Y"), "time": f"{closes:%H:%M}"},
            error=Refused,
        )
    if not full_name.strip():
        refuse("full_name", _("required"), error=Refused)
    if not identity_document.strip():
        refuse(
            "identity_document",
            _("required: the number of a passport or identity card"),
            error=Refused,
        )
    if role not in ROLES_BY_KIND[organisation.kind]:
        if role == Role.JOURNALIST:
            refuse(
                "role", _("a journalist applies through an accredited media outlet"), error=Refused
            )
        sends = _(" or ").join(
            str(Role(r).label).lower() for r in sorted(ROLES_BY_KIND[organisation.kind])
        )
        refuse(
            "role",
            _("a %(kind)s sends %(sends)s, not %(role)s")
            % {
                "kind": organisation.get_kind_display().lower(),
                "sends": sends,
                "role": str(Role(role).label).lower() if role in Role.values else role,
            },
            error=Refused,
        )
    if organisation.kind in ACCREDITED_BODIES:
        _require_accredited(organisation, election)
    if role == Role.INTERPRETER:
        _check_interpreter(interpreter_for, organisation, election)
    elif interpreter_for is not None:
        refuse("interpreter_for", _("only an interpreter accompanies a journalist"), error=Refused)
    if organisation.region and any(region != organisation.region for region in regions):
        refuse(
            "regions",
            _("%(organisation)s observes only in %(region)s")
            % {"organisation": organisation, "region": organisation.region.name},
            error=Refused,
        )
    if organisation.region and not regions:
        regions = [organisation.region]  # a regional organisation's people observe its region
    if photo is not None:
        _check_photo(photo, "photo")
    accreditation = Accreditation.objects.create(
        election=election, organisation=organisation, role=role, full_name=full_name.strip(),
        identity_document=identity_document.strip(), interpreter_for=interpreter_for,
        photo=photo or "", user=account,
    )  # fmt: skip
    accreditation.regions.set(regions)
    _event(accreditation, None, "", Status.SUBMITTED, "applied")
    if organisation.kind == Kind.PARTY:
        _approve(accreditation, None, "a party's observer: registered without approval")
    return accreditation


def _require_accredited(organisation: Organisation, election: Election) -> None:
    if organisation.status != Organisation.Status.ACCREDITED:
        refuse(
            "organisation",
            _("%(organisation)s is not accredited (%(status)s)")
            % {"organisation": organisation, "status": organisation.get_status_display().lower()},
            error=Refused,
        )
    if organisation.valid_until and organisation.valid_until < election.date:
        refuse(
            "organisation",
            _("the accreditation of %(organisation)s ended on %(day)s")
            % {"organisation": organisation, "day": date_format(organisation.valid_until, "j E Y")},
            error=Refused,
        )
    if organisation.kind == Kind.DOMESTIC and not organisation.observation_in_charter:
        refuse(
            "organisation",
            _("election observation is not in the charter of %(organisation)s")
            % {"organisation": organisation},
            error=Refused,
        )


def _check_interpreter(journalist: Accreditation | None, organisation, election) -> None:
    if journalist is None or journalist.role != Role.JOURNALIST:
        refuse(
            "interpreter_for",
            _("an interpreter accompanies one journalist: name them"),
            error=Refused,
        )
    if journalist.election_id != election.pk or journalist.organisation_id != organisation.pk:
        refuse(
            "interpreter_for",
            _("the journalist must be of the same outlet and election"),
            error=Refused,
        )
    if Accreditation.objects.filter(interpreter_for=journalist).exists():
        refuse(
            "interpreter_for",
            _("%(journalist)s already has an interpreter") % {"journalist": journalist.full_name},
            error=Refused,
        )


def _check_file(file: UploadedFile, field: str, types, max_bytes: int) -> None:
    if problems := uploads.upload_problems(file, types=types, max_bytes=max_bytes):
        raise Refused(f"{field}: {problems[0]}", errors={field: problems})


def _check_photo(photo: UploadedFile, field: str) -> None:
    _check_file(photo, field, PHOTO_TYPES, PHOTO_MAX_BYTES)


@transaction.atomic
def accreditation_link_account(
    *, accreditation: Accreditation, user: AbstractBaseUser, account: AbstractBaseUser | None
) -> Accreditation:
    """Give an accredited person the login they observe with (the CEC's desk, once)."""
    if not access.commission_for(user, None):
        raise NotAllowed("user: " + _("an observer's login is linked by the CEC"), field="user")
    accreditation = _lock(accreditation)
    if accreditation.user_id == getattr(account, "pk", None):
        return accreditation
    if accreditation.user_id is not None:
        refuse(
            "user",
            _("this accreditation already has its login; a login is never moved"),
            error=Refused,
        )
    if account is None or account.is_staff:
        refuse("user", _("an observer's login is not a commission member's"), error=Refused)
    if Accreditation.objects.filter(user=account).exists():
        refuse(
            "user",
            _("%(account)s is already the login of another accreditation") % {"account": account},
            error=Refused,
        )
    accreditation.user = account
    accreditation.save(update_fields=["user", "updated"])
    _event(accreditation, user, accreditation.status, accreditation.status, "login linked")
    return accreditation


@transaction.atomic
def accreditation_decide(
    *, accreditation: Accreditation, user: AbstractBaseUser, approve: bool, reason: str = ""
) -> Accreditation:
    """The CEC approves or rejects an application (with the reason for a rejection)."""
    accreditation = _lock(accreditation)
    if not access.commission_for(user, None):
        raise NotAllowed("user: " + _("accreditations are decided by the CEC"))
    if not approve:
        if not says_something(reason):
            refuse("reason", _("say why the application is rejected"), error=Refused)
        _move(accreditation, user, Status.REJECTED, reason)
        return accreditation
    _approve(accreditation, user, reason)
    return accreditation


@transaction.atomic
def accreditation_revoke(
    *, accreditation: Accreditation, user: AbstractBaseUser, reason: str
) -> Accreditation:
    accreditation = _lock(accreditation)
    if not access.commission_for(user, None):
        raise NotAllowed("user: " + _("accreditations are revoked by the CEC"))
    if not says_something(reason):
        refuse("reason", _("say why the accreditation is revoked"), error=Refused)
    _move(accreditation, user, Status.REVOKED, reason)
    return accreditation


def accreditations_expire() -> int:
    """Expire every approval whose election's results are final; returns how many."""
    ended = Accreditation.objects.filter(
        status=Status.APPROVED, election__status=Election.Status.CERTIFIED
    )
    expired = 0
    for accreditation in ended:
        with transaction.atomic():
            _move(_lock(accreditation), None, Status.EXPIRED, "the accreditation has ended")
        expired += 1
    return expired


def _approve(accreditation: Accreditation, user, reason: str) -> None:
    """Valid until the election's results are final."""
    _move(accreditation, user, Status.APPROVED, reason)


def _lock(accreditation: Accreditation) -> Accreditation:
    return (
        Accreditation.objects.select_for_update()
        .select_related("election")
        .get(pk=accreditation.pk)
    )


def _move(accreditation: Accreditation, user, to: str, reason: str) -> None:
    if to not in TRANSITIONS[accreditation.status]:
        raise StateConflict(
            "status: "
            + _("an accreditation that is %(status)s cannot become %(to)s")
            % {
                "status": accreditation.get_status_display().lower(),
                "to": Status(to).label.lower(),
            },
            field="status",
            status=accreditation.status,
        )
    _event(accreditation, user, accreditation.status, to, reason)
    accreditation.status, accreditation.reason = to, reason.strip()
    accreditation.save(update_fields=["status", "reason", "updated"])


def _event(accreditation, user, from_status: str, to: str, reason: str) -> None:
    AccreditationEvent.objects.create(
        accreditation=accreditation, user=user, from_status=from_status, to_status=to,
        reason=reason.strip(),
    )  # fmt: skip
    # No names or documents: the log is read more widely than the register.
    log_event(
        "accreditation.status", accreditation=accreditation.pk, from_status=from_status,
        to_status=to, user=getattr(user, "username", None),
    )  # fmt: skip


# --- in the field ----------------------------------------------------------------------------


def _may_observe(accreditation: Accreditation, station: Station, at: datetime) -> None:
    """Refuse anyone not accredited now, or a station outside their scope or the election."""
    if accreditation.status != Status.APPROVED:
        raise NotAllowed(
            "accreditation: "
            + _("yours is %(status)s; only an approved accreditation observes")
            % {"status": accreditation.get_status_display().lower()}
        )
    if accreditation.election.status == Election.Status.CERTIFIED:
        raise NotAllowed("accreditation: " + _("the results are final; observation has ended"))
    if not ContestStation.objects.filter(election=accreditation.election, station=station).exists():
        raise OutOfScope(
            "station: "
            + _("station %(station)s does not vote in %(election)s")
            % {"station": station.number, "election": accreditation.election}
        )
    regions = list(accreditation.regions.values_list("pk", flat=True))
    if regions and station.region_id not in regions:
        raise OutOfScope(
            "station: "
            + _("station %(station)s in %(region)s is outside the regions of your accreditation")
            % {"station": station.number, "region": station.region.name}
        )


@transaction.atomic
def visit_check_in(
    *, accreditation: Accreditation, station: Station, at: datetime | None = None
) -> Visit:
    at = at or timezone.now()
    _may_observe(accreditation, station, at)
    try:
        with transaction.atomic():
            visit = Visit.objects.create(accreditation=accreditation, station=station, arrived=at)
            log_event("visit.checked_in", visit=visit.pk, accreditation=accreditation.pk,
                      station=station.pk)  # fmt: skip
            return visit
    except IntegrityError:
        open_visit = Visit.objects.get(accreditation=accreditation, left__isnull=True)
        raise StateConflict(
            "station: "
            + _("check out of station %(station)s first") % {"station": open_visit.station.number},
            field="station",
        ) from None


@transaction.atomic
def visit_check_out(*, accreditation: Accreditation, at: datetime | None = None) -> Visit:
    visit = (
        Visit.objects.select_for_update()
        .filter(accreditation=accreditation, left__isnull=True)
        .first()
    )
    if visit is None:
        raise StateConflict("station: " + _("you are not checked in anywhere"), field="station")
    visit.left = at or timezone.now()
    if visit.left < visit.arrived:
        refuse("at", _("checking out cannot come before checking in"), error=Refused)
    visit.save(update_fields=["left"])
    log_event("visit.checked_out", visit=visit.pk, accreditation=accreditation.pk)
    return visit


@transaction.atomic
def note_file(
    *,
    accreditation: Accreditation,
    station: Station,
    phase: str,
    category: str,
    severity: str,
    text: str,
    checklist: Mapping[str, bool] | None = None,
    photos: Iterable[UploadedFile] = (),
    at: datetime | None = None,
) -> Note:
    """A note on what the observer saw; refused, with nothing saved, when they may not file it."""
    _may_observe(accreditation, station, at or timezone.now())
    for field, value, choices in (
        ("phase", phase, Note.Phase), ("category", category, Note.Category),
        ("severity", severity, Note.Severity),
    ):  # fmt: skip
        if value not in choices.values:
            refuse(
                field,
                _("one of %(values)s") % {"values": ", ".join(choices.values)},
                error=Refused,
            )
    if not text.strip():
        refuse("text", _("say what happened"), error=Refused)
    checklist = dict(checklist or {})
    for key, answer in checklist.items():
        if key not in CHECKLIST:
            refuse(
                "checklist",
                _("no question %(key)s; the questions are %(questions)s")
                % {"key": repr(key), "questions": ", ".join(CHECKLIST)},
                error=Refused,
            )
        if not isinstance(answer, bool):
            refuse(
                "checklist",
                _("%(key)s: answer yes (true) or no (false)") % {"key": key},
                error=Refused,
            )
    photos = list(photos)
    for photo in photos:
        _check_photo(photo, "photos")
    note = Note.objects.create(
        accreditation=accreditation, station=station, phase=phase, category=category,
        severity=severity, text=text.strip(), checklist=checklist,
    )  # fmt: skip
    for photo in photos:
        NotePhoto.objects.create(note=note, image=photo)
    log_event(
        "note.filed", note=note.pk, accreditation=accreditation.pk, station=station.pk,
        severity=severity, photos=len(photos),
    )  # fmt: skip
    return note


@transaction.atomic
def note_publish(*, note: Note, user: AbstractBaseUser) -> Note:
    """An organisation's coordinator makes one of its notes public: its text then shows on the
    station's results page, under the organisation's name."""
    note = Note.objects.select_for_update().select_related("accreditation").get(pk=note.pk)
    if not note.accreditation.organisation.coordinators.filter(pk=user.pk).exists():
        raise NotAllowed(
            "user: " + _("only a coordinator of the observer's organisation publishes a note")
        )
    note.published = True
    note.save(update_fields=["published", "updated"])
    log_event("note.published", note=note.pk, user=user.username)
    return note
