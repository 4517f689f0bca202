from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch

from elections.models import BallotLine, Candidate, Contest, Election
from stations.models import Station


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
