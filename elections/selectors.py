from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from elections.models import (
    BallotLine,
    Candidate,
    Contest,
    ContestStation,
    ContestTally,
    Election,
    Protocol,
    Publication,
)
from elections.seats import (
    ListSeats,
    ListVotes,
    SingleMemberOutcome,
    allocate_seats,
    single_member_outcome,
)
from stations.models import Region, Station


@dataclass(frozen=True)
class FrozenBallot:
    lines: list[BallotLine]
    station_ids: frozenset[int]


_frozen: dict[tuple[int, str], FrozenBallot] = {}


def replaced_in_the_log(protocol: str = "pk") -> Exists:
    """Whether a published version replaces the protocol at ``protocol`` (an outer reference).

    A record stands in the log until a correction's record replaces it; what stands is what
    the totals count (services.aggregation) and the public pages show (public.results).
    """
    return Exists(Publication.objects.filter(protocol__supersedes=OuterRef(protocol)))


def frozen_ballot(contest: Contest) -> FrozenBallot:
    """A contest's ballot lines and covered stations, read once per process once frozen.

    Both are frozen when the election leaves setup (services.structure refuses changes), and
    every entry needs them; the key includes the creation time, so a new contest with a reused
    id is never mistaken for an old one.
    """
    key = (contest.pk, contest.created.isoformat())
    if key in _frozen:
        return _frozen[key]
    ballot = FrozenBallot(
        lines=list(
            contest.ballot_lines.select_related("party", "candidate__party").order_by("position")
        ),
        station_ids=frozenset(contest.coverage.values_list("station_id", flat=True)),
    )
    if contest.election.ballots_frozen:
        _frozen[key] = ballot
    return ballot


def election_under_way(code: str | None = None) -> Election | None:
    """The election the day's pages, the dashboard and the results show: the one named by
    ``code``, else the latest whose day has begun; never one still in setup."""
    begun = Election.objects.exclude(status=Election.Status.SETUP)
    if code:
        return begun.filter(code=code).first()
    return begun.order_by("-date", "-pk").first()


def election_counts(election: Election) -> dict[str, int]:
    """What an election holds, for command summaries and checks."""
    contests = election.contests.all()
    by_body_kind = {
        (row["body"], row["kind"]): row["n"]
        for row in contests.values("body", "kind").annotate(n=Count("pk"))
    }
    return {
        "contests": contests.count(),
        "mazhilis_list": by_body_kind.get((Contest.Body.MAZHILIS, Contest.Kind.PARTY_LIST), 0),
        "mazhilis_smd": by_body_kind.get((Contest.Body.MAZHILIS, Contest.Kind.SINGLE_MEMBER), 0),
        "regional_list": by_body_kind.get(
            (Contest.Body.REGIONAL_MASLIKHAT, Contest.Kind.PARTY_LIST), 0
        ),
        "regional_smd": by_body_kind.get(
            (Contest.Body.REGIONAL_MASLIKHAT, Contest.Kind.SINGLE_MEMBER), 0
        ),
        "local_smd": by_body_kind.get(
            (Contest.Body.LOCAL_MASLIKHAT, Contest.Kind.SINGLE_MEMBER), 0
        ),
        "local_bodies": contests.filter(body=Contest.Body.LOCAL_MASLIKHAT)
        .values("district")
        .distinct()
        .count(),
        "candidates": Candidate.objects.filter(election=election).count(),
        "self_nominated": Candidate.objects.filter(election=election, party=None).count(),
        "parties": election.parties.count(),
    }


# The order a voter meets the ballots: national first, then regional, then local; lists first.
BALLOT_ORDER = {
    (Contest.Body.MAZHILIS, Contest.Kind.PARTY_LIST): 1,
    (Contest.Body.MAZHILIS, Contest.Kind.SINGLE_MEMBER): 2,
    (Contest.Body.REGIONAL_MASLIKHAT, Contest.Kind.PARTY_LIST): 3,
    (Contest.Body.REGIONAL_MASLIKHAT, Contest.Kind.SINGLE_MEMBER): 4,
    (Contest.Body.LOCAL_MASLIKHAT, Contest.Kind.SINGLE_MEMBER): 5,
}


@dataclass
class StationElection:
    """One election as seen from one station: its hours there and the ballots its voters get."""

    election: Election
    opens: datetime
    closes: datetime
    contests: list[Contest]


