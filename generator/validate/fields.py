"""Field checks that every document kind shares: typed reads, taxonomy terms, ids, dates, privacy.

`Checker` reads one document's fields and records a located `Problem` for
each fault, so one run shows every fault.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ..model import (
    SCALE_LEVELS,
    Taxonomy,
)
from ..numbers import NumberError, Span
from ..privacy import CONTACT_HINT, CONTACT_WORDS, find_contact_details, might_hold_contact
from ..problems import Code, Problem
from ..source import FieldPath, SourceFile, describe, text_problems
from ..source import field_name as field_label
from ..timecode import read_time

# The findings this module reports (listed by `playbook codes`).
CODES = (
    Code("field.unknown", "error", "a front-matter field the document kind does not have"),
    Code("field.required", "error", "a required field is missing or empty"),
    Code("field.type", "error", "a field holds the wrong kind of value (text, list, mapping)"),
    Code("field.choice", "error", "a field's value is not one of its allowed choices"),
    Code("term.unknown", "error", "a taxonomy id or alias that content/taxonomy.yml lacks"),
    Code("term.type", "error", "a taxonomy reference that is not an id"),
    Code("term.listed-twice", "warning", "a term given twice in one list (an alias counts)"),
    Code("date.invalid", "error", "a date that is not YYYY-MM-DD"),
    Code("date.future", "error", "an interview, published or session date after the build date"),
    Code("id.not-slug", "error", "a file name or taxonomy id that is not a lowercase slug"),
    Code("id.reserved", "error", "an id the site uses for its own pages ('index')"),
    Code("id.case-collision", "error", "two ids that differ only by case"),
    Code("id.not-portable", "error",
         "an id Windows reserves for a device (con, prn, aux, nul, com0-9, lpt0-9), which a "
         "clone on Windows cannot check out"),
    Code("privacy.email", "warning", "an e-mail address in a quote, transcript or body"),
    Code("privacy.phone", "warning", "a phone number in a quote, transcript or body"),
)


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Ids that would name a page the site generates itself (stories/index.md is the
# finder, skills/index.md the overview): a story or term with one would replace it.
RESERVED_IDS = frozenset({"index"})
# Names Windows keeps for devices: a file or folder so named (con.md, competitors/con/)
# cannot be checked out or published there. SLUG already refuses a final dot or space,
# which Windows drops from names.
DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul",
                          *(f"{port}{n}" for port in ("com", "lpt") for n in range(10))})


def unportable(item_id: str) -> bool:
    """Whether Windows keeps `item_id` for a device (con, con.txt and CON alike)."""
    return item_id.split(".", 1)[0].strip().lower() in DEVICE_NAMES


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "untitled"


def suggestion(name: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(name).lower(), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def listing(choices: list[str] | tuple[str, ...], limit: int = 12) -> str:
    shown = ", ".join(choices[:limit])
    return shown + (f", ... ({len(choices)} in all)" if len(choices) > limit else "")


class Checker:
    """Typed reads of one document's fields, recording a problem for each fault."""

    # Checks of the usual, valid value in one step; tests turn them off to
    # compare the findings with the step-by-step checks'.
    shortcuts = True

    def __init__(self, source: SourceFile, problems: list[Problem]):
        self.source = source
        self.meta = source.meta
        self.problems = problems
        self.failed = False

    def error(self, path: FieldPath | str, message: str, hint: str = "", code: str = "") -> None:
        self.failed = True
        self.problems.append(self.source.problem(path, message, hint, code=code))

    def warn(self, path: FieldPath | str, message: str, hint: str = "", code: str = "") -> None:
        self.problems.append(self.source.problem(path, message, hint, severity="warning",
                                                 code=code))

    def unknown_keys(self, data: dict, allowed: tuple[str, ...], at: FieldPath, what: str) -> None:
        if self.shortcuts and not data.keys() - allowed:  # the usual case
            return
        for key in data:
            if key not in allowed:
                self.error(
                    (*at, str(key)),
                    f"unknown field '{key}' in {what}{suggestion(str(key), allowed)}",
                    f"the fields of {what} are: {', '.join(allowed)}", code="field.unknown",
                )

    def get(self, key: str, required: bool, what: str) -> Any:
        value = self.meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                found = "it is missing" if key not in self.meta else "it is empty"
                self.error(key, f"'{key}' is required ({what}); {found}",
                           f"add a line '{key}: ...' to the front matter", code="field.required")
            return None
        return value

    def text(self, key: str, required: bool = True, what: str = "text") -> str | None:
        value = self.get(key, required, what)
        if value is None:
            return None
        if isinstance(value, (list, dict, bool)):
            self.error(key, f"expected '{key}' to be {what}; found {describe(value)}",
                       "write the value on one line, or as a YAML block with '|'",
                       code="field.type")
            return None
        return str(value).strip()

    def choice(self, key: str, options: tuple[str, ...], required: bool = True) -> str | None:
        value = self.meta.get(key)
        if self.shortcuts and value.__class__ is str and value in options:  # the usual case
            return value
        value = self.get(key, required, f"one of {', '.join(options)}")
        if value is None:
            return None
        if str(value) not in options:
            self.error(
                key,
                f"expected '{key}' to be one of {', '.join(options)}; "
                f"found {describe(value)}{suggestion(str(value), options)}",
                f"use exactly one of: {', '.join(options)}", code="field.choice",
            )
            return None
        return str(value)

    def term(self, path: FieldPath, value: Any, vocabulary: str, taxonomy: Taxonomy) -> str | None:
        if self.shortcuts and value.__class__ is str and vocabulary not in taxonomy.unreadable:
            resolved = taxonomy.resolve(vocabulary, value)
            if resolved is not None:  # the usual case: a known id or alias
                return resolved
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            self.error(path, f"expected '{field_label(path)}' to be a {vocabulary} id; "
                             f"found {describe(value)}",
                       f"use an id from '{vocabulary}' in content/taxonomy.yml", code="term.type")
            return None
        if vocabulary in taxonomy.unreadable:
            return str(value)
        resolved = taxonomy.resolve(vocabulary, str(value))
        if resolved is None:
            names = taxonomy.names(vocabulary)
            self.error(
                path,
                f"unknown {taxonomy.singular(vocabulary)} '{value}'{suggestion(str(value), names)}",
                f"use one of: {listing(names)}; or add '{value}' to '{vocabulary}' "
                "in content/taxonomy.yml", code="term.unknown",
            )
        return resolved

    def term_field(self, key: str, vocabulary: str, taxonomy: Taxonomy,
                   required: bool) -> str | None:
        value = self.meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            # Missing or empty: `get` reports it (the message is built only then).
            return self.get(key, required, f"a {taxonomy.singular(vocabulary)} id")
        return self.term((key,), value, vocabulary, taxonomy)

    def term_list(self, key: str, vocabulary: str, taxonomy: Taxonomy,
                  required: bool) -> tuple[str, ...]:
        value = self.meta.get(key)
        if self.shortcuts and value.__class__ is list and value:  # the usual case: a list of ids
            return self._unique(key, [self.term((key, i), v, vocabulary, taxonomy)
                                      for i, v in enumerate(value)])
        value = self.get(key, required, f"a list of one or more {vocabulary} ids")
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]  # a single id is accepted for a one-item list
        if not isinstance(value, list):
            self.error(key, f"expected '{key}' to be a list of {vocabulary} ids; "
                            f"found {describe(value)}", f"write it as '{key}: [id, id]'",
                            code="field.type")
            return ()
        if not value and required:
            self.error(key, f"'{key}' needs at least one {taxonomy.singular(vocabulary)} id; "
                            "found an empty list", f"write it as '{key}: [id]'",
                            code="field.required")
        return self._unique(key, [self.term((key, i), v, vocabulary, taxonomy)
                                  for i, v in enumerate(value)])

    def number(self, path: FieldPath | str, value: Any, span: Span, hint: str,
               code: str) -> float | None:
        """`value` as a finite number within `span`, or None with a problem stating it."""
        try:
            return span.read(value)
        except NumberError as error:
            self.error(path, f"expected '{_as_path(path)[-1]}' to be {error.expected}; "
                             f"found {describe(value)}", hint, code=code)
            return None

    def time(self, path: FieldPath | str, value: Any, code: str) -> float | None:
        """`value` as seconds ("mm:ss", "h:mm:ss" or a number), or None with a problem."""
        try:
            return read_time(value)
        except NumberError as error:
            key = _as_path(path)[-1]
            self.error(path, f"expected '{key}' as {error.expected}; found {describe(value)}",
                       f'write it like {key}: "1:05"', code=code)
            return None

    def _unique(self, key: str | FieldPath, ids: list[str | None]) -> tuple[str, ...]:
        result: list[str] = []
        for index, term_id in enumerate(ids):
            if term_id is None:
                continue
            if term_id in result:
                path = (key, index) if isinstance(key, str) else (*key, index)
                self.warn(path, f"'{term_id}' is listed twice in '{field_label(path[:-1])}' "
                                "(an alias counts as its id)", "remove the repeated entry",
                                code="term.listed-twice")
            else:
                result.append(term_id)
        return tuple(result)


