"""Seat allocation (docs/rules.md, "Seat allocation"): pure functions of the vote counts.

Exact integer and fraction arithmetic throughout, so that a remainder or a quotient never ties
or differs by a rounding error. Ties go to the list registered earlier.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from common.errors import ApplicationError

HARE, DHONDT, SAINTE_LAGUE = "hare", "dhondt", "sainte_lague"
METHODS = (HARE, DHONDT, SAINTE_LAGUE)


class SeatAllocationError(ApplicationError):
    pass


@dataclass(frozen=True)
class ListVotes:
    name: str
    votes: int
    order: int  # registration order: the earlier list wins a tie


@dataclass(frozen=True)
class ListSeats:
    name: str
    votes: int
    percent: Decimal  # of the valid ballots including "Against all", two decimals
    passed: bool
    seats: int


def allocate_seats(
    *,
    lists: Sequence[ListVotes],
    against_all: int,
    seats: int,
    threshold_percent: Decimal,
    method: str = HARE,
) -> list[ListSeats]:
    """Share ``seats`` between the lists at or over the threshold, in the order given.

    The threshold base is every valid ballot: all lists plus "Against all", which never wins a
    seat. If no list passes, no seat is allocated.
    """
    if method not in METHODS:
        raise SeatAllocationError(
            "method: "
            + _("unknown seat method %(method)s; use %(methods)s")
            % {"method": repr(method), "methods": ", ".join(METHODS)}
        )
    if seats < 0 or against_all < 0 or any(item.votes < 0 for item in lists):
        raise SeatAllocationError("votes: " + _("seats and votes are whole numbers ≥ 0"))
    base = sum(item.votes for item in lists) + against_all
    passed = [item for item in lists if base and item.votes * 100 >= threshold_percent * base]
    won = _SHARE[method](passed, seats) if passed and seats else {}
    return [
        ListSeats(
            name=item.name,
            votes=item.votes,
            percent=_percent(item.votes, base),
            passed=item in passed,
            seats=won.get(item.name, 0),
        )
        for item in lists
    ]


def _percent(votes: int, base: int) -> Decimal:
    if not base:
        return Decimal("0.00")
    return (Decimal(votes) * 100 / base).quantize(Decimal("0.01"))


def _hare(lists: list[ListVotes], seats: int) -> dict[str, int]:
    """Hare quota = qualifying votes ÷ seats; whole quotas first, then largest remainders."""
    total = sum(item.votes for item in lists)
    if not total:
        return {}
    # votes ÷ quota = votes × seats ÷ total: compare remainders over the same denominator.
    won = {item.name: item.votes * seats // total for item in lists}
    by_remainder = sorted(lists, key=lambda item: (-(item.votes * seats % total), item.order))
    for item in by_remainder[: seats - sum(won.values())]:
        won[item.name] += 1
    return won


def _highest_averages(first_divisor: int, step: int):
    def share(lists: list[ListVotes], seats: int) -> dict[str, int]:
        won = {item.name: 0 for item in lists}
        for _round in range(seats):
            best = max(
                lists,
                key=lambda item: (
                    Fraction(item.votes, first_divisor + step * won[item.name]),
                    -item.order,
                ),
            )
            won[best.name] += 1
        return won

    return share


_SHARE = {
    HARE: _hare,
    DHONDT: _highest_averages(1, 1),  # divisors 1, 2, 3, …
    SAINTE_LAGUE: _highest_averages(1, 2),  # divisors 1, 3, 5, …
}


@dataclass(frozen=True)
class SingleMemberOutcome:
    """A plurality contest's result: the winner, or why there is none."""

    leaders: list[str]  # the candidates with the most votes (more than one: a tie)
    leading_votes: int
    against_all_leads: bool
    winner: str | None


def single_member_outcome(
    *, candidates: Sequence[tuple[str, int]], against_all: int, against_all_elects_nobody: bool
) -> SingleMemberOutcome:
    """Plurality, no run-off. A tie is reported as a tie, never broken here.

    When "Against all" has more votes than every candidate, the contest's setting decides:
    nobody is elected (a repeat election) or the leading candidate is.
    """
    top = max((votes for _, votes in candidates), default=0)
    leaders = [name for name, votes in candidates if votes == top] if top else []
    against_leads = against_all > top
    if (against_leads and against_all_elects_nobody) or len(leaders) != 1:
        winner = None
    else:
        winner = leaders[0]
    return SingleMemberOutcome(leaders, top, against_leads, winner)
