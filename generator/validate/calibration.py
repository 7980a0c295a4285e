"""Calibration sessions: content/calibration/<session-id>.yml.

Two or more managers score the same calls on draft criteria, each on their
own, to find where the criteria's definitions let scores split:

    title: Discovery criteria, first round     # optional
    date: 2026-09-24
    raters:
      dana: Dana Whitfield                      # id: display name
      marco: Marco Ruiz
    criteria: [quantified-pain, multi-threaded]
    calls:
      - id: acme-discovery
        title: Acme Freight, first discovery call
        clips: [...]                            # optional, as a story's clips
        scores:
          dana: {quantified-pain: 4, multi-threaded: 2}
          marco: {quantified-pain: 3}           # a missing rating is allowed
    moments:                                    # optional
      - call: acme-discovery
        at: "1:05"
        criterion: multi-threaded
        quote: "I'll loop in our controller once we have pricing."
        split: Dana heard a plan to reach the controller; Marco heard a deferral.
"""

from __future__ import annotations

import contextlib
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..model import (
    SCALE_LEVELS,
    CalibrationCall,
    CalibrationSession,
    Clip,
    Criterion,
    SplitMoment,
)
from ..problems import Code, Problem
from ..source import FieldPath, SourceFile, describe, read_yaml
from .clips import ClipSpec, read_clips
from .fields import (
    SLUG,
    Checker,
    check_file_id,
    check_portable,
    check_privacy,
    check_text,
    listing,
    slugify,
    suggestion,
)

# The findings this module reports (listed by `playbook codes`).
CODES = (
    Code("calibration.unknown-rater", "error",
         "a calibration score by a rater the session's 'raters' does not list"),
    Code("calibration.unknown-criterion", "error",
         "a calibration session names a criterion that has no file, or scores one its "
         "'criteria' does not list"),
    Code("calibration.level", "error", "a calibration score that is not a level of the "
                                       "criterion's scale"),
    Code("calibration.too-few-raters", "error", "a calibration session with fewer than two "
                                                "raters: there is nothing to compare"),
    Code("calibration.duplicate-call", "error", "two calls of a session with the same id"),
    Code("calibration.unknown-call", "error", "a split moment names a call the session lacks"),
    Code("calibration.unscored", "warning",
         "a session criterion that no call has two ratings for, so agreement cannot be measured"),
)

SESSION_KEYS = ("title", "date", "raters", "criteria", "calls", "moments")
CALL_KEYS = ("id", "title", "clips", "scores")
MOMENT_KEYS = ("call", "at", "criterion", "quote", "split")


def list_sessions(folder: Path, root: Path) -> tuple[list[Path], list[Problem]]:
    """The `*.yml` files directly in content/calibration/, sorted; others are reported."""
    if not folder.is_dir():
        return [], []
    found, problems = [], []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        path = Path(entry.path)
        rel = path.relative_to(root).as_posix()
        if entry.name.startswith("."):
            continue
        if entry.name.endswith(".yml") and not entry.is_dir(follow_symlinks=False):
            found.append(path)
        else:
            problems.append(Problem(
                rel, 0, "", "this file is not read: calibration sessions are '.yml' files "
                            "directly in content/calibration/",
                f"rename it to '{slugify(path.stem)}.yml', or move it out of "
                "content/calibration/", "warning", "file.ignored"))
    return found, problems


class _Within(Checker):
    """A Checker for a mapping nested at `at` (a call), so shared readers such as
    `read_clips` report at the right lines."""

    def __init__(self, parent: Checker, at: FieldPath, data: dict):
        super().__init__(parent.source, parent.problems)
        self.parent, self.at, self.meta = parent, at, data

    def error(self, path: FieldPath | str, message: str, hint: str = "", code: str = "") -> None:
        self.failed = True
        self.parent.error((*self.at, *((path,) if isinstance(path, str) else path)),
                          message, hint, code)

    def warn(self, path: FieldPath | str, message: str, hint: str = "", code: str = "") -> None:
        self.parent.warn((*self.at, *((path,) if isinstance(path, str) else path)),
                         message, hint, code)


def _level(value: Any, scale: str) -> str | None:
    """A score as its scale level ("yes", "3"), or None when the scale lacks it."""
    if scale == "binary":
        if isinstance(value, bool):  # YAML 1.1 reads bare yes/no as booleans
            return "yes" if value else "no"
        text = str(value).strip().lower()
        return text if text in SCALE_LEVELS["binary"] else None
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        return None
    text = str(int(value)) if isinstance(value, float) else str(value).strip()
    return text if text in SCALE_LEVELS[scale] else None


