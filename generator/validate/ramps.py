"""Ramp playbooks: content/ramp/<id>.md, a new rep's reading path in phases with gates.

    title: 30/60/90 for a new account executive
    audience: Account executive, mid-market
    summary: What to read, hear and practise in your first ninety days.
    phases:
      - name: Learn
        days: 1-30
        goal: ...
        study: [discovery, {story: cfo-met-in-week-two}, quantified-pain]
        listen: [cfo-met-in-week-two]
        practice: ...
        gate: ...
        gate_criteria: {quantified-pain: 3}

A `study` item is a bare id (a skill, story or criterion) or, where a bare id
would name two things, `{skill: id}`, `{story: id}` or `{criterion: id}`.
`practice` is one line of text, or a list of texts and `{scenario: id}` items
(content/scenarios/).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..markdown_render import add_body_problems
from ..model import RAMP_KINDS, SCALE_LEVELS, Criterion, Phase, Ramp, Story, Taxonomy
from ..numbers import WHOLE_LIMIT, Span
from ..problems import Code, Problem
from ..source import FieldPath, SourceFile, describe, list_documents, read_markdown
from .fields import (
    Checker,
    case_collisions,
    check_file_id,
    check_privacy,
    check_text,
    listing,
    scale_level,
    slugify,
    suggestion,
)

# The findings this module reports (listed by `playbook codes`).
CODES = (
    Code("ramp.unknown-id", "error",
         "a ramp names a skill, story, criterion or scenario that the library does not have"),
    Code("ramp.ambiguous-id", "error",
         "a bare id in a ramp's study list names two things (a skill and a story, say)"),
    Code("ramp.days-invalid", "error",
         "a phase's days are not a range such as 1-30, of days from 1 to 730"),
    Code("ramp.days-backwards", "error", "a phase's day range ends before it starts"),
    Code("ramp.days-overlap", "error", "a phase starts before the previous phase ends"),
    Code("ramp.days-gap", "error", "days that fall in no phase, between or before phases"),
    Code("ramp.empty-phase", "error", "a phase with nothing to study, hear or practise"),
    Code("ramp.gate-level", "error", "a gate asks for a level the criterion's scale lacks"),
    Code("ramp.duplicate-phase", "error", "two phases of one ramp share a name"),
    Code("ramp.duplicate-item", "warning", "an item listed twice in one phase"),
    Code("ramp.no-clip", "warning", "a story to listen to that has no clip"),
)

RAMP_KEYS = ("title", "audience", "summary", "phases")
PHASE_KEYS = ("name", "days", "goal", "study", "listen", "practice", "gate", "gate_criteria")
# 1-30, 1–30, or one day: 7. The digits are bounded by DAYS before int() sees them.
_DAYS = re.compile(r"^\s*([0-9]+)\s*(?:[-\u2013]\s*([0-9]+))?\s*$")
# Two years: longer than any ramp, short enough to be a plan.
DAYS = Span("a whole number of days", 1, 730, whole=True)


class _Ids:
    """What a ramp may name: every file that exists (one with errors too, so its
    errors are not repeated here), with the valid records for finer checks."""

    def __init__(self, taxonomy: Taxonomy, story_ids: set[str], criterion_ids: set[str],
                 stories: Mapping[str, Story], criteria: Mapping[str, Criterion],
                 scenario_ids: set[str] | None = None):
        self.taxonomy = taxonomy
        self.scenario_ids = scenario_ids or set()
        self.story_ids = story_ids
        self.criterion_ids = criterion_ids
        self.stories = stories
        self.criteria = criteria

    def find(self, kind: str, name: str) -> str | None:
        if kind == "skill":
            if self.taxonomy.named_by(kind) in self.taxonomy.unreadable:
                return name
            return self.taxonomy.resolve(self.taxonomy.named_by(kind), name)
        known = self.story_ids if kind == "story" else self.criterion_ids
        return name if name in known else None

    def names(self, kind: str) -> list[str]:
        if kind == "skill":
            return self.taxonomy.names(self.taxonomy.named_by(kind))
        return sorted(self.story_ids if kind == "story" else self.criterion_ids)


def read_ramps(folder: Path, root: Path, taxonomy: Taxonomy, stories: list[Story],
               story_paths: list[Path], criteria: list[Criterion],
               criterion_ids: set[str],
               scenario_ids: set[str] | None = None) -> tuple[list[Ramp], list[Problem]]:
    """Every ramp in content/ramp/ that passes its checks, and the problems found.

    `scenario_ids`: every scenario file, one with errors too (reported there)."""
    paths, problems = list_documents(folder, root, "ramp")
    problems += case_collisions(paths, root, "ramp")
    ids = _Ids(taxonomy, {p.stem for p in story_paths}, criterion_ids,
               {s.id: s for s in stories}, {c.id: c for c in criteria}, scenario_ids)
    ramps = []
    for path in paths:
        source, found = read_markdown(path, root)
        problems += found
        if source is None:
            continue
        ramp, found = check_ramp(source, ids)
        problems += found
        if ramp is not None:
            ramps.append(ramp)
    return ramps, problems


def check_ramp(source: SourceFile, ids: _Ids) -> tuple[Ramp | None, list[Problem]]:
    problems: list[Problem] = []
    check = Checker(source, problems)
    check_file_id(check, "ramp")
    check.unknown_keys(source.meta, RAMP_KEYS, (), "a ramp")
    check_text(check)
    title = check.text("title", what="the ramp's name")
    audience = check.text("audience", what="the seller role it is for")
    summary = check.text("summary", what="one or two sentences on what the ramp gets a rep to")
    phases = _phases(check, ids)
    check_privacy(check, ("title", "audience", "summary", "phases"))
    check.failed |= add_body_problems(problems, source)
    if check.failed or phases is None:
        return None, problems
    assert title and audience and summary
    return Ramp(source.stem, source.path, title, audience, summary, phases,
                source.body), problems


def _phases(check: Checker, ids: _Ids) -> tuple[Phase, ...] | None:
    value = check.get("phases", True, "a list of phases, each with name, days, goal, study, "
                                      "listen, practice and gate")
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        check.error("phases", f"expected 'phases' to be a list of one or more phases; found "
                              f"{describe(value)}",
                    "write each phase as '- name: Learn' with 'days: 1-30' and its fields "
                    "indented below", code="field.type" if value else "field.required")
        return None
    phases: list[Phase] = []
    keys: dict[str, str] = {}  # phase key -> name that claimed it
    previous: tuple[str, int, int] | None = None  # name, first and last day of the last range
    for index, spec in enumerate(value):
        at: FieldPath = ("phases", index)
        if not isinstance(spec, dict):
            check.error(at, f"expected phase {index + 1} to have fields such as name and days; "
                            f"found {describe(spec)}",
                        "write it as '- name: Learn' with its fields indented below",
                        code="field.type")
            continue
        check.unknown_keys(spec, PHASE_KEYS, at, "a ramp phase")
        name = _text(check, spec, at, "name", f"phase {index + 1}")
        label = f"phase '{name}'" if name else f"phase {index + 1}"
        if name:
            key = slugify(name)
            if key in keys:
                check.error((*at, "name"), f"{label} has the same name as an earlier phase "
                                           f"('{keys[key]}'); ticks on the ramp page are kept "
                                           "per phase name, so the two would share them",
                            "give every phase its own name", code="ramp.duplicate-phase")
            keys.setdefault(key, name)
        days = _days(check, spec, at, label)
        if days is not None:
            previous = _check_sequence(check, at, label, days, previous)
        goal = _text(check, spec, at, "goal", label)
        practice = _practice(check, spec.get("practice"), (*at, "practice"), label, ids)
        gate = _text(check, spec, at, "gate", label)
        study = _study(check, spec.get("study"), (*at, "study"), label, ids)
        listen = _listen(check, spec.get("listen"), (*at, "listen"), label, ids)
        gate_criteria = _gate_criteria(check, spec.get("gate_criteria"), (*at, "gate_criteria"),
                                       label, ids)
        if not (spec.get("study") or spec.get("listen") or practice):
            check.error(at, f"{label} is empty: it has nothing to study, listen to or practise",
                        "add 'study', 'listen' or 'practice' to the phase, or remove it",
                        code="ramp.empty-phase")
        if name and days and goal and gate:
            phases.append(Phase(name, slugify(name), days[0], days[1], goal, study, listen,
                                practice, gate, gate_criteria))
    return tuple(phases)


def _text(check: Checker, spec: dict, at: FieldPath, key: str, label: str,
          required: bool = True) -> str | None:
    value = spec.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            found = "it is empty" if key in spec else "it is missing"
            check.error((*at, key) if key in spec else at, f"{label} needs '{key}'; {found}",
                        f"add '{key}: ...' to the phase", code="field.required")
        return None
    if isinstance(value, (list, dict, bool)):
        check.error((*at, key), f"expected '{key}' of {label} to be text; found {describe(value)}",
                    "write the value on one line, or as a YAML block with '|'", code="field.type")
        return None
    return str(value).strip()


def _days(check: Checker, spec: dict, at: FieldPath, label: str) -> tuple[int, int] | None:
    value = spec.get("days")
    if value is None:
        check.error(at, f"{label} needs 'days', the range of days it covers; it is missing",
                    "add a line such as 'days: 1-30'", code="field.required")
        return None
    # A number is taken as one day; str() only of one that is small enough to print.
    small = isinstance(value, int) and not isinstance(value, bool) and abs(value) < WHOLE_LIMIT
    match = _DAYS.match(value if isinstance(value, str) else str(value) if small else "")
    first = DAYS.read_digits(match.group(1)) if match else None
    last = DAYS.read_digits(match.group(2) or match.group(1)) if match else None
    if first is None or last is None:
        check.error((*at, "days"), f"expected the days of {label} to be a range such as 1-30, "
                                   f"of days from 1 to {DAYS.high:,g}; found {describe(value)}",
                    "write 'days: 1-30' (first day, a hyphen, last day)", code="ramp.days-invalid")
        return None
    if last < first:
        check.error((*at, "days"), f"the days of {label} run backwards: {first}-{last}",
                    f"write the first day first: 'days: {last}-{first}'",
                    code="ramp.days-backwards")
        return None
    return first, last


def _check_sequence(check: Checker, at: FieldPath, label: str, days: tuple[int, int],
                    previous: tuple[str, int, int] | None) -> tuple[str, int, int]:
    first, last = days
    if previous is None:
        if first > 1:
            check.error((*at, "days"), f"{label} starts on day {first}, so days 1-{first - 1} "
                                       "are in no phase",
                        f"start the first phase on day 1: 'days: 1-{last}'", code="ramp.days-gap")
        return label, first, last
    before, before_first, before_last = previous
    if first <= before_last:
        check.error((*at, "days"), f"the days of {label} ({first}-{last}) overlap {before} "
                                   f"(days {before_first}-{before_last})",
                    f"start {label} on day {before_last + 1}, the day after {before} ends; "
                    "phases are listed in the order a rep takes them", code="ramp.days-overlap")
    elif first > before_last + 1:
        gap = f"{before_last + 1}" if first == before_last + 2 else f"{before_last + 1}-{first - 1}"
        check.error((*at, "days"), f"days {gap} fall in no phase: {before} ends on day "
                                   f"{before_last} and {label} starts on day {first}",
                    f"start {label} on day {before_last + 1}, or end {before} on day {first - 1}",
                    code="ramp.days-gap")
    return label, first, max(last, before_last)


def _as_list(check: Checker, value: Any, at: FieldPath, label: str, what: str) -> list:
    if value is None:
        return []
    if isinstance(value, (str, int, dict)) and not isinstance(value, bool):
        return [value]  # one item is accepted for a one-item list
    if not isinstance(value, list):
        check.error(at, f"expected '{at[-1]}' of {label} to be a list of {what}; found "
                        f"{describe(value)}", f"write it as '{at[-1]}: [id, id]'",
                    code="field.type")
        return []
    return value


def _unknown(check: Checker, at: FieldPath, label: str, kind: str, name: str,
             ids: _Ids) -> None:
    names = ids.names(kind)
    folder = {"skill": f"'{ids.taxonomy.named_by('skill')}' in content/taxonomy.yml",
              "story": "content/stories/",
              "criterion": "content/criteria/"}[kind]
    check.error(at, f"{label} names the {kind} '{name}', which the library does not have"
                    f"{suggestion(name, names)}",
                f"use one of: {listing(names)}; the {kind} ids are in {folder}",
                code="ramp.unknown-id")


def _study(check: Checker, value: Any, at: FieldPath, label: str,
           ids: _Ids) -> tuple[tuple[str, str], ...]:
    items: list[tuple[str, str]] = []
    entries = _as_list(check, value, at, label, "skill, story and criterion ids")
    for index, entry in enumerate(entries):
        where: FieldPath = (*at, index) if isinstance(value, list) else at
        found = _study_item(check, entry, where, label, ids)
        if found is None:
            continue
        if found in items:
            check.warn(where, f"{label} lists the {found[0]} '{found[1]}' twice in 'study'",
                       "remove the repeated entry", code="ramp.duplicate-item")
            continue
        items.append(found)
    return tuple(items)


def _study_item(check: Checker, entry: Any, at: FieldPath, label: str,
                ids: _Ids) -> tuple[str, str] | None:
    if isinstance(entry, dict):
        if len(entry) != 1:
            check.error(at, f"expected a study item of {label} to be an id, or one of "
                            f"{', '.join(k + ': id' for k in RAMP_KINDS)}; found "
                            f"{describe(entry)} with {len(entry)} fields",
                        "write one item per line, such as '- story: cfo-met-in-week-two'",
                        code="field.type")
            return None
        ((kind, name),) = entry.items()
        kind = str(kind)
        if kind not in RAMP_KINDS:
            check.error((*at, kind), f"unknown item kind '{kind}' in {label}"
                                     f"{suggestion(kind, RAMP_KINDS)}",
                        f"an item is one of: {', '.join(RAMP_KINDS)}", code="field.unknown")
            return None
        if not isinstance(name, (str, int)) or isinstance(name, bool):
            check.error((*at, kind), f"expected the {kind} of {label} to be an id; found "
                                     f"{describe(name)}", code="field.type")
            return None
        resolved = ids.find(kind, str(name))
        if resolved is None:
            _unknown(check, (*at, kind), label, kind, str(name), ids)
            return None
        return kind, resolved
    if not isinstance(entry, (str, int)) or isinstance(entry, bool):
        check.error(at, f"expected a study item of {label} to be a skill, story or criterion "
                        f"id; found {describe(entry)}", "write it as '- discovery'",
                    code="field.type")
        return None
    name = str(entry)
    matches = [(kind, found) for kind in RAMP_KINDS
               if (found := ids.find(kind, name)) is not None]
    if not matches:
        every = sorted({n for kind in RAMP_KINDS for n in ids.names(kind)})
        check.error(at, f"{label} names '{name}' in 'study', which is no skill, story or "
                        f"criterion of the library{suggestion(name, every)}",
                    "use a skill id from content/taxonomy.yml, or the file name (without .md) "
                    "of a story or criterion", code="ramp.unknown-id")
        return None
    if len(matches) > 1:
        kinds = " and a ".join(kind for kind, _ in matches)
        check.error(at, f"'{name}' in the study list of {label} names both a {kinds}",
                    "say which: " + " or ".join(f"'- {kind}: {name}'" for kind, _ in matches),
                    code="ramp.ambiguous-id")
        return None
    return matches[0]


def _listen(check: Checker, value: Any, at: FieldPath, label: str,
            ids: _Ids) -> tuple[str, ...]:
    stories: list[str] = []
    entries = _as_list(check, value, at, label, "story ids")
    for index, entry in enumerate(entries):
        where: FieldPath = (*at, index) if isinstance(value, list) else at
        if not isinstance(entry, (str, int)) or isinstance(entry, bool):
            check.error(where, f"expected a story id in 'listen' of {label}; found "
                               f"{describe(entry)}", "write it as '- story-id'",
                        code="field.type")
            continue
        name = str(entry)
        if ids.find("story", name) is None:
            _unknown(check, where, label, "story", name, ids)
            continue
        if name in stories:
            check.warn(where, f"{label} lists the story '{name}' twice in 'listen'",
                       "remove the repeated entry", code="ramp.duplicate-item")
            continue
        story = ids.stories.get(name)
        if story is not None and not story.clips:
            check.warn(where, f"{label} asks the rep to listen to '{name}', which has no clip",
                       "add a clip to the story, or move it to 'study'", code="ramp.no-clip")
        stories.append(name)
    return tuple(stories)


def _practice(check: Checker, value: Any, at: FieldPath, label: str,
              ids: _Ids) -> tuple[tuple[str, str], ...]:
    """What to practise: one line of text (as before), or a list of texts and
    `{scenario: id}` items, in order."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ()
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return (("text", str(value).strip()),)
    entries = value if isinstance(value, list) else [value]
    items: list[tuple[str, str]] = []
    for index, entry in enumerate(entries):
        where: FieldPath = (*at, index) if isinstance(value, list) else at
        if isinstance(entry, dict) and list(entry) == ["scenario"]:
            name = entry["scenario"]
            if not isinstance(name, str) or name not in ids.scenario_ids:
                names = sorted(ids.scenario_ids)
                shown = f"'{name}'" if isinstance(name, str) else describe(name)
                check.error((*where, "scenario"),
                            f"{label} names the scenario {shown} in 'practice', which "
                            f"the library does not have{suggestion(str(name), names)}",
                            f"use one of: {listing(names) or 'none yet'}; the scenario ids are "
                            "the file names in content/scenarios/", code="ramp.unknown-id")
                continue
            found = ("scenario", name)
        elif isinstance(entry, (str, int, float)) and not isinstance(entry, bool) \
                and str(entry).strip():
            found = ("text", str(entry).strip())
        else:
            check.error(where, f"expected a 'practice' item of {label} to be text or "
                               f"'scenario: <id>'; found {describe(entry)}",
                        "write '- scenario: <id>' or what to practise as text",
                        code="field.type")
            continue
        if found in items:
            check.warn(where, f"{label} lists the same 'practice' item twice",
                       "remove the repeated entry", code="ramp.duplicate-item")
            continue
        items.append(found)
    return tuple(items)


