"""The parallel count's estimator and sample, against figures worked by hand and published."""

from fractions import Fraction

import pytest

from integrity.pvt import (
    RECEIVED,
    VALID,
    Estimate,
    StationCount,
    draw_sample,
    frame_hash,
    ratio_estimate,
)

# Five sampled stations of fifty: the party's votes a and the valid ballots m.
A = [40, 55, 30, 70, 45]
M = [100, 120, 80, 150, 110]


def test_the_estimate_matches_the_table_worked_by_hand_to_1e_12():
    # By hand: Σa = 240, Σm = 560, Σa² = 12,450, Σam = 28,450, Σm² = 65,400; k = 5, N = 50,
    # f = 1/10, m̄ = 112, p = 240/560 = 3/7.
    p = Fraction(3, 7)
    spread = 12450 - 2 * p * 28450 + p * p * 65400
    variance = (1 - Fraction(1, 10)) / (5 * 112**2) * spread / 4

    estimate = ratio_estimate([StationCount(a, m) for a, m in zip(A, M, strict=True)], 50)

    assert estimate.share == pytest.approx(float(p), abs=1e-12)
    assert estimate.variance == pytest.approx(float(variance), abs=1e-12)
    assert estimate.margin == pytest.approx(1.96 * float(variance) ** 0.5, abs=1e-12)
    assert (estimate.stations, estimate.population, estimate.denominator) == (5, 50, VALID)


def test_the_flag_on_oporas_2019_figures():
    # OPORA's PVT, Ukraine 2019: Zelensky 73.2 % ± 1.5; the CEC's 73.22 % lies inside.
    opora = Estimate(0.732, (0.015 / 1.96) ** 2, 0.015, 1299, 29_000, VALID)
    assert not opora.excludes(0.7322)
    assert opora.excludes(0.750)


def test_invalid_ballots_in_the_denominator_give_another_and_lower_share():
    counts = [
        StationCount(a, m, invalid) for a, m, invalid in zip(A, M, [5, 9, 2, 12, 6], strict=True)
    ]
    right = ratio_estimate(counts, 50)
    isfed = ratio_estimate(counts, 50, denominator=RECEIVED)

    assert isfed.share == pytest.approx(240 / (560 + 34), abs=1e-12)
    assert isfed.share < right.share and right.share - isfed.share > 0.02


def test_an_estimate_needs_two_stations_and_ballots():
    with pytest.raises(ValueError):
        ratio_estimate([StationCount(1, 10)], 10)
    with pytest.raises(ValueError):
        ratio_estimate([StationCount(0, 0), StationCount(0, 0)], 10)


def test_the_sample_is_stratified_and_reproducible_from_its_seed_and_frame():
    frame = {i: "AST" if i <= 60 else "ALA" if i <= 90 else "KAR" for i in range(1, 101)}

    sample = draw_sample(frame, 10, seed="2023-03-19")

    assert sample == draw_sample(frame, 10, seed="2023-03-19")
    assert sample.frame_sha256 == frame_hash(frame) and len(sample.stations) == 10
    by_stratum = [frame[s] for s in sample.stations]
    assert (by_stratum.count("AST"), by_stratum.count("ALA"), by_stratum.count("KAR")) == (6, 3, 1)
    assert draw_sample(frame, 10, seed="another").stations != sample.stations
    assert draw_sample({**frame, 101: "KAR"}, 10, seed="2023-03-19").frame_sha256 != (
        sample.frame_sha256
    )