def _session_date(check: Checker, today: date) -> date | None:
    value = check.get("date", True, "the session's date as YYYY-MM-DD")
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        with contextlib.suppress(ValueError):  # reported below as not a date
            value = date.fromisoformat(value.strip())
    if not isinstance(value, date):
        check.error("date", f"expected 'date' to be a date as YYYY-MM-DD; found "
                            f"{describe(value)}", "write the session's date like 2026-09-24",
                    code="date.invalid")
        return None
    if value > today:
        check.error("date", f"'date' is {value.isoformat()}, which is in the future (today "
                            f"is {today.isoformat()})",
                    "use the date the managers compared their scores", code="date.future")
        return None
    return value


def check_session(source: SourceFile, criteria: dict[str, Criterion], criterion_ids: set[str],
                  audio_dir: Path, today: date,
                  clip_specs: list[ClipSpec]) -> tuple[CalibrationSession | None, list[Problem]]:
    """Validate one session. `criteria` are the valid criteria; `criterion_ids` every
    criterion with a file (a broken criterion is reported there, not here)."""
    problems: list[Problem] = []
    check = Checker(source, problems)
    check_file_id(check, "calibration session")
    check.unknown_keys(source.meta, SESSION_KEYS, (), "a calibration session")
    check_text(check)
    title = check.text("title", required=False, what="the session's name") or ""
    session_date = _session_date(check, today)
    check_privacy(check, ("calls", "moments"))

    raters: list[tuple[str, str]] = []
    raw_raters = check.get("raters", True, "a mapping of rater ids to names")
    if raw_raters is not None and not isinstance(raw_raters, dict):
        check.error("raters", f"expected 'raters' to map each rater's id to their name; "
                              f"found {describe(raw_raters)}",
                    "write one 'id: Display Name' line per manager under 'raters:'",
                    code="field.type")
    elif isinstance(raw_raters, dict):
        for rater_id, name in raw_raters.items():
            if not SLUG.match(str(rater_id)):
                check.error(("raters", str(rater_id)), f"expected a rater id to be a lowercase "
                            f"slug; found '{rater_id}'", f"use '{slugify(str(rater_id))}'",
                            code="id.not-slug")
            elif not isinstance(name, str) or not name.strip():
                check.error(("raters", str(rater_id)), f"rater '{rater_id}' needs a display "
                            f"name; found {describe(name)}",
                            f"write it as '{rater_id}: Their Name'", code="field.required")
            else:
                raters.append((str(rater_id), name.strip()))
        if len(raw_raters) < 2:
            check.error("raters", f"a calibration session needs at least two raters; found "
                                  f"{len(raw_raters)}",
                        "add every manager who scored the calls on their own",
                        code="calibration.too-few-raters")
    rater_ids = [r for r, _ in raters]

    session_criteria: list[str] = []
    raw_criteria = check.get("criteria", True, "a list of criterion ids")
    if isinstance(raw_criteria, str):
        raw_criteria = [raw_criteria]
    if raw_criteria is not None and not isinstance(raw_criteria, list):
        check.error("criteria", f"expected 'criteria' to be a list of criterion ids; found "
                                f"{describe(raw_criteria)}", "write it as 'criteria: [id, id]'",
                    code="field.type")
    elif isinstance(raw_criteria, list):
        known = sorted(criterion_ids)
        for index, criterion_id in enumerate(raw_criteria):
            text = str(criterion_id)
            if text not in criterion_ids:
                check.error(("criteria", index), f"unknown criterion '{text}'"
                                                 f"{suggestion(text, known)}",
                            f"use a file name from content/criteria/: {listing(known)}",
                            code="calibration.unknown-criterion")
            elif text in session_criteria:
                check.warn(("criteria", index), f"'{text}' is listed twice in 'criteria'",
                           "remove the repeated entry", code="term.listed-twice")
            else:
                session_criteria.append(text)

    calls = _read_calls(check, rater_ids, session_criteria, criteria, audio_dir, clip_specs)
    moments = _read_moments(check, {call.id for call in calls}, session_criteria)
    if calls:
        for criterion_id in session_criteria:
            if not any(sum(criterion_id in call.scores.get(r, {}) for r in rater_ids) >= 2
                       for call in calls):
                check.warn("criteria", f"no call has two ratings on '{criterion_id}', so "
                                       "agreement on it cannot be measured",
                           "have at least two managers score each call on it",
                           code="calibration.unscored")

    if check.failed:
        return None, problems
    assert session_date is not None
    return CalibrationSession(
        id=source.stem, path=source.path, title=title or source.stem.replace("-", " ").title(),
        date=session_date, raters=tuple(raters), criteria=tuple(session_criteria),
        calls=tuple(calls), moments=tuple(moments)), problems