def _gate_criteria(check: Checker, value: Any, at: FieldPath, label: str,
                   ids: _Ids) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    # {a: 3, b: yes} or a list of one-key mappings ([{a: 3}, {b: yes}])
    pairs: list[tuple[FieldPath, Any, Any]] = []
    if isinstance(value, dict):
        pairs = [((*at, str(k)), k, v) for k, v in value.items()]
    elif isinstance(value, list) and all(isinstance(v, dict) and len(v) == 1 for v in value):
        pairs = [((*at, i, str(k)), k, v) for i, item in enumerate(value)
                 for k, v in item.items()]
    else:
        check.error(at, f"expected 'gate_criteria' of {label} to map criterion ids to the level "
                        f"required; found {describe(value)}",
                    "write it as 'gate_criteria: {quantified-pain: 3}'", code="field.type")
        return ()
    required: list[tuple[str, str]] = []
    for where, name, level in pairs:
        name = str(name)
        if ids.find("criterion", name) is None:
            _unknown(check, where, label, "criterion", name, ids)
            continue
        criterion = ids.criteria.get(name)
        if criterion is None:  # the criterion has errors of its own, reported there
            continue
        wanted = scale_level(level, criterion.scale)
        if wanted is None:
            levels = SCALE_LEVELS[criterion.scale]
            check.error(where, f"the gate of {label} asks for level {describe(level)} of "
                               f"'{name}', whose {criterion.scale} scale has levels "
                               f"{', '.join(levels)}",
                        f"use one of: {', '.join(levels)}", code="ramp.gate-level")
            continue
        required.append((name, wanted))
    return tuple(required)
