"""The protocol's checks (docs/rules.md): control relations, warnings and quarantine flags.

Pure functions of the numbers, so that the admin, the API, the importer and the property tests
all apply the very same rules. Every message names the lines and shows the arithmetic.

A finding keeps the numbers its sentence shows (``params``): a protocol stores its warnings and
flags, and ``localized`` writes them again in the language of whoever reads them later.
"""

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from elections.models import PROTOCOL_LINES


@dataclass(frozen=True)
class Finding:
    code: str
    field: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _n(value: int) -> str:
    return f"{value:,}"


def _pct(value: Decimal) -> str:
    """A tolerance as people write it: 5, 2.5 — not 5.00."""
    return format(value.normalize(), "f")


def _shown(p: Mapping[str, Any]) -> dict[str, Any]:
    """The params as the sentence prints them: counts grouped, the rest as they are."""
    return {k: _n(v) if isinstance(v, int) else v for k, v in p.items()}


def _votes(votes: list[int]) -> str:
    if len(votes) <= 10:
        return " + ".join(_n(v) for v in votes)
    return ngettext("%(count)d line", "%(count)d lines", len(votes)) % {"count": len(votes)}


# Each finding's sentence from its params, in the active language.
MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "received_balance": lambda p: _(
        "Ballots received (%(received)s) must equal issued (%(issued)s) "
        "+ cancelled (%(cancelled)s) = %(sum)s"
    ) % _shown(p),
    "found_balance": lambda p: _(
        "Ballots found (%(found)s) must equal invalid (%(invalid)s) "
        "+ valid (%(valid)s) = %(sum)s"
    ) % _shown(p),
    "valid_balance": lambda p: _(
        "Valid ballots (%(valid)s) must equal the votes of all lines "
        "(%(votes)s) = %(sum)s"
    ) % {**_shown(p), "votes": _votes(p["votes"])},
    "issued_over_list": lambda p: _(
        "Ballots issued (%(issued)s) cannot exceed voters on the list (%(voters)s)"
    ) % _shown(p),
    "l3a_mobile_over_issued": lambda p: _(
        "Issued outside the premises (%(part)s) cannot exceed ballots issued (%(issued)s)"
    ) % _shown(p),
    "l3b_absentee_over_issued": lambda p: _(
        "Issued with an absentee certificate (%(part)s) cannot exceed ballots issued "
        "(%(issued)s)"
    ) % _shown(p),
    "found_differs_from_issued": lambda p: _(
        "Ballots found (%(found)s) differ from ballots issued (%(issued)s) by %(difference)s"
    ) % _shown(p),
    "many_invalid": lambda p: _(
        "Invalid ballots (%(invalid)s) are %(share)s %% of ballots found (%(found)s); "
        "%(limit)s %% or more needs an explanation"
    ) % _shown(p),
    "list_differs_from_register": lambda p: _(
        "Voters on the list (%(voters)s) differ from the station's register "
        "(%(register)s) by more than %(tolerance)s %% (%(allowed)s)"
    ) % _shown(p),
    "more_found_than_issued": lambda p: _(
        "More ballots found (%(found)s) than issued (%(issued)s)"
    ) % _shown(p),
    "turnout_over_limit": lambda p: _(
        "Turnout %(share)s %% (%(issued)s of %(voters)s) is above the election's limit "
        "of %(limit)s %%"
    ) % _shown(p),
    "all_zero": lambda p: _("Every line of the protocol is zero"),
    "identical_votes": lambda p: ngettext(
        "The votes are identical, line by line, to those of station %(stations)s "
        "in the same district",
        "The votes are identical, line by line, to those of stations %(stations)s "
        "in the same district",
        len(p["stations"]),
    ) % {"stations": ", ".join(p["stations"])},
    "required": lambda p: _("%(line)s is required") % {"line": PROTOCOL_LINES[p["line"]]},
}  # fmt: skip


def _finding(code: str, field: str, **params: Any) -> Finding:
    return Finding(code, field, MESSAGES[code](params), params)