def _read_calls(check: Checker, rater_ids: list[str], session_criteria: list[str],
                criteria: dict[str, Criterion], audio_dir: Path,
                clip_specs: list[ClipSpec]) -> list[CalibrationCall]:
    raw = check.get("calls", True, "a list of the calls the raters scored")
    if raw is None:
        return []
    if not isinstance(raw, list):
        check.error("calls", f"expected 'calls' to be a list of calls; found {describe(raw)}",
                    "start each call with '- id: call-id' on its own line", code="field.type")
        return []
    calls: list[CalibrationCall] = []
    seen: set[str] = set()
    for index, spec in enumerate(raw):
        at: FieldPath = ("calls", index)
        if not isinstance(spec, dict):
            check.error(at, f"expected call {index + 1} to have id, title and scores; found "
                            f"{describe(spec)}", "write it as '- id: call-id' with 'title:' "
                                                 "and 'scores:' below it", code="field.type")
            continue
        check.unknown_keys(spec, CALL_KEYS, at, "a calibration call")
        call_id = spec.get("id")
        if not isinstance(call_id, str) or not SLUG.match(call_id):
            check.error((*at, "id"), f"each call needs an 'id', a lowercase slug; found "
                                     f"{describe(call_id)}", "add 'id: acme-discovery'",
                        code="field.required" if call_id is None else "id.not-slug")
            continue
        check_portable(check, (*at, "id"), call_id, "calibration call", "id")
        if call_id in seen:
            check.error((*at, "id"), f"the call id '{call_id}' is used twice in this session",
                        "give each call its own id", code="calibration.duplicate-call")
            continue
        seen.add(call_id)
        title = spec.get("title")
        if not isinstance(title, str) or not title.strip():
            check.error((*at, "title"), f"each call needs a 'title'; found {describe(title)}",
                        "add 'title: Acme Freight, first discovery call'",
                        code="field.required")
            title = call_id
        scoped = _Within(check, at, spec)
        clips: tuple[Clip, ...] = ()
        if "clips" in spec:
            clips, specs = read_clips(scoped, audio_dir)
            clip_specs += [ClipSpec(s.source, s.index, s.src, s.start, s.end, at) for s in specs]
        calls.append(CalibrationCall(call_id, title.strip(),
                                     _read_scores(check, at, spec.get("scores"), rater_ids,
                                                  session_criteria, criteria), clips))
    return calls


def _read_scores(check: Checker, at: FieldPath, raw: Any, rater_ids: list[str],
                 session_criteria: list[str],
                 criteria: dict[str, Criterion]) -> dict[str, dict[str, str]]:
    where: FieldPath = (*at, "scores")
    if raw is None:
        check.error(where, "each call needs 'scores': each rater's level per criterion; it "
                           "is missing", "add 'scores:' with a 'rater: {criterion: level}' "
                                         "line per rater", code="field.required")
        return {}
    if not isinstance(raw, dict):
        check.error(where, f"expected 'scores' to map raters to their scores; found "
                           f"{describe(raw)}", "write one 'rater: {criterion: level}' line per "
                                               "rater", code="field.type")
        return {}
    scores: dict[str, dict[str, str]] = {}
    for rater, given in raw.items():
        rater = str(rater)
        if rater not in rater_ids:
            check.error((*where, rater), f"unknown rater '{rater}'{suggestion(rater, rater_ids)}",
                        f"use one of the session's raters ({', '.join(rater_ids) or 'none'}), "
                        f"or add '{rater}: Their Name' under 'raters:'",
                        code="calibration.unknown-rater")
            continue
        if not isinstance(given, dict):
            check.error((*where, rater), f"expected {rater}'s scores to map criteria to levels; "
                                         f"found {describe(given)}",
                        "write them as '{criterion: level, criterion: level}'",
                        code="field.type")
            continue
        scores[rater] = {}
        for criterion_id, value in given.items():
            criterion_id = str(criterion_id)
            path: FieldPath = (*where, rater, criterion_id)
            if criterion_id not in session_criteria:
                check.error(path, f"'{criterion_id}' is not one of the session's criteria"
                                  f"{suggestion(criterion_id, session_criteria)}",
                            f"score only {', '.join(session_criteria) or 'the listed criteria'}"
                            f", or add '{criterion_id}' to 'criteria'",
                            code="calibration.unknown-criterion")
                continue
            criterion = criteria.get(criterion_id)
            if criterion is None:  # its own file has errors, reported there
                continue
            if value is None:
                continue  # a missing rating, written out
            level = _level(value, criterion.scale)
            if level is None:
                levels = SCALE_LEVELS[criterion.scale]
                scale = "yes/no" if criterion.scale == "binary" else f"1-{criterion.scale}"
                check.error(path, f"{describe(value)} is not a level of '{criterion_id}', "
                                  f"whose scale is {scale}",
                            f"use one of: {', '.join(levels)}; leave the score out when the "
                            "rater did not score it", code="calibration.level")
                continue
            scores[rater][criterion_id] = level
    return scores


