"""Services that shape an election: its status, its contests' coverage, ballots and lists."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from common.events import log_event
from common.public_cache import results_changed
from elections.models import (
    ELECTION_TRANSITIONS,
    BallotLine,
    Candidate,
    Contest,
    ContestStation,
    Election,
    ElectionStatusChange,
    Party,
    PartyList,
    PartyListEntry,
)
from stations.models import Station

QUOTA_PERCENT = 30  # docs/rules.md: women, under-29s and persons with disabilities together


class ElectionStatusError(ApplicationError):
    pass


class BallotError(ApplicationError):
    pass


class CoverageError(ApplicationError):
    pass


class PartyListError(ApplicationError):
    pass


def _status(value: str) -> str:
    """An election status as a sentence names it, in the reader's language (a value that is no
    status, as a caller typed it)."""
    try:
        return str(Election.Status(value).label).lower()
    except ValueError:
        return value


@transaction.atomic
def election_change_status(
    *, election: Election, to_status: str, user: AbstractBaseUser | None, reason: str = ""
) -> Election:
    """Move an election to its next status and record who did it and why."""
    # Lock the row so that two commissioners pressing the button at once make one move.
    election = Election.objects.select_for_update().get(pk=election.pk)
    allowed = ELECTION_TRANSITIONS[election.status]
    if to_status not in allowed:
        names = ", ".join(_status(s) for s in sorted(allowed)) or _("none: it is final")
        raise ElectionStatusError(
            "status: "
            + _("an election in %(status)s cannot move to %(to)s; allowed: %(allowed)s")
            % {"status": _status(election.status), "to": _status(to_status), "allowed": names},
            field="status",
            **{"from": election.status, "to": to_status},
        )
    ElectionStatusChange.objects.create(
        election=election,
        from_status=election.status,
        to_status=to_status,
        user=user,
        reason=reason,
    )
    log_event(
        "election.status", election=election.code, from_status=election.status,
        to_status=to_status, user=getattr(user, "username", None), reason=reason,
    )  # fmt: skip
    election.status = to_status
    election.save(update_fields=["status", "updated"])
    transaction.on_commit(results_changed)  # e.g. certified: the results are no longer provisional
    return election


def _refuse_if_frozen(contest: Contest) -> None:
    if contest.election.ballots_frozen:
        raise BallotError(
            "ballot: "
            + _("%(election)s is in %(status)s; ballots are frozen once an election leaves setup")
            % {"election": contest.election, "status": _status(contest.election.status)},
            field="ballot_lines",
            status=contest.election.status,
        )


@transaction.atomic
def contest_cover_stations(*, contest: Contest, stations: Iterable[Station]) -> int:
    """Add stations to a contest; refuse one already in another contest of this body and kind."""
    _refuse_if_frozen(contest)
    already = set(contest.coverage.values_list("station_id", flat=True))
    new = [station for station in stations if station.pk not in already]
    clash = (
        ContestStation.objects.filter(
            election_id=contest.election_id, body=contest.body, kind=contest.kind, station__in=new
        )
        .select_related("contest", "station")
        .first()
    )
    if clash:
        raise CoverageError(
            "stations: "
            + _(
                "%(station)s is already in %(contest)s; a station votes in at most one contest "
                "of each body and kind"
            )
            % {"station": clash.station, "contest": clash.contest},
            field="stations",
            station=clash.station_id,
            contest=clash.contest_id,
        )
    rows = [
        ContestStation(
            contest=contest,
            station=station,
            election_id=contest.election_id,
            body=contest.body,
            kind=contest.kind,
        )
        for station in new
    ]
    try:
        with transaction.atomic():
            created = ContestStation.objects.bulk_create(rows, batch_size=2000)
    except IntegrityError as exc:  # a concurrent change covered one of these stations first
        raise CoverageError(f"stations: {exc}", field="stations") from exc
    return len(created)


@transaction.atomic
def ballot_lines_set(*, contest: Contest, choices: Sequence[Party | Candidate]) -> list[BallotLine]:
    """Replace a contest's ballot with these parties or candidates, then "Against all", last."""
    _refuse_if_frozen(contest)
    expected = Party if contest.kind == Contest.Kind.PARTY_LIST else Candidate
    for position, choice in enumerate(choices, start=1):
        if not isinstance(choice, expected):
            raise BallotError(
                "ballot_lines: "
                + _("line %(position)s is %(choice)s; a %(kind)s ballot lists %(expected)s")
                % {
                    "position": position,
                    "choice": choice,
                    "kind": contest.get_kind_display(),
                    "expected": expected._meta.verbose_name_plural,
                },
                field="ballot_lines",
                position=position,
            )
        if choice.election_id != contest.election_id or (
            isinstance(choice, Candidate) and choice.contest_id != contest.pk
        ):
            raise BallotError(
                "ballot_lines: "
                + _("%(choice)s is not registered in %(contest)s")
                % {"choice": choice, "contest": contest},
                field="ballot_lines",
                position=position,
            )
    if len(set(choices)) != len(choices):
        raise BallotError(
            "ballot_lines: " + _("a party or candidate appears twice"), field="ballot_lines"
        )
    contest.ballot_lines.all().delete()
    lines = [
        BallotLine(contest=contest, position=position, **{expected.__name__.lower(): choice})
        for position, choice in enumerate(choices, start=1)
    ]
    lines.append(BallotLine(contest=contest, position=len(choices) + 1, is_against_all=True))
    return BallotLine.objects.bulk_create(lines)


