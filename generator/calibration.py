"""Calibration figures: how far the managers of a session agree on each criterion.

A criterion is calibrated when rater pairs agree often enough: exactly, on
binary and 3-point scales; within one level, on 5-point scales (85% by
default; `calibration: threshold:` in mkdocs.yml).
"""

from __future__ import annotations

from dataclasses import dataclass

from .agreement import krippendorff_alpha, pair_counts, spread
from .library import Library
from .model import SCALE_LEVELS, CalibrationCall, CalibrationSession, Criterion

CALIBRATED = "calibrated"
NEEDS_CALIBRATION = "needs calibration"


@dataclass(frozen=True)
class Split:
    """One call's scores on one criterion, and how far they split."""

    call: CalibrationCall
    scores: tuple[tuple[str, str | None], ...]  # (rater id, level or None) in rater order
    spread: int  # levels between the highest and the lowest score
    disagreeing: int  # rater pairs who scored it differently

    @property
    def split(self) -> bool:
        return self.disagreeing > 0


@dataclass(frozen=True)
class CriterionAgreement:
    session: CalibrationSession
    criterion: Criterion
    calls: int  # calls with at least one score on the criterion
    raters: int  # raters who scored it at least once
    pairs: int  # rater pairs that scored the same call
    exact: float | None  # share of pairs with the same score
    within_one: float | None  # share within one level; None for binary scales
    alpha: float | None  # Krippendorff's alpha; None when undefined
    metric: str  # "nominal" (binary) or "ordinal" (scaled)
    threshold: float
    rows: tuple[Split, ...]  # every call, in session order

    @property
    def measure(self) -> str:
        """Which agreement the status is judged on."""
        return "within one" if self.criterion.scale == "5" else "exact"

    @property
    def judged(self) -> float | None:
        return self.within_one if self.criterion.scale == "5" else self.exact

    @property
    def calibrated(self) -> bool:
        return self.judged is not None and self.judged >= self.threshold

    @property
    def status(self) -> str:
        return CALIBRATED if self.calibrated else NEEDS_CALIBRATION

    @property
    def splits(self) -> tuple[Split, ...]:
        """The calls that split, most split first."""
        ordered = sorted((row for row in self.rows if row.split),
                         key=lambda row: (-row.spread, -row.disagreeing))
        return tuple(ordered)


def criterion_agreement(session: CalibrationSession, criterion: Criterion,
                        threshold: float) -> CriterionAgreement:
    levels = SCALE_LEVELS[criterion.scale]
    raters = [rater for rater, _ in session.raters]
    rows, matrix = [], []
    for call in session.calls:
        scores = tuple((rater, call.scores.get(rater, {}).get(criterion.id)) for rater in raters)
        values = [None if level is None else levels.index(level) for _, level in scores]
        matrix.append(values)
        top, disagreeing = spread(values)
        rows.append(Split(call, scores, int(top), disagreeing))
    exact, pairs = pair_counts(matrix)
    near, _ = pair_counts(matrix, within=1)
    scaled = criterion.scale != "binary"
    return CriterionAgreement(
        session=session, criterion=criterion,
        calls=sum(any(v is not None for v in row) for row in matrix),
        raters=sum(any(row[i] is not None for row in matrix) for i in range(len(raters))),
        pairs=pairs,
        exact=exact / pairs if pairs else None,
        within_one=(near / pairs if pairs else None) if scaled else None,
        alpha=krippendorff_alpha(matrix, "ordinal" if scaled else "nominal"),
        metric="ordinal" if scaled else "nominal",
        threshold=threshold, rows=tuple(rows))


def session_agreement(library: Library, session: CalibrationSession,
                      threshold: float) -> tuple[CriterionAgreement, ...]:
    """The figures for each of the session's criteria (that are in the library)."""
    return tuple(criterion_agreement(session, library.criterion(criterion_id), threshold)
                 for criterion_id in session.criteria
                 if any(c.id == criterion_id for c in library.criteria))


def latest_agreement(library: Library, criterion_id: str,
                     threshold: float) -> CriterionAgreement | None:
    """The criterion's figures from the newest session that scored it, or None."""
    for session in reversed(library.calibrations):
        if criterion_id in session.criteria and any(c.id == criterion_id
                                                    for c in library.criteria):
            return criterion_agreement(session, library.criterion(criterion_id), threshold)
    return None


def percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share * 100:.0f}%"


def alpha_text(alpha: float | None) -> str:
    return "n/a" if alpha is None else f"{alpha:.3f}"
