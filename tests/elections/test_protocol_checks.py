from decimal import Decimal

import pytest

from elections.checks import control_errors, quarantine_flags, warnings
from tests.elections.conftest import good_numbers


def numbers(**changes) -> tuple[dict, list[int]]:
    data = good_numbers(**changes)
    return data.numbers, [data.votes[p] for p in sorted(data.votes)]


def test_a_consistent_protocol_passes_every_check():
    assert control_errors(*numbers()) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"l2_received": 1200, "l4_cancelled": 250, "l3_issued": 600},
         "Ballots received (1,200) must equal issued (600) + cancelled (250) = 850"),
        ({"l6_invalid": 20},
         "Ballots found (600) must equal invalid (20) + valid (590) = 610"),
        ({"vote_1": 401},
         "Valid ballots (590) must equal the votes of all lines (401 + 150 + 40) = 591"),
        ({"l1_voters": 500},
         "Ballots issued (600) cannot exceed voters on the list (500)"),
        ({"l3a_mobile": 601},
         "Issued outside the premises (601) cannot exceed ballots issued (600)"),
        ({"l3b_absentee": 700},
         "Issued with an absentee certificate (700) cannot exceed ballots issued (600)"),
    ],
)  # fmt: skip
def test_each_control_relation_names_itself_and_shows_the_arithmetic(changes, message):
    assert [e.message for e in control_errors(*numbers(**changes))] == [message]


def check_warnings(registered=1000, **changes):
    n, _ = numbers(**changes)
    return [
        w.code
        for w in warnings(
            n,
            registered_voters=registered,
            register_tolerance=Decimal(5),
            invalid_percent=Decimal(3),
        )
    ]


def test_warnings_need_explaining_but_do_not_block():
    assert check_warnings() == []
    assert check_warnings(l5_found=598, l7_valid=588, vote_1=398) == ["found_differs_from_issued"]
    assert check_warnings(l6_invalid=18, l7_valid=582, vote_1=392) == ["many_invalid"]
    assert check_warnings(registered=1100) == ["list_differs_from_register"]
    assert check_warnings(registered=1050) == []  # within 5 %


def flags(twins=(), **changes):
    n, votes = numbers(**changes)
    return [
        f.code for f in quarantine_flags(n, votes, turnout_limit=Decimal(95), twins=list(twins))
    ]


def test_quarantine_flags():
    assert flags() == []
    assert flags(l5_found=610, l6_invalid=20) == ["more_found_than_issued"]
    assert flags(l1_voters=620) == ["turnout_over_limit"]
    zero = dict.fromkeys(good_numbers().numbers, 0)
    assert flags(**zero, vote_1=0, vote_2=0, vote_3=0) == ["all_zero"]
    assert flags(twins=["102"]) == ["identical_votes"]