@dataclass(frozen=True)
class Quota:
    """How many of a list's candidates count for the quota (docs/rules.md, "Party lists")."""

    counted: int
    total: int

    @property
    def needed(self) -> int:
        return -(-self.total * QUOTA_PERCENT // 100)  # ceiling of 30 %

    @property
    def share(self) -> float:
        return 100 * self.counted / self.total if self.total else 0

    @property
    def sentence(self) -> str:
        return _(
            "%(counted)s of %(total)s candidates (%(share)s %%) are women, under 29 or "
            "persons with disabilities"
        ) % {"counted": self.counted, "total": self.total, "share": f"{self.share:.1f}"}


def list_quota(candidates: Iterable[Candidate], election_day: date) -> Quota:
    """Count a list's candidates for the quota; the service's check and the admin both read it."""
    candidates = list(candidates)
    return Quota(sum(1 for c in candidates if c.counts_for_quota(election_day)), len(candidates))


def party_list_problems(
    *,
    seats: int,
    max_length: int,
    election_day: date,
    party: Party,
    candidates: Sequence[Candidate],
) -> list[str]:
    """Return every rule a party list breaks (docs/rules.md, "Party lists"), naming the numbers."""
    problems = []
    if len(candidates) > max_length:
        problems.append(
            "length: "
            + _("the list has %(names)s names; at most %(max)s are allowed (%(seats)s seats × 1.3)")
            % {"names": len(candidates), "max": max_length, "seats": seats}
        )
    seen: dict[int, int] = {}
    for position, candidate in enumerate(candidates, start=1):
        if candidate.pk in seen:
            problems.append(
                "duplicate: "
                + _("%(candidate)s is at positions %(first)s and %(second)s")
                % {"candidate": candidate, "first": seen[candidate.pk], "second": position}
            )
        seen.setdefault(candidate.pk, position)
        if candidate.party_id != party.pk:
            problems.append(
                "membership: "
                + _("%(candidate)s (position %(position)s) is not on %(party)s's roll")
                % {"candidate": candidate, "position": position, "party": party}
            )
    quota = list_quota(candidates, election_day)
    if quota.counted < quota.needed:
        problems.append(
            "quota: "
            + _("%(quota)s; at least %(percent)s %% (%(needed)s) are required")
            % {"quota": quota.sentence, "percent": QUOTA_PERCENT, "needed": quota.needed}
        )
    return problems


@transaction.atomic
def party_list_set(*, contest: Contest, party: Party, candidates: Sequence[Candidate]) -> PartyList:
    """Register a party's list in a party-list contest, in order, if it meets every rule."""
    _refuse_if_frozen(contest)
    if contest.kind != Contest.Kind.PARTY_LIST:
        raise PartyListError(
            "contest: " + _("%(contest)s is not a party-list contest") % {"contest": contest},
            field="contest",
        )
    problems = party_list_problems(
        seats=contest.seats,
        max_length=contest.max_list_length,
        election_day=contest.election.date,
        party=party,
        candidates=candidates,
    )
    if problems:
        raise PartyListError(
            "; ".join(problems),
            field="list_entries",
            errors={"list_entries": problems},
            problems=problems,
        )
    party_list, _created = PartyList.objects.get_or_create(contest=contest, party=party)
    party_list.entries.all().delete()
    PartyListEntry.objects.bulk_create(
        PartyListEntry(party_list=party_list, position=position, candidate=candidate)
        for position, candidate in enumerate(candidates, start=1)
    )
    return party_list
