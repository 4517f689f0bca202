"""The protocol workflow: blind double entry, checks, supervisor decisions and corrections.

Every move goes through ``_move``, which refuses a transition PROTOCOL_TRANSITIONS does not allow
and writes an append-only ProtocolEvent. An accepted protocol is never changed again: a
correction is a new version that a second supervisor approves.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, FilteredRelation, Max, Q
from django.utils.translation import gettext as _

from common import uploads
from common.errors import ApplicationError, NotAllowed, StateConflict, refuse_all
from common.events import log_event
from common.text import says_something
from elections import access, checks
from elections.models import (
    PROTOCOL_LINES,
    PROTOCOL_NUMBER_MAX,
    PROTOCOL_TRANSITIONS,
    BallotLine,
    Contest,
    Election,
    Protocol,
    ProtocolEntry,
    ProtocolEvent,
    ProtocolVote,
)
from elections.selectors import frozen_ballot
from elections.services.publication import queue_publication
from stations.models import Station

SCAN_TYPES = uploads.DOCUMENTS
SCAN_MAX_BYTES = 20 * 1024 * 1024
Status = Protocol.Status
# What an entry may change on the protocol row; saving only these keeps the UPDATE small.
SAVED_ON_ENTRY = [
    *PROTOCOL_LINES, "status", "cycle", "scan", "remarks", "warnings", "flags", "explanation",
    "votes_fingerprint", "updated",
]  # fmt: skip


class ProtocolInvalid(ApplicationError):
    """The numbers break a rule; ``errors`` maps each field to its messages."""


@dataclass
class EntryData:
    """What a clerk typed: the nine lines, the votes by ballot position, and an explanation."""

    numbers: dict[str, int | None]
    votes: Mapping[int, int | None]
    explanation: str = ""
    remarks: str = ""
    scan: UploadedFile | None = None
    vote_list: list[int] = field(default_factory=list)  # filled by _check_entry, ballot order


# --- entering --------------------------------------------------------------------------------


@transaction.atomic
def protocol_submit_entry(
    *, station: Station, contest: Contest, user: AbstractBaseUser, data: EntryData
) -> Protocol:
    """Take a clerk's entry: the first of a round, or the blind second one that settles it."""
    access.require_scope(user, station, access.ENTER, _("enter protocols for"))
    election = contest.election
    if election.status != Election.Status.COUNTING:
        raise StateConflict(
            "election: "
            + _("protocols are entered while the election is counting; %(election)s is %(status)s")
            % {"election": election, "status": election.get_status_display().lower()},
            field="contest",
        )
    ballot = frozen_ballot(contest)
    if station.pk not in ballot.station_ids:
        not_here = _("station %(station)s does not vote in %(contest)s") % {
            "station": station.number,
            "contest": contest,
        }
        raise ProtocolInvalid(
            f"contest: {not_here}",
            errors={"contest": [not_here]},
        )
    lines = ballot.lines
    _check_entry(data, lines, station, election)

    # Lock only the protocol row; the default ordering would join nullable tables. The round's
    # first entry comes with it (a second entry compares with it), checked in _second_entry.
    first_of_round = Q(entries__round=1, entries__cycle=F("cycle"))
    protocol = (
        Protocol.objects.select_for_update(of=("self",))
        .annotate(first_entry=FilteredRelation("entries", condition=first_of_round))
        .select_related("first_entry")
        .filter(station=station, contest=contest, is_active=True)
        .order_by()
        .first()
    )
    if protocol is None:
        return _first_protocol(station, contest, user, data)  # created whole: nothing to update
    protocol.station, protocol.contest = station, contest  # already loaded: no re-fetch
    if protocol.status == Status.RETURNED:
        protocol.cycle += 1
        _save_entry(protocol, user, 1, data)
        _move(protocol, Status.AWAITING_SECOND, user, "first entry")
    elif protocol.status == Status.AWAITING_SECOND:
        _second_entry(protocol, user, data, lines)
    else:
        raise StateConflict(
            "status: "
            + _(
                "the protocol of station %(station)s for %(contest)s is %(status)s; it takes "
                "no entry now"
            )
            % {
                "station": station.number,
                "contest": contest,
                "status": protocol.get_status_display().lower(),
            },
            field="status",
            status=protocol.status,
        )
    if data.scan is not None:
        protocol.scan = data.scan
    if data.remarks:
        protocol.remarks = data.remarks
    protocol.save(update_fields=SAVED_ON_ENTRY)
    return protocol


