"""Benchmark: re-aggregation of the whole reference election on Postgres, every protocol accepted.

Builds the reference election in a fresh database and gives every station-contest pair an
accepted protocol written directly in bulk (the workflow itself is measured by
protocol_entry.py; here only the totals are), then times the national party list alone and
all 3,131 contests at once.
"""

import random
import time

from bench.common import django_on_fresh_postgres, load_reference_election

RUNS = 3


def accept_everything() -> int:
    """An accepted protocol with consistent numbers for every station of every contest."""
    from elections.models import BallotLine, ContestStation, Protocol, ProtocolVote

    load_reference_election(counting=False)
    lines: dict[int, list[int]] = {}
    for contest_id, line_id in BallotLine.objects.order_by("position").values_list(
        "contest_id", "pk"
    ):
        lines.setdefault(contest_id, []).append(line_id)
    rng = random.Random(2023)
    pairs = ContestStation.objects.values_list(
        "contest_id", "station_id", "station__registered_voters"
    )
    protocols, votes = [], []
    for contest_id, station_id, voters in pairs.iterator():
        issued = int(voters * rng.uniform(0.4, 0.7))
        shares = [rng.random() for _ in lines[contest_id]]
        counts = [int(issued * share / sum(shares)) for share in shares]
        protocols.append(
            Protocol(
                station_id=station_id, contest_id=contest_id, status="accepted", l1_voters=voters,
                l2_received=voters, l3_issued=issued, l3a_mobile=0, l3b_absentee=0,
                l4_cancelled=voters - issued, l5_found=issued, l6_invalid=issued - sum(counts),
                l7_valid=sum(counts),
            )
        )  # fmt: skip
        votes.append(list(zip(lines[contest_id], counts, strict=True)))
    Protocol.objects.bulk_create(protocols, batch_size=5000)
    ProtocolVote.objects.bulk_create(
        (
            ProtocolVote(protocol=protocol, ballot_line_id=line, votes=count)
            for protocol, pairs in zip(protocols, votes, strict=True)
            for line, count in pairs
        ),
        batch_size=10000,
    )
    return len(protocols)


def best_of(function) -> float:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    django_on_fresh_postgres()
    from elections.models import Contest, Election
    from elections.services.aggregation import contest_aggregate, election_aggregate

    count = accept_everything()
    election = Election.objects.get(code="kz2023")
    national = Contest.objects.get(election=election, code="mazhilis-list")
    contests = election.contests.count()
    whole = best_of(lambda: election_aggregate(election=election))
    alone = best_of(lambda: contest_aggregate(contest_id=national.pk))
    rows = [
        (f"re-aggregation of all {contests:,} contests ({count:,} protocols)", "< 2 s",
         f"{whole:.2f} s"),
        (f"the national party list alone ({national.coverage.count():,} protocols)", "< 200 ms",
         f"{alone * 1000:.0f} ms"),
    ]  # fmt: skip
    for label, target, figure in rows:
        print(f"| {label}, best of {RUNS}, Postgres | {target} | {figure} |")


if __name__ == "__main__":
    main()
