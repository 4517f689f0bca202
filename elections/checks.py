"""The protocol's checks (docs/rules.md): control relations, warnings and quarantine flags.

Pure functions of the numbers, so that the admin, the API, the importer and the property tests
all apply the very same rules. Every message names the lines and shows the arithmetic.
"""

from dataclasses import asdict, dataclass
from decimal import Decimal

from elections.models import PROTOCOL_LINES


@dataclass(frozen=True)
class Finding:
    code: str
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _n(value: int) -> str:
    return f"{value:,}"


def _pct(value: Decimal) -> str:
    """A tolerance as people write it: 5, 2.5 — not 5.00."""
    return format(value.normalize(), "f")


def control_errors(numbers: dict[str, int], votes: list[int]) -> list[Finding]:
    """The relations a protocol must satisfy to be submitted at all."""
    n = numbers
    errors = []
    if n["l2_received"] != n["l3_issued"] + n["l4_cancelled"]:
        errors.append(Finding(
            "received_balance", "l2_received",
            f"Ballots received ({_n(n['l2_received'])}) must equal issued ({_n(n['l3_issued'])}) "
            f"+ cancelled ({_n(n['l4_cancelled'])}) = {_n(n['l3_issued'] + n['l4_cancelled'])}",
        ))  # fmt: skip
    if n["l5_found"] != n["l6_invalid"] + n["l7_valid"]:
        errors.append(Finding(
            "found_balance", "l5_found",
            f"Ballots found ({_n(n['l5_found'])}) must equal invalid ({_n(n['l6_invalid'])}) "
            f"+ valid ({_n(n['l7_valid'])}) = {_n(n['l6_invalid'] + n['l7_valid'])}",
        ))  # fmt: skip
    if n["l7_valid"] != sum(votes):
        shown = " + ".join(_n(v) for v in votes) if len(votes) <= 10 else f"{len(votes)} lines"
        errors.append(Finding(
            "valid_balance", "l7_valid",
            f"Valid ballots ({_n(n['l7_valid'])}) must equal the votes of all lines "
            f"({shown}) = {_n(sum(votes))}",
        ))  # fmt: skip
    if n["l3_issued"] > n["l1_voters"]:
        errors.append(Finding(
            "issued_over_list", "l3_issued",
            f"Ballots issued ({_n(n['l3_issued'])}) cannot exceed voters on the list "
            f"({_n(n['l1_voters'])})",
        ))  # fmt: skip
    for part, issued in (
        ("l3a_mobile", "Issued outside the premises"),
        ("l3b_absentee", "Issued with an absentee certificate"),
    ):
        if n[part] > n["l3_issued"]:
            errors.append(Finding(
                f"{part}_over_issued", part,
                f"{issued} ({_n(n[part])}) cannot exceed ballots issued "
                f"({_n(n['l3_issued'])})",
            ))  # fmt: skip
    return errors


def warnings(
    numbers: dict[str, int],
    *,
    registered_voters: int,
    register_tolerance: Decimal,
    invalid_percent: Decimal,
) -> list[Finding]:
    """Signals that need a written explanation before the entry can be submitted."""
    n = numbers
    found = []
    if n["l5_found"] != n["l3_issued"]:
        found.append(Finding(
            "found_differs_from_issued", "l5_found",
            f"Ballots found ({_n(n['l5_found'])}) differ from ballots issued "
            f"({_n(n['l3_issued'])}) by {_n(abs(n['l5_found'] - n['l3_issued']))}",
        ))  # fmt: skip
    if n["l5_found"] and n["l6_invalid"] * 100 >= invalid_percent * n["l5_found"]:
        share = Decimal(100 * n["l6_invalid"]) / n["l5_found"]
        found.append(Finding(
            "many_invalid", "l6_invalid",
            f"Invalid ballots ({_n(n['l6_invalid'])}) are {share:.1f} % of ballots found "
            f"({_n(n['l5_found'])}); {_pct(invalid_percent)} % or more needs an explanation",
        ))  # fmt: skip
    allowed = register_tolerance * registered_voters / 100
    if abs(n["l1_voters"] - registered_voters) > allowed:
        found.append(Finding(
            "list_differs_from_register", "l1_voters",
            f"Voters on the list ({_n(n['l1_voters'])}) differ from the station's register "
            f"({_n(registered_voters)}) by more than {_pct(register_tolerance)} % "
            f"({_n(int(allowed))})",
        ))  # fmt: skip
    return found


def quarantine_flags(
    numbers: dict[str, int], votes: list[int], *, turnout_limit: Decimal, twins: list[str]
) -> list[Finding]:
    """Reasons to hold an agreed protocol out of the totals until a supervisor decides.

    ``twins`` names the other stations of the same district and contest whose accepted vote
    vector is identical to this one.
    """
    n = numbers
    flags = []
    if n["l5_found"] > n["l3_issued"]:
        flags.append(Finding(
            "more_found_than_issued", "l5_found",
            f"More ballots found ({_n(n['l5_found'])}) than issued ({_n(n['l3_issued'])})",
        ))  # fmt: skip
    if n["l1_voters"] and n["l3_issued"] * 100 > turnout_limit * n["l1_voters"]:
        share = Decimal(100 * n["l3_issued"]) / n["l1_voters"]
        flags.append(Finding(
            "turnout_over_limit", "l3_issued",
            f"Turnout {share:.1f} % ({_n(n['l3_issued'])} of {_n(n['l1_voters'])}) is above "
            f"the election's limit of {_pct(turnout_limit)} %",
        ))  # fmt: skip
    if not any(n.values()) and not any(votes):
        flags.append(Finding("all_zero", "l1_voters", "Every line of the protocol is zero"))
    if twins:
        flags.append(Finding(
            "identical_votes", "l7_valid",
            f"The votes are identical, line by line, to those of station(s) {', '.join(twins)} "
            "in the same district",
        ))  # fmt: skip
    return flags


def missing_fields(numbers: dict[str, int | None]) -> list[Finding]:
    return [
        Finding("required", name, f"{PROTOCOL_LINES[name]} is required")
        for name, value in numbers.items()
        if value is None
    ]
