"""The register's counts drawn for its page: a table (the text alternative) and stacked bars as
inline SVG, no script. The geometry is computed here; templates/complaints/_counts.html draws it.

elections.public.charts' bar chart draws one share per row; the counts need a row per body
addressed split by status (or outcome), so this draws stacked bars in the same palette.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from complaints.models import Complaint
from elections.public.charts import PALETTE, WIDTH

LABEL_WIDTH, BAR_HEIGHT, BAR_GAP = 200, 22, 8
FIGURE_ROOM = 44  # after the bar, for its total
LEGEND_COLUMNS, LEGEND_ROW = 2, 20


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    name: str
    count: int


@dataclass
class StackedBar:
    y: float
    name: str
    total: int
    end: float  # where the bar ends, for its total
    segments: list[Segment]


@dataclass
class LegendItem:
    x: float
    y: float
    colour: str
    name: str


@dataclass
class StackedBars:
    width: int
    height: int
    label_width: int
    bars: list[StackedBar]
    legend: list[LegendItem]
    title: str
    summary: str  # the <title>: every figure in words


def stacked_bars(rows: list[tuple[str, list[int]]], keys: list[str], title: str) -> StackedBars:
    """One bar per row (its name and a count per key), split by key, scaled to the largest
    total so that the rows compare; a legend of the keys below."""
    colours = {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(keys)}
    top = max((sum(counts) for _, counts in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - FIGURE_ROOM
    bars = []
    for i, (name, counts) in enumerate(rows):
        x, segments = float(LABEL_WIDTH), []
        for key, count in zip(keys, counts, strict=True):
            if count:
                width = round(span * count / top, 1)
                segments.append(Segment(round(x, 1), width, colours[key], key, count))
                x += width
        bars.append(StackedBar(i * (BAR_HEIGHT + BAR_GAP), name, sum(counts), round(x, 1),
                               segments))  # fmt: skip
    legend_top = len(rows) * (BAR_HEIGHT + BAR_GAP) + 6
    column = WIDTH / LEGEND_COLUMNS
    legend = [
        LegendItem(
            x=round((i % LEGEND_COLUMNS) * column, 1),
            y=legend_top + (i // LEGEND_COLUMNS) * LEGEND_ROW,
            colour=colours[key],
            name=key,
        )
        for i, key in enumerate(keys)
    ]
    rows_of_legend = -(-len(keys) // LEGEND_COLUMNS)
    summary = "; ".join(f"{name}: {_in_words(keys, counts)}" for name, counts in rows)
    return StackedBars(
        width=WIDTH,
        height=legend_top + rows_of_legend * LEGEND_ROW,
        label_width=LABEL_WIDTH,
        bars=bars,
        legend=legend,
        title=title,
        summary=f"{title}. {summary}",
    )


def _in_words(keys: list[str], counts: list[int]) -> str:
    parts = [f"{key} {count}" for key, count in zip(keys, counts, strict=True) if count]
    return ", ".join(parts) or "0"


def counts_display(counts: dict) -> dict:
    """What the register's page shows of ``register_counts``: the table's rows (each body
    addressed, then all) and the two charts, by status and by outcome."""
    status_labels = dict(Complaint.Status.choices)
    outcome_labels = dict(Complaint.Outcome.choices)
    level_labels = dict(Complaint.Level.choices)
    statuses, outcomes = list(counts["statuses"]), list(counts["outcomes"])
    levels = [
        (level_labels.get(level, level), figures) for level, figures in counts["levels"].items()
    ]

    def row(name: str, figures: dict) -> tuple[str, int, list[int], list[int]]:
        return (
            name,
            figures["total"],
            [figures["statuses"][status] for status in statuses],
            [figures["outcomes"][outcome] for outcome in outcomes],
        )

    status_names = [str(status_labels.get(status, status)) for status in statuses]
    outcome_names = [str(outcome_labels.get(outcome, outcome)) for outcome in outcomes]
    return {
        "statuses": status_names,
        "outcomes": outcome_names,
        "rows": [row(str(name), figures) for name, figures in levels],
        "all": row(_("All"), counts),
        "total": counts["total"],
        "by_status": stacked_bars(
            [(str(name), [figures["statuses"][s] for s in statuses]) for name, figures in levels],
            status_names,
            _("Registered complaints by body addressed and status"),
        ),
        "by_outcome": stacked_bars(
            [(str(name), [figures["outcomes"][o] for o in outcomes]) for name, figures in levels],
            outcome_names,
            _("Decided complaints by body addressed and outcome"),
        ),
    }
