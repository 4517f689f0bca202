"""Benchmark: the log and the totals on Postgres, every protocol of the night accepted.

Builds the reference election in a fresh database, moves it to counting, and gives every
station-contest pair an accepted protocol written directly in bulk (the workflow itself is
measured by protocol_entry.py). Then, each beside the plainest way of doing the same work in the
same run:
- the whole backlog appended to the log by `protocols_publish()` in one process, with the
  incremental totals in each batch's transaction — against a COPY of the same rows into a
  table shaped like the log;
- the full rebuild of all contests' totals, and of the national party list alone — against one
  SQL GROUP BY over the same standing records' votes.
Every figure is printed only after the bench has checked what it measured: every protocol in
the log and the chain whole, every contest's totals equal to the sums of the protocols written,
before and after the rebuild. A failed check exits non-zero.
"""

import random
import sys
import time
from collections import defaultdict

from bench.common import (
    Rows,
    best_of,
    check,
    copy_again,
    django_on_fresh_postgres,
    load_reference_election,
)

RUNS = 3


def accept_everything() -> dict[int, dict[int, int]]:
    """An accepted protocol with consistent numbers for every station of every contest;
    returns what was written: each contest's votes per ballot line."""
    from elections.models import BallotLine, ContestStation, Protocol, ProtocolVote

    lines: dict[int, list[int]] = defaultdict(list)
    for contest_id, line_id in BallotLine.objects.order_by("position").values_list(
        "contest_id", "pk"
    ):
        lines[contest_id].append(line_id)
    rng = random.Random(2023)
    pairs = ContestStation.objects.values_list(
        "contest_id", "station_id", "station__registered_voters"
    )
    protocols, votes = [], []
    written: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for contest_id, station_id, voters in pairs.iterator():
        issued = int(voters * rng.uniform(0.4, 0.7))
        shares = [rng.random() for _ in lines[contest_id]]
        counts = [int(issued * share / sum(shares)) for share in shares]
        protocols.append(
            Protocol(
                station_id=station_id, contest_id=contest_id, status="review", l1_voters=voters,
                l2_received=voters, l3_issued=issued, l3a_mobile=0, l3b_absentee=0,
                l4_cancelled=voters - issued, l5_found=issued, l6_invalid=issued - sum(counts),
                l7_valid=sum(counts),
            )
        )  # fmt: skip
        votes.append(list(zip(lines[contest_id], counts, strict=True)))
        for line, count in votes[-1]:
            written[contest_id][line] += count
    Protocol.objects.bulk_create(protocols, batch_size=5000)
    ProtocolVote.objects.bulk_create(
        (
            ProtocolVote(protocol=protocol, ballot_line_id=line, votes=count)
            for protocol, pairs in zip(protocols, votes, strict=True)
            for line, count in pairs
        ),
        batch_size=10000,
    )
    # Accepted once their votes are in: the database refuses votes for a settled version.
    Protocol.objects.filter(status="review").update(status="accepted")
    return written


def totals_match(written: dict[int, dict[int, int]], stations: dict[int, int]) -> None:
    """Every contest's national tally holds exactly the votes and stations written."""
    from elections.models import ContestTally

    tallies = ContestTally.objects.filter(area="nation").values_list(
        "contest_id", "votes", "stations_accepted"
    )
    stored = {contest: (votes, accepted) for contest, votes, accepted in tallies}
    check(set(stored) == set(written), f"{len(written) - len(stored)} contests have no tally")
    for contest_id, votes in written.items():
        want = ({str(line): count for line, count in votes.items()}, stations[contest_id])
        check(stored[contest_id] == want, f"contest {contest_id}: totals differ from the protocols")


def publish_backlog(expected: int) -> float:
    """Drain the log's backlog as the worker does, batch after batch; returns the seconds."""
    from elections.services.publication import chain_problems, protocols_publish

    started, published = time.perf_counter(), 0
    while batch := protocols_publish():
        published += len(batch)
    elapsed = time.perf_counter() - started
    check(published == expected, f"published {published:,} of {expected:,} accepted protocols")
    check(chain_problems() == [], "the chain has breaks")
    return elapsed


# The plainest recount: one GROUP BY over the standing records' votes (no region or district
# rows, no station counts), which the rebuild has to do and more.
PLAIN_GROUP_BY = """
    SELECT p.contest_id, v.ballot_line_id, sum(v.votes)
    FROM elections_protocolvote v
    JOIN elections_protocol p ON p.id = v.protocol_id
    JOIN elections_publication pub ON pub.protocol_id = p.id
    WHERE p.is_active {contest}
    GROUP BY p.contest_id, v.ballot_line_id
"""


def analyze() -> None:
    """Give the planner statistics, as autovacuum would: the bench writes tens of thousands of
    rows and measures straight after, and a server with autovacuum off (this one) would plan
    every query, the plain GROUP BY included, for nearly empty tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def plain_group_by(contest_id: int | None = None) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            PLAIN_GROUP_BY.format(contest="AND p.contest_id = %s" if contest_id else ""),
            [contest_id] if contest_id else [],
        )
        return cursor.fetchall()


def main() -> None:
    django_on_fresh_postgres()
    from django.db.models import Count

    from elections.models import Contest, ContestStation, Protocol
    from elections.services.aggregation import contest_aggregate, election_aggregate

    election = load_reference_election(counting=True)
    written = accept_everything()
    analyze()
    stations = dict(
        ContestStation.objects.values_list("contest_id").annotate(n=Count("pk")).order_by()
    )
    count = Protocol.objects.count()
    rows = Rows()

    publishing = publish_backlog(count)
    totals_match(written, stations)  # the incremental totals, batch after batch
    copying, copied = copy_again(["elections_publication"])
    check(copied == count, "the COPY lost rows")
    rows.add(
        f"the night's backlog into the log ({count:,} records, batches of 1,000, totals "
        "included), one process", "≥ 1,000 records/s",
        f"{count / publishing:,.0f} records/s ({publishing:.1f} s)",
        "COPY of the same rows", publishing / copying,
    )  # fmt: skip

    analyze()  # the log is 48,000 records longer
    national = Contest.objects.get(election=election, code="mazhilis-list")
    contests = election.contests.count()
    plain_rows = plain_group_by()
    check(
        sum(votes for *_, votes in plain_rows) == sum(sum(v.values()) for v in written.values()),
        "the plain GROUP BY disagrees with the protocols written",
    )
    whole = best_of(RUNS, lambda: election_aggregate(election=election))
    totals_match(written, stations)  # the rebuild gives the same totals
    plain = best_of(RUNS, plain_group_by)
    alone = best_of(RUNS, lambda: contest_aggregate(contest_id=national.pk))
    plain_alone = best_of(RUNS, lambda: plain_group_by(national.pk))
    totals_match(written, stations)
    rows.add(
        f"full rebuild of all {contests:,} contests' totals ({count:,} records), best of {RUNS}",
        "< 2 s, ≤ 3× plain", f"{whole:.2f} s", "one SQL GROUP BY", whole / plain,
    )  # fmt: skip
    rows.add(
        f"full rebuild of the national party list ({stations[national.pk]:,} records), "
        f"best of {RUNS}", "< 200 ms", f"{alone * 1000:.0f} ms", "one SQL GROUP BY",
        alone / plain_alone,
    )  # fmt: skip
    rows.print("Postgres")


if __name__ == "__main__":
    sys.exit(main())
