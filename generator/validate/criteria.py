"""Criteria: scoreable coaching behaviours with a scale, anchors and a weight."""

from __future__ import annotations

from typing import Any

from ..markdown_render import add_body_problems
from ..model import (
    SCALE_LEVELS,
    SCALES,
    Criterion,
    Taxonomy,
)
from ..numbers import Span
from ..problems import Code, Problem
from ..source import SourceFile, describe
from .fields import (
    Checker,
    check_file_id,
    check_privacy,
    check_text,
)
from .placeholders import check_placeholders
from .redirects import RedirectClaim, read_redirects

# The findings this module reports (listed by `playbook codes`).
CODES = (
    Code("criterion.weight", "error",
         "a criterion's weight is not a number above 0 and at most 100"),
    Code("criterion.anchors-missing", "error", "a scale level without its anchor"),
    Code("criterion.anchor-level", "error", "an anchor for a level the scale does not have"),
)


# A weight counts a criterion against the others: 1 is normal, 2 counts double.
WEIGHT = Span("a number", 0, 100, low_included=False)

CRITERION_KEYS = (
    "title", "skill", "stage", "scale", "weight", "description", "present", "absent", "anchors",
    "redirect_from",
)


def _anchor_level(key: Any, scale: str) -> str | None:
    if scale == "binary":
        # YAML 1.1 reads bare yes/no as booleans.
        if isinstance(key, bool):
            return "yes" if key else "no"
        return str(key).lower() if str(key).lower() in ("yes", "no") else None
    text = str(key)
    return text if text in SCALE_LEVELS[scale] else None


def check_criterion(source: SourceFile, taxonomy: Taxonomy,
                    redirects: list[RedirectClaim] | None = None) -> tuple[Criterion | None,
                                                                           list[Problem]]:
    problems: list[Problem] = []
    check = Checker(source, problems)
    check_file_id(check, "criterion")
    check.unknown_keys(source.meta, CRITERION_KEYS, (), "a criterion")
    check_text(check)
    title = check.text("title", what="the criterion's name")
    skill = check.term_field("skill", taxonomy.named_by("skill"), taxonomy, True)
    stage = check.term_field("stage", taxonomy.named_by("stage"), taxonomy, False)
    description = check.text("description", what="a behavioural definition an observer can score")
    present = check.text("present", what="a quote of the behaviour when present")
    absent = check.text("absent", what="a quote of the behaviour when absent")
    check_privacy(check, ("title", "description", "present", "absent", "anchors"))

    raw_scale = check.get("scale", True, "binary, 3 or 5")
    scale = None
    if raw_scale is not None:
        if str(raw_scale) in SCALES and not isinstance(raw_scale, bool):
            scale = str(raw_scale)
        else:
            check.error("scale", "expected 'scale' to be binary, 3 or 5; "
                                 f"found {describe(raw_scale)}",
                        "use 'scale: binary' for yes/no, or 'scale: 3' or 'scale: 5'",
                        code="field.choice")

    weight = check.number("weight", source.meta.get("weight", 1), WEIGHT,
                          "use 1 for a normal criterion, 2 for one that counts double",
                          "criterion.weight") or 1

    anchors: tuple[tuple[str, str], ...] = ()
    raw = source.meta.get("anchors")
    if raw is not None and not isinstance(raw, dict):
        # Wrong whatever the scale, so reported even when the scale is bad too.
        check.error("anchors", f"expected 'anchors' to map each level to a behaviour; "
                               f"found {describe(raw)}",
                    "write one 'level: behaviour' line per level under 'anchors:'",
                    code="field.type")
    elif scale is not None:
        levels = SCALE_LEVELS[scale]
        if raw is None:
            if scale != "binary":
                check.error("anchors", f"a {scale}-point scale needs 'anchors' describing "
                                       f"every level ({', '.join(levels)}); they are missing",
                            "add 'anchors:' with one line per level, e.g. '1: ...'",
                            code="criterion.anchors-missing")
        else:
            given: dict[str, str] = {}
            empty: set[str] = set()  # levels given without a behaviour, already reported
            stray_key = False
            for key, text in raw.items():
                level = _anchor_level(key, scale)
                if level is None:
                    stray_key = True
                    check.error(("anchors", str(key) if not isinstance(key, bool) else
                                 ("yes" if key else "no")),
                                f"'{key}' is not a level of a {scale} scale; expected "
                                f"{', '.join(levels)}",
                                "quote yes/no keys (\"yes\":) and use one key per level",
                                code="criterion.anchor-level")
                elif not isinstance(text, str) or not text.strip():
                    empty.add(level)
                    check.error(("anchors", str(key)), f"anchor {level} needs the observable "
                                                       f"behaviour; found {describe(text)}",
                                                       code="field.required")
                else:
                    given[level] = text.strip()
            missing = [level for level in levels if level not in given and level not in empty]
            # A stray key is most likely the missing level mistyped: one report, not two.
            if missing and not stray_key:
                plural = "s" if len(missing) > 1 else ""
                check.error("anchors", f"anchors are missing level{plural} "
                                       f"{', '.join(missing)} of the {scale} scale",
                            "describe what an observer sees at every level",
                            code="criterion.anchors-missing")
            anchors = tuple((level, given[level]) for level in levels if level in given)

    redirect_from = read_redirects(check, "criterion", redirects)
    check.failed |= add_body_problems(problems, source)
    check_placeholders(check)
    if check.failed:
        return None, problems
    assert title and skill and description and present and absent and scale
    return Criterion(
        id=source.stem, path=source.path, title=title, skill=skill, scale=scale,
        weight=float(weight), description=description, present=present, absent=absent,
        anchors=anchors, stage=stage, body=source.body, redirect_from=redirect_from,
    ), problems
