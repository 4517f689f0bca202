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
from complaints.services import PUBLICLY_NAMED, complaint_overdue

NAMED = PUBLICLY_NAMED
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
    text = withholding(complaint)
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
            complaint.complainant_name
            if complaint.complainant_kind in NAMED and complaint.standing_confirmed
            else None
        ),
        "respondent": text(complaint.respondent),
        "subject": text(_public(complaint, "subject")),
        "claim": text(_public(complaint, "claim")),
        "status": complaint.status,
        "hearing_at": _iso(complaint.hearing_at),
        "hearing_place": text(complaint.hearing_place),
        "hearing_link": complaint.hearing_link,
        "court_case": complaint.court_case,
        "outcome": complaint.outcome,
        "decided_at": _iso(complaint.decided_at),
        "decision": text(complaint.decision),
        "decision_sha256": complaint.decision_sha256,
        "appeal_of": complaint.appeal_of.number if complaint.appeal_of else None,
    }


def _public(complaint: Complaint, name: str) -> str:
    """A named complainant's own words; for anyone else, the registering member's summary."""
    if complaint.complainant_kind in NAMED:
        return getattr(complaint, name)
    return getattr(complaint, f"public_{name}")


# Letters that look alike across Latin, Cyrillic (Kazakh's too) and Greek: a name is found in
# whichever the complainant typed. Each group is one letter to the search.
LOOK_ALIKE = [
    "aаα@",
    "bвьβ",
    "cсς",
    "dԁ",
    "eеёєε",
    "gԍ",
    "hнһη",
    "iіıl1ιї|",
    "jј",
    "kкκ",
    "mмμ",
    "nпη",
    "oо0өοσ",
    "pрρ",
    "sѕ$5",
    "tтτ",
    "uυμ",
    "xхχ",
    "yуүұγ",
    "zʐ",
]
# Latin spellings of Cyrillic letters, so that a name typed in one script is found in the
# other (Досмагамбетова / Dosmagambetova).
CYRILLIC_LATIN = {
    "а": "a",
    "ә": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "і": "i",
    "к": "k",
    "қ": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ф": "f",
    "х": "kh",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}
# An e-mail address or a telephone number, however written. Each match starts where a word
# starts (the lookbehinds) and its runs are possessive, so the search is linear in the text's
# length, whatever the text (a long decision must never stall the register).
AT = r"(?:@|%40|\(at\)|\[at\]|\sat\s|собака|\(собака\))"
DOT = r"(?:\.|\(dot\)|\[dot\]|\sdot\s|。|\(точка\))"
EMAIL = re.compile(
    rf"(?<![\w.+-])[\w.+-]++\s*+{AT}\s*+[\w-]++(?:\s*+{DOT}\s*+[\w-]++)++", re.IGNORECASE
)
PHONE = re.compile(r"(?<![\d+])\+?+\d(?:[\s().\-_/\u2010-\u2015]{0,3}+\d){9,}+")  # 10+ digits
LATIN_CYRILLIC = [
    ("shch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("ts", "ц"),
    ("ya", "я"),
    ("yu", "ю"),
    *zip("abvgdezijklmnoprstufhy", "абвгдезийклмнопрстуфхы", strict=True),
]
SHORTEST_ANYWHERE = 4  # a name part this long is cut inside other words too (AselDosmagambetova)


def withholding(complaint: Complaint):
    """A function that cuts a private complainant's name and any contact out of a text: each
    part of the name they gave (and their account's), in any case, spacing, invisible
    character, look-alike letter or script, its stem too (declined forms), and every e-mail
    address and telephone number. A net under the registering member's summary, which is what
    the register shows of a private complaint."""
    if complaint.complainant_kind in NAMED:
        return lambda value: value
    parts = set()
    for name in _private_names(complaint):
        for part in re.split(r"[\s.,;_-]+", _plain(name)):
            if len(part) < 2:
                continue
            spellings = {part, _latin(part), _cyrillic(part)}
            parts.update(spellings)
            if len(part) >= 6:
                parts.update(spelling[:-2] for spelling in spellings)  # a declined ending
    name = re.compile(
        "|".join(_loose(part) for part in sorted(parts, key=len, reverse=True)), re.IGNORECASE
    ) if parts else None  # fmt: skip

    def withhold(value: str) -> str:
        text = PHONE.sub(WITHHELD, EMAIL.sub(WITHHELD, _plain(value)))
        return name.sub(WITHHELD, text) if name else text

    return withhold


def _private_names(complaint: Complaint) -> list[str]:
    """The complainant's name as given, and their account's and accreditation's if they filed
    with one."""
    names = [complaint.complainant_name]
    user = complaint.filed_by
    if user is not None:
        names += [user.first_name, user.last_name]
        accreditation = getattr(user, "accreditation", None)
        if accreditation is not None:
            names.append(accreditation.full_name)
    return [name for name in names if name]


def _plain(value: str) -> str:
    """The text as it reads: compatibility forms folded (a full-width @ is @), invisible and
    combining characters dropped, every run of spaces one space."""
    folded = unicodedata.normalize("NFKC", value)
    kept = "".join(c for c in folded if unicodedata.category(c) not in ("Cf", "Mn", "Me", "Cc")
                   or c in "\n\t")  # fmt: skip
    return re.sub(r"\s+", " ", kept).strip()


def _latin(part: str) -> str:
    return "".join(CYRILLIC_LATIN.get(c, c) for c in part.lower())


def _cyrillic(part: str) -> str:
    """A Latin spelling in Cyrillic letters (the reverse of _latin, near enough to find)."""
    word, spelled = part.lower(), ""
    while word:
        for latin, cyrillic in LATIN_CYRILLIC:
            if word.startswith(latin):
                spelled, word = spelled + cyrillic, word[len(latin) :]
                break
        else:
            spelled, word = spelled + word[0], word[1:]
    return spelled


def _loose(part: str) -> str:
    """A pattern for one word of a name that matches it in look-alike letters, with any
    separators between its letters; a short part only as a whole word."""
    letters = []
    for character in part.lower():
        group = next((g for g in LOOK_ALIKE if character in g), None)
        letters.append(f"[{re.escape(group)}]" if group else re.escape(character))
    pattern = r"[\s_.-]?".join(letters)
    if len(part) >= SHORTEST_ANYWHERE:
        return f"(?:{pattern})"
    return rf"(?<!\w)(?:{pattern})(?!\w)"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
