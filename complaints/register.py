"""The public register of complaints: one row shape for the page, the CSV and the API, holding
what the public may know and nothing else.

Listed from registration on (a filing not yet registered, or returned, is the complainant's
and the commission's). The complainant is named only when a candidate, a party or an
organisation filed; a voter's, an observer's or a member's name, and anyone's contact, are never
in it.
"""

import re
import unicodedata
from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from complaints.models import COMPLAINT_TRANSITIONS, Complaint
from complaints.services import complaint_overdue

NAMED = {
    Complaint.Complainant.CANDIDATE, Complaint.Complainant.PARTY,
    Complaint.Complainant.ORGANISATION,
}  # fmt: skip
FILTERS = ("level", "region", "status", "outcome")  # query parameters the register reads
COLUMNS = [
    "number", "registered_at", "deadline", "overdue", "level", "court", "region", "district",
    "station", "election", "contest", "complainant_kind", "complainant_name", "respondent",
    "subject", "claim", "status", "hearing_at", "hearing_place", "hearing_link", "court_case",
    "outcome", "decided_at", "decision", "decision_sha256", "appeal_of",
]  # fmt: skip


def public_complaints(**filters: str) -> QuerySet[Complaint]:
    """Registered complaints, most recent first, by any of FILTERS (``region`` is its code)."""
    complaints = Complaint.objects.exclude(number="").select_related(
        "election", "region", "district", "station__region", "contest", "appeal_of"
    )
    lookups = {"level": "level", "region": "region__code", "status": "status", "outcome": "outcome"}
    for name, value in filters.items():
        if value and name in lookups:
            complaints = complaints.filter(**{lookups[name]: value})
    return complaints.order_by("-registered_at", "-pk")


def _reachable(start: str) -> list[str]:
    """The statuses a complaint can be in from ``start`` on, in the order Status lists them."""
    seen, todo = {start}, [start]
    while todo:
        for status in COMPLAINT_TRANSITIONS[todo.pop()]:
            if status not in seen:
                seen.add(status)
                todo.append(status)
    return [status for status in Complaint.Status.values if status in seen]


# The statuses a registered complaint can have: the only ones the register counts.
PUBLIC_STATUSES = _reachable(Complaint.Status.REGISTERED)


def register_counts(**filters: str) -> dict:
    """How many registered complaints each body addressed has, by status and by outcome (a
    complaint not yet decided has none), in one aggregate query over the register's own rows
    (``public_complaints`` with the same FILTERS). Every level, status and outcome is present,
    with 0 where there are none, so that two answers compare key by key."""
    rows = (
        public_complaints(**filters)
        .order_by()  # no ordering column in the GROUP BY
        .values("level", "status", "outcome")
        .annotate(n=Count("pk"))
    )
    statuses = list(PUBLIC_STATUSES)
    found = list(rows)
    statuses += [row["status"] for row in found if row["status"] not in statuses]  # defensive

    def empty() -> dict:
        return {
            "total": 0,
            "statuses": dict.fromkeys(statuses, 0),
            "outcomes": dict.fromkeys(Complaint.Outcome.values, 0),
        }

    levels = {level: empty() for level in Complaint.Level.values}
    overall = empty()
    for row in found:
        for counts in (levels.setdefault(row["level"], empty()), overall):
            counts["total"] += row["n"]
            counts["statuses"][row["status"]] += row["n"]
            if outcome := row["outcome"]:
                counts["outcomes"][outcome] = counts["outcomes"].get(outcome, 0) + row["n"]
    return {**overall, "levels": levels}


WITHHELD = "[…]"  # what stands in the public text where a private complainant named themselves


def public_row(complaint: Complaint, now: datetime | None = None) -> dict:
    """The register's columns for one complaint, as plain values; a private complainant's name
    and contact are cut out of its free text too (they may have written them into it)."""
    station = complaint.station
    text = _withholding(complaint)
    return {
        "number": complaint.number,
        "registered_at": _iso(complaint.registered_at),
        "deadline": _iso(complaint.deadline),
        "overdue": complaint_overdue(complaint, now or timezone.now()),
        "level": complaint.level,
        "court": complaint.court or None,
        "region": complaint.region.code if complaint.region else None,
        "district": complaint.district.name_en if complaint.district else None,
        "station": f"{station.region.code}-{station.number}" if station else None,
        "election": complaint.election.code,
        "contest": complaint.contest.code if complaint.contest else None,
        "complainant_kind": complaint.complainant_kind,
        "complainant_name": (
            complaint.complainant_name if complaint.complainant_kind in NAMED else None
        ),
        "respondent": text(complaint.respondent),
        "subject": text(complaint.subject),
        "claim": text(complaint.claim),
        "status": complaint.status,
        "hearing_at": _iso(complaint.hearing_at),
        "hearing_place": complaint.hearing_place,
        "hearing_link": complaint.hearing_link,
        "court_case": complaint.court_case,
        "outcome": complaint.outcome,
        "decided_at": _iso(complaint.decided_at),
        "decision": text(complaint.decision),
        "decision_sha256": complaint.decision_sha256,
        "appeal_of": complaint.appeal_of.number if complaint.appeal_of else None,
    }


# Letters that look alike in Latin and Cyrillic (and Kazakh Cyrillic): a name is found in
# either script, whichever the complainant typed.
LOOK_ALIKE = [
    "aа",
    "bвь",
    "cс",
    "eеё",
    "hнһ",
    "iіı1l",
    "kк",
    "mм",
    "oо0ө",
    "pр",
    "tт",
    "xх",
    "yуүұ",
]
INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# Any e-mail address or telephone number, however written: a private complainant's contact
# is cut whether or not it is the one they gave.
EMAIL = re.compile(
    r"[\w.+-]+\s*(?:@|%40|\(at\)|\[at\]|\s+at\s+)\s*[\w-]+(?:\s*(?:\.|\(dot\)|\s+dot\s+)\s*[\w-]+)+",
    re.IGNORECASE,
)
PHONE = re.compile(r"\+?\d(?:[\s().-]*\d){9,}")  # ten digits or more: not a date, a count


def _withholding(complaint: Complaint):
    """A function that cuts a private complainant's name and any contact out of a text: each
    part of the name (two letters or more) as a word, in any case, spacing or look-alike
    script, and every e-mail address and telephone number."""
    if complaint.complainant_kind in NAMED:
        return lambda value: value
    parts = {
        part
        for part in re.split(r"[\s.,;-]+", _plain(complaint.complainant_name))
        if len(part) >= 2
    }
    name = (
        re.compile(
            r"(?<!\w)(?:"
            + "|".join(_loose(part) for part in sorted(parts, key=len, reverse=True))
            + r")(?!\w)",
            re.IGNORECASE,
        )
        if parts
        else None
    )

    def withhold(value: str) -> str:
        text = PHONE.sub(WITHHELD, EMAIL.sub(WITHHELD, _plain(value)))
        return name.sub(WITHHELD, text) if name else text

    return withhold


def _plain(value: str) -> str:
    """The text as it reads: compatibility forms folded (a full-width @ is @), invisible
    characters dropped, every run of spaces one space."""
    folded = INVISIBLE.sub("", unicodedata.normalize("NFKC", value))
    return re.sub(r"\s+", " ", folded).strip()


def _loose(part: str) -> str:
    """A pattern for one word of a name that matches it in any look-alike letters."""
    pattern = ""
    for character in part.lower():
        group = next((g for g in LOOK_ALIKE if character in g), None)
        pattern += f"[{re.escape(group)}]" if group else re.escape(character)
    return pattern


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