def localized(stored: Mapping[str, Any]) -> str:
    """A stored finding's message in the active language; as stored if it cannot be rebuilt
    (a finding saved before findings kept their numbers)."""
    build = MESSAGES.get(stored.get("code", ""))
    if build is None or "params" not in stored:
        return stored["message"]
    try:
        return build(stored["params"])
    except (KeyError, TypeError, ValueError):
        return stored["message"]


def control_errors(numbers: dict[str, int], votes: list[int]) -> list[Finding]:
    """The relations a protocol must satisfy to be submitted at all."""
    n = numbers
    errors = []
    if n["l2_received"] != n["l3_issued"] + n["l4_cancelled"]:
        errors.append(_finding(
            "received_balance", "l2_received",
            received=n["l2_received"], issued=n["l3_issued"], cancelled=n["l4_cancelled"],
            sum=n["l3_issued"] + n["l4_cancelled"],
        ))  # fmt: skip
    if n["l5_found"] != n["l6_invalid"] + n["l7_valid"]:
        errors.append(_finding(
            "found_balance", "l5_found",
            found=n["l5_found"], invalid=n["l6_invalid"], valid=n["l7_valid"],
            sum=n["l6_invalid"] + n["l7_valid"],
        ))  # fmt: skip
    if n["l7_valid"] != sum(votes):
        errors.append(_finding(
            "valid_balance", "l7_valid", valid=n["l7_valid"], votes=list(votes), sum=sum(votes),
        ))  # fmt: skip
    if n["l3_issued"] > n["l1_voters"]:
        errors.append(_finding(
            "issued_over_list", "l3_issued", issued=n["l3_issued"], voters=n["l1_voters"],
        ))  # fmt: skip
    for part in ("l3a_mobile", "l3b_absentee"):
        if n[part] > n["l3_issued"]:
            errors.append(
                _finding(f"{part}_over_issued", part, part=n[part], issued=n["l3_issued"])
            )
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
        found.append(_finding(
            "found_differs_from_issued", "l5_found",
            found=n["l5_found"], issued=n["l3_issued"],
            difference=abs(n["l5_found"] - n["l3_issued"]),
        ))  # fmt: skip
    if n["l5_found"] and n["l6_invalid"] * 100 >= invalid_percent * n["l5_found"]:
        share = Decimal(100 * n["l6_invalid"]) / n["l5_found"]
        found.append(_finding(
            "many_invalid", "l6_invalid",
            invalid=n["l6_invalid"], share=f"{share:.1f}", found=n["l5_found"],
            limit=_pct(invalid_percent),
        ))  # fmt: skip
    allowed = register_tolerance * registered_voters / 100
    if abs(n["l1_voters"] - registered_voters) > allowed:
        found.append(_finding(
            "list_differs_from_register", "l1_voters",
            voters=n["l1_voters"], register=registered_voters,
            tolerance=_pct(register_tolerance), allowed=int(allowed),
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
        flags.append(_finding(
            "more_found_than_issued", "l5_found", found=n["l5_found"], issued=n["l3_issued"],
        ))  # fmt: skip
    if n["l1_voters"] and n["l3_issued"] * 100 > turnout_limit * n["l1_voters"]:
        share = Decimal(100 * n["l3_issued"]) / n["l1_voters"]
        flags.append(_finding(
            "turnout_over_limit", "l3_issued",
            share=f"{share:.1f}", issued=n["l3_issued"], voters=n["l1_voters"],
            limit=_pct(turnout_limit),
        ))  # fmt: skip
    if not any(n.values()) and not any(votes):
        flags.append(_finding("all_zero", "l1_voters"))
    if twins:
        flags.append(_finding("identical_votes", "l7_valid", stations=list(twins)))
    return flags


def missing_fields(numbers: dict[str, int | None]) -> list[Finding]:
    return [
        _finding("required", name, line=name) for name, value in numbers.items() if value is None
    ]