def _check_entry(
    data: EntryData, lines: list[BallotLine], station: Station, election: Election
) -> None:
    errors = entry_shape_errors(data, lines)
    if data.scan is not None:
        _check_scan(data.scan, errors)
    if not errors:
        for finding in checks.control_errors(data.numbers, data.vote_list):
            errors.setdefault(finding.field, []).append(finding.message)
    if not errors:
        signals = _warnings(data.numbers, station, election)
        if signals and not says_something(data.explanation):
            errors["explanation"] = [
                _("explain before submitting: %(warning)s") % {"warning": finding.message}
                for finding in signals
            ]
    refuse_all(errors, ProtocolInvalid)


def entry_shape_errors(data: EntryData, lines: list[BallotLine]) -> dict[str, list[str]]:
    """What makes typed figures no protocol at all, by field: a line missing or not a count, a
    ballot line missing or unknown. Fills ``data.vote_list`` (ballot order). The control
    relations are another matter: an entry must keep them, an observer's copy is taken as the
    paper says (integrity compares it)."""
    errors: dict[str, list[str]] = {}
    every_line = {name: data.numbers.get(name) for name in PROTOCOL_LINES}
    for finding in checks.missing_fields(every_line):
        errors.setdefault(finding.field, []).append(finding.message)
    for name, value in data.numbers.items():
        if value is not None and not _countable(value):
            errors.setdefault(name, []).append(
                _("%(line)s must be a whole number from 0 to %(max)s")
                % {"line": PROTOCOL_LINES[name], "max": f"{PROTOCOL_NUMBER_MAX:,}"}
            )
    positions = {line.position for line in lines}
    for position in sorted(set(data.votes) - positions):
        errors.setdefault("votes", []).append(
            _("the ballot has no line %(position)s") % {"position": position}
        )
    data.vote_list = []
    for line in lines:
        value = data.votes.get(line.position)
        if value is None or not _countable(value):
            errors.setdefault("votes", []).append(
                _("line %(position)s (%(label)s) needs a whole number of votes from 0 to %(max)s")
                % {
                    "position": line.position,
                    "label": line.label,
                    "max": f"{PROTOCOL_NUMBER_MAX:,}",
                }
            )
        else:
            data.vote_list.append(value)
    return errors


def _countable(value) -> bool:
    """A count a station's protocol can hold (bool is an int to Python, not to a clerk)."""
    return type(value) is int and 0 <= value <= PROTOCOL_NUMBER_MAX


def _check_scan(scan: UploadedFile, errors: dict[str, list[str]]) -> None:
    problems = uploads.upload_problems(scan, types=SCAN_TYPES, max_bytes=SCAN_MAX_BYTES)
    if problems:
        errors.setdefault("scan", []).extend(problems)


def _warnings(
    numbers: dict[str, int], station: Station, election: Election
) -> list[checks.Finding]:
    return checks.warnings(
        numbers,
        registered_voters=station.registered_voters,
        register_tolerance=election.register_tolerance_percent,
        invalid_percent=election.invalid_warning_percent,
    )


def _first_protocol(station: Station, contest: Contest, user, data: EntryData) -> Protocol:
    # No savepoint: on a conflict the error leaves the whole transaction, which rolls back.
    try:
        protocol = Protocol.objects.create(
            station=station,
            contest=contest,
            status=Status.AWAITING_SECOND,
            scan=data.scan or "",
            remarks=data.remarks,
        )
    except IntegrityError as exc:  # another clerk's first entry was saved a moment earlier
        raise StateConflict(
            "status: "
            + _(
                "a first entry for station %(station)s in %(contest)s was just saved; make the "
                "second entry instead"
            )
            % {"station": station.number, "contest": contest},
            field="status",
        ) from exc
    _save_entry(protocol, user, 1, data)
    _record(protocol, user, "first entry", "", Status.AWAITING_SECOND)
    return protocol


def _save_entry(protocol: Protocol, user, round_: int, data: EntryData) -> ProtocolEntry:
    try:
        return ProtocolEntry.objects.create(
            protocol=protocol,
            cycle=protocol.cycle,
            round=round_,
            user=user,
            votes={str(p): v for p, v in data.votes.items()},
            explanation=data.explanation.strip(),
            **data.numbers,
        )
    except IntegrityError as exc:  # the same round was entered by someone else just now
        raise StateConflict(
            "status: "
            + _("entry %(round)s of this protocol was just made by another clerk")
            % {"round": round_},
            field="status",
        ) from exc


