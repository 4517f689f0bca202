"""Properties that must hold for every input, not just the examples: hypothesis searches for a
counter-example to each (and shrinks any it finds to the smallest)."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elections.checks import control_errors
from elections.models import ContestTally, Protocol
from elections.seats import DHONDT, HARE, SAINTE_LAGUE, ListVotes, allocate_seats
from elections.services.aggregation import (
    contest_aggregate,
    contest_progress_count,
    totals_differences,
)
from elections.services.protocols import protocol_decide_correction, protocol_propose_correction
from elections.services.publication import chain_problems, protocols_publish
from tests.elections.conftest import good_numbers


@st.composite
def consistent_protocols(draw):
    """A protocol whose every control relation holds, and its votes."""
    voters = draw(st.integers(0, 5_000))
    issued = draw(st.integers(0, voters))
    votes = draw(st.lists(st.integers(0, 2_000), min_size=2, max_size=12))
    valid = sum(votes)
    numbers = {
        "l1_voters": max(voters, issued), "l2_received": issued + draw(st.integers(0, 500)),
        "l3_issued": issued, "l3a_mobile": draw(st.integers(0, issued)),
        "l3b_absentee": draw(st.integers(0, issued)), "l5_found": 0, "l6_invalid": 0,
        "l7_valid": valid,
    }  # fmt: skip
    numbers["l4_cancelled"] = numbers["l2_received"] - issued
    numbers["l6_invalid"] = draw(st.integers(0, 300))
    numbers["l5_found"] = numbers["l6_invalid"] + valid
    return numbers, votes


@given(consistent_protocols())
def test_a_consistent_protocol_passes_every_control_relation(protocol):
    numbers, votes = protocol
    assert control_errors(numbers, votes) == []


@given(
    consistent_protocols(),
    st.sampled_from(["l2_received", "l4_cancelled", "l5_found", "l6_invalid", "l7_valid"]),
    st.integers(1, 1_000),
)
def test_changing_any_balanced_line_alone_breaks_a_relation_that_names_a_line(
    protocol, line, change
):
    numbers, votes = protocol
    numbers = {**numbers, line: numbers[line] + change}

    errors = control_errors(numbers, votes)

    assert errors and all(error.field in numbers for error in errors)


lists_of_votes = st.lists(st.integers(0, 1_000_000), min_size=1, max_size=10)
methods = st.sampled_from([HARE, DHONDT, SAINTE_LAGUE])


def allocate(votes: list[int], seats: int, method: str, against_all: int = 0, threshold=5):
    lists = [ListVotes(name=f"L{i}", votes=v, order=i) for i, v in enumerate(votes)]
    return allocate_seats(
        lists=lists, against_all=against_all, seats=seats,
        threshold_percent=Decimal(threshold), method=method,
    )  # fmt: skip


@given(lists_of_votes, st.integers(0, 120), methods, st.integers(0, 100_000))
def test_seats_sum_to_the_total_once_a_list_passes_and_only_passing_lists_win(
    votes, seats, method, against_all
):
    result = allocate(votes, seats, method, against_all)

    passed = [row for row in result if row.passed]
    assert sum(row.seats for row in result) == (seats if passed else 0)
    assert all(row.seats == 0 for row in result if not row.passed)
    base = sum(votes) + against_all
    assert all((row.votes * 100 >= 5 * base) == row.passed for row in result if base)


@given(lists_of_votes, st.integers(1, 120), methods, st.data())
def test_more_votes_never_cost_a_list_a_seat(votes, seats, method, data):
    """Monotonicity: a list that gains votes while the others stand still keeps its seats."""
    index = data.draw(st.integers(0, len(votes) - 1))
    gain = data.draw(st.integers(1, 100_000))
    before = allocate(votes, seats, method)[index]
    after = allocate([v + gain if i == index else v for i, v in enumerate(votes)], seats, method)

    assert after[index].seats >= before.seats


# --- totals under any order of acceptances, corrections, publications and rebuilds ------------

# One step of a night: accept or correct a station's protocol (votes for the first two ballot
# lines; the third takes the rest of 590 valid ballots), publish a batch of at most so many
# pending records (the incremental totals), or rebuild the totals from scratch.
steps = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(["enter"]), st.integers(0, 1), st.integers(0, 145), st.integers(0, 290)
        ),  # fmt: skip
        st.tuples(st.sampled_from(["publish"]), st.integers(1, 3)),
        st.tuples(st.sampled_from(["rebuild"])),
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps)
def test_incremental_totals_equal_the_rebuild_whatever_the_order(night, steps):
    stations = [night.station, night.neighbour]
    with transaction.atomic():
        standing: dict[int, tuple[int, int, int]] = {}  # station index → votes of its version
        for step in steps:
            if step[0] == "publish":
                protocols_publish(limit=step[1])  # may split a correction from its original
            elif step[0] == "rebuild":
                contest_aggregate(contest_id=night.contest.pk)
            else:
                _, index, first, second = step
                # Odd and even first lines: neighbours never look identical (that quarantines).
                votes = (first * 2 + index, second, 590 - first * 2 - index - second)
                _enter(night, stations[index], votes, correcting=index in standing)
                standing[index] = votes
            # At every step, not just the last: what the log's batches added is the recount.
            contest_progress_count(contest_id=night.contest.pk)
            assert totals_differences([night.contest]) == []
        while protocols_publish(limit=2):
            pass

        tally = ContestTally.objects.get(contest=night.contest, area="nation")
        lines = night.contest.ballot_lines.order_by("position")
        assert [tally.votes.get(str(line.pk), 0) for line in lines] == [
            sum(votes[n] for votes in standing.values()) for n in range(3)
        ]
        assert tally.stations_accepted == len(standing)
        contest_progress_count(contest_id=night.contest.pk)
        assert chain_problems() == [] and totals_differences([night.contest]) == []
        transaction.set_rollback(True)


def _enter(night, station, votes, *, correcting: bool) -> None:
    data = good_numbers(vote_1=votes[0], vote_2=votes[1], vote_3=votes[2])
    if not correcting:
        night.accept(station, data)
        return
    current = Protocol.objects.get(station=station, contest=night.contest, is_active=True)
    correction = protocol_propose_correction(
        protocol=current, user=night.supervisor, data=data, reason="recount"
    )
    protocol_decide_correction(correction=correction, user=night.supervisor2, approve=True)
