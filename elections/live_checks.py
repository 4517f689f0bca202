"""The control relations and warnings of elections/checks.py as data, for the entry page's script.

The server stays the judge: ``elections/static/saylau/entry.js`` only shows, while the clerk
types, what ``checks.control_errors`` and ``checks.warnings`` will say on saving. So that each
rule's words live once, every message is checks.MESSAGES's own sentence, asked for with its
placeholders left in (one translation serves both), and the page's numbers are grouped as
checks.py groups them; the browser test types numbers that break each relation and compares the
live messages with checks.py's, word for word.

An expression is a field's name, a number, or a list whose head names the operation:
``["+", a, b, …]``, ``["-", a, b]``, ``["*", a, b]``, ``["abs", a]``; a condition is
``["ne" | "gt" | "ge", a, b]`` or ``["and", c, …]``. A placeholder's value is an expression
(printed as a whole number), ``["share", a, b]`` (100·a/b to one decimal), ``["join", a, …]``
(the numbers with " + " between) or ``["text", "…"]`` (already printed by the server).
"""

from decimal import Decimal
from typing import Any

from elections import checks
from elections.models import BallotLine, Election
from stations.models import Station


class _Slot:
    """Stands in for a number in checks.MESSAGES: the sentence comes back with its named
    placeholder, in the active language, for the script to fill."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return f"%({self.name})s"

    def __format__(self, spec: str) -> str:
        return str(self)


def _relation(code: str, field: str, kind: str, when: list, **values: Any) -> dict:
    slots: dict[str, Any] = {name: _Slot(name) for name in values}
    if code == "valid_balance":
        # checks.py lists up to ten lines' votes, and past that names how many lines.
        lines = values["votes"][1:]
        slots["votes"] = [_Slot("votes")] if len(lines) <= 10 else [0] * len(lines)
    return {
        "code": code,
        "field": field,
        "kind": kind,
        "when": when,
        "message": checks.MESSAGES[code](slots),
        "values": values,
    }


def entry_checks(*, station: Station, election: Election, lines: list[BallotLine]) -> dict:
    """What the entry page's script needs to evaluate every relation as the clerk types."""
    votes = [f"vote_{line.position}" for line in lines]
    registered = station.registered_voters
    tolerance = Decimal(election.register_tolerance_percent)
    allowed = tolerance * registered / 100
    invalid = Decimal(election.invalid_warning_percent)
    issued_sum = ["+", "l3_issued", "l4_cancelled"]
    found_sum = ["+", "l6_invalid", "l7_valid"]
    relations = [
        _relation(
            "received_balance", "l2_received", "error", ["ne", "l2_received", issued_sum],
            received="l2_received", issued="l3_issued", cancelled="l4_cancelled", sum=issued_sum,
        ),
        _relation(
            "found_balance", "l5_found", "error", ["ne", "l5_found", found_sum],
            found="l5_found", invalid="l6_invalid", valid="l7_valid", sum=found_sum,
        ),
        _relation(
            "valid_balance", "l7_valid", "error", ["ne", "l7_valid", ["+", *votes]],
            valid="l7_valid", votes=["join", *votes], sum=["+", *votes],
        ),
        _relation(
            "issued_over_list", "l3_issued", "error", ["gt", "l3_issued", "l1_voters"],
            issued="l3_issued", voters="l1_voters",
        ),
        _relation(
            "l3a_mobile_over_issued", "l3a_mobile", "error", ["gt", "l3a_mobile", "l3_issued"],
            part="l3a_mobile", issued="l3_issued",
        ),
        _relation(
            "l3b_absentee_over_issued", "l3b_absentee", "error",
            ["gt", "l3b_absentee", "l3_issued"],
            part="l3b_absentee", issued="l3_issued",
        ),
        _relation(
            "found_differs_from_issued", "l5_found", "warning", ["ne", "l5_found", "l3_issued"],
            found="l5_found", issued="l3_issued",
            difference=["abs", ["-", "l5_found", "l3_issued"]],
        ),
        _relation(
            "many_invalid", "l6_invalid", "warning",
            ["and", ["gt", "l5_found", 0],
             ["ge", ["*", "l6_invalid", 100], ["*", float(invalid), "l5_found"]]],
            invalid="l6_invalid", share=["share", "l6_invalid", "l5_found"], found="l5_found",
            limit=["text", checks._pct(invalid)],
        ),
        _relation(
            "list_differs_from_register", "l1_voters", "warning",
            ["gt", ["abs", ["-", "l1_voters", registered]], float(allowed)],
            voters="l1_voters", register=["text", checks._n(registered)],
            tolerance=["text", checks._pct(tolerance)],
            allowed=["text", checks._n(int(allowed))],
        ),
    ]  # fmt: skip
    grouped = checks._n(1000)
    return {
        # Whatever checks.py groups thousands with ("1,000", "1 000"), the page does too.
        "thousands": grouped[1:-3],
        "relations": relations,
    }
