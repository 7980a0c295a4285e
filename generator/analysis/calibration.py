"""Calibration figures: how far the managers of a session agree on each criterion.

A criterion is calibrated when rater pairs agree often enough: exactly, on
binary and 3-point scales; within one level, on 5-point scales (85% by
default; `calibration: threshold:` in mkdocs.yml).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..library import Library
from ..model import SCALE_LEVELS, CalibrationCall, CalibrationSession, Criterion
from ..problems import json_text, visible
from .agreement import krippendorff_alpha, pair_counts, spread

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

    @property
    def scored(self) -> int:
        return sum(level is not None for _, level in self.scores)

    @property
    def complete(self) -> bool:
        """Every rater scored the call; only then is "agree" a claim about all of them."""
        return self.scored == len(self.scores)

    @property
    def verdict(self) -> str:
        """How the scores compare, never claiming agreement for a rater who gave none."""
        if self.scored < 2:
            return "not scored" if self.scored == 0 else "not scored by all"
        found = f"split by {self.spread}" if self.split else "agree"
        return found if self.complete else f"{found}, not scored by all"


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


SCALE_NAMES = {"binary": "yes/no", "3": "1-3", "5": "1-5"}


def report_data(session: CalibrationSession, results: tuple[CriterionAgreement, ...],
                threshold: float) -> dict:
    """A session's figures as plain data (`playbook calibrate --format json`)."""
    def share(value: float | None) -> float | None:
        return None if value is None else round(value, 4)

    return {
        "session": session.id, "title": session.title, "date": session.date.isoformat(),
        "raters": dict(session.raters), "calls": len(session.calls),
        "threshold": threshold,
        "criteria": [{
            "id": r.criterion.id, "title": r.criterion.title, "scale": r.criterion.scale,
            "calls": r.calls, "raters": r.raters, "pairs": r.pairs,
            "exact": share(r.exact), "within_one": share(r.within_one),
            "alpha": share(r.alpha), "alpha_metric": r.metric, "judged_on": r.measure,
            "status": r.status,
            "splits": [{"call": s.call.id, "title": s.call.title,
                        "scores": {rater: level for rater, level in s.scores},
                        "verdict": s.verdict}
                       for s in (r.splits if not r.calibrated else ())],
        } for r in results],
        "needs_calibration": [r.criterion.id for r in results if not r.calibrated],
    }


def report_text(session: CalibrationSession, results: tuple[CriterionAgreement, ...],
                threshold: float, splits_shown: int = 3) -> str:
    """A session's figures for people: a table, then the calls that split most.

    Every text from content goes through `visible`, and every line starts with the
    report's own words or an id, so a title can neither drive the terminal nor
    start a `::` workflow command in a CI log.
    """
    names = ", ".join(visible(name) for _, name in session.raters)
    lines = [f"Calibration session {visible(session.id)}: {visible(session.title)} "
             f"({session.date.isoformat()})",
             f"{len(session.raters)} raters ({names}), {len(session.calls)} calls; calibrated "
             f"at {percent(threshold)} exact agreement (within one level on 5-point scales)",
             ""]
    header = ("criterion", "scale", "calls", "raters", "exact", "within 1", "alpha", "status")
    rows = [header] + [(
        visible(r.criterion.id), SCALE_NAMES[r.criterion.scale], str(r.calls), str(r.raters),
        percent(r.exact), percent(r.within_one) if r.criterion.scale != "binary" else "-",
        f"{alpha_text(r.alpha)} {r.metric[:3]}", r.status) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
              .rstrip() for row in rows]
    below = [r for r in results if not r.calibrated]
    for r in below:
        found = "no call rated twice" if r.judged is None else \
            f"{percent(r.judged)} {r.measure} agreement"
        lines += ["", f"{visible(r.criterion.id)} needs calibration: {found}, below "
                      f"{percent(threshold)}. Calls that split most:"]
        for split in r.splits[:splits_shown]:
            scores = ", ".join(f"{visible(session.rater_name(rater))} {level or '-'}"
                               for rater, level in split.scores)
            lines.append(f"  {visible(split.call.id)} ({visible(split.call.title)}): {scores}; "
                         f"{split.verdict}")
        moments = [m for m in session.moments if m.criterion == r.criterion.id]
        for moment in moments:
            lines.append(f"  split at {visible(moment.call)}: {visible(moment.split)}")
    lines += ["", f"{len(below)} of {len(results)} criteria need calibration"
                  if below else f"all {len(results)} criteria calibrated"]
    return "\n".join(lines)


def run_calibrate(library: Library, session_id: str | None, threshold: float, fmt: str,
                  strict: bool, out) -> int:
    """`playbook calibrate`: the figures of one session (default: the newest)."""
    sessions = {s.id: s for s in library.calibrations}
    if not sessions:
        print("playbook: no calibration session in content/calibration/ (or none valid); "
              "see docs/contributing.md for the format", file=out)
        return 1
    if session_id is None:
        session = library.calibrations[-1]
    elif session_id in sessions:
        session = sessions[session_id]
    else:
        print(f"playbook: no calibration session '{visible(session_id)}'; the sessions are: "
              f"{', '.join(sorted(sessions))}", file=out)
        return 2
    results = session_agreement(library, session, threshold)
    if fmt == "json":
        print(json_text(report_data(session, results, threshold)), file=out)
    else:
        print(report_text(session, results, threshold), file=out)
    return 1 if strict and any(not r.calibrated for r in results) else 0
