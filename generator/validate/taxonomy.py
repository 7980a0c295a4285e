"""content/taxonomy.yml: the controlled vocabularies, checked against the registry."""

from __future__ import annotations

from typing import Any

from ..model import (
    GROW_STEPS,
    Story,
    Taxonomy,
    Term,
)
from ..problems import Code, Problem
from ..source import FieldPath, SourceFile, describe
from ..vocabularies import vocabularies
from .fields import (
    SLUG,
    Checker,
    check_reserved,
    check_text,
    singular,
    slugify,
    suggestion,
)

# The findings this module reports (listed by `playbook codes`).
CODES = (
    Code("taxonomy.vocabulary-missing", "error", "taxonomy.yml lacks a vocabulary"),
    Code("taxonomy.not-mapping", "error", "a vocabulary or term in taxonomy.yml is not a mapping"),
    Code("taxonomy.duplicate-name", "error", "two terms of a vocabulary share an id or alias"),
    Code("taxonomy.featured-unknown", "error", "a skill's featured story has no file"),
    Code("taxonomy.featured-outcome", "error",
         "a skill's featured stories are not one win and one loss"),
    Code("taxonomy.featured-skill", "warning", "a skill's featured story is not tagged with it"),
)


TERM_KEYS = ("title", "description", "aliases")


def check_taxonomy(source: SourceFile) -> tuple[Taxonomy, list[Problem]]:
    problems: list[Problem] = []
    check = Checker(source, problems)
    names_of_vocabularies = tuple(v.id for v in vocabularies())
    check.unknown_keys(source.meta, names_of_vocabularies, (), "taxonomy.yml")
    check_text(check)
    terms: dict[str, tuple[Term, ...]] = {}
    lookup: dict[str, dict[str, str]] = {}
    unreadable = set()
    for registered in vocabularies():
        vocabulary = registered.id
        entries = source.meta.get(vocabulary)
        found: list[Term] = []
        names: dict[str, str] = {}  # id or alias -> what first claimed it
        folded: dict[str, str] = {}  # casefolded id -> the id
        if entries is None:
            unreadable.add(vocabulary)
            if vocabulary not in source.meta:
                check.error((), f"the vocabulary '{vocabulary}' is missing",
                            f"add '{vocabulary}:' with at least one term, "
                            "e.g. 'some-id: {title: Some title}'",
                            code="taxonomy.vocabulary-missing")
            entries = {}
        if not isinstance(entries, dict):
            check.error(vocabulary, f"expected '{vocabulary}' to map term ids to "
                                    f"{{title, description}}; found {describe(entries)}",
                        "write each term as 'id: {title: ...}' on its own line",
                        code="taxonomy.not-mapping")
            unreadable.add(vocabulary)
            entries = {}
        for term_id, spec in entries.items():
            path: FieldPath = (vocabulary, str(term_id))
            term_id = str(term_id)
            if not SLUG.match(term_id):
                check.error(path, f"expected the {singular(vocabulary)} id '{term_id}' to be a "
                                  "lowercase slug (a-z, 0-9 and hyphens)",
                            f"rename it to '{slugify(term_id)}'", code="id.not-slug")
            check_reserved(check, path, term_id, singular(vocabulary), "id")
            if term_id.casefold() in folded and folded[term_id.casefold()] != term_id:
                check.error(path, f"the {singular(vocabulary)} ids '{folded[term_id.casefold()]}' "
                                  f"and '{term_id}' differ only in case; their pages would "
                                  "collide on case-insensitive systems",
                            "merge the two terms, or rename one", code="id.case-collision")
            folded.setdefault(term_id.casefold(), term_id)
            if not isinstance(spec, dict):
                check.error(path, f"expected '{term_id}' to have fields such as title; "
                                  f"found {describe(spec)}",
                            f"write it as '{term_id}: {{title: ...}}'", code="taxonomy.not-mapping")
                continue
            allowed = TERM_KEYS + registered.extra_keys
            check.unknown_keys(spec, allowed, path, f"a {singular(vocabulary)}")
            title = spec.get("title")
            if not isinstance(title, str) or not title.strip():
                check.error((*path, "title"),
                            f"'title' is required for {singular(vocabulary)} '{term_id}'; "
                            f"found {describe(title)}", "add 'title: ...' to the term",
                            code="field.required")
                title = term_id
            description = spec.get("description") or ""
            if not isinstance(description, str):
                check.error((*path, "description"), "expected 'description' to be text; "
                                                    f"found {describe(description)}",
                                                    code="field.type")
                description = ""
            aliases = spec.get("aliases") or []
            if isinstance(aliases, str):
                aliases = [aliases]
            if not isinstance(aliases, list):
                check.error((*path, "aliases"), "expected 'aliases' to be a list of slugs; "
                                                f"found {describe(aliases)}",
                            "write it as 'aliases: [other-name]'", code="field.type")
                aliases = []
            order = spec.get("order")
            if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
                check.error((*path, "order"), f"expected 'order' to be a whole number; "
                                              f"found {describe(order)}", code="field.type")
                order = None
            for index, name in enumerate([term_id, *aliases]):
                name = str(name)
                where: FieldPath = path if index == 0 else (*path, "aliases", index - 1)
                if index and not SLUG.match(name):
                    check.error(where, f"expected the alias '{name}' to be a lowercase slug",
                                f"use '{slugify(name)}'", code="id.not-slug")
                if name in names and names[name] != term_id:
                    check.error(where, f"duplicate {singular(vocabulary)} name '{name}': it is "
                                       f"already {names[name]}",
                                "every id and alias must be unique within its vocabulary; "
                                "rename or remove one of them", code="taxonomy.duplicate-name")
                    continue
                names[name] = term_id if index == 0 else f"an alias of '{term_id}'"
                lookup.setdefault(vocabulary, {})[name] = term_id
            grow = _check_grow(check, path, spec.get("grow"))
            featured = _check_featured_list(check, path, spec.get("featured"))
            found.append(Term(vocabulary, term_id, title.strip(), description.strip(),
                              tuple(str(a) for a in aliases), order, grow, featured))
        if registered.ordered:
            found.sort(key=lambda t: (t.order is None, t.order or 0, t.title.lower(), t.id))
        else:
            found.sort(key=lambda t: (t.title.lower(), t.id))
        terms[vocabulary] = tuple(found)
    return Taxonomy(terms, lookup, frozenset(unreadable)), problems


