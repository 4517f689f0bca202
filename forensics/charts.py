"""The fingerprint and the cumulative curve as plain SVG geometry (no script; prints well)."""

import math
from dataclasses import dataclass

CELL = 6  # pixels per 2-point bin: 50 bins = 300 pixels a side
MARGIN = 36  # for the axis labels
CURVE_WIDTH, CURVE_HEIGHT = 300, 300


@dataclass
class HeatCell:
    x: int
    y: int
    opacity: float  # by the logarithm of the voters in the cell: a few stations still show
    turnout: str  # "54–56"
    share: str
    voters: int


@dataclass
class Heatmap:
    size: int  # the plot's side in pixels
    margin: int
    cell: int
    cells: list[HeatCell]
    x_ticks: list[tuple[int, int, int]]  # (x, y, percent) of each label, in the picture
    y_ticks: list[tuple[int, int, int]]
    side: int  # the whole picture's side


def heatmap(cells: list[list[int]], bins: int) -> Heatmap:
    """Turnout along x, the leader's share up y; darker where more voters are."""
    size = bins * CELL
    step = 100 / bins
    heaviest = max((voters for _t, _s, voters in cells), default=0)
    scale = math.log1p(heaviest) or 1.0
    drawn = [
        HeatCell(
            x=MARGIN + turnout * CELL,
            y=MARGIN + size - (share + 1) * CELL,
            opacity=round(0.12 + 0.88 * math.log1p(voters) / scale, 3),
            turnout=f"{turnout * step:g}–{(turnout + 1) * step:g}",
            share=f"{share * step:g}–{(share + 1) * step:g}",
            voters=voters,
        )
        for turnout, share, voters in cells
    ]
    along = [(round(percent * size / 100), percent) for percent in range(0, 101, 20)]
    x_ticks = [(MARGIN + pixel, MARGIN + size + 16, percent) for pixel, percent in along]
    y_ticks = [(MARGIN - 6, MARGIN + size - pixel + 4, percent) for pixel, percent in along]
    return Heatmap(size, MARGIN, CELL, drawn, x_ticks, y_ticks, size + 2 * MARGIN)


@dataclass
class Curve:
    width: int
    height: int
    margin: int
    points: str  # for <polyline points=…>
    ticks: list[tuple[int, int]]


def cumulative_curve(cumulative: list[float]) -> Curve:
    """The share of the leader's votes (up) cast at stations of at most each turnout (along)."""
    steps = max(len(cumulative), 1)
    points = " ".join(
        f"{MARGIN + round((index + 1) * CURVE_WIDTH / steps, 1)},"
        f"{MARGIN + round(CURVE_HEIGHT * (1 - value), 1)}"
        for index, value in enumerate(cumulative)
    )
    ticks = [(round(percent * CURVE_WIDTH / 100), percent) for percent in range(0, 101, 20)]
    return Curve(CURVE_WIDTH, CURVE_HEIGHT, MARGIN, f"{MARGIN},{MARGIN + CURVE_HEIGHT} " + points,
                 ticks)  # fmt: skip