def _as_path(path: FieldPath | str) -> FieldPath:
    return (path,) if isinstance(path, str) else path


def check_text(check: Checker) -> None:
    """The shared text screen (source.text_problems) over the whole document: every
    kind calls it once, so no field is left out."""
    found = text_problems(check.source, check.shortcuts)
    if found:
        check.failed = True
        check.problems += found


def check_file_id(check: Checker, what: str) -> None:
    """A document's file name is its id and URL: a lowercase slug, never a reserved one."""
    stem = check.source.stem
    if not SLUG.match(stem):
        suffix = PurePosixPath(check.source.path).suffix
        check.error((), f"expected the file name to be a lowercase slug (the {what}'s id and "
                        f"URL); found '{stem}'", f"rename the file to '{slugify(stem)}{suffix}'",
                    code="id.not-slug")
    check_reserved(check, (), stem, what, "file name")


def check_portable(check: Checker, at: FieldPath, item_id: str, what: str, name: str) -> None:
    """An id that names a file, folder or URL: one a Windows clone can check out."""
    if unportable(item_id):
        check.error(at, f"the {what} {name} '{item_id}' is a name Windows reserves for a "
                        "device: a clone on Windows cannot check out a file or folder so named",
                    f"choose another {name}, e.g. '{item_id.lower()}-{slugify(what)}'",
                    code="id.not-portable")


