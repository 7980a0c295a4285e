"""Inter-rater agreement: pairwise exact and within-one agreement, Krippendorff's alpha.

Pure arithmetic on a reliability matrix: one row per unit (a call), one
column per rater (observer), each cell a numeric value or None for a missing
rating. Scale levels are passed as their positions (0, 1, 2, ...), so the
ordinal and interval metrics see the scale's order.

Krippendorff's alpha follows K. Krippendorff, "Computing Krippendorff's
Alpha-Reliability" (2011): the coincidence matrix of pairable values, the
observed and the expected disagreement, alpha = 1 - D_o / D_e. It takes any
number of raters and missing ratings; a unit with fewer than two ratings is
not pairable and drops out. Our matrices are a handful of calls by a handful
of managers, so a few lines of plain Python serve better than a numeric
library (tests cross-check the `krippendorff` package).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations

Matrix = Sequence[Sequence[float | None]]

METRICS = ("nominal", "ordinal", "interval")


def rated(row: Sequence[float | None]) -> list[float]:
    """The ratings a unit received, without the missing ones."""
    return [value for value in row if value is not None]


def pair_counts(matrix: Matrix, within: float = 0) -> tuple[int, int]:
    """(pairs of ratings of the same unit that differ by at most `within`, all such pairs)."""
    agreeing = total = 0
    for row in matrix:
        for first, second in combinations(rated(row), 2):
            total += 1
            agreeing += abs(first - second) <= within
    return agreeing, total


def pairwise_agreement(matrix: Matrix, within: float = 0) -> float | None:
    """The share of rater pairs who scored a unit alike (within `within` levels).

    None when no unit was rated twice: there is nothing to compare.
    """
    agreeing, total = pair_counts(matrix, within)
    return agreeing / total if total else None


def coincidences(matrix: Matrix) -> dict[tuple[float, float], float]:
    """The coincidence matrix o_ck: each ordered pair of values within a unit,
    weighted 1 / (m_u - 1) where m_u is the number of ratings the unit got."""
    found: dict[tuple[float, float], float] = defaultdict(float)
    for row in matrix:
        values = rated(row)
        if len(values) < 2:
            continue
        weight = 1 / (len(values) - 1)
        for i, first in enumerate(values):
            for j, second in enumerate(values):
                if i != j:
                    found[(first, second)] += weight
    return found


def krippendorff_alpha(matrix: Matrix, metric: str = "nominal") -> float | None:
    """Krippendorff's alpha of a reliability matrix (units x raters, None = missing).

    None when alpha is undefined: no pairable unit, or every pairable rating
    the same value (no expected disagreement to compare against).
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
    o = coincidences(matrix)
    marginals: dict[float, float] = defaultdict(float)
    for (first, _), weight in o.items():
        marginals[first] += weight
    n = sum(marginals.values())
    values = sorted(marginals)
    if n <= 1 or len(values) < 2:
        return None

    def delta(c: float, k: float) -> float:
        if metric == "nominal":
            return 0.0 if c == k else 1.0
        if metric == "interval":
            return (c - k) ** 2
        low, high = (c, k) if c <= k else (k, c)
        between = sum(marginals[g] for g in values if low <= g <= high)
        return (between - (marginals[c] + marginals[k]) / 2) ** 2

    observed = sum(weight * delta(c, k) for (c, k), weight in o.items())
    expected = sum(marginals[c] * marginals[k] * delta(c, k) for c in values for k in values)
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def spread(row: Sequence[float | None]) -> tuple[float, int]:
    """How far a unit's ratings split: (highest - lowest, pairs that disagree)."""
    values = rated(row)
    if len(values) < 2:
        return 0.0, 0
    disagreeing = sum(first != second for first, second in combinations(values, 2))
    return max(values) - min(values), disagreeing
