"""What the public may know of discrepancies and parallel counts: one row shape for the page, the
CSV, the JSON and the API, holding no one's name (neither the copy's submitter nor any observer:
a row names a station, a contest, a rule and a complaint's number).

A discrepancy is a question for the commission, not a verdict; the page says so beside them.
"""

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from elections.models import PROTOCOL_LINES
from integrity import rules
from integrity.models import Discrepancy, ParallelCount
from integrity.parallel import CountEstimate, parallel_estimates

FILTERS = ("region", "rule", "status")  # query parameters the page, files and API read
COLUMNS = [
    "election", "station", "contest", "rule", "severity", "status", "detail", "complaint",
    "found", "checked",
]  # fmt: skip
STATUSES = Discrepancy.Status.values


def public_discrepancies(**filters: str) -> QuerySet[Discrepancy]:
    """Every discrepancy, by station and contest, by any of FILTERS (``region`` is its code)."""
    rows = Discrepancy.objects.select_related("election", "station__region", "contest", "complaint")
    lookups = {"region": "station__region__code", "rule": "rule", "status": "status"}
    for name, value in filters.items():
        if value and name in lookups:
            rows = rows.filter(**{lookups[name]: value})
    return rows.order_by("station__region__code", "station__number", "contest__code", "rule", "pk")


def discrepancy_row(discrepancy: Discrepancy) -> dict:
    """The open-data columns of one discrepancy, as plain values."""
    station, complaint = discrepancy.station, discrepancy.complaint
    return {
        "election": discrepancy.election.code,
        "station": f"{station.region.code}-{station.number}",
        "contest": discrepancy.contest.code,
        "rule": discrepancy.rule,
        "severity": discrepancy.severity,
        "status": discrepancy.status,
        "detail": discrepancy.detail,
        # Only a registered complaint has a number, and only it is in the public register.
        "complaint": complaint.number if complaint and complaint.number else None,
        "found": discrepancy.found.isoformat(),
        "checked": discrepancy.checked.isoformat(),
    }


def discrepancy_counts(**filters: str) -> list[dict]:
    """How many discrepancies each region has under each rule, by status (every status present,
    0 where there are none), in one aggregate query over the same rows as the table."""
    found = (
        public_discrepancies(**filters)
        .order_by()
        .values("station__region__code", "rule", "status")
        .annotate(n=Count("pk"))
    )
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for row in found:
        key = (row["station__region__code"], row["rule"])
        counts = cells.setdefault(key, dict.fromkeys(STATUSES, 0))
        counts[row["status"]] = counts.get(row["status"], 0) + row["n"]
    return [
        {"region": region, "rule": rule, "statuses": counts, "total": sum(counts.values())}
        for (region, rule), counts in sorted(cells.items())
    ]


def detail_summary(discrepancy: Discrepancy, labels: dict[int, str] | None = None) -> str:
    """One discrepancy's detail in words: the differing fields (copy, published), the control
    relations broken on each side, the version, the hours waited, the stations sharing an image."""
    detail, labels = discrepancy.detail or {}, labels or {}
    parts = []
    if isinstance(fields := detail.get("fields"), dict):
        other = "other_copy" if discrepancy.rule == "copies_disagree" else "published"
        said = (
            _("%(field)s: copy %(copy)s, the other copy %(published)s")
            if other == "other_copy"
            else _("%(field)s: copy %(copy)s, published %(published)s")
        )
        parts += [
            said
            % {
                "field": field_label(name, labels),
                "copy": _shown(values.get("copy")),
                "published": _shown(values.get(other)),
            }
            for name, values in fields.items()
            if isinstance(values, dict)
        ]
        if detail.get("favours_leader"):
            parts.append(_("the published record gives its leader more votes than the copy"))
    if discrepancy.rule == "control_relations":
        parts.append(
            _("broken on the copy: %(copy)s; on the published record: %(published)s")
            % {
                "copy": ", ".join(detail.get("copy") or []) or "—",
                "published": ", ".join(detail.get("published") or []) or "—",
            }
        )
    if "version" in detail:
        parts.append(_("version %(version)s") % {"version": detail["version"]})
    if "hours" in detail:
        parts.append(
            _("%(hours)s hours after the close, %(copies)s copies")
            % {"hours": detail["hours"], "copies": detail.get("copies")}
        )
    if "stations" in detail:
        parts.append(
            _("the same image at %(stations)s") % {"stations": ", ".join(detail["stations"])}
        )
    return "; ".join(parts)


def field_label(name: str, labels: dict[int, str]) -> str:
    """A protocol line's label, or ``vote:<position>`` as the ballot line's."""
    if name in PROTOCOL_LINES:
        return str(PROTOCOL_LINES[name])
    if name.startswith("vote:"):
        position = name.removeprefix("vote:")
        label = labels.get(int(position)) if position.isdigit() else None
        return f"{position}. {label}" if label else name
    return name


def _shown(value) -> str:
    return "—" if value is None else str(value)


def rule_meaning(rule: str) -> str:
    found = rules.BY_ID.get(rule)
    return str(found.meaning) if found else rule


# --- parallel counts --------------------------------------------------------------------------


def public_parallel_counts() -> QuerySet[ParallelCount]:
    return ParallelCount.objects.select_related(
        "election", "contest__election", "organisation"
    ).order_by("election__date", "contest__code", "organisation__name", "pk")


def parallel_row(count: ParallelCount, estimates: CountEstimate | None = None) -> dict:
    """One organisation's parallel count: how it was drawn, how much of it reported, and each
    ballot line's estimated share (a share of the denominator, 0 to 1) beside the official."""
    estimates = estimates or parallel_estimates(count)
    lines = []
    for item in estimates.lines:
        estimate = item.estimate
        lines.append({
            "position": item.line.position,
            "label": item.line.label,
            "share": estimate.share if estimate else None,
            "margin": estimate.margin if estimate else None,
            "low": estimate.low if estimate else None,
            "high": estimate.high if estimate else None,
            "official": item.official,
            "outside": item.outside,
        })  # fmt: skip
    return {
        "organisation": count.organisation.name,
        "election": count.election.code,
        "contest": count.contest.code,
        "seed": count.seed,
        "frame_sha256": count.frame_sha256,
        "frame_size": count.frame_size,
        "sample_size": count.stations.count(),
        "reported": estimates.reported,
        "denominator": estimates.denominator,
        "lines": lines,
    }