def _read_moments(check: Checker, call_ids: set[str],
                  session_criteria: list[str]) -> list[SplitMoment]:
    raw = check.get("moments", False, "a list of split moments")
    if raw is None:
        return []
    if not isinstance(raw, list):
        check.error("moments", f"expected 'moments' to be a list; found {describe(raw)}",
                    "start each moment with '- call: call-id'", code="field.type")
        return []
    moments = []
    for index, spec in enumerate(raw):
        at: FieldPath = ("moments", index)
        if not isinstance(spec, dict):
            check.error(at, f"expected moment {index + 1} to have call, at, quote and split; "
                            f"found {describe(spec)}", "write it as '- call: call-id' with "
                                                       "the other fields below it",
                        code="field.type")
            continue
        check.unknown_keys(spec, MOMENT_KEYS, at, "a split moment")
        call = str(spec.get("call") or "")
        if call not in call_ids:
            check.error((*at, "call"), f"unknown call '{call}'"
                                       f"{suggestion(call, sorted(call_ids))}",
                        f"use the id of one of the session's calls: "
                        f"{', '.join(sorted(call_ids))}", code="calibration.unknown-call")
        seconds = check.time((*at, "at"), spec["at"], "clip.time-invalid") \
            if spec.get("at") is not None else None
        criterion = spec.get("criterion")
        if criterion is not None and str(criterion) not in session_criteria:
            close = suggestion(str(criterion), session_criteria)
            check.error((*at, "criterion"), f"'{criterion}' is not one of the session's "
                                            f"criteria{close}",
                        f"use one of: {', '.join(session_criteria)}",
                        code="calibration.unknown-criterion")
        texts = {}
        for key, what in (("quote", "the words said at that moment"),
                          ("split", "what the raters heard differently")):
            value = spec.get(key)
            if not isinstance(value, str) or not value.strip():
                check.error((*at, key), f"each moment needs '{key}', {what}; found "
                                        f"{describe(value)}", f"add '{key}: ...'",
                            code="field.required")
            texts[key] = str(value or "").strip()
        moments.append(SplitMoment(call, seconds, texts["quote"], texts["split"],
                                   str(criterion) if criterion is not None else None))
    return moments


def load_sessions(content_dir: Path, root: Path, criteria: list[Criterion],
                  criterion_ids: set[str], today: date,
                  ) -> tuple[list[CalibrationSession], list[Problem], list[ClipSpec]]:
    """Read and check every session in content/calibration/. Sessions with errors are
    left out; the calls' clips are returned to be checked against their recordings."""
    folder = content_dir / "calibration"
    paths, problems = list_sessions(folder, root)
    by_id = {criterion.id: criterion for criterion in criteria}
    sessions: list[CalibrationSession] = []
    specs: list[ClipSpec] = []
    for path in paths:
        source, found = read_yaml(path, root)
        problems += found
        if source is None:
            continue
        if not isinstance(source.meta, dict) or not source.meta:
            problems.append(source.problem((), "expected a calibration session (date, raters, "
                                               "criteria, calls); the file is empty",
                                           "see the example in docs/contributing.md",
                                           code="field.required"))
            continue
        session, found = check_session(source, by_id, criterion_ids, content_dir / "audio",
                                       today, specs)
        problems += found
        if session is not None:
            sessions.append(session)
    return sessions, problems, specs
