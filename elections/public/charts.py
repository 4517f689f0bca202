"""Charts as plain SVG geometry: no script, readable without JavaScript, prints well."""

import math
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 12, 32  # margins for the axis labels


@dataclass
class Line:
    name: str
    points: str  # "x,y x,y …" for <polyline points=…>
    dots: list[tuple[float, float, str, Decimal]]  # x, y, label, value: a <title> per dot


@dataclass
class Chart:
    width: int
    height: int
    lines: list[Line]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    baseline: float
    left: int
    right: float


def line_chart(labels: list[str], series: list[tuple[str, list[tuple[str, Decimal]]]]) -> Chart:
    """Percentages (0–100 scaled to the highest value) against evenly spaced labels."""
    top_value = max((value for _, points in series for _, value in points), default=Decimal(0))
    ceiling = max(10, int(top_value / 10 + 1) * 10)  # the next round ten above the data
    step = (WIDTH - LEFT - RIGHT) / max(len(labels) - 1, 1)
    x_of = {label: LEFT + i * step for i, label in enumerate(labels)}

    def y(value: Decimal | int) -> float:
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - float(value) / ceiling), 1)

    lines = []
    for name, points in series:
        dots = [(round(x_of[label], 1), y(value), label, value) for label, value in points]
        lines.append(Line(name, " ".join(f"{x},{dot_y}" for x, dot_y, _, _ in dots), dots))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        lines=lines,
        x_ticks=[(round(x, 1), label) for label, x in x_of.items()],
        y_ticks=[(y(value), value) for value in range(0, ceiling + 1, 10)],
        baseline=y(0),
        left=LEFT,
        right=WIDTH - RIGHT,
    )


# --- results: shares as bars, seats as a hemicycle ---------------------------------------------

PALETTE = ["#00557f", "#c05a00", "#2e7d32", "#8e24aa", "#b71c1c", "#5d4037", "#00838f", "#6d6d00"]
AGAINST_ALL = "#6b7280"
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 22, 8, 180


@dataclass
class Bar:
    y: float
    width: float
    colour: str
    name: str
    percent: Decimal
    votes: int


@dataclass
class Bars:
    width: int
    height: int
    label_width: int
    bars: list[Bar]


def bar_chart(rows: list[tuple[str, int, Decimal | None, bool]]) -> Bars:
    """One bar per ballot line (name, votes, percent, is "Against all"), scaled to the largest."""
    top = max((percent or Decimal(0) for _, _, percent, _ in rows), default=Decimal(0)) or 1
    span = WIDTH - LABEL_WIDTH - 70  # room for the figure after the bar
    bars = [
        Bar(
            y=i * (BAR_HEIGHT + BAR_GAP),
            width=round(span * float(percent or 0) / float(top), 1),
            colour=AGAINST_ALL if against_all else PALETTE[i % len(PALETTE)],
            name=name,
            percent=percent or Decimal(0),
            votes=votes,
        )
        for i, (name, votes, percent, against_all) in enumerate(rows)
    ]
    return Bars(WIDTH, len(rows) * (BAR_HEIGHT + BAR_GAP), LABEL_WIDTH, bars)


@dataclass
class Seat:
    x: float
    y: float
    colour: str
    name: str


@dataclass
class SeatDiagram:
    width: int
    height: int
    seats: list[Seat]
    legend: list[tuple[str, str, int]]  # colour, name, seats


def seat_diagram(parties: list[tuple[str, int]], radius: float = 8) -> SeatDiagram:
    """Seats as dots on concentric half-rings, filled party by party from left to right."""
    total = sum(seats for _, seats in parties)
    rows = max(1, round((total / 6) ** 0.5))  # about as many rows as a parliament chart shows
    inner, outer = 70.0, 70.0 + (rows - 1) * radius * 2.6
    lengths = [inner + (outer - inner) * r / max(rows - 1, 1) for r in range(rows)]
    # Seats per ring in proportion to its length, so the dots are evenly spaced.
    per_ring = [round(total * length / sum(lengths)) for length in lengths]
    per_ring[-1] += total - sum(per_ring)

    spots = []
    for ring, count in zip(lengths, per_ring, strict=True):
        for i in range(count):
            angle = math.pi * (1 - (i + 0.5) / count)
            spots.append((angle, ring))
    spots.sort(key=lambda spot: -spot[0])  # left to right across every ring
    centre_x, centre_y = outer + radius + 4, outer + radius + 4
    colours = [(PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(parties)]
    owners = [
        owner for owner, (_, seats) in zip(colours, parties, strict=True) for _ in range(seats)
    ]
    seats = [
        Seat(
            x=round(centre_x + ring * math.cos(angle), 1),
            y=round(centre_y - ring * math.sin(angle), 1),
            colour=colour,
            name=name,
        )
        for (angle, ring), (colour, name) in zip(spots, owners, strict=True)
    ]
    legend = [
        (colour, name, seats)
        for (colour, name), (_, seats) in zip(colours, parties, strict=True)
        if seats
    ]
    return SeatDiagram(int(centre_x * 2), int(centre_y + radius), seats, legend)
