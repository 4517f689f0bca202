"""Every forensic figure of one contest, for the whole contest, each region and each district,
and each station's signals: what the pages show, the task stores and the command prints.

One function (`analyse`) from plain station rows, so the published records and a CSV give the
same figures by the same code; the integer-percentage nulls of every area come from one
resampling of all the stations, in the rows' order (see records.py).
"""

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from forensics import stats

NATION, REGION, DISTRICT = "nation", "region", "district"
LEVELS = (NATION, REGION, DISTRICT)
FALSE_DISCOVERY_RATE = 0.05
SEED = 2016  # the resampling's seed unless one is asked for: Kobak et al.'s year
FINGERPRINT_BINS = 50  # 2 points of turnout by 2 points of the leader's share


@dataclass(frozen=True)
class Row:
    """One station's numbers and its areas (from records.StationRow or a CSV line)."""

    key: str
    voters: int
    given: int
    received: int
    leader_votes: int
    region: str = ""
    district: str = ""
    closed: bool = False
    station_id: int | None = None


@dataclass
class Area:
    level: str
    key: str
    stations: int
    excess: stats.IntegerExcess
    correlation: float
    both_high: int
    digits: stats.Digits
    top_right: float
    # The voter-weighted fingerprint's cells that hold anyone: (turnout bin, share bin, voters).
    cells: list[tuple[int, int, int]]
    cumulative: list[float]  # the share of the leader's votes at turnout ≤ 1, 2, … 100 %
    flagged: bool = False  # its excess significant among its level's areas (Benjamini–Hochberg)

    def document(self) -> dict:
        """As stored (JSON): not-a-number (too few stations to say) becomes null."""
        document = asdict(self)
        document["excess"]["excess"] = self.excess.excess
        return _finite(document)


@dataclass
class StationSignal:
    key: str
    station_id: int | None
    turnout: float
    share: float
    closed: bool
    signals: list[str]  # of SIGNALS


SIGNALS = ("turnout_high", "share_high", "both_high", "whole_numbers")


@dataclass
class Analysis:
    seed: int
    replicates: int
    areas: dict[tuple[str, str], Area] = field(default_factory=dict)
    signals: list[StationSignal] = field(default_factory=list)

    def level(self, level: str) -> list[Area]:
        return [area for (at, _key), area in self.areas.items() if at == level]


def _finite(value):
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _labels(values: list[str]) -> tuple[np.ndarray, list[str]]:
    names = sorted(set(values))
    index = {name: position for position, name in enumerate(names)}
    return np.array([index[value] for value in values], dtype=np.int64), names


def analyse(rows: list[Row], seed: int = SEED, replicates: int = stats.REPLICATES) -> Analysis:
    """Every area's figures and every station's signals; the areas' excesses compared within
    each level with Benjamini–Hochberg at FALSE_DISCOVERY_RATE."""
    stations = stats.Stations.of(
        (row.voters, row.given, row.received, row.leader_votes) for row in rows
    )
    nation = np.zeros(len(rows), dtype=np.int64)
    region, regions = _labels([row.region for row in rows])
    district, districts = _labels([row.district for row in rows])
    levels = {NATION: (nation, [""]), REGION: (region, regions), DISTRICT: (district, districts)}
    excesses = stats.integer_excess_by_area(
        stations, [labels for labels, _names in levels.values()], seed, replicates
    )
    analysis = Analysis(seed, replicates)
    for (level, (labels, names)), found in zip(levels.items(), excesses, strict=True):
        flags = stats.benjamini_hochberg([excess.p for excess in found], FALSE_DISCOVERY_RATE)
        for position, name in enumerate(names):
            if level != NATION and not name:
                continue  # a CSV without the column: no such areas
            part = _part(stations, labels == position)
            analysis.areas[(level, name)] = _area(
                level, name, part, found[position], level != NATION and flags[position]
            )
    analysis.signals = _signals(rows, stations, district)
    return analysis


def _part(stations: stats.Stations, chosen: np.ndarray) -> stats.Stations:
    return stats.Stations(
        stations.voters[chosen], stations.given[chosen], stations.received[chosen],
        stations.leader[chosen],
    )  # fmt: skip


def _area(level: str, key: str, part: stats.Stations, excess, flagged: bool) -> Area:
    histogram = stats.fingerprint(part, FINGERPRINT_BINS)
    filled = zip(*np.nonzero(histogram), strict=True)
    cells = [(int(t), int(s), int(histogram[t, s])) for t, s in filled]
    return Area(
        level=level,
        key=key,
        stations=len(part),
        excess=excess,
        correlation=stats.correlation(part),
        both_high=stats.both_high(part),
        digits=stats.digit_tests(part.leader),
        top_right=stats.top_right_mass(part),
        cells=cells,
        cumulative=[round(float(value), 6) for value in stats.cumulative_by_turnout(part)],
        flagged=bool(flagged),
    )


def _signals(rows: list[Row], stations: stats.Stations, district: np.ndarray):
    found = stats.station_signals(stations, district)
    turnout, share = stations.turnout(), stations.share()
    kinds = {
        "turnout_high": found.turnout_high,
        "share_high": found.share_high,
        "both_high": found.both_high,
        "whole_numbers": found.whole_numbers,
    }
    return [
        StationSignal(
            key=rows[index].key,
            station_id=rows[index].station_id,
            turnout=round(float(turnout[index]), 2),
            share=round(float(share[index]), 2),
            closed=rows[index].closed,
            signals=[name for name in SIGNALS if kinds[name][index]],
        )
        for index in np.flatnonzero(found.any())
    ]