def _second_entry(protocol: Protocol, user, data: EntryData, lines: list[BallotLine]) -> None:
    first = getattr(protocol, "first_entry", None)
    # Read with the lock, it is the round's only if it names the cycle the locked row has now:
    # a row that was locked by another entry is read again, the joined entry may not be.
    if first is None or first.cycle != protocol.cycle or first.round != 1:
        first = protocol.entries.get(cycle=protocol.cycle, round=1)
    if first.user_id == user.pk:
        raise NotAllowed(
            "user: "
            + _(
                "the second entry must be made by a different clerk than the first, without "
                "seeing it"
            ),
            field="user",
        )
    second = _save_entry(protocol, user, 2, data)
    if entry_differences(first, second):
        _move(protocol, Status.MISMATCH, user, "second entry")
        return
    _agree(protocol, user, "second entry", data.numbers, data.vote_list, lines, [first, second])


def entry_differences(first: ProtocolEntry, second: ProtocolEntry) -> list[str]:
    """Names of the fields (lines, or ``vote:<position>``) where two entries differ."""
    fields = [name for name in PROTOCOL_LINES if getattr(first, name) != getattr(second, name)]
    positions = sorted({*first.votes, *second.votes}, key=int)
    fields += [f"vote:{p}" for p in positions if first.votes.get(p) != second.votes.get(p)]
    return fields


def _agree(
    protocol: Protocol,
    user,
    action: str,
    numbers: dict[str, int],
    votes: list[int],
    lines: list[BallotLine],
    entries: list[ProtocolEntry],
) -> None:
    """Store agreed numbers; accept them, or hold them for review if anything looks wrong."""
    for name, value in numbers.items():
        setattr(protocol, name, value)
    protocol.votes_fingerprint = Protocol.fingerprint(votes)
    agreed = ProtocolVote.objects.bulk_create(
        ProtocolVote(protocol=protocol, ballot_line=line, votes=count)
        for line, count in zip(lines, votes, strict=True)
    )
    # What readers of protocol.votes get in this request, without reading them back.
    protocol._prefetched_objects_cache = {"votes": agreed}
    election = protocol.contest.election
    protocol.warnings = [f.as_dict() for f in _warnings(numbers, protocol.station, election)]
    protocol.flags = [
        f.as_dict()
        for f in checks.quarantine_flags(
            numbers,
            votes,
            turnout_limit=election.turnout_quarantine_percent,
            twins=_identical_neighbours(protocol, votes),
        )
    ]
    protocol.explanation = "\n".join(e.explanation for e in entries if e.explanation)
    held = protocol.warnings or protocol.flags
    _move(protocol, Status.REVIEW if held else Status.ACCEPTED, user, action)


def _identical_neighbours(protocol: Protocol, votes: list[int]) -> list[str]:
    """Station numbers in the same district whose standing votes equal these, line by line."""
    if not any(votes):
        return []
    twins = (
        Protocol.objects.filter(
            contest=protocol.contest,
            votes_fingerprint=protocol.votes_fingerprint,
            is_active=True,
            status__in=[Status.ACCEPTED, Status.REVIEW],
            station__district_id=protocol.station.district_id,
        )
        .exclude(pk=protocol.pk)
        .order_by("station__number")
    )
    return [str(number) for number in twins.values_list("station__number", flat=True)]


# --- supervisors -----------------------------------------------------------------------------


@transaction.atomic
def protocol_resolve(
    *, protocol: Protocol, user: AbstractBaseUser, choices: Mapping[str, int]
) -> Protocol:
    """Settle a mismatch by choosing, for every differing field, entry 1 or entry 2."""
    protocol = _lock_for_review(protocol, user)
    _expect(protocol, Status.MISMATCH, _("resolve a mismatch"))
    _require_not_an_author(protocol, user, _("resolve its mismatch"))
    first, second = protocol.entries.filter(cycle=protocol.cycle).order_by("round")
    differing = entry_differences(first, second)
    unsettled = [name for name in differing if choices.get(name) not in (1, 2)]
    if unsettled:
        raise ProtocolInvalid(
            "choices: "
            + _("choose entry 1 or 2 for %(fields)s") % {"fields": ", ".join(unsettled)},
            errors={name: [_("choose entry 1 or 2")] for name in unsettled},
        )
    chosen = {1: first, 2: second}
    for name in differing:
        loser = chosen[3 - choices[name]]
        loser.error_fields = [*loser.error_fields, name]
    for entry in (first, second):
        entry.save(update_fields=["error_fields"])

    def pick(name: str):
        source = chosen[choices[name]] if name in differing else first
        return source.votes[name[5:]] if name.startswith("vote:") else getattr(source, name)

    numbers = {name: pick(name) for name in PROTOCOL_LINES}
    lines = list(protocol.contest.ballot_lines.order_by("position"))
    votes = [pick(f"vote:{line.position}") for line in lines]
    errors = checks.control_errors(numbers, votes)
    if errors:
        raise ProtocolInvalid(
            "choices: "
            + _(
                "the chosen values break a control relation: %(error)s; return the protocol "
                "for re-entry instead"
            )
            % {"error": errors[0].message},
            errors={e.field: [e.message] for e in errors},
        )
    _agree(protocol, user, "mismatch resolved", numbers, votes, lines, [first, second])
    protocol.save()
    return protocol


