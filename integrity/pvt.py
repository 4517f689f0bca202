"""A parallel vote tabulation: a reproducible stratified random sample of stations, and the
cluster-sample ratio estimate of a party's share from the sample's copies of the protocol.

Each station is a cluster: aᵢ its votes for the party, mᵢ the denominator's ballots there. The
estimate (as NDI's Apollo computes it) is p = Σaᵢ/Σmᵢ with

    var = (1 − f) / (k·m̄²) · (Σaᵢ² − 2pΣaᵢmᵢ + p²Σmᵢ²) / (k − 1),   MoE = 1.96·√var,

k the stations in the sample, f = k/N the share of the N stations sampled, m̄ = Σmᵢ/k. The
denominator is named, never implied: the CEC's percentages are of the valid ballots, "Against
all" included (`VALID`); putting the invalid ballots in as well (`RECEIVED`) was ISFED's 2020
mistake, and gives a lower share.
"""

import hashlib
import json
import math
import random
from collections import defaultdict
from dataclasses import dataclass

Z95 = 1.96
VALID = "valid"  # l7_valid: the valid ballots, "Against all" among them
RECEIVED = "received"  # valid + invalid: the ISFED error, kept only to show it


@dataclass(frozen=True)
class StationCount:
    """One sampled station's copy: the party's votes, the valid and the invalid ballots."""

    votes: int
    valid: int
    invalid: int = 0

    def denominator(self, kind: str = VALID) -> int:
        return self.valid + (self.invalid if kind == RECEIVED else 0)


@dataclass(frozen=True)
class Estimate:
    share: float
    variance: float
    margin: float  # the 95 % margin of error, as a share
    stations: int  # k
    population: int  # N
    denominator: str

    @property
    def low(self) -> float:
        return self.share - self.margin

    @property
    def high(self) -> float:
        return self.share + self.margin

    def excludes(self, official: float) -> bool:
        """Whether the official share lies outside the interval (a flag, not a verdict)."""
        return not self.low <= official <= self.high


def ratio_estimate(
    counts: list[StationCount], population: int, denominator: str = VALID
) -> Estimate:
    """The cluster-sample ratio estimate of the share from ``counts`` (k ≥ 2 stations) drawn
    from ``population`` stations."""
    k = len(counts)
    if k < 2 or population < k:
        raise ValueError("a ratio estimate needs at least 2 sampled stations, no more than N")
    a = [count.votes for count in counts]
    m = [count.denominator(denominator) for count in counts]
    total_m = sum(m)
    if total_m == 0:
        raise ValueError("the sampled stations have no ballots in the denominator")
    p = sum(a) / total_m
    mean_m = total_m / k
    f = k / population
    spread = (
        sum(x * x for x in a)
        - 2 * p * sum(x * y for x, y in zip(a, m, strict=True))
        + p * p * sum(y * y for y in m)
    )
    variance = (1 - f) / (k * mean_m**2) * spread / (k - 1)
    return Estimate(p, variance, Z95 * math.sqrt(max(variance, 0.0)), k, population, denominator)


# --- the sample -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    stations: list[int]  # station ids, sorted
    seed: str
    frame_sha256: str  # of the frame drawn from: anyone can redraw the same sample


def frame_hash(frame: dict[int, str]) -> str:
    """SHA-256 of the frame (station id → stratum) in a canonical form."""
    canonical = json.dumps(sorted(frame.items()), separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def draw_sample(frame: dict[int, str], size: int, seed: str) -> Sample:
    """A stratified random sample of ``size`` stations, each stratum (a region, say) given its
    proportional share (largest remainders), drawn with a seeded generator: the seed and the
    frame's hash reproduce it exactly."""
    if not 0 < size <= len(frame):
        raise ValueError("the sample's size must be between 1 and the frame's")
    strata: dict[str, list[int]] = defaultdict(list)
    for station, stratum in sorted(frame.items()):
        strata[stratum].append(station)
    quotas = {name: size * len(members) / len(frame) for name, members in strata.items()}
    allocation = {name: math.floor(quota) for name, quota in quotas.items()}
    by_remainder = sorted(quotas, key=lambda name: (-(quotas[name] - allocation[name]), name))
    for name in by_remainder[: size - sum(allocation.values())]:
        allocation[name] += 1
    rng = random.Random(f"{seed}:{frame_hash(frame)}")
    chosen = [
        station for name in sorted(strata) for station in rng.sample(strata[name], allocation[name])
    ]
    return Sample(sorted(chosen), seed, frame_hash(frame))
