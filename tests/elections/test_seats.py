import csv
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from elections.seats import ListVotes, allocate_seats, single_member_outcome
from stations.reference import load_dataset


def lists(*votes: int) -> list[ListVotes]:
    return [ListVotes(name=chr(65 + i), votes=v, order=i) for i, v in enumerate(votes)]


def seats(votes, *, seats, method="hare", threshold=0, against_all=0) -> list[int]:
    rows = allocate_seats(
        lists=lists(*votes),
        against_all=against_all,
        seats=seats,
        threshold_percent=Decimal(threshold),
        method=method,
    )
    return [row.seats for row in rows]


@pytest.fixture
def official_2023(tmp_path):
    data = load_dataset("kz2023")
    path = tmp_path / "mazhilis.csv"
    rows = [f"{p['short']},{p['mazhilis_list_votes']}" for p in data["parties"]]
    path.write_text(
        "\n".join(["name,votes", *rows, f"against_all,{data['mazhilis_against_all_votes']}"])
    )
    return path


def run(path, *args) -> list[dict[str, str]]:
    out = StringIO()
    call_command("allocate_seats", str(path), *args, stdout=out)
    return list(csv.DictReader(StringIO(out.getvalue())))


def test_the_official_2023_mazhilis_votes_give_the_official_seats(official_2023):
    rows = run(official_2023, "--seats", "69", "--threshold", "5")

    assert [(r["name"], r["seats"]) for r in rows] == [
        ("AMANAT", "40"), ("AUYL", "8"), ("RESPUBLICA", "6"), ("AQ ZHOL", "6"), ("QHP", "5"),
        ("JSDP", "4"), ("BAYTAQ", "0"), ("against_all", "0"),
    ]  # fmt: skip
    assert [r["percent"] for r in rows] == [
        "53.90",
        "10.90",
        "8.59",
        "8.41",
        "6.80",
        "5.20",
        "2.30",
        "3.90",
    ]


def test_dhondt_would_not_give_the_official_result(official_2023):
    rows = run(official_2023, "--seats", "69", "--threshold", "5", "--method", "dhondt")

    assert [r["seats"] for r in rows][:6] == ["41", "8", "6", "6", "5", "3"]


@pytest.mark.parametrize(
    ("method", "expected"),
    [("hare", [3, 3, 1, 1]), ("dhondt", [4, 3, 1, 0]), ("sainte_lague", [3, 3, 1, 1])],
)
def test_each_method_on_a_textbook_example(method, expected):
    assert seats([100_000, 80_000, 30_000, 20_000], seats=8, method=method) == expected


@pytest.mark.parametrize("method", ["hare", "dhondt", "sainte_lague"])
def test_a_tie_goes_to_the_list_registered_earlier(method):
    assert seats([100, 100, 100], seats=2, method=method) == [1, 1, 0]


def test_the_threshold_counts_against_all_in_its_base():
    # B has 5.2 % of the party votes but 4.9 % of the valid ballots with "Against all".
    assert seats([9_480, 520], seats=10, threshold=5) == [9, 1]
    assert seats([9_480, 520], seats=10, threshold=5, against_all=600) == [10, 0]


def test_a_single_list_over_the_threshold_takes_every_seat_and_none_means_no_seats():
    assert seats([900, 40, 60], seats=7, threshold=7) == [7, 0, 0]
    assert seats([30, 30, 40], seats=5, threshold=50) == [0, 0, 0]


def test_against_all_never_wins_a_seat():
    assert seats([10, 10], seats=3, against_all=1_000) == [2, 1]


def test_a_single_member_contest_has_a_winner_a_tie_or_no_one():
    won = single_member_outcome(
        candidates=[("Aliya", 500), ("Bolat", 400)], against_all=100, against_all_elects_nobody=True
    )
    tie = single_member_outcome(
        candidates=[("Aliya", 500), ("Bolat", 500)], against_all=100, against_all_elects_nobody=True
    )
    rejected = single_member_outcome(
        candidates=[("Aliya", 500)], against_all=600, against_all_elects_nobody=True
    )
    elected_anyway = single_member_outcome(
        candidates=[("Aliya", 500)], against_all=600, against_all_elects_nobody=False
    )

    assert (won.winner, won.leaders) == ("Aliya", ["Aliya"])
    assert (tie.winner, tie.leaders) == (None, ["Aliya", "Bolat"])
    assert (rejected.winner, rejected.against_all_leads) == (None, True)
    assert elected_anyway.winner == "Aliya"


def test_a_bad_row_in_the_file_is_named(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,votes\nA,100\nB,-4\nA,7\n")

    with pytest.raises(CommandError) as refused:
        run(path, "--seats", "5")

    assert "line 3: votes: write a whole number ≥ 0, not '-4'" in str(refused.value)
    assert "line 4: name: 'A' appears twice" in str(refused.value)
