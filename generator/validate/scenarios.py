"""Practice scenarios: content/scenarios/<id>.md, a role-play for a rep and a buyer.

    title: Price objection against Northwind
    skills: [objection-handling]
    buyer_role: controller
    competitor: northwind
    stage: negotiation
    objections: [price]
    situation: What the rep knows walking in (the rep's brief).
    buyer: What the buyer knows, wants and will not say at first.
    lines:
      - story: northwind-undercut-by-forty-percent   # that story's quote
      - "Can you do anything on the per-seat price?"
    criteria: {acknowledge-before-answering: yes, value-before-price: 3}
    debrief: [What did the buyer want before the price?]

The body holds notes for the manager. The facet fields are the stories' (one
per vocabulary of generator/vocabularies.py), checked the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..markdown_render import add_body_problems
from ..model import SCALE_LEVELS, Criterion, Scenario, ScenarioLine, Story, Taxonomy
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
    suggestion,
)

# The findings this module reports (listed by `playbook codes`).
CODES = (
    Code("scenario.unknown-id", "error",
         "a scenario names a story or criterion that the library does not have"),
    Code("scenario.level", "error",
         "a scenario's criteria ask for a level the criterion's scale lacks"),
    Code("scenario.no-lines", "error", "a scenario gives the buyer nothing to say ('lines')"),
)

OWN_KEYS = ("situation", "buyer", "lines", "criteria", "debrief")


def scenario_keys(taxonomy: Taxonomy) -> tuple[str, ...]:
    """A scenario's front-matter fields: title, one per vocabulary, then its own."""
    return ("title", *(v.field for v in taxonomy.vocabularies), *OWN_KEYS)


def read_scenarios(folder: Path, root: Path, taxonomy: Taxonomy, stories: list[Story],
                   story_ids: set[str], criteria: list[Criterion],
                   criterion_ids: set[str]) -> tuple[list[Scenario], list[Problem]]:
    """Every scenario in content/scenarios/ that passes its checks, and the problems found.

    `story_ids` and `criterion_ids` hold every file, one with errors too, so its
    errors are not repeated here; a line from a story with errors is left out.
    """
    paths, problems = list_documents(folder, root, "scenario")
    problems += case_collisions(paths, root, "scenario")
    known = _Known({s.id: s for s in stories}, story_ids, {c.id: c for c in criteria},
                   criterion_ids)
    scenarios = []
    for path in paths:
        source, found = read_markdown(path, root)
        problems += found
        if source is None:
            continue
        scenario, found = check_scenario(source, taxonomy, known)
        problems += found
        if scenario is not None:
            scenarios.append(scenario)
    return scenarios, problems


class _Known:
    def __init__(self, stories: Mapping[str, Story], story_ids: set[str],
                 criteria: Mapping[str, Criterion], criterion_ids: set[str]):
        self.stories = stories
        self.story_ids = story_ids
        self.criteria = criteria
        self.criterion_ids = criterion_ids


def check_scenario(source: SourceFile, taxonomy: Taxonomy,
                   known: _Known) -> tuple[Scenario | None, list[Problem]]:
    problems: list[Problem] = []
    check = Checker(source, problems)
    check_file_id(check, "scenario")
    check.unknown_keys(source.meta, scenario_keys(taxonomy), (), "a scenario")
    check_text(check)
    title = check.text("title", what="the scenario's name")
    terms: dict[str, tuple[str, ...]] = {}
    for registered in taxonomy.vocabularies:
        # As on a story, except that a role-play need not sit at one point of the
        # deal: an ordered vocabulary (the deal's stages) is optional here.
        required = registered.required and not registered.ordered
        if registered.multiple:
            terms[registered.id] = check.term_list(registered.field, registered.id, taxonomy,
                                                   required)
        else:
            one = check.term_field(registered.field, registered.id, taxonomy, required)
            terms[registered.id] = (one,) if one else ()
    situation = check.text("situation", what="the rep's brief: what they know walking in")
    buyer = check.text("buyer", what="the buyer's brief: what they know, want and will not "
                                     "say at first")
    lines = _lines(check, known)
    criteria = _criteria(check, known)
    debrief = _debrief(check)
    check_privacy(check, ("title", "situation", "buyer", "lines", "debrief"))
    check.failed |= add_body_problems(problems, source)
    if check.failed:
        return None, problems
    assert title and situation and buyer
    return Scenario(source.stem, source.path, title, terms, situation, buyer, lines, criteria,
                    debrief, source.body), problems


