"""Calibration sessions: agreement maths, validation, `playbook calibrate` and the pages."""

from __future__ import annotations

import math
import random

import krippendorff as reference  # test-only: the independent implementation
import numpy as np
import pytest

from generator.agreement import krippendorff_alpha, pairwise_agreement

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
# four observers, twelve units, missing values (None). R's irr::kripp.alpha
# documents the same data and values.
_ = None
PUBLISHED = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    "C": [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
}
PUBLISHED_UNITS = list(zip(*PUBLISHED.values(), strict=True))


@pytest.mark.parametrize("metric, published", [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_alpha_matches_the_published_worked_example(metric, published):
    assert round(krippendorff_alpha(PUBLISHED_UNITS, metric), 3) == published


def _random_matrix(rng: random.Random) -> list[list[int | None]]:
    raters, units, levels = rng.randint(2, 6), rng.randint(2, 15), rng.choice((2, 3, 5))
    missing = rng.choice((0.0, 0.2, 0.5))
    return [[None if rng.random() < missing else rng.randrange(levels)
             for _ in range(raters)] for _ in range(units)]


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval"])
def test_alpha_agrees_with_the_krippendorff_package_on_random_matrices(metric):
    rng = random.Random(f"alpha-{metric}")
    compared = 0
    for _ in range(300):
        units = _random_matrix(rng)
        ours = krippendorff_alpha(units, metric)
        data = np.array([[np.nan if v is None else v for v in unit] for unit in units],
                        dtype=float).T  # the package takes raters x units
        try:
            with np.errstate(invalid="ignore", divide="ignore"):
                theirs = reference.alpha(reliability_data=data, level_of_measurement=metric)
        except ValueError:  # the package refuses data with a single value
            assert ours is None
            continue
        if ours is None:  # undefined: no pairable unit, or no variation to disagree on
            assert math.isnan(theirs)
            continue
        assert ours == pytest.approx(theirs, abs=1e-9)
        compared += 1
    assert compared > 200  # most random matrices are comparable


def test_pairwise_agreement_counts_pairs_of_raters_per_call():
    # three raters on one call: 3 pairs, one agrees; two raters on another: 1 pair, agrees
    units = [[1, 1, 3], [2, 2, None], [4, None, None]]
    assert pairwise_agreement(units) == pytest.approx(2 / 4)
    assert pairwise_agreement(units, within=1) == pytest.approx(2 / 4)
    assert pairwise_agreement(units, within=2) == pytest.approx(4 / 4)
    assert pairwise_agreement([[1, None], [None, 2]]) is None
