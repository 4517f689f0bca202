"""The protocol's checks (docs/rules.md): control relations, warnings and quarantine flags.

Pure functions of the numbers, so that the admin, the API, the importer and the property tests
all apply the very same rules. Every message names the lines and shows the arithmetic.
"""

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
            _("Ballots received (%(received)s) must equal issued (%(issued)s) "
              "+ cancelled (%(cancelled)s) = %(sum)s") % {
                "received": _n(n["l2_received"]), "issued": _n(n["l3_issued"]),
                "cancelled": _n(n["l4_cancelled"]),
                "sum": _n(n["l3_issued"] + n["l4_cancelled"]),
            },
        ))  # fmt: skip
    if n["l5_found"] != n["l6_invalid"] + n["l7_valid"]:
        errors.append(Finding(
            "found_balance", "l5_found",
            _("Ballots found (%(found)s) must equal invalid (%(invalid)s) "
              "+ valid (%(valid)s) = %(sum)s") % {
                "found": _n(n["l5_found"]), "invalid": _n(n["l6_invalid"]),
                "valid": _n(n["l7_valid"]), "sum": _n(n["l6_invalid"] + n["l7_valid"]),
            },
        ))  # fmt: skip
    if n["l7_valid"] != sum(votes):
        shown = (
            " + ".join(_n(v) for v in votes)
            if len(votes) <= 10
            else ngettext("%(count)d line", "%(count)d lines", len(votes)) % {"count": len(votes)}
        )
        errors.append(Finding(
            "valid_balance", "l7_valid",
            _("Valid ballots (%(valid)s) must equal the votes of all lines "
              "(%(votes)s) = %(sum)s") % {
                "valid": _n(n["l7_valid"]), "votes": shown, "sum": _n(sum(votes)),
            },
        ))  # fmt: skip
    if n["l3_issued"] > n["l1_voters"]:
        errors.append(Finding(
            "issued_over_list", "l3_issued",
            _("Ballots issued (%(issued)s) cannot exceed voters on the list (%(voters)s)") % {
                "issued": _n(n["l3_issued"]), "voters": _n(n["l1_voters"]),
            },
        ))  # fmt: skip
    for part, message in (
        (
            "l3a_mobile",
            _("Issued outside the premises (%(part)s) cannot exceed ballots issued (%(issued)s)"),
        ),
        (
            "l3b_absentee",
            _(
                "Issued with an absentee certificate (%(part)s) cannot exceed ballots issued "
                "(%(issued)s)"
            ),
        ),
    ):
        if n[part] > n["l3_issued"]:
            errors.append(Finding(
                f"{part}_over_issued", part,
                message % {"part": _n(n[part]), "issued": _n(n["l3_issued"])},
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
            _("Ballots found (%(found)s) differ from ballots issued (%(issued)s) by "
              "%(difference)s") % {
                "found": _n(n["l5_found"]), "issued": _n(n["l3_issued"]),
                "difference": _n(abs(n["l5_found"] - n["l3_issued"])),
            },
        ))  # fmt: skip
    if n["l5_found"] and n["l6_invalid"] * 100 >= invalid_percent * n["l5_found"]:
        share = Decimal(100 * n["l6_invalid"]) / n["l5_found"]
        found.append(Finding(
            "many_invalid", "l6_invalid",
            _("Invalid ballots (%(invalid)s) are %(share)s %% of ballots found (%(found)s); "
              "%(limit)s %% or more needs an explanation") % {
                "invalid": _n(n["l6_invalid"]), "share": f"{share:.1f}",
                "found": _n(n["l5_found"]), "limit": _pct(invalid_percent),
            },
        ))  # fmt: skip
    allowed = register_tolerance * registered_voters / 100
    if abs(n["l1_voters"] - registered_voters) > allowed:
        found.append(Finding(
            "list_differs_from_register", "l1_voters",
            _("Voters on the list (%(voters)s) differ from the station's register "
              "(%(register)s) by more than %(tolerance)s %% (%(allowed)s)") % {
                "voters": _n(n["l1_voters"]), "register": _n(registered_voters),
                "tolerance": _pct(register_tolerance), "allowed": _n(int(allowed)),
            },
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
            _("More ballots found (%(found)s) than issued (%(issued)s)") % {
                "found": _n(n["l5_found"]), "issued": _n(n["l3_issued"]),
            },
        ))  # fmt: skip
    if n["l1_voters"] and n["l3_issued"] * 100 > turnout_limit * n["l1_voters"]:
        share = Decimal(100 * n["l3_issued"]) / n["l1_voters"]
        flags.append(Finding(
            "turnout_over_limit", "l3_issued",
            _("Turnout %(share)s %% (%(issued)s of %(voters)s) is above the election's limit "
              "of %(limit)s %%") % {
                "share": f"{share:.1f}", "issued": _n(n["l3_issued"]),
                "voters": _n(n["l1_voters"]), "limit": _pct(turnout_limit),
            },
        ))  # fmt: skip
    if not any(n.values()) and not any(votes):
        flags.append(Finding("all_zero", "l1_voters", _("Every line of the protocol is zero")))
    if twins:
        flags.append(Finding(
            "identical_votes", "l7_valid",
            ngettext(
                "The votes are identical, line by line, to those of station %(stations)s "
                "in the same district",
                "The votes are identical, line by line, to those of stations %(stations)s "
                "in the same district",
                len(twins),
            ) % {"stations": ", ".join(twins)},
        ))  # fmt: skip
    return flags


def missing_fields(numbers: dict[str, int | None]) -> list[Finding]:
    return [
        Finding("required", name, _("%(line)s is required") % {"line": PROTOCOL_LINES[name]})
        for name, value in numbers.items()
        if value is None
    ]