def station_ballots(station: Station) -> list[StationElection]:
    """Every election the station takes part in, newest first, with its ballots in order."""
    contests = (
        Contest.objects.for_station(station)
        .select_related("election", "region", "district")
        .prefetch_related(
            Prefetch(
                "ballot_lines",
                queryset=BallotLine.objects.select_related("party", "candidate__party"),
            )
        )
    )
    by_election: dict[int, StationElection] = {}
    for contest in sorted(contests, key=lambda c: (BALLOT_ORDER[(c.body, c.kind)], c.number)):
        election = contest.election
        if election.pk not in by_election:
            opens, closes = station.polling_hours(
                election.date, opens=election.opens_at, closes=election.closes_at
            )
            by_election[election.pk] = StationElection(election, opens, closes, [])
        by_election[election.pk].contests.append(contest)
    return sorted(by_election.values(), key=lambda item: item.election.date, reverse=True)


@dataclass
class EntryChoice:
    contest: Contest
    protocol: Protocol | None


def contests_for_entry(station: Station) -> list[EntryChoice]:
    """The station's contests in elections being counted, each with its current protocol."""
    contests = Contest.objects.for_station(station).filter(
        election__status=Election.Status.COUNTING
    )
    protocols = {
        p.contest_id: p
        for p in Protocol.objects.filter(station=station, is_active=True, contest__in=contests)
    }
    ordered = sorted(contests, key=lambda c: (BALLOT_ORDER[(c.body, c.kind)], c.number))
    return [EntryChoice(contest, protocols.get(contest.pk)) for contest in ordered]


@dataclass
class ProgressRow:
    area: Region | Contest
    expected: int = 0
    received: int = 0
    awaiting_second: int = 0
    mismatch: int = 0
    review: int = 0
    quarantined: int = 0
    accepted: int = 0

    @property
    def outstanding(self) -> int:
        return self.expected - self.accepted


def protocol_progress(
    election: Election, stations: QuerySet[Station], *, by: str = "region"
) -> list[ProgressRow]:
    """Per region (or per contest): protocols expected, received, held and accepted."""
    key = {"region": "station__region", "contest": "contest"}[by]
    areas = Region.objects.all() if by == "region" else Contest.objects.filter(election=election)
    rows = {area.pk: ProgressRow(area) for area in areas}
    expected = (
        ContestStation.objects.filter(election=election, station__in=stations)
        .values(key)
        .annotate(n=Count("pk"))
    )
    for row in expected:
        rows[row[key]].expected = row["n"]
    active = Protocol.objects.filter(
        contest__election=election, is_active=True, station__in=stations
    )
    for row in active.values(key, "status").annotate(
        n=Count("pk"), flagged=Count("pk", filter=~Q(flags=[]))
    ):
        target = rows[row[key]]
        target.received += row["n"]
        status = row["status"]
        if status == Protocol.Status.REVIEW:
            target.quarantined += row["flagged"]
        if hasattr(target, status):
            setattr(target, status, getattr(target, status) + row["n"])
    return [row for row in rows.values() if row.expected]


@dataclass
class ContestResult:
    """A contest's result from its current totals: provisional until the election is certified."""

    contest: Contest
    provisional: bool
    stations_expected: int
    stations_accepted: int
    seats: list[ListSeats] | None  # party lists
    outcome: SingleMemberOutcome | None  # single-member districts


def contest_result(contest: Contest) -> ContestResult | None:
    """Seats or the winner from the contest's nation tally; None before anything is counted."""
    tally = contest.tallies.filter(level=ContestTally.Level.NATION).first()
    if tally is None:
        return None
    votes = {int(line): count for line, count in tally.votes.items()}
    lines = frozen_ballot(contest).lines
    against_all = sum(votes.get(line.pk, 0) for line in lines if line.is_against_all)
    seats = outcome = None
    if contest.kind == Contest.Kind.PARTY_LIST:
        seats = allocate_seats(
            lists=[
                ListVotes(
                    name=line.party.short_name,
                    votes=votes.get(line.pk, 0),
                    order=line.party.registration_order,
                )
                for line in lines
                if line.party_id
            ],
            against_all=against_all,
            seats=contest.seats,
            threshold_percent=contest.threshold_percent,
            method=contest.seat_method,
        )
    else:
        outcome = single_member_outcome(
            candidates=[
                (line.candidate.full_name, votes.get(line.pk, 0))
                for line in lines
                if line.candidate_id
            ],
            against_all=against_all,
            against_all_elects_nobody=contest.against_all_rule
            == Contest.AgainstAllRule.REPEAT_ELECTION,
        )
    return ContestResult(
        contest=contest,
        provisional=contest.election.status != Election.Status.CERTIFIED,
        stations_expected=tally.stations_expected,
        stations_accepted=tally.stations_accepted,
        seats=seats,
        outcome=outcome,
    )


def election_stations(election: Election) -> QuerySet[Station]:
    return Station.objects.filter(
        pk__in=ContestStation.objects.filter(election=election).values("station_id")
    )
