"""The coaching calendar: content/calendar.yml, one skill a month.

    2026-12:
      skill: discovery
      criteria: [quantified-pain, economic-buyer-access]   # optional focus criteria
      scenario: discovery-call-with-a-cfo                  # optional practice scenario
    2027-01: objection-handling                            # a skill alone

A month listed twice is a duplicate key, reported where it is read
(source.read_yaml, `yaml.duplicate-key`). The file is optional.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from ..model import CalendarMonth, Taxonomy
from ..problems import Code, Problem
from ..source import FieldPath, SourceFile, describe, read_yaml
from .fields import SLUG, Checker, check_text, listing, slugify, suggestion

# The findings this module reports (listed by `playbook codes`).
CODES = (
    Code("calendar.month", "error", "a coaching calendar month that is not written YYYY-MM"),
    Code("calendar.unknown-criterion", "error",
         "a coaching calendar month names a focus criterion that has no file"),
    Code("calendar.unknown-scenario", "error",
         "a coaching calendar month names a practice scenario that has no file"),
    Code("calendar.criterion-skill", "warning",
         "a coaching calendar month's focus criterion is scored under another skill"),
    Code("calendar.gap", "warning",
         "one of the next three months has no skill in the coaching calendar"),
)

MONTH_KEYS = ("skill", "criteria", "scenario")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# Months ahead that must each have a skill (see `check_gaps`).
PLAN_AHEAD = 3


def month_start(day: date, ahead: int = 0) -> date:
    """The first day of the month `ahead` months after `day`'s."""
    index = day.year * 12 + day.month - 1 + ahead
    return date(index // 12, index % 12 + 1, 1)


def scenario_ids(content_dir: Path) -> frozenset[str]:
    """The practice scenarios a calendar may name: every file content/scenarios/<id>.md.

    The one place the calendar learns which scenarios exist (validate/scenarios.py
    checks each); every scenario with a file counts, even one with errors, as
    every criterion with a file does for stories."""
    folder = content_dir / "scenarios"
    if not folder.is_dir():
        return frozenset()
    return frozenset(path.stem for path in folder.glob("*.md") if path.is_file())


def read_calendar(content_dir: Path, root: Path, taxonomy: Taxonomy, criterion_ids: set[str],
                  scenarios: frozenset[str], criterion_skills: dict[str, str] | None = None,
                  ) -> tuple[tuple[CalendarMonth, ...], SourceFile | None, list[Problem]]:
    """The calendar's valid months, oldest first, its source (for `check_gaps`) and
    its problems; no calendar.yml is no calendar, not a fault. `criterion_skills`
    maps each valid criterion to its skill, to warn of a focus on another skill's."""
    path = content_dir / "calendar.yml"
    if not path.exists() and not path.is_symlink():
        return (), None, []
    source, problems = read_yaml(path, root, "a mapping of months to skills",
                                 "write one month per line, like '2026-12: discovery', or "
                                 "'2026-12:' with 'skill:' indented below it")
    if source is None:
        return (), None, problems
    check = Checker(source, problems)
    check_text(check)
    if check.failed:  # a hostile character: nothing of it is read
        return (), source, problems
    months = []
    for key, value in source.meta.items():
        month = _month(check, key, value, taxonomy, criterion_ids, scenarios)
        if month is not None:
            months.append(month)
            _check_focus(check, month, criterion_skills or {}, taxonomy)
    return tuple(sorted(months, key=lambda m: m.month)), source, problems


def _month(check: Checker, key: Any, value: Any, taxonomy: Taxonomy, criterion_ids: set[str],
           scenarios: frozenset[str]) -> CalendarMonth | None:
    at: FieldPath = (str(key),)
    found = MONTH.match(str(key)) if isinstance(key, str) else None
    if found is None:
        check.error(at, f"expected a month as YYYY-MM; found {describe(key)}",
                    "write the month like 2026-12 (four-digit year, two-digit month)",
                    code="calendar.month")
    if isinstance(value, str):
        value = {"skill": value}  # "2026-12: discovery"
    if not isinstance(value, dict):
        check.error(at, f"expected month {key} to name a skill; found {describe(value)}",
                    f"write it as '{key}: skill-id', or with 'skill:' indented below it",
                    code="field.type")
        return None
    check.unknown_keys(value, MONTH_KEYS, at, "a calendar month")
    skill_value = value.get("skill")
    skill = None
    if skill_value is None or (isinstance(skill_value, str) and not skill_value.strip()):
        check.error((*at, "skill"), f"month {key} needs a 'skill'; "
                                    f"{'it is empty' if 'skill' in value else 'it is missing'}",
                    f"add 'skill: skill-id' from '{taxonomy.named_by('skill')}' in "
                    "content/taxonomy.yml", code="field.required")
    else:
        skill = check.term((*at, "skill"), skill_value, taxonomy.named_by("skill"), taxonomy)
    criteria = _criteria(check, at, value.get("criteria"), criterion_ids)
    scenario = _scenario(check, at, value.get("scenario"), scenarios)
    if found is None or skill is None:
        return None
    return CalendarMonth(date(int(found[1]), int(found[2]), 1), skill, criteria, scenario)


def _check_focus(check: Checker, month: CalendarMonth, criterion_skills: dict[str, str],
                 taxonomy: Taxonomy) -> None:
    """A focus criterion of another skill is missing from the month's coaching pack."""
    for index, criterion_id in enumerate(month.criteria):
        skill = criterion_skills.get(criterion_id)
        if skill is None or skill == month.skill:
            continue
        check.warn((month.key, "criteria", index),
                   f"focus criterion '{criterion_id}' is scored under the skill "
                   f"'{skill}', not this month's '{month.skill}', so the month's 1:1 "
                   "coaching pack does not show it",
                   f"choose a criterion of '{month.skill}', or make '{skill}' the month's skill",
                   code="calendar.criterion-skill")


def _criteria(check: Checker, at: FieldPath, value: Any,
              criterion_ids: set[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]  # one criterion for a one-item list
    if not isinstance(value, list):
        check.error((*at, "criteria"), f"expected 'criteria' to be a list of criterion ids; "
                                       f"found {describe(value)}",
                    "write it as 'criteria: [id, id]'", code="field.type")
        return ()
    known = sorted(criterion_ids)
    result: list[str] = []
    for index, item in enumerate(value):
        text = str(item)
        if not isinstance(item, str) or text not in criterion_ids:
            check.error((*at, "criteria", index),
                        f"unknown criterion '{text}'{suggestion(text, known)}"
                        if isinstance(item, str) else
                        f"expected a criterion id; found {describe(item)}",
                        f"use a file name from content/criteria/: {listing(known)}",
                        code="calendar.unknown-criterion")
        elif text in result:
            check.warn((*at, "criteria", index), f"'{text}' is listed twice in 'criteria'",
                       "remove the repeated entry", code="term.listed-twice")
        else:
            result.append(text)
    return tuple(result)


def _scenario(check: Checker, at: FieldPath, value: Any,
              scenarios: frozenset[str]) -> str | None:
    if value is None:
        return None
    path = (*at, "scenario")
    if not isinstance(value, str) or not SLUG.match(value):
        check.error(path, f"expected 'scenario' to be a scenario id, a lowercase slug; found "
                          f"{describe(value)}",
                    f"use the file name of a scenario in content/scenarios/, like "
                    f"'{slugify(str(value))}'", code="id.not-slug")
        return None
    if value not in scenarios:
        known = sorted(scenarios)
        check.error(path, f"unknown scenario '{value}'{suggestion(value, known)}",
                    f"use a file name from content/scenarios/: {listing(known)}"
                    if known else "content/scenarios/ has no scenarios yet: add the "
                                  "scenario's file, or remove 'scenario'",
                    code="calendar.unknown-scenario")
        return None
    return value


def check_gaps(months: tuple[CalendarMonth, ...], source: SourceFile | None, today: date,
               newest_story: date | None) -> list[Problem]:
    """A warning for each of the next PLAN_AHEAD months (from `today`'s) without a skill.

    Only months up to PLAN_AHEAD after the newest story's month are checked, as
    insights measure staleness from the newest story: a library someone is
    adding to is warned in time, while one nobody has touched for a while (the
    sample, a year after it was written) does not warn on every build."""
    if source is None:
        return []
    last = month_start(newest_story or today, PLAN_AHEAD)
    planned = {m.key for m in months}
    # A month written with an error is reported there, not again as a gap.
    planned |= {key for key in source.meta if isinstance(key, str) and MONTH.match(key)}
    problems = []
    for ahead in range(PLAN_AHEAD):
        month = month_start(today, ahead)
        key = f"{month.year:04d}-{month.month:02d}"
        if month > last or key in planned:
            continue
        problems.append(source.problem(
            (), f"no skill is planned for {key}: the coaching calendar should cover the "
                f"next {PLAN_AHEAD} months", f"add a line '{key}: skill-id' to plan it",
            severity="warning", code="calendar.gap"))
    return problems