def _check_grow(check: Checker, at: FieldPath, value: Any) -> tuple:
    """A skill's GROW questions: {goal: [...], reality: [...], options: [...], will: [...]}."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        check.error((*at, "grow"), f"expected 'grow' to map goal, reality, options and will to "
                                   f"lists of questions; found {describe(value)}",
                    "write 'grow:' then '  goal: [\"What would ...?\"]' and so on",
                    code="field.type")
        return ()
    check.unknown_keys(value, GROW_STEPS, (*at, "grow"), "'grow'")
    steps = []
    for step in GROW_STEPS:
        questions = value.get(step)
        if questions is None:
            continue
        if isinstance(questions, str):
            questions = [questions]
        if not isinstance(questions, list) or not all(
                isinstance(q, str) and q.strip() for q in questions):
            check.error((*at, "grow", step), f"expected 'grow.{step}' to be a list of questions; "
                                             f"found {describe(questions)}", code="field.type")
            continue
        steps.append((step, tuple(q.strip() for q in questions)))
    return tuple(steps)


def _check_featured_list(check: Checker, at: FieldPath, value: Any) -> tuple[str, ...]:
    """A skill's `featured` story ids, as written; `check_featured` checks them against stories."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        check.error((*at, "featured"), "expected 'featured' to be a list of story ids (a win and "
                                       f"a loss); found {describe(value)}",
                    "write it as 'featured: [win-story-id, loss-story-id]'", code="field.type")
        return ()
    return tuple(value)


def check_featured(source: SourceFile, taxonomy: Taxonomy, story_ids: set[str],
                   stories: list[Story]) -> list[Problem]:
    """Each skill's featured stories: files that exist, at most one win and one loss."""
    problems: list[Problem] = []
    check = Checker(source, problems)
    valid = {story.id: story for story in stories}
    for term in taxonomy.terms.get("skills", ()):
        seen: dict[str, str] = {}  # outcome -> story id
        for index, story_id in enumerate(term.featured):
            at: FieldPath = ("skills", term.id, "featured", index)
            if story_id not in story_ids:
                names = sorted(story_ids)
                check.error(at, f"the skill '{term.id}' features the story '{story_id}', which "
                                f"has no file{suggestion(story_id, names)}",
                            "use the file name (without .md) of a story in content/stories/",
                            code="taxonomy.featured-unknown")
                continue
            story = valid.get(story_id)
            if story is None:
                continue  # its own errors are reported
            if story.outcome not in ("win", "loss") or story.outcome in seen:
                check.error(at, f"the skill '{term.id}' features '{story_id}', a "
                                f"{story.outcome}; the coaching pack shows one win and one loss"
                                + (f", and '{seen[story.outcome]}' is the {story.outcome} already"
                                   if story.outcome in seen else ""),
                            "feature one win story and one loss story",
                            code="taxonomy.featured-outcome")
                continue
            seen[story.outcome] = story_id
            if term.id not in story.skills:
                check.warn(at, f"the skill '{term.id}' features '{story_id}', which is not "
                               f"tagged with the skill",
                           f"add '{term.id}' to the story's skills, or feature another story",
                           code="taxonomy.featured-skill")
    return problems