@transaction.atomic
def protocol_accept(*, protocol: Protocol, user: AbstractBaseUser, comment: str) -> Protocol:
    """Accept a protocol held for review, with the supervisor's reasons."""
    protocol = _lock_for_review(protocol, user)
    _expect(protocol, Status.REVIEW, _("accept"))
    _require_not_an_author(protocol, user, _("accept it"))
    if not says_something(comment):
        raise ProtocolInvalid(
            "comment: say why the warnings or flags are acceptable",
            errors={"comment": ["required to accept a protocol held for review"]},
        )
    protocol.decided_by, protocol.decision_comment = user, comment.strip()
    _move(protocol, Status.ACCEPTED, user, "accepted on review", comment.strip())
    protocol.save()
    return protocol


@transaction.atomic
def protocol_return(*, protocol: Protocol, user: AbstractBaseUser, reason: str) -> Protocol:
    """Send a protocol back: both entries are set aside and it is entered twice afresh."""
    protocol = _lock_for_review(protocol, user)
    if protocol.status not in (Status.MISMATCH, Status.REVIEW):
        _expect(protocol, Status.REVIEW, _("return"))
    _require_not_an_author(protocol, user, _("return it"))
    if not says_something(reason):
        raise ProtocolInvalid(
            "reason: say why the protocol goes back", errors={"reason": ["required"]}
        )
    protocol.decided_by, protocol.decision_comment = user, reason.strip()
    _set_aside_agreement(protocol)
    _move(protocol, Status.RETURNED, user, "returned for re-entry", reason.strip())
    protocol.save()
    return protocol


def _set_aside_agreement(protocol: Protocol) -> None:
    """Forget what the returned round agreed (its entries keep it): the next round is blind,
    so nothing on the protocol may hint at what the last one typed."""
    protocol.votes.all().delete()
    for name in PROTOCOL_LINES:
        setattr(protocol, name, None)
    protocol.warnings, protocol.flags, protocol.explanation = [], [], ""
    protocol.votes_fingerprint = ""


# --- corrections -----------------------------------------------------------------------------


@transaction.atomic
def protocol_propose_correction(
    *,
    protocol: Protocol,
    user: AbstractBaseUser,
    data: EntryData,
    reason: str,
    legal_basis: str = "",
) -> Protocol:
    """Propose a new version of an accepted protocol; another supervisor must approve it.

    Once the election is certified, only a recorded legal decision (a court's, or the
    commission's on a complaint) may change a result: its reference is then required.
    """
    protocol = _lock_for_review(protocol, user)
    _expect(protocol, Status.ACCEPTED, _("correct"))
    if not says_something(reason):
        raise ProtocolInvalid(
            "reason: a correction needs its reason", errors={"reason": ["required"]}
        )
    _require_legal_basis_once_certified(protocol.contest.election, legal_basis)
    if Protocol.objects.filter(supersedes=protocol, status=Status.CORRECTION).exists():
        raise StateConflict(
            "status: " + _("a correction of this protocol is already awaiting approval")
        )
    latest = Protocol.objects.filter(station=protocol.station, contest=protocol.contest)
    lines = list(protocol.contest.ballot_lines.order_by("position"))
    data.explanation = data.explanation or reason  # the reason explains any warning
    _check_entry(data, lines, protocol.station, protocol.contest.election)
    correction = Protocol.objects.create(
        station=protocol.station,
        contest=protocol.contest,
        version=latest.aggregate(latest=Max("version"))["latest"] + 1,
        status=Status.CORRECTION,
        is_active=False,
        supersedes=protocol,
        proposed_by=user,
        reason=reason.strip(),
        legal_basis=legal_basis.strip(),
        scan=data.scan or protocol.scan,
        votes_fingerprint=Protocol.fingerprint(data.vote_list),
        **data.numbers,
    )
    ProtocolVote.objects.bulk_create(
        ProtocolVote(protocol=correction, ballot_line=line, votes=count)
        for line, count in zip(lines, data.vote_list, strict=True)
    )
    _record(correction, user, "correction proposed", "", Status.CORRECTION, reason.strip())
    return correction


