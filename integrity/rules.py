"""The discrepancy rules: what, between a station's copies and its published record, is worth a
look. Each rule has an id, a meaning and a severity, and is a pure function of the facts of one
station and contest (`Facts`), so that it is tested on its own and run by anyone on the open
data. Nothing here blocks the official workflow: a finding is a question for the commission,
not a verdict.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from elections import checks
from elections.models.protocols import PROTOCOL_LINES

HIGH, MEDIUM = "high", "medium"


@dataclass(frozen=True)
class Figures:
    """A protocol's figures: its nine lines, and its votes by ballot position."""

    lines: dict[str, int]
    votes: dict[int, int]

    def differences(self, other: "Figures", theirs: str = "published") -> dict[str, dict]:
        """Each field (a line, or ``vote:<position>``) where ``other`` differs, both values:
        this copy's as ``copy``, the other's under ``theirs`` (the published record, or
        another copy)."""
        found = {
            name: {"copy": self.lines.get(name), theirs: other.lines.get(name)}
            for name in PROTOCOL_LINES
            if self.lines.get(name) != other.lines.get(name)
        }
        for position in sorted({*self.votes, *other.votes}):
            if self.votes.get(position) != other.votes.get(position):
                found[f"vote:{position}"] = {
                    "copy": self.votes.get(position), theirs: other.votes.get(position)
                }  # fmt: skip
        return found

    def control_errors(self) -> list[str]:
        votes = [self.votes[position] for position in sorted(self.votes)]
        return [finding.code for finding in checks.control_errors(self.lines, votes)]

    def leader(self) -> int | None:
        return max(self.votes, key=lambda position: self.votes[position], default=None)


@dataclass(frozen=True)
class CopyFacts:
    id: int
    source: str  # ProtocolCopy.Source
    figures: Figures | None  # None until its two transcriptions agree
    images: tuple[str, ...] = ()  # SHA-256 of each


@dataclass(frozen=True)
class RecordFacts:
    """A published record of the station and contest (Publication.record)."""

    figures: Figures
    replaces: str | None
    reason: str
    legal_basis: str
    complaint: str | None = None  # the complaint whose decision ordered it, if any

    @classmethod
    def of(cls, record: dict, complaint: str | None = None) -> "RecordFacts":
        votes = {vote["position"]: vote["votes"] for vote in record["votes"]}
        return cls(
            Figures(dict(record["lines"]), votes), record.get("replaces_sha256"),
            record.get("reason") or "", record.get("legal_basis") or "", complaint,
        )  # fmt: skip


@dataclass(frozen=True)
class Facts:
    copies: list[CopyFacts]
    records: list[RecordFacts]  # in publication order; the last stands
    closed_at: datetime | None  # when the station's polls closed
    now: datetime
    unpublished_hours: float
    # Each image hash of these copies that another station's copy also has → those stations.
    images_elsewhere: dict[str, list[str]] = field(default_factory=dict)

    @property
    def standing(self) -> RecordFacts | None:
        return self.records[-1] if self.records else None


@dataclass(frozen=True)
class Finding:
    rule: str
    copy: int | None
    detail: dict


@dataclass(frozen=True)
class Rule:
    id: str
    meaning: str
    severity: str
    find: Callable[[Facts], Iterator[Finding]]


def _differs(sources: set[str], rule: str):
    def find(facts: Facts) -> Iterator[Finding]:
        standing = facts.standing
        if standing is None:
            return
        for copy in facts.copies:
            if copy.source not in sources or copy.figures is None:
                continue
            lines = copy.figures.differences(standing.figures)
            if lines:
                yield Finding(rule, copy.id, {
                    "fields": lines, "favours_leader": _favours_leader(copy.figures, standing),
                })  # fmt: skip

    return find


def _favours_leader(copy: Figures, standing: RecordFacts) -> bool:
    """Whether the published record gives its leader more votes than the copy does."""
    leader = standing.figures.leader()
    if leader is None:
        return False
    return standing.figures.votes.get(leader, 0) > copy.votes.get(leader, 0)


def _copies_disagree(facts: Facts) -> Iterator[Finding]:
    transcribed = [copy for copy in facts.copies if copy.figures is not None]
    for index, later in enumerate(transcribed):
        for earlier in transcribed[:index]:
            fields = later.figures.differences(earlier.figures, theirs="other_copy")
            if fields:
                yield Finding("copies_disagree", later.id, {"other_copy": earlier.id,
                                                            "fields": fields})  # fmt: skip


def _control_relations(facts: Facts) -> Iterator[Finding]:
    standing = facts.standing
    if standing is None:
        return
    published = standing.figures.control_errors()
    for copy in facts.copies:
        if copy.figures is None:
            continue
        own = copy.figures.control_errors()
        if bool(own) != bool(published):
            yield Finding("control_relations", copy.id, {"copy": own, "published": published})


def _changed_without_reason(facts: Facts) -> Iterator[Finding]:
    for number, record in enumerate(facts.records, start=1):
        explained = record.reason.strip() or record.legal_basis.strip() or record.complaint
        if record.replaces and not explained:
            yield Finding("changed_without_reason", None, {"version": number})


def _unpublished(facts: Facts) -> Iterator[Finding]:
    if facts.records or not facts.copies or facts.closed_at is None:
        return
    waited = facts.now - facts.closed_at
    if waited > timedelta(hours=facts.unpublished_hours):
        yield Finding("unpublished_after_close", None, {
            "hours": round(waited.total_seconds() / 3600, 1), "copies": len(facts.copies),
        })  # fmt: skip


def _image_reused(facts: Facts) -> Iterator[Finding]:
    for copy in facts.copies:
        for sha in copy.images:
            if stations := facts.images_elsewhere.get(sha):
                yield Finding("image_reused", copy.id, {"sha256": sha, "stations": stations})


RULES = [
    Rule("copy_differs", _("An observer's or party agent's copy differs from the published "
                           "record"), HIGH, _differs({"certified_copy", "party_agent"},
                                                     "copy_differs")),
    Rule("photo_differs", _("The photo of the posted protocol differs from the published record"),
         HIGH, _differs({"posted_photo"}, "photo_differs")),
    Rule("copies_disagree", _("Two copies of the same protocol disagree"), MEDIUM,
         _copies_disagree),
    Rule("control_relations", _("A copy keeps the control relations and the published record "
                                "does not, or the reverse"), MEDIUM, _control_relations),
    Rule("changed_without_reason", _("The published figures changed with no correction reason "
                                     "or complaint decision"), HIGH, _changed_without_reason),
    Rule("unpublished_after_close", _("A copy exists but the station is still unpublished long "
                                      "after the close"), MEDIUM, _unpublished),
    Rule("image_reused", _("One image was submitted for two stations"), HIGH, _image_reused),
]  # fmt: skip
BY_ID = {rule.id: rule for rule in RULES}


def findings(facts: Facts) -> list[Finding]:
    """Everything every rule finds in one station's and contest's facts."""
    return [finding for rule in RULES for finding in rule.find(facts)]
