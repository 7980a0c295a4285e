"""content/taxonomy.yml: the controlled vocabularies, checked against the registry."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..model import (
    GROW_STEPS,
    STORY_FIELDS,
    Story,
    Taxonomy,
    Term,
)
from ..problems import Code, Problem
from ..source import FieldPath, SourceFile, describe
from ..vocabularies import (
    DECLARED_KEYS,
    DECLARED_REQUIRED,
    DEFAULTS,
    GENERATED_FOLDERS,
    Vocabulary,
)
from .fields import (
    SLUG,
    Checker,
    check_reserved,
    check_text,
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
    Code("taxonomy.field-clash", "error",
         "a declared vocabulary's field is a story field or another vocabulary's"),
    Code("taxonomy.folder-clash", "error",
         "a declared vocabulary's pages would take the folder of generated pages"),
)

# The top-level key of the declarations; the other keys are vocabularies' terms.
DECLARATIONS = "vocabularies"
# A vocabulary's id: its key in taxonomy.yml, and (with _ as -) its URL folder.
VOCABULARY_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")
FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
# The story finder's own URL parameters (finder.md.j2, playbook.js): the words, the
# outcome and the criteria present or absent.
FINDER_PARAMS = ("q", "outcome", "present", "absent")


TERM_KEYS = ("title", "description", "aliases")


def check_taxonomy(source: SourceFile) -> tuple[Taxonomy, list[Problem]]:
    problems: list[Problem] = []
    check = Checker(source, problems)
    check_text(check)
    registry = _check_declarations(check, source.meta.get(DECLARATIONS))
    names_of_vocabularies = tuple(v.id for v in registry)
    # The terms of a declaration with errors are not reported again as an unknown key.
    declared = source.meta.get(DECLARATIONS)
    attempted = tuple(str(k) for k in declared) if isinstance(declared, dict) else ()
    check.unknown_keys(source.meta, (DECLARATIONS, *names_of_vocabularies, *attempted), (),
                       "taxonomy.yml")
    terms: dict[str, tuple[Term, ...]] = {}
    lookup: dict[str, dict[str, str]] = {}
    unreadable = set()
    for registered in registry:
        vocabulary = registered.id
        entries = source.meta.get(vocabulary)
        found: list[Term] = []
        names: dict[str, str] = {}  # id or alias -> what first claimed it
        folded: dict[str, str] = {}  # casefolded id -> the id
        if entries is None:
            unreadable.add(vocabulary)
            if vocabulary not in source.meta:
                declarations = source.meta.get(DECLARATIONS)
                declared_at: FieldPath = (DECLARATIONS, vocabulary) \
                    if isinstance(declarations, dict) and vocabulary in declarations else ()
                check.error(declared_at, f"the vocabulary '{vocabulary}' is missing its terms",
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
                check.error(path, f"expected the {registered.singular} id '{term_id}' to be a "
                                  "lowercase slug (a-z, 0-9 and hyphens)",
                            f"rename it to '{slugify(term_id)}'", code="id.not-slug")
            check_reserved(check, path, term_id, registered.singular, "id")
            if term_id.casefold() in folded and folded[term_id.casefold()] != term_id:
                check.error(path, f"the {registered.singular} ids '{folded[term_id.casefold()]}' "
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
            check.unknown_keys(spec, allowed, path, f"a {registered.singular}")
            title = spec.get("title")
            if not isinstance(title, str) or not title.strip():
                check.error((*path, "title"),
                            f"'title' is required for {registered.singular} '{term_id}'; "
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
                    check.error(where, f"duplicate {registered.singular} name '{name}': it is "
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
    return Taxonomy(terms, lookup, frozenset(unreadable), registry), problems


def _check_declarations(check: Checker, declared: Any) -> tuple[Vocabulary, ...]:
    """The vocabulary records: the defaults, as the `vocabularies:` block overrides them,
    then the vocabularies it adds. A declaration with errors is left out (its terms are
    not checked), an override with errors keeps the default."""
    if declared is None:
        return DEFAULTS
    if not isinstance(declared, dict):
        check.error(DECLARATIONS, f"expected '{DECLARATIONS}' to map vocabulary ids to their "
                                  f"fields; found {describe(declared)}",
                    "write each as 'industries: {field: industry, title: Industries, "
                    "label: Industry}'", code="taxonomy.not-mapping")
        return DEFAULTS
    records = {v.id: v for v in DEFAULTS}
    for key, spec in declared.items():
        vocabulary_id = str(key)
        at: FieldPath = (DECLARATIONS, vocabulary_id)
        if vocabulary_id == DECLARATIONS:
            check.error(at, f"'{DECLARATIONS}' is the key of this block, so it cannot name a "
                            "vocabulary too", "rename the vocabulary", code="id.not-slug")
            continue
        if not VOCABULARY_ID.fullmatch(vocabulary_id):
            check.error(at, f"expected the vocabulary id '{vocabulary_id}' to be lowercase "
                            "letters, digits and underscores, starting with a letter "
                            "(at most 40)", f"rename it to '{slugify(vocabulary_id)[:40]}'"
                                            .replace("-", "_"), code="id.not-slug")
            continue
        if not isinstance(spec, dict):
            check.error(at, f"expected '{vocabulary_id}' to have fields such as field, title "
                            f"and label; found {describe(spec)}",
                        f"write it as '{vocabulary_id}: {{field: ..., title: ..., label: ...}}'",
                        code="taxonomy.not-mapping")
            continue
        check.unknown_keys(spec, tuple(DECLARED_KEYS), at, f"the vocabulary '{vocabulary_id}'")
        base = records.get(vocabulary_id)
        values: dict[str, Any] = {}
        failed = False
        for name, kind in DECLARED_KEYS.items():
            if name not in spec:
                if base is None and name in DECLARED_REQUIRED:
                    check.error(at, f"the vocabulary '{vocabulary_id}' needs '{name}'; "
                                    "it is missing", f"add '{name}: ...' to its declaration",
                                code="field.required")
                    failed = True
                continue
            value = _declared_value(check, (*at, name), spec[name], kind)
            if value is None:
                failed = True
            elif name == "field" and not FIELD_NAME.fullmatch(value):
                check.error((*at, name), f"expected '{name}' to be a front-matter field name "
                                         f"(lowercase letters, digits, _); found '{value}'",
                            f"use '{slugify(value).replace('-', '_')}'", code="id.not-slug")
                failed = True
            else:
                values[name] = value
        if failed:
            continue
        if base is None:
            field_name = values["field"]
            # One term's name in messages: the label, or for a list, its plural's stem
            # ("Regions" -> "region"); `singular:` says it where that guess is wrong.
            label = values["label"].lower()
            values.setdefault("singular", label[:-1] if values.get("multiple") and
                              label.endswith("s") and len(label) > 1 else label)
            # A declared vocabulary shows on cards and in insights unless it says otherwise.
            values.setdefault("card", True)
            values.setdefault("coverage", True)
            base = Vocabulary(vocabulary_id, field_name, values["singular"], values["title"],
                              values["label"], field_name)
        elif "field" in values:
            values["param"] = values["field"]
        records[vocabulary_id] = replace(base, **values)
    return _without_clashes(check, tuple(records.values()))


def _declared_value(check: Checker, at: FieldPath, value: Any, kind: type) -> Any:
    """One declared setting, of its type, or None (reported)."""
    name = str(at[-1])
    if kind is bool:
        if isinstance(value, bool):
            return value
        expected, example = "true or false", f"{name}: true"
    elif kind is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and 0 <= value <= 100:
            return float(value)
        expected, example = "a number from 0 to 100", f"{name}: 1.5"
    else:
        if isinstance(value, str) and value.strip() and "\n" not in value.strip() \
                and len(value) <= 80:
            return value.strip()
        expected, example = "one line of text (at most 80 characters)", f"{name}: Industry"
    check.error(at, f"expected '{name}' to be {expected}; found {describe(value)}",
                f"write it as '{example}'", code="field.type")
    return None


def _without_clashes(check: Checker, records: tuple[Vocabulary, ...]) -> tuple[Vocabulary, ...]:
    """The records whose field, parameter and folder are their own; the rest are reported."""
    kept: list[Vocabulary] = []
    fields: dict[str, str] = {}  # field or finder parameter -> the vocabulary using it
    folders: dict[str, str] = {}
    defaults = {v.id for v in DEFAULTS}
    for record in records:
        at: FieldPath = (DECLARATIONS, record.id, "field")
        taken = next((fields[name] for name in (record.field, record.param) if name in fields),
                     None)
        if record.field in STORY_FIELDS or record.param in FINDER_PARAMS:
            check.error(at, f"the vocabulary '{record.id}' uses the field '{record.field}', "
                            "which stories (or the finder) already use for something else",
                        f"pick another field name, e.g. '{record.field}_name'",
                        code="taxonomy.field-clash")
        elif taken is not None:
            check.error(at, f"the vocabulary '{record.id}' uses the field '{record.field}', "
                            f"which the vocabulary '{taken}' already uses",
                        "give each vocabulary its own field", code="taxonomy.field-clash")
        elif record.folder in GENERATED_FOLDERS or record.folder in folders:
            owner = folders.get(record.folder, "generated pages")
            check.error((DECLARATIONS, record.id), f"the vocabulary '{record.id}' would put its "
                        f"pages in /{record.folder}/, which {owner} already use",
                        "rename the vocabulary (its key in taxonomy.yml)",
                        code="taxonomy.folder-clash")
        else:
            kept.append(record)
            fields[record.field] = fields[record.param] = record.id
            folders[record.folder] = f"the vocabulary '{record.id}'"
            continue
        if record.id in defaults:  # a built-in's override with a clash: keep the built-in
            kept.append(next(v for v in DEFAULTS if v.id == record.id))
    result = tuple(kept)
    return DEFAULTS if result == DEFAULTS else result


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
    """Each coaching term's (skill's) featured stories: files that exist, at most one win
    and one loss."""
    problems: list[Problem] = []
    check = Checker(source, problems)
    valid = {story.id: story for story in stories}
    for coaching in taxonomy.having("coaching"):
        for term in taxonomy.terms.get(coaching.id, ()):
            _check_featured_term(check, coaching, term, story_ids, valid)
    return problems


def _check_featured_term(check: Checker, coaching: Vocabulary, term: Term, story_ids: set[str],
                         valid: dict[str, Story]) -> None:
    what = coaching.singular
    seen: dict[str, str] = {}  # outcome -> story id
    for index, story_id in enumerate(term.featured):
        at: FieldPath = (coaching.id, term.id, "featured", index)
        if story_id not in story_ids:
            names = sorted(story_ids)
            check.error(at, f"the {what} '{term.id}' features the story '{story_id}', which "
                            f"has no file{suggestion(story_id, names)}",
                        "use the file name (without .md) of a story in content/stories/",
                        code="taxonomy.featured-unknown")
            continue
        story = valid.get(story_id)
        if story is None:
            continue  # its own errors are reported
        if story.outcome not in ("win", "loss") or story.outcome in seen:
            check.error(at, f"the {what} '{term.id}' features '{story_id}', a "
                            f"{story.outcome}; the coaching pack shows one win and one loss"
                            + (f", and '{seen[story.outcome]}' is the {story.outcome} already"
                               if story.outcome in seen else ""),
                        "feature one win story and one loss story",
                        code="taxonomy.featured-outcome")
            continue
        seen[story.outcome] = story_id
        if term.id not in story.facet(coaching.id):
            check.warn(at, f"the {what} '{term.id}' features '{story_id}', which is not "
                           f"tagged with the {what}",
                       f"add '{term.id}' to the story's {coaching.field}, or feature another "
                       "story", code="taxonomy.featured-skill")