@transaction.atomic
def protocol_decide_correction(
    *, correction: Protocol, user: AbstractBaseUser, approve: bool, comment: str = ""
) -> Protocol:
    """Approve (the new version stands) or reject a proposed correction."""
    correction = _lock_for_review(correction, user)
    _expect(correction, Status.CORRECTION, _("decide on a correction"))
    if correction.proposed_by_id == user.pk:
        raise NotAllowed(
            "user: "
            + _("a correction is approved by a supervisor other than the one who proposed it"),
            field="user",
        )
    if approve:  # proposed before certification, decided after: the rule of the day applies
        _require_legal_basis_once_certified(correction.contest.election, correction.legal_basis)
    correction.decided_by, correction.decision_comment = user, comment.strip()
    if not approve:
        _move(correction, Status.REJECTED, user, "correction rejected", comment)
        correction.save()
        return correction
    previous = Protocol.objects.select_for_update(of=("self",)).get(pk=correction.supersedes_id)
    previous.is_active = False
    _move(previous, Status.SUPERSEDED, user, "superseded by a correction", correction.reason)
    previous.save()  # first, so that the one-active-version constraint holds at every step
    correction.is_active = True
    _move(correction, Status.ACCEPTED, user, "correction approved", comment)
    correction.save()
    return correction


# --- shared ----------------------------------------------------------------------------------


def _require_legal_basis_once_certified(election: Election, legal_basis: str) -> None:
    if election.status == Election.Status.CERTIFIED and not says_something(legal_basis):
        raise NotAllowed(
            "legal_basis: "
            + _(
                "%(election)s is certified; its results change only by a court's or "
                "commission's decision: give its reference (body, number, date)"
            )
            % {"election": election},
            errors={"legal_basis": [_("required once the results are certified")]},
        )


def _require_not_an_author(protocol: Protocol, user, doing: str) -> None:
    """Separation of duties: whoever typed an entry of this round does not decide on it."""
    mine = protocol.entries.filter(cycle=protocol.cycle, user=user).values_list("round", flat=True)
    if typed := list(mine):
        raise NotAllowed(
            "user: "
            + _(
                "you made entry %(round)s of this protocol; a supervisor who did not type it "
                "must %(doing)s"
            )
            % {"round": typed[0], "doing": doing},
            field="user",
        )


def _lock_for_review(protocol: Protocol, user) -> Protocol:
    access.require_scope(user, protocol.station, access.REVIEW, _("review protocols of"))
    return (
        Protocol.objects.select_for_update()
        .select_related("station", "contest__election")
        .get(pk=protocol.pk)
    )


def _expect(protocol: Protocol, status: str, doing: str) -> None:
    if protocol.status != status:
        raise StateConflict(
            "status: "
            + _("cannot %(doing)s a protocol that is %(status)s")
            % {"doing": doing, "status": protocol.get_status_display().lower()},
            field="status",
            status=protocol.status,
        )


def _move(protocol: Protocol, to: str, user, action: str, reason: str = "") -> None:
    if to not in PROTOCOL_TRANSITIONS[protocol.status]:
        raise StateConflict(
            "status: "
            + _("a protocol cannot go from %(from)s to %(to)s")
            % {"from": Status(protocol.status).label, "to": Status(to).label},
            field="status",
            status=protocol.status,
        )
    _record(protocol, user, action, protocol.status, to, reason)
    protocol.status = to
    # Only once the protocol is committed: a task must never see, or miss, uncommitted data.
    # Publication then queues the totals: they count published versions only.
    if to == Status.ACCEPTED:
        transaction.on_commit(queue_publication)


def _record(
    protocol: Protocol, user, action: str, from_status: str, to: str, reason: str = ""
) -> None:
    ProtocolEvent.objects.create(
        protocol=protocol,
        user=user,
        action=action,
        from_status=from_status,
        to_status=to,
        reason=reason,
    )
    log_event(
        "protocol.status", action=action, protocol=protocol.pk, station=protocol.station_id,
        contest=protocol.contest_id, version=protocol.version, from_status=from_status,
        to_status=to, user=getattr(user, "username", None),
    )  # fmt: skip
