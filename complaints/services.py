"""The complaint workflow: every move goes through here, is checked against
COMPLAINT_TRANSITIONS and written to the complaint's history.

filed → registered (a number, the deadline clock starts) or returned for defects (each listed,
with a date to resubmit by; a second defective filing or a missed date leaves it without
consideration) → under review (a hearing scheduled) → suspended while a court hears the same
matter (Art. 20(9)) → decided (upheld, partly upheld, dismissed; the reasoned decision and its
SHA-256) → appealed to the next body up, within the appeal window. Withdrawn by the complainant
at any open state. Overdue is computed (`complaint_overdue`), never a state.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common import uploads
from common.errors import ApplicationError, NotAllowed, StateConflict
from common.events import log_event
from common.public_cache import results_changed
from common.text import FREE_TEXT_LIMIT
from complaints.access import body_members, require_handler
from complaints.deadlines import deadline_rules
from complaints.models import COMPLAINT_TRANSITIONS, OPEN, Attachment, Complaint, ComplaintEvent
from complaints.notices import notify
from elections.models import Election, Protocol
from elections.services.protocols import EntryData, protocol_propose_correction
from stations.zones import ASTANA

S, Level, Outcome = Complaint.Status, Complaint.Level, Complaint.Outcome
# Complainants the register names (once their standing is checked); anyone else is private.
PUBLICLY_NAMED = {
    Complaint.Complainant.CANDIDATE, Complaint.Complainant.PARTY,
    Complaint.Complainant.ORGANISATION,
}  # fmt: skip
DECISION_LIMIT = 20_000  # ten pages: a reasoned decision, never a paste that stalls a page
HIGHER = {Level.PRECINCT: Level.TERRITORIAL, Level.TERRITORIAL: Level.CEC}  # then the courts
NUMBER_LETTER = {Level.PRECINCT: "P", Level.TERRITORIAL: "T", Level.CEC: "C", Level.COURT: "J"}
ATTACHMENT_TYPES = uploads.DOCUMENTS  # checked as a protocol's scan is
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENTS_MAX = 10
HEARING_LINK = URLValidator(schemes=["https", "http"])  # never javascript: on a public page


@dataclass(frozen=True)
class Filing:
    """What a complaint must contain (docs/rules.md), besides the body it is addressed to."""

    complainant_kind: str
    complainant_name: str
    complainant_contact: str
    respondent: str
    subject: str
    subject_on: date
    facts: str
    claim: str


def complaint_file(
    *, election, level: str, filing: Filing, user=None, station=None, district=None, contest=None,
    protocol=None, note=None, respondent_user=None, appeal_of: Complaint | None = None,
    attachments=(), court: str = "", court_case: str = "", at: datetime | None = None,
) -> Complaint:  # fmt: skip
    """File a complaint with the body at ``level``: a station's commission, a district's, the
    CEC, or (recorded by the CEC's desk) a court. A station names its district and region, a
    district its region. Filed without an account (a voter), it waits for the complainant to
    open the link mailed to them before any commission sees it. ``at``: when a complaint
    received on paper was received (its *immediately* window is read from then)."""
    errors: dict[str, list[str]] = {}
    if level == Level.PRECINCT and station is None:
        errors["station"] = [_("a complaint to a precinct commission names its station")]
    if level == Level.TERRITORIAL and district is None and station is None:
        errors["district"] = [_("a complaint to a territorial commission names its district")]
    if level == Level.COURT and not (court and court_case.strip()):
        errors["court_case"] = [_("a court case is recorded with its court and case number")]
    if station is not None and district is not None and station.district_id != district.pk:
        errors["district"] = [
            _("station %(station)s is in %(district)s")
            % {"station": station.number, "district": station.district}
        ]
    if protocol is not None and (protocol.station_id != getattr(station, "pk", None)):
        errors["protocol"] = [_("the protocol named is not the station's")]
    attachments = list(attachments)
    if len(attachments) > ATTACHMENTS_MAX:
        errors["attachments"] = [_("at most %(count)d files") % {"count": ATTACHMENTS_MAX}]
    for upload in attachments:
        problems = uploads.upload_problems(
            upload, types=ATTACHMENT_TYPES, max_bytes=ATTACHMENT_MAX_BYTES
        )
        if problems:
            errors.setdefault("attachments", []).extend(problems)
    if errors:
        raise ApplicationError(
            "; ".join(f"{field}: {' '.join(lines)}" for field, lines in errors.items()),
            errors=errors,
        )
    district = district or (station.district if station else None)
    complaint = Complaint(
        election=election, level=level, station=station, district=district,
        region=district.region if district else None, contest=contest, protocol=protocol,
        note=note, filed_by=user, respondent_user=respondent_user, appeal_of=appeal_of,
        court=court, court_case=court_case.strip(),
        contact_verified_at=timezone.now() if user is not None else None, **vars(filing),
    )  # fmt: skip
    complaint.respondent_user = respondent_user or _member_named(complaint)
    with transaction.atomic():
        complaint.save()
        if at is not None:  # `created` is stamped by the save; a paper filing keeps its day
            Complaint.objects.filter(pk=complaint.pk).update(created=at)
            complaint.created = at
        for upload in attachments:
            Attachment.objects.create(
                complaint=complaint, file=upload, sha256=uploads.sha256(upload)
            )
        _record(complaint, user, "filed", "", S.FILED)
        notify(complaint, _("filed"))
    return complaint


def _member_named(complaint: Complaint):
    """The member of the body addressed whom the respondent names, by login or surname (a
    complaint against the chair by name keeps the chair out of it)."""
    text = complaint.respondent.casefold()
    for member in body_members(complaint):
        names = [member.username, member.last_name]
        if any(name and re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", text)
               for name in names):  # fmt: skip
            return member
    return None


def complaint_confirm_contact(complaint: Complaint) -> Complaint:
    """The complainant opened the link mailed to them: the address is theirs, and the filing
    goes to the commission's queue."""
    if complaint.contact_verified_at is None:
        complaint.contact_verified_at = timezone.now()
        Complaint.objects.filter(pk=complaint.pk, contact_verified_at__isnull=True).update(
            contact_verified_at=complaint.contact_verified_at
        )
        _record(complaint, None, "contact confirmed", complaint.status, complaint.status)
    return complaint


def body_zone(complaint: Complaint) -> ZoneInfo:
    """The deciding body's zone: its station's, its region's, or Astana's for the CEC."""
    if complaint.level == Level.PRECINCT and complaint.station_id:
        return complaint.station.zone
    if complaint.level == Level.TERRITORIAL and complaint.region_id:
        return ZoneInfo(complaint.region.time_zone)
    return ASTANA


@transaction.atomic
def complaint_register(
    complaint: Complaint, *, user, at: datetime | None = None, respondent_user=None,
    public_subject: str = "", public_claim: str = "", standing_confirmed: bool = False,
) -> Complaint:  # fmt: skip
    """Register a complaint: its number, and the deadline by which it must be decided.

    The registering member names the member complained of, if the filing did not (from then
    on that member takes no part in it); writes, for a private complainant's complaint, the
    subject and claim the register shows (never the complainant's own words, which may name
    them: without a summary the register shows neither); and says whether a candidate's,
    party's or organisation's standing was checked (only then is their name published)."""
    at = at or timezone.now()
    _handling(complaint, user)
    if respondent_user is not None and complaint.respondent_user_id is None:
        if respondent_user.pk == user.pk:
            raise NotAllowed(_("a member may not decide a complaint against themselves"))
        complaint.respondent_user = respondent_user
    if complaint.complainant_kind not in PUBLICLY_NAMED:  # without one, the register shows none
        complaint.public_subject, complaint.public_claim = public_subject, public_claim
    complaint.standing_confirmed = standing_confirmed
    if complaint.contact_verified_at is None:
        raise StateConflict(
            "contact: " + _("the complainant has not yet confirmed their e-mail address")
        )
    _move(complaint, S.REGISTERED, user, "registered")
    complaint.registered_at = at
    # Numbers in order of registration, one election's at a time: the election's row is the lock.
    election = Election.objects.select_for_update().get(pk=complaint.election_id)
    registered = Complaint.objects.filter(election=election).exclude(number="").count()
    letter = NUMBER_LETTER[complaint.level]
    complaint.number = f"{election.code.upper()}-{letter}-{registered + 1:05d}"
    if complaint.level != Level.COURT:  # a court keeps its own time, not the commissions' law
        complaint.deadline = deadline_rules().deadline(
            "decide", at, body_zone(complaint), complaint.election.date, received=complaint.created
        )
    complaint.save()
    notify(complaint, _("registered"))
    return complaint


@transaction.atomic
def complaint_return(
    complaint: Complaint, *, user, defects: list[str], resubmit_by: datetime
) -> Complaint:
    """Return a complaint for defects, every one listed; a second defective filing is left
    without consideration instead."""
    if not [defect for defect in defects if defect.strip()]:
        raise ApplicationError("defects: " + _("list every defect the complaint is returned for"))
    _handling(complaint, user)
    if complaint.status != S.FILED:  # a filing is returned, once it has been (re)filed
        _move(complaint, S.RETURNED, user, "returned")  # refused, with the rule's own words
    if complaint.returns:
        _move(complaint, S.NOT_CONSIDERED, user, "defective again", "; ".join(defects))
    else:
        _move(complaint, S.RETURNED, user, "returned", "; ".join(defects))
        complaint.resubmit_by = resubmit_by
    complaint.defects, complaint.returns = defects, complaint.returns + 1
    complaint.save()
    notify(complaint, _("returned") if complaint.status == S.RETURNED else _("not considered"))
    return complaint


@transaction.atomic
def complaint_resubmit(
    complaint: Complaint, *, user, filing: Filing, at: datetime | None = None
) -> Complaint:
    """The complainant files the returned complaint again, mended; after its date it is left
    without consideration."""
    at = at or timezone.now()
    _the_complainant(complaint, user)
    if complaint.resubmit_by and at > complaint.resubmit_by:
        _move(complaint, S.NOT_CONSIDERED, user, "resubmitted late")
    else:
        _move(complaint, S.FILED, user, "resubmitted")
        for name, value in vars(filing).items():
            setattr(complaint, name, value)
        complaint.defects = []
    complaint.save()
    return complaint


@transaction.atomic
def complaint_schedule_hearing(
    complaint: Complaint, *, user, at: datetime, place: str, link: str = ""
) -> Complaint:
    """Schedule (or move) the hearing; its time, place and online link are public."""
    if not place.strip():
        raise ApplicationError("hearing_place: " + _("say where the hearing is held"))
    if link:
        try:
            HEARING_LINK(link)
        except ValidationError as exc:
            raise ApplicationError(
                "hearing_link: " + _("give the hearing's web address (https://…)")
            ) from exc
    _handling(complaint, user)
    if complaint.status == S.UNDER_REVIEW:  # moved: the register's hearing changes, on record
        _current(complaint)
        _record(complaint, user, "hearing moved", S.UNDER_REVIEW, S.UNDER_REVIEW, place)
    else:
        _move(complaint, S.UNDER_REVIEW, user, "hearing scheduled", place, only_from=S.REGISTERED)
    complaint.hearing_at, complaint.hearing_place, complaint.hearing_link = at, place, link
    complaint.save()
    notify(complaint, _("hearing"))
    return complaint


@transaction.atomic
def complaint_suspend(
    complaint: Complaint, *, user, court_case: str, at: datetime | None = None
) -> Complaint:
    """A court hears the same matter: the commission waits for its decision (Art. 20(9)),
    and its clock stops until then."""
    if not court_case.strip():
        raise ApplicationError("court_case: " + _("give the court's case number"))
    _handling(complaint, user)
    _move(complaint, S.SUSPENDED, user, "suspended", court_case)
    complaint.court_case = court_case
    complaint.suspended_at = at or timezone.now()
    complaint.save()
    return complaint


@transaction.atomic
def complaint_resume(complaint: Complaint, *, user, at: datetime | None = None) -> Complaint:
    """The court's decision has taken effect: the commission's review goes on, its deadline
    moved on by the time it waited."""
    _handling(complaint, user)
    _move(complaint, S.UNDER_REVIEW, user, "resumed")
    if complaint.deadline and complaint.suspended_at:
        complaint.deadline += (at or timezone.now()) - complaint.suspended_at
    complaint.suspended_at = None
    complaint.save()
    return complaint


@transaction.atomic
def complaint_decide(
    complaint: Complaint, *, user, outcome: str, decision: str, at: datetime | None = None,
    remedy: str = "",
) -> Complaint:  # fmt: skip
    """Decide: the outcome and the reasoned decision, whose SHA-256 the register publishes.
    Nobody decides a complaint against themselves. An upheld complaint may order a recount of
    the protocol version it names; the recount's figures then go through the protocol workflow
    (`complaint_enter_recount`)."""
    _handling(complaint, user)
    if outcome not in Outcome.values:
        raise ApplicationError(
            "outcome: " + _("choose upheld, partly upheld, dismissed or not considered")
        )
    if not decision.strip():
        raise ApplicationError("decision: " + _("a decision gives its reasons"))
    if len(decision) > DECISION_LIMIT:
        raise ApplicationError(
            "decision: " + _("at most %(count)s characters") % {"count": f"{DECISION_LIMIT:,}"}
        )
    if remedy:
        _check_remedy(complaint, outcome, remedy)
    _move(complaint, S.DECIDED, user, "decided", outcome)
    complaint.outcome, complaint.decision, complaint.decided_by = outcome, decision, user
    complaint.remedy = remedy
    complaint.decided_at = at or timezone.now()
    complaint.decision_sha256 = hashlib.sha256(decision.encode()).hexdigest()
    complaint.save()
    notify(complaint, _("decided"))
    return complaint


def _check_remedy(complaint: Complaint, outcome: str, remedy: str) -> None:
    if remedy not in Complaint.Remedy.values:
        raise ApplicationError("remedy: " + _("the only remedy that changes a result is a recount"))
    if outcome not in (Outcome.UPHELD, Outcome.PARTLY_UPHELD):
        raise ApplicationError("remedy: " + _("only an upheld complaint orders a recount"))
    protocol = complaint.protocol
    if protocol is None or not protocol.is_active or protocol.status != Protocol.Status.ACCEPTED:
        raise ApplicationError(
            "protocol: "
            + _("a recount names the station's standing protocol version the complaint is about")
        )


def decision_reference(complaint: Complaint) -> str:
    """How a correction cites the decision that ordered it: number, body, date and hash."""
    return (
        f"{complaint.number} ({complaint.get_level_display()}, "
        f"{complaint.decided_at:%Y-%m-%d}, sha256 {complaint.decision_sha256[:16]})"
    )


@transaction.atomic
def complaint_enter_recount(complaint: Complaint, *, user, data: EntryData) -> Protocol:
    """The recount's figures, as a correction of the protocol version the decision names,
    citing the decision as its legal basis; a second supervisor approves it as any correction
    (elections.services.protocols), and the station's page shows the decision beside it."""
    _handling(complaint, user)
    given, complaint = complaint, Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status not in (S.DECIDED, S.APPEALED) or complaint.remedy != "recount":
        raise StateConflict("remedy: " + _("no recount was ordered by this decision"))
    if complaint.correction_id is not None:
        raise StateConflict("remedy: " + _("the recount ordered has been entered already"))
    correction = protocol_propose_correction(
        protocol=complaint.protocol, user=user, data=data,
        reason=_("Recount ordered by complaint %(number)s") % {"number": complaint.number},
        legal_basis=decision_reference(complaint),
    )  # fmt: skip
    complaint.correction = given.correction = correction
    complaint.save(update_fields=["correction"])
    _record(complaint, user, "recount entered", complaint.status, complaint.status,
            f"protocol {correction.pk} v{correction.version}")  # fmt: skip
    return correction


@transaction.atomic
def complaint_withdraw(complaint: Complaint, *, user, reason: str = "") -> Complaint:
    """The complainant withdraws their complaint, at any open state."""
    _the_complainant(complaint, user)
    if len(reason) > FREE_TEXT_LIMIT:
        raise ApplicationError(
            "reason: " + _("at most %(count)s characters") % {"count": f"{FREE_TEXT_LIMIT:,}"}
        )
    _move(complaint, S.WITHDRAWN, user, "withdrawn", reason)
    complaint.save()
    return complaint


@transaction.atomic
def complaint_appeal(
    complaint: Complaint, *, user, filing: Filing, at: datetime | None = None
) -> Complaint:
    """Appeal a decision to the next body up, within the appeal window: a new complaint,
    linked to the one it appeals. The CEC's decisions are appealed in court, outside Saylau."""
    at = at or timezone.now()
    _the_complainant(complaint, user)
    higher = HIGHER.get(complaint.level)
    if higher is None:
        raise StateConflict("level: " + _("the CEC's decisions are appealed in court"))
    rules = deadline_rules()
    if complaint.decided_at and not rules.in_time(
        "file_against_decision", complaint.decided_at, at, body_zone(complaint)
    ):
        raise StateConflict("appeal_of: " + _("the appeal window has closed"))
    _move(complaint, S.APPEALED, user, "appealed")
    complaint.save()
    return complaint_file(
        election=complaint.election, level=higher, filing=filing, user=user,
        station=complaint.station, district=complaint.district, contest=complaint.contest,
        protocol=complaint.protocol, appeal_of=complaint,
    )  # fmt: skip


def complaint_overdue(complaint: Complaint, now: datetime | None = None) -> bool:
    """Whether a registered complaint still undecided is past its deadline (computed, so the
    register shows it the moment it happens)."""
    now = now or timezone.now()
    due = complaint.deadline
    # Not while suspended: the commission waits for the court by law (Art. 20(9)).
    waiting = complaint.status in OPEN and complaint.status != S.SUSPENDED
    return waiting and due is not None and now >= due


def _handling(complaint: Complaint, user) -> None:
    """Only the body addressed acts on a complaint; neither the member complained about nor
    a member who filed it."""
    require_handler(user, complaint)
    _not_the_respondent(complaint, user)
    # A lawsuit is decided by the court: the CEC's desk that recorded it only records its fate.
    own = complaint.filed_by_id is not None and complaint.filed_by_id == getattr(user, "pk", None)
    if own and complaint.level != Level.COURT:
        raise NotAllowed(_("you filed this complaint: another member of the commission acts on it"))


def _not_the_respondent(complaint: Complaint, user) -> None:
    """Separation of duties: a member complained about takes no part in the complaint's fate."""
    if complaint.respondent_user_id is not None and complaint.respondent_user_id == getattr(
        user, "pk", None
    ):
        raise NotAllowed(_("a member may not decide a complaint against themselves"))


def _the_complainant(complaint: Complaint, user) -> None:
    """Only whoever filed a complaint with their account withdraws, mends or appeals it (a
    complaint filed without one, by a voter, is the complainant's through their contact)."""
    if complaint.filed_by_id is not None and complaint.filed_by_id != getattr(user, "pk", None):
        raise NotAllowed(_("only the complainant may do this"))


def _current(complaint: Complaint) -> None:
    """Lock the complaint's row and refuse a stale copy: two moves at once take turns, and the
    second sees the first's."""
    status = (
        Complaint.objects.select_for_update().values_list("status", flat=True).get(pk=complaint.pk)
    )
    if status != complaint.status:
        raise StateConflict(
            "status: "
            + _("the complaint has moved on meanwhile: it is %(status)s")
            % {"status": S(status).label},
            field="status",
            status=status,
        )


def _move(
    complaint: Complaint, to: str, user, action: str, reason: str = "", only_from: str = ""
) -> None:
    if complaint.pk:
        _current(complaint)
    start = complaint.status
    if to not in COMPLAINT_TRANSITIONS[start] or (only_from and start != only_from):
        raise StateConflict(
            "status: "
            + _("a complaint cannot go from %(from)s to %(to)s")
            % {"from": S(start).label, "to": S(to).label},
            field="status",
            status=start,
        )
    _record(complaint, user, action, start, to, reason)
    complaint.status = to


def _record(complaint: Complaint, user, action: str, start: str, to: str, reason: str = "") -> None:
    # Public pages (the register, the station's section) are cached until the results change: a
    # registered complaint's move is such a change, once it has committed.
    transaction.on_commit(lambda: complaint.number and results_changed())
    ComplaintEvent.objects.create(
        complaint=complaint, user=user, action=action, from_status=start, to_status=to,
        reason=reason,
    )  # fmt: skip
    log_event(
        "complaint.status", action=action, complaint=complaint.pk, from_status=start,
        to_status=to, user=getattr(user, "username", None),
    )  # fmt: skip
