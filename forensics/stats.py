"""Election forensics on station-level results: the statistical fingerprints of a count.

Every function reads plain per-station numbers (`Stations`: voters on the list, ballots given,
ballots received in the count, the leader's votes), so the same code runs on this election's
published records and on any country's per-station CSV. Each figure is evidence to weigh, never a
verdict: closed stations, small stations and real local consensus look anomalous too.

- The fingerprint (Klimek, Yegorov, Hanel, Thurner, PNAS 109(41), 2012): the 2-D histogram of
  turnout against the leader's share, weighted by voters, and the cumulative share of the
  leader's votes by turnout.
- The integer-percentage excess (Kobak, Shpilkin, Pshenichnikov, Ann. Appl. Stat. 10(1), 2016):
  stations whose turnout or leader's share lies within 0.05 points of a whole percentage,
  against the same count under binomial resampling (the leader's votes ~ Binomial(received,
  share), ballots given ~ Binomial(voters, turnout)); only stations with at least 100 voters and
  both figures at most 99 % count.
- Mebane's battery: the mean second digit (4.187… when clean), the mean last digit (4.5), the
  share of counts ending in 0 or 5 (0.2), the correlation of turnout with the leader's share
  (≈ 0) — weak evidence on their own, as Mebane says.
- Benjamini–Hochberg, so that one district in 200 is not "suspicious" by chance alone.
"""

import math
from dataclasses import dataclass

import numpy as np

NEAR_INTEGER = 0.05  # percentage points
MIN_VOTERS = 100
MAX_PERCENT = 99.0
REPLICATES = 1000


@dataclass(frozen=True)
class Stations:
    voters: np.ndarray
    given: np.ndarray
    received: np.ndarray
    leader: np.ndarray

    @classmethod
    def of(cls, rows) -> "Stations":
        """From rows of (voters, given, received, leader_votes)."""
        table = np.asarray(list(rows), dtype=np.int64).reshape(-1, 4)
        return cls(*(table[:, column] for column in range(4)))

    def __len__(self) -> int:
        return len(self.voters)

    def turnout(self) -> np.ndarray:
        return _percent(self.given, self.voters)

    def share(self) -> np.ndarray:
        return _percent(self.leader, self.received)


