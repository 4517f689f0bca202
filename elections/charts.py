"""A line chart as plain SVG geometry: no script, readable without JavaScript, prints well."""

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