def check_reserved(check: Checker, at: FieldPath, item_id: str, what: str, name: str) -> None:
    check_portable(check, at, item_id, what, name)
    if item_id.lower() in RESERVED_IDS:
        check.error(at, f"the {what} {name} '{item_id}' is reserved: the site generates a page "
                        "of that name, and this one would replace it",
                    f"choose another {name}, e.g. '{item_id.lower()}-{slugify(what)}'",
                    code="id.reserved")


def case_collisions(paths: list[Path], root: Path, what: str) -> list[Problem]:
    """Files whose ids differ only in case (Acme.md, acme.md): one per id on macOS
    and Windows checkouts, and the same URL on case-insensitive hosting."""
    groups: dict[str, list[Path]] = {}
    for path in paths:
        groups.setdefault(path.stem.casefold(), []).append(path)
    problems = []
    for group in groups.values():
        if len(group) == 1:  # nearly every id: nothing to compare
            continue
        # The slug-named file keeps its name; the others are asked to change.
        keep, *others = sorted(group, key=lambda p: (not SLUG.match(p.stem), p.name))
        for path in others:
            problems.append(Problem(
                path.relative_to(root).as_posix(), 0, "",
                f"the {what} ids '{keep.stem}' and '{path.stem}' differ only in case; they "
                "collide on case-insensitive file systems and URLs",
                "merge the two files, or rename this one", code="id.case-collision"))
    return problems


def check_date(check: Checker, key: str, today: date, required: bool = True,
               what: str = "the interview date",
               when: str = "the date the buyer interview took place") -> date | None:
    """A YYYY-MM-DD date, not after `today`; `what` and `when` word the hints."""
    value = check.get(key, required, "a date as YYYY-MM-DD")
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            check.error(key, f"expected '{key}' to be a date as YYYY-MM-DD; "
                             f"found {describe(value)}",
                        f"write {what} like 2026-03-14", code="date.invalid")
            return None
    if not isinstance(value, date):
        check.error(key, f"expected '{key}' to be a date as YYYY-MM-DD; found {describe(value)}",
                    f"write {what} like 2026-03-14", code="date.invalid")
        return None
    if value > today:
        check.error(key, f"'{key}' is {value.isoformat()}, which is in the future "
                         f"(today is {today.isoformat()})",
                    f"use {when}", code="date.future")
        return None
    return value


def _text_leaves(value: Any, path: FieldPath):
    """(path, text) for every text in a YAML value, in order."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _text_leaves(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _text_leaves(item, (*path, str(key)))


def check_privacy(check: Checker, keys: tuple[str, ...]) -> None:
    """Warn where a text (the fields `keys`, or the body) holds an e-mail address or phone."""
    # One pre-filter over every text at once: its patterns never cross a line
    # break, so it passes the joined texts exactly when it passes one of them.
    if check.shortcuts:
        texts = [check.source.body]
        for key in keys:
            texts.extend(text for _, text in _text_leaves(check.meta.get(key), (key,)))
        if not might_hold_contact("\n".join(texts)):
            return
    for key in keys:
        for path, text in _text_leaves(check.meta.get(key), (key,)):
            for found in find_contact_details(text):
                check.warn(path, f"'{field_label(path)}' holds {CONTACT_WORDS[found.kind]} "
                                 f"({found.masked()})", CONTACT_HINT,
                           code=f"privacy.{found.kind}")
    body = check.source.body
    for number, line in enumerate(body.splitlines() if might_hold_contact(body) else ()):
        for found in find_contact_details(line):
            check.problems.append(check.source.problem(
                "body", f"the text below the front matter holds {CONTACT_WORDS[found.kind]} "
                        f"({found.masked()})", CONTACT_HINT, severity="warning",
                line=check.source.body_line + number, code=f"privacy.{found.kind}"))


def scale_level(level: Any, scale: str) -> str | None:
    """A level as the criterion's scale names it ("yes", "3"), or None if the scale
    lacks it: the one reading of a level for ramp gates and scenarios alike."""
    if isinstance(level, (list, dict)) or level is None:
        return None
    wanted = ("yes" if level else "no") if isinstance(level, bool) else str(level).lower()
    return wanted if wanted in SCALE_LEVELS[scale] else None
