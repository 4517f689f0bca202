"""The forensic statistics on synthetic elections at the reference election's size (10,233
stations in 20 regions): clean, with whole-number turnouts forged, and with one region stuffed."""

import math
import time

import numpy as np
import pytest

from forensics.stats import (
    Stations,
    benford_second_digit_mean,
    benjamini_hochberg,
    both_high,
    correlation,
    cumulative_by_turnout,
    digit_tests,
    fingerprint,
    integer_excess,
    poisson_upper_tail,
    top_right_mass,
)

STATIONS, REGIONS = 10_233, 20


def clean_night(seed: int = 19) -> tuple[Stations, np.ndarray]:
    """Voters 300–3,000 a station; turnout and the leader's share vary by region and station;
    ballots and votes drawn as people vote, one by one."""
    rng = np.random.default_rng(seed)
    region = rng.integers(0, REGIONS, STATIONS)
    voters = rng.integers(300, 3000, STATIONS)
    turnout = np.clip(rng.normal(0.55 + 0.01 * (region % 5), 0.08), 0.2, 0.9)
    share = np.clip(rng.normal(0.5 + 0.01 * (region % 3), 0.07), 0.2, 0.85)
    given = rng.binomial(voters, turnout)
    received = given - rng.binomial(given, 0.01)
    leader = rng.binomial(received, share)
    return Stations(voters, given, received, leader), region


def forged(stations: Stations, fraction: float, seed: int = 7) -> Stations:
    """``fraction`` of the stations given a whole-number turnout, as a pen would write it."""
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(stations), int(len(stations) * fraction), replace=False)
    given = stations.given.copy()
    whole = np.round(100 * given[chosen] / stations.voters[chosen])
    given[chosen] = np.round(whole * stations.voters[chosen] / 100).astype(np.int64)
    received = np.minimum(stations.received, given)
    return Stations(stations.voters, given, received, np.minimum(stations.leader, received))


def stuffed(stations: Stations, region: np.ndarray, target: int, seed: int = 3) -> Stations:
    """Region ``target``'s stations stuffed: turnout and the leader's votes pushed up, half of
    them to whole percentages."""
    rng = np.random.default_rng(seed)
    given, received, leader = (a.copy() for a in (stations.given, stations.received,
                                                   stations.leader))  # fmt: skip
    for index in np.flatnonzero(region == target):
        extra = int(stations.voters[index] * rng.uniform(0.85, 0.97)) - given[index]
        if extra <= 0:
            continue
        given[index] += extra
        received[index] += extra
        leader[index] += extra
        if rng.random() < 0.5:
            whole = round(100 * given[index] / stations.voters[index])
            given[index] = received[index] = round(whole * stations.voters[index] / 100)
            leader[index] = min(leader[index], received[index])
    return Stations(stations.voters, given, received, leader)


def by_region(stations: Stations, region: np.ndarray, replicates: int = 200) -> list[float]:
    p_values = []
    for code in range(REGIONS):
        part = region == code
        area = Stations(*(a[part] for a in (stations.voters, stations.given, stations.received,
                                            stations.leader)))  # fmt: skip
        p_values.append(integer_excess(area, seed=code, replicates=replicates).p)
    return p_values


def test_a_clean_night_has_no_significant_integer_excess_and_no_region_flagged():
    stations, region = clean_night()
    started = time.monotonic()

    found = integer_excess(stations)

    assert found.stations == STATIONS and abs(found.z) < 3
    assert 30 < found.null_sd < 60  # about 40 stations, as Kobak et al.'s scale says
    assert time.monotonic() - started < 30
    assert not any(benjamini_hochberg(by_region(stations, region)))
    assert abs(correlation(stations)) < 0.05 and both_high(stations) == 0


def test_three_percent_of_stations_forged_to_whole_turnouts_give_z_above_five():
    stations, _region = clean_night()
    assert integer_excess(forged(stations, 0.03)).z > 5
    assert integer_excess(forged(stations, 0.03), seed=1).z > 5  # whatever the seed
    assert integer_excess(forged(stations, 0.005)).z < 3  # 0.5 %: not detectable


def test_a_stuffed_region_moves_the_fingerprint_to_the_top_right_and_alone_is_flagged():
    stations, region = clean_night()
    bad = stuffed(stations, region, target=4)

    assert top_right_mass(stations, 70) < 0.001 < 0.01 < top_right_mass(bad, 70)
    clean_print, bad_print = fingerprint(stations), fingerprint(bad)
    assert clean_print.sum() == pytest.approx(bad_print.sum())  # the same voters, moved
    assert bad_print[40:, 40:].sum() > clean_print[40:, 40:].sum()
    assert correlation(bad) > correlation(stations) + 0.1
    flagged = benjamini_hochberg(by_region(bad, region))
    assert [code for code, flag in enumerate(flagged) if flag] == [4]
    curve = cumulative_by_turnout(bad)
    assert curve[-1] == pytest.approx(1.0) and curve[80] < 0.97  # still climbing past 80 %


def test_the_expected_second_digit_mean_is_computed_exactly():
    assert benford_second_digit_mean() == pytest.approx(4.187389706928942, abs=1e-12)
    stations, _region = clean_night()
    digits = digit_tests(stations.leader)
    assert digits.counts == STATIONS
    assert abs(digits.last_mean - 4.5) < 0.1 and abs(digits.zero_or_five - 0.2) < 0.02


def test_benjamini_hochberg_against_a_worked_example():
    # m = 5, q = 0.05: thresholds 0.01, 0.02, 0.03, 0.04, 0.05 by rank; sorted, the p-values
    # are 0.001, 0.012, 0.029, 0.045, 0.2: the largest rank under its threshold is 3 (0.029 ≤
    # 0.03; 0.045 > 0.04), so the three smallest are rejected.
    assert benjamini_hochberg([0.012, 0.045, 0.029, 0.2, 0.001]) == [True, False, True, False, True]
    assert benjamini_hochberg([0.5] * 200) == [False] * 200


def test_p_is_a_poisson_tail_so_small_districts_are_not_flagged_on_a_normal_approximation():
    assert poisson_upper_tail(1, 1.0) == pytest.approx(1 - math.exp(-1))
    assert poisson_upper_tail(0, 3.0) == 1.0
    assert poisson_upper_tail(4, 0.6) == pytest.approx(0.0033581, rel=1e-4)
    # Three stations of 1,000 voters each, turnouts of 70, 80 and 60 %: 3 whole numbers where
    # about 0.6 are expected. A normal tail from z would say p < 0.001; the Poisson tail does not.
    small = Stations.of([(1000, 700, 700, 350), (1000, 800, 800, 333), (1000, 600, 600, 271)])
    found = integer_excess(small, replicates=400)
    assert found.observed == 4 and found.p > 0.001