def _unknown(check: Checker, at: FieldPath, kind: str, name: str, names: list[str]) -> None:
    folder = "content/stories/" if kind == "story" else "content/criteria/"
    check.error(at, f"the scenario names the {kind} '{name}', which the library does not have"
                    f"{suggestion(name, names)}",
                f"use one of: {listing(names)}; the {kind} ids are the file names in {folder}",
                code="scenario.unknown-id")


def _lines(check: Checker, known: _Known) -> tuple[ScenarioLine, ...]:
    value = check.meta.get("lines")
    if value is None or value == [] or (isinstance(value, str) and not value.strip()):
        found = "it is missing" if "lines" not in check.meta else "it is empty"
        check.error("lines", f"'lines' needs at least one thing the buyer says; {found}",
                    "add 'lines:' with one line per item: '- \"What the buyer says\"', or "
                    "'- story: <id>' for a buyer's own words from a story",
                    code="scenario.no-lines")
        return ()
    if not isinstance(value, list):
        check.error("lines", f"expected 'lines' to be a list; found {describe(value)}",
                    "write one item per line: '- \"What the buyer says\"' or '- story: <id>'",
                    code="field.type")
        return ()
    lines: list[ScenarioLine] = []
    for index, entry in enumerate(value):
        at: FieldPath = ("lines", index)
        if isinstance(entry, dict) and list(entry) == ["story"]:
            name = entry["story"]
            if not isinstance(name, (str, int)) or isinstance(name, bool):
                check.error((*at, "story"), f"expected a story id; found {describe(name)}",
                            "write it as '- story: <id>'", code="field.type")
                continue
            name = str(name)
            if name not in known.story_ids:
                _unknown(check, (*at, "story"), "story", name, sorted(known.story_ids))
                continue
            story = known.stories.get(name)
            if story is not None:  # else the story has errors, reported there
                lines.append(ScenarioLine(story.quote, name))
            continue
        if isinstance(entry, dict):
            keys = ", ".join(str(k) for k in entry) or "no fields"
            check.error(at, f"expected a line to be text or 'story: <id>'; found a mapping "
                            f"with {keys}", "write '- story: <id>', or the buyer's words as "
                                            "text", code="field.type")
            continue
        if not isinstance(entry, (str, int, float)) or isinstance(entry, bool) \
                or not str(entry).strip():
            check.error(at, f"expected a line to be what the buyer says; found "
                            f"{describe(entry)}", "write the buyer's words in quotes",
                        code="field.type")
            continue
        lines.append(ScenarioLine(str(entry).strip()))
    return tuple(lines)


def _criteria(check: Checker, known: _Known) -> tuple[tuple[str, str], ...]:
    value = check.get("criteria", True, "criterion ids with the level that good reaches")
    if value is None:
        return ()
    if not isinstance(value, dict) or not value:
        check.error("criteria", "expected 'criteria' to map criterion ids to the level that "
                                f"good reaches; found {describe(value)}",
                    "write it as 'criteria: {quantified-pain: 3}'", code="field.type")
        return ()
    found: list[tuple[str, str]] = []
    for name, level in value.items():
        name = str(name)
        at: FieldPath = ("criteria", name)
        if name not in known.criterion_ids:
            _unknown(check, at, "criterion", name, sorted(known.criterion_ids))
            continue
        criterion = known.criteria.get(name)
        if criterion is None:  # the criterion has errors of its own, reported there
            continue
        wanted = scale_level(level, criterion.scale)
        if wanted is None:
            levels = SCALE_LEVELS[criterion.scale]
            check.error(at, f"the scenario asks for level {describe(level)} of '{name}', "
                            f"whose {criterion.scale} scale has levels {', '.join(levels)}",
                        f"use one of: {', '.join(levels)}", code="scenario.level")
            continue
        found.append((name, wanted))
    return tuple(found)


def _debrief(check: Checker) -> tuple[str, ...]:
    value: Any = check.get("debrief", False, "questions for after the role-play")
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        check.error("debrief", f"expected 'debrief' to be a list of questions; found "
                               f"{describe(value)}", "write one question per line: '- ...'",
                    code="field.type")
        return ()
    questions = []
    for index, question in enumerate(value):
        if isinstance(question, (list, dict, bool)) or question is None \
                or not str(question).strip():
            check.error(("debrief", index), f"expected a question; found {describe(question)}",
                        "write the question as text", code="field.type")
            continue
        questions.append(str(question).strip())
    return tuple(questions)