def _percent(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(whole > 0, 100.0 * part / np.maximum(whole, 1), np.nan)


# --- the integer-percentage excess -------------------------------------------------------------


@dataclass(frozen=True)
class IntegerExcess:
    stations: int  # that count (at least MIN_VOTERS voters, both figures at most MAX_PERCENT)
    observed: int  # turnouts and shares within NEAR_INTEGER of a whole percentage
    null_mean: float
    null_sd: float
    z: float
    # One-sided: the upper tail of a Poisson law with the null's mean. The count is a sum of
    # many rare, independent events, whose spread is a little narrower than a Poisson's, so
    # this p is conservative; a normal tail from z would call 4 whole numbers where 0.6 are
    # expected (a small district) a one-in-100,000 event. A share of replicates could say no
    # less than 1/(replicates + 1), too coarse for 200 districts' correction.
    p: float
    seed: int

    @property
    def excess(self) -> float:
        return self.observed - self.null_mean


def _near_integer(percent: np.ndarray) -> np.ndarray:
    return np.abs(percent - np.round(percent)) <= NEAR_INTEGER + 1e-9


def integer_excess(stations: Stations, seed: int = 2016, replicates: int = REPLICATES):
    """Kobak et al.'s test: observed whole-number turnouts and shares against binomial
    resampling of the same stations, ``replicates`` times, with ``seed`` (reproducible)."""
    whole = np.zeros(len(stations), dtype=np.int64)
    return integer_excess_by_area(stations, [whole], seed, replicates)[0][0]


def integer_excess_by_area(
    stations: Stations, levels: list[np.ndarray], seed: int = 2016, replicates: int = REPLICATES
) -> list[list[IntegerExcess]]:
    """The same test for every area of several levels at once, from one resampling of all the
    stations: ``levels`` label each station with its area's index at that level (0, 1, …), and
    each area's null counts its own stations in the same replicates. Returns, per level, each
    area's figures by index. One resampling, so the nation's figures are the same whether or
    not its regions and districts are asked for too."""
    turnout, share = stations.turnout(), stations.share()
    kept = (
        (stations.voters >= MIN_VOTERS) & (turnout <= MAX_PERCENT) & (share <= MAX_PERCENT)
        & ~np.isnan(turnout) & ~np.isnan(share)
    )  # fmt: skip
    voters, received = stations.voters[kept], stations.received[kept]
    t, s = turnout[kept] / 100, share[kept] / 100
    labels = [np.asarray(level)[kept] for level in levels]
    sizes = [int(np.asarray(level).max(initial=-1)) + 1 for level in levels]

    def per_area(near: np.ndarray) -> list[np.ndarray]:
        return [np.bincount(label, weights=near, minlength=size)
                for label, size in zip(labels, sizes, strict=True)]  # fmt: skip

    observed = per_area(_near_integer(turnout[kept]) + 0.0 + _near_integer(share[kept]))
    counted = per_area(np.ones(len(voters)))
    rng = np.random.default_rng(seed)
    nulls = [np.empty((replicates, size)) for size in sizes]
    for replicate in range(replicates):
        given = rng.binomial(voters, t)
        leader = rng.binomial(received, s)
        near = _near_integer(_percent(given, voters)) + 0.0
        near += _near_integer(_percent(leader, received))
        for null, counts in zip(nulls, per_area(near), strict=True):
            null[replicate] = counts
    found = []
    for observed_counts, counted_counts, null in zip(observed, counted, nulls, strict=True):
        mean = null.mean(axis=0)
        sd = null.std(axis=0, ddof=1) if replicates > 1 else np.zeros(len(mean))
        areas = []
        for area in range(len(mean)):
            z = (observed_counts[area] - mean[area]) / sd[area] if sd[area] > 0 else 0.0
            p = poisson_upper_tail(int(observed_counts[area]), float(mean[area]))
            counts = int(counted_counts[area]), int(observed_counts[area])
            null_of = float(mean[area]), float(sd[area])
            areas.append(IntegerExcess(*counts, *null_of, float(z), p, seed))
        found.append(areas)
    return found


def poisson_upper_tail(k: int, mean: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mean), summed from k up (no 1 − P(X < k) cancellation)."""
    if k <= 0 or mean <= 0:
        return 1.0 if k <= 0 else 0.0
    term = math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1))
    total, i = term, k
    while term > total * 1e-17 and i < k + 10 * (mean + 10):
        i += 1
        term *= mean / i
        total += term
    return min(total, 1.0)


# --- Mebane's battery -------------------------------------------------------------------------


def benford_second_digit_mean() -> float:
    """The mean second digit under Benford's law: Σ d·Σₖ log₁₀(1 + 1/(10k + d)) = 4.1873…"""
    return sum(d * sum(math.log10(1 + 1 / (10 * k + d)) for k in range(1, 10)) for d in range(10))


@dataclass(frozen=True)
class Digits:
    second_mean: float  # of counts of 10 or more; 4.187 when clean
    last_mean: float  # of counts of 10 or more; 4.5
    zero_or_five: float  # share of counts (10 or more) ending in 0 or 5; 0.2
    counts: int


def digit_tests(counts: np.ndarray) -> Digits:
    counts = np.asarray(counts, dtype=np.int64)
    counts = counts[counts >= 10]
    if len(counts) == 0:
        return Digits(math.nan, math.nan, math.nan, 0)
    second = np.array([int(str(n)[1]) for n in counts])
    last = counts % 10
    return Digits(float(second.mean()), float(last.mean()),
                  float(np.isin(last, (0, 5)).mean()), len(counts))  # fmt: skip


def correlation(stations: Stations) -> float:
    """Pearson's r of turnout with the leader's share (≈ 0 when voting is as usual)."""
    turnout, share = stations.turnout(), stations.share()
    kept = ~np.isnan(turnout) & ~np.isnan(share)
    if kept.sum() < 3:
        return math.nan
    return float(np.corrcoef(turnout[kept], share[kept])[0, 1])


def both_high(stations: Stations, threshold: float = 95.0) -> int:
    """Stations with both turnout and the leader's share at or above ``threshold`` %."""
    return int(((stations.turnout() >= threshold) & (stations.share() >= threshold)).sum())


# --- the fingerprint ----------------------------------------------------------------------------


def fingerprint(stations: Stations, bins: int = 50) -> np.ndarray:
    """The turnout × leader-share histogram, ``bins`` × ``bins`` over 0–100 %, each station
    weighted by its voters: row = turnout, column = share."""
    turnout, share = stations.turnout(), stations.share()
    kept = ~np.isnan(turnout) & ~np.isnan(share)
    histogram, _x, _y = np.histogram2d(
        turnout[kept], share[kept], bins=bins, range=[[0, 100], [0, 100]],
        weights=stations.voters[kept],
    )  # fmt: skip
    return histogram


def cumulative_by_turnout(stations: Stations, bins: int = 100) -> np.ndarray:
    """The share of all the leader's votes cast at stations of at most each turnout (1 %
    steps): it rises and plateaus in a clean count, climbs on at high turnout under stuffing."""
    turnout = stations.turnout()
    kept = ~np.isnan(turnout)
    total = stations.leader[kept].sum()
    by_bin, _edges = np.histogram(
        turnout[kept], bins=bins, range=(0, 100), weights=stations.leader[kept]
    )
    return np.cumsum(by_bin) / total if total else np.zeros(bins)


def top_right_mass(stations: Stations, corner: float = 80.0) -> float:
    """The share of voters at stations with both turnout and share at or above ``corner`` %."""
    weights = stations.voters
    high = (stations.turnout() >= corner) & (stations.share() >= corner)
    return float(weights[high].sum() / weights.sum()) if weights.sum() else 0.0


# --- many areas at once -------------------------------------------------------------------------


def benjamini_hochberg(p_values: list[float], q: float = 0.05) -> list[bool]:
    """Which of the hypotheses to reject at false-discovery rate ``q``."""
    m = len(p_values)
    order = sorted(range(m), key=lambda index: p_values[index])
    largest = 0
    for rank, index in enumerate(order, start=1):
        if p_values[index] <= q * rank / m:
            largest = rank
    rejected = set(order[:largest])
    return [index in rejected for index in range(m)]


# --- per-station signals -----------------------------------------------------------------------

HIGH_PERCENT = 95.0
OUTLIER_SD = 3.0
MIN_NEIGHBOURS = 4  # the other stations of a district needed to call one an outlier there


@dataclass(frozen=True)
class Signals:
    """Per station: worth a look, never a verdict."""

    turnout_high: np.ndarray  # at or above 95 %, or more than 3 SD above its district's others
    share_high: np.ndarray  # the leader's share, likewise
    whole_numbers: np.ndarray  # turnout and share both within 0.05 points of whole percentages

    @property
    def both_high(self) -> np.ndarray:
        return self.turnout_high & self.share_high

    def any(self) -> np.ndarray:
        return self.turnout_high | self.share_high | self.whole_numbers


def _above_the_others(values: np.ndarray, district: np.ndarray) -> np.ndarray:
    """More than OUTLIER_SD standard deviations above the mean of the *other* stations of its
    district (leaving the station out: with it in, one outlier in ten can never reach 3 SD)."""
    known = ~np.isnan(values)
    x = np.where(known, values, 0.0)
    size = int(district.max(initial=-1)) + 1
    n = np.bincount(district, weights=known, minlength=size)[district]
    total = np.bincount(district, weights=x, minlength=size)[district]
    squares = np.bincount(district, weights=x * x, minlength=size)[district]
    others = n - known
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (total - x) / others
        variance = (squares - x * x - others * mean * mean) / (others - 1)
        sd = np.sqrt(np.maximum(variance, 0))
        outlier = (others >= MIN_NEIGHBOURS) & (sd > 0) & (x > mean + OUTLIER_SD * sd)
    return known & outlier


def station_signals(stations: Stations, district: np.ndarray) -> Signals:
    """``district`` labels each station with its district's index (0, 1, …)."""
    turnout, share = stations.turnout(), stations.share()
    district = np.asarray(district)
    with np.errstate(invalid="ignore"):
        turnout_high = (turnout >= HIGH_PERCENT) | _above_the_others(turnout, district)
        share_high = (share >= HIGH_PERCENT) | _above_the_others(share, district)
    whole = _near_integer(turnout) & _near_integer(share)
    return Signals(turnout_high, share_high, whole)
