"""Stage 2: parsed documents to validated stories, criteria and taxonomy.

Every check reports a located `Problem` and moves on, so one run shows every
fault. A file with errors yields no model object, and later stages never see it.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any


from .markdown_render import add_body_problems
from .model import (
    GROW_STEPS,
    LOSS_REASONS,
    OUTCOMES,
    SCALE_LEVELS,
    SCALES,
    Clip,
    Criterion,
    Story,
    Taxonomy,
    Term,
)
from .privacy import CONTACT_HINT, CONTACT_WORDS, find_contact_details
from .problems import Code, Problem
from .source import FieldPath, SourceFile, describe, file_kind, is_inside
from .source import field_name as field_label
from .timecode import format_time, parse_time
from .vocabularies import vocabularies, vocabulary

# The findings this stage reports (listed by `playbook codes`).
CODES = (
    Code("field.unknown", "error", "a front-matter field the document kind does not have"),
    Code("field.required", "error", "a required field is missing or empty"),
    Code("field.type", "error", "a field holds the wrong kind of value (text, list, mapping)"),
    Code("field.choice", "error", "a field's value is not one of its allowed choices"),
    Code("term.unknown", "error", "a taxonomy id or alias that content/taxonomy.yml lacks"),
    Code("term.type", "error", "a taxonomy reference that is not an id"),
    Code("term.listed-twice", "warning", "a term given twice in one list (an alias counts)"),
    Code("taxonomy.vocabulary-missing", "error", "taxonomy.yml lacks a vocabulary"),
    Code("taxonomy.not-mapping", "error", "a vocabulary or term in taxonomy.yml is not a mapping"),
    Code("taxonomy.duplicate-name", "error", "two terms of a vocabulary share an id or alias"),
    Code("date.invalid", "error", "a date that is not YYYY-MM-DD"),
    Code("date.future", "error", "an interview date after the build date"),
    Code("id.not-slug", "error", "a file name or taxonomy id that is not a lowercase slug"),
    Code("id.reserved", "error", "an id the site uses for its own pages ('index')"),
    Code("id.case-collision", "error", "two ids that differ only by case"),
    Code("clip.src-outside", "error", "a clip's src leaves content/audio/ (.., absolute, link)"),
    Code("clip.src-missing", "error", "a clip's recording does not exist"),
    Code("clip.src-invalid", "error", "a clip's src is not a plain file name or path"),
    Code("clip.time-invalid", "error", "a clip's start or end is not mm:ss, h:mm:ss or seconds"),
    Code("clip.end-before-start", "error", "a clip ends before it starts"),
    Code("story.loss-reason-not-loss", "error", "a loss_reason on a story that is not a loss"),
    Code("story.no-narrative", "warning", "a story with nothing below its front matter"),
    Code("story.confidential-type", "error", "'confidential' is not true or false"),
    Code("criterion.unknown", "error", "a story names a criterion that has no file"),
    Code("criterion.present-and-absent", "error", "a criterion listed as both present and absent"),
    Code("criterion.weight", "error", "a criterion's weight is not a number above 0"),
    Code("criterion.anchors-missing", "error", "a scale level without its anchor"),
    Code("criterion.anchor-level", "error", "an anchor for a level the scale does not have"),
    Code("privacy.email", "warning", "an e-mail address in a quote, transcript or body"),
    Code("privacy.phone", "warning", "a phone number in a quote, transcript or body"),
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Ids that would name a page the site generates itself (stories/index.md is the
# finder, skills/index.md the overview): a story or term with one would replace it.
RESERVED_IDS = frozenset({"index"})


def story_keys() -> tuple[str, ...]:
    """A story's front-matter fields: its own, plus one per vocabulary."""
    return ("title", "outcome", "interviewed", *(v.field for v in vocabularies()),
            "criteria", "loss_reason", "quote", "takeaway", "clips", "confidential")


CRITERION_KEYS = (
    "title", "skill", "stage", "scale", "weight", "description", "present", "absent", "anchors",
)
TERM_KEYS = ("title", "description", "aliases")
CLIP_KEYS = ("src", "start", "end", "transcript")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "untitled"


def suggestion(name: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(name).lower(), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _listing(choices: list[str] | tuple[str, ...], limit: int = 12) -> str:
    shown = ", ".join(choices[:limit])
    return shown + (f", ... ({len(choices)} in all)" if len(choices) > limit else "")


class _Checker:
    """Typed reads of one document's fields, recording a problem for each fault."""

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
        if isinstance(value, (list, dict)) or isinstance(value, bool):
            self.error(key, f"expected '{key}' to be {what}; found {describe(value)}",
                       "write the value on one line, or as a YAML block with '|'", code="field.type")
            return None
        return str(value).strip()

    def choice(self, key: str, options: tuple[str, ...], required: bool = True) -> str | None:
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
                f"unknown {singular(vocabulary)} '{value}'{suggestion(str(value), names)}",
                f"use one of: {_listing(names)}; or add '{value}' to '{vocabulary}' "
                "in content/taxonomy.yml", code="term.unknown",
            )
        return resolved

    def term_field(self, key: str, vocabulary: str, taxonomy: Taxonomy,
                   required: bool) -> str | None:
        value = self.get(key, required, f"a {singular(vocabulary)} id")
        return None if value is None else self.term((key,), value, vocabulary, taxonomy)

    def term_list(self, key: str, vocabulary: str, taxonomy: Taxonomy,
                  required: bool) -> tuple[str, ...]:
        value = self.get(key, required, f"a list of one or more {vocabulary} ids")
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]  # a single id is accepted for a one-item list
        if not isinstance(value, list):
            self.error(key, f"expected '{key}' to be a list of {vocabulary} ids; "
                            f"found {describe(value)}", f"write it as '{key}: [id, id]'", code="field.type")
            return ()
        if not value and required:
            self.error(key, f"'{key}' needs at least one {singular(vocabulary)} id; "
                            "found an empty list", f"write it as '{key}: [id]'", code="field.required")
        return self._unique(key, [self.term((key, i), v, vocabulary, taxonomy)
                                  for i, v in enumerate(value)])

    def _unique(self, key: str | FieldPath, ids: list[str | None]) -> tuple[str, ...]:
        result: list[str] = []
        for index, term_id in enumerate(ids):
            if term_id is None:
                continue
            if term_id in result:
                path = (key, index) if isinstance(key, str) else (*key, index)
                self.warn(path, f"'{term_id}' is listed twice in '{field_label(path[:-1])}' "
                                "(an alias counts as its id)", "remove the repeated entry", code="term.listed-twice")
            else:
                result.append(term_id)
        return tuple(result)


def singular(name: str) -> str:
    try:
        return vocabulary(name).singular
    except KeyError:
        return name


def _check_reserved(check: _Checker, at: FieldPath, item_id: str, what: str, name: str) -> None:
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
        # The slug-named file keeps its name; the others are asked to change.
        keep, *others = sorted(group, key=lambda p: (not SLUG.match(p.stem), p.name))
        for path in others:
            problems.append(Problem(
                path.relative_to(root).as_posix(), 0, "",
                f"the {what} ids '{keep.stem}' and '{path.stem}' differ only in case; they "
                "collide on case-insensitive file systems and URLs",
                "merge the two files, or rename this one", code="id.case-collision"))
    return problems


# -- taxonomy -----------------------------------------------------------------

def check_taxonomy(source: SourceFile) -> tuple[Taxonomy, list[Problem]]:
    problems: list[Problem] = []
    check = _Checker(source, problems)
    names_of_vocabularies = tuple(v.id for v in vocabularies())
    check.unknown_keys(source.meta, names_of_vocabularies, (), "taxonomy.yml")
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
                            "e.g. 'some-id: {title: Some title}'", code="taxonomy.vocabulary-missing")
            entries = {}
        if not isinstance(entries, dict):
            check.error(vocabulary, f"expected '{vocabulary}' to map term ids to "
                                    f"{{title, description}}; found {describe(entries)}",
                        "write each term as 'id: {title: ...}' on its own line", code="taxonomy.not-mapping")
            unreadable.add(vocabulary)
            entries = {}
        for term_id, spec in entries.items():
            path: FieldPath = (vocabulary, str(term_id))
            term_id = str(term_id)
            if not SLUG.match(term_id):
                check.error(path, f"expected the {singular(vocabulary)} id '{term_id}' to be a "
                                  "lowercase slug (a-z, 0-9 and hyphens)",
                            f"rename it to '{slugify(term_id)}'", code="id.not-slug")
            _check_reserved(check, path, term_id, singular(vocabulary), "id")
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
                            f"found {describe(title)}", "add 'title: ...' to the term", code="field.required")
                title = term_id
            description = spec.get("description") or ""
            if not isinstance(description, str):
                check.error((*path, "description"), "expected 'description' to be text; "
                                                    f"found {describe(description)}", code="field.type")
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
            found.append(Term(vocabulary, term_id, title.strip(), description.strip(),
                              tuple(str(a) for a in aliases), order, grow))
        if registered.ordered:
            found.sort(key=lambda t: (t.order is None, t.order or 0, t.title.lower(), t.id))
        else:
            found.sort(key=lambda t: (t.title.lower(), t.id))
        terms[vocabulary] = tuple(found)
    return Taxonomy(terms, lookup, frozenset(unreadable)), problems


def _check_grow(check: _Checker, at: FieldPath, value: Any) -> tuple:
    """A skill's GROW questions: {goal: [...], reality: [...], options: [...], will: [...]}."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        check.error((*at, "grow"), f"expected 'grow' to map goal, reality, options and will to "
                                   f"lists of questions; found {describe(value)}",
                    "write 'grow:' then '  goal: [\"What would ...?\"]' and so on", code="field.type")
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


# -- stories --------------------------------------------------------------------

def _check_date(check: _Checker, key: str, today: date) -> date | None:
    value = check.get(key, True, "a date as YYYY-MM-DD")
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            check.error(key, f"expected '{key}' to be a date as YYYY-MM-DD; found {describe(value)}",
                        "write the interview date like 2026-03-14", code="date.invalid")
            return None
    if not isinstance(value, date):
        check.error(key, f"expected '{key}' to be a date as YYYY-MM-DD; found {describe(value)}",
                    "write the interview date like 2026-03-14", code="date.invalid")
        return None
    if value > today:
        check.error(key, f"'{key}' is {value.isoformat()}, which is in the future "
                         f"(today is {today.isoformat()})",
                    "use the date the buyer interview took place", code="date.future")
        return None
    return value


@dataclass(frozen=True)
class ClipSpec:
    """A clip whose recording and cut parse, kept even when its story has other
    faults, so the audio stage checks it against the recording in the same run."""

    source: SourceFile  # locates problems at the clip's lines
    index: int  # position in the story's 'clips'
    src: str  # relative to content/audio/
    start: float | None
    end: float | None


def _linked_outside(recording: Path, audio_dir: Path) -> bool:
    """Whether a link on the way from content/audio/ to the recording leads out of the
    repository. Only a link can, so the real path is worked out only when there is one."""
    steps = [recording, *recording.parents[: len(recording.parts) - len(audio_dir.parts)]]
    if not any(os.path.islink(step) for step in steps):
        return False
    # content/ was resolved, so its parent is the repository's real root.
    return not is_inside(recording, audio_dir.parent.parent)


def _file_mode(path: Path) -> int | None:
    """The st_mode of what `path` leads to, without opening it; None if nothing is there."""
    try:
        return os.stat(path).st_mode
    except (OSError, ValueError):
        return None


def _check_clips(check: _Checker, audio_dir: Path) -> tuple[tuple[Clip, ...], list[ClipSpec]]:
    """The valid clips, and every clip whose src, start and end parse."""
    value = check.get("clips", False, "a list of clips")
    if value is None:
        return (), []
    if not isinstance(value, list):
        check.error("clips", f"expected 'clips' to be a list of {{src, start, end, transcript}}; "
                             f"found {describe(value)}",
                    "start each clip with '- src: file.mp3' on its own line", code="field.type")
        return (), []
    clips = []
    specs = []
    for index, spec in enumerate(value):
        at: FieldPath = ("clips", index)
        if not isinstance(spec, dict):
            check.error(at, f"expected clip {index + 1} to have src and transcript fields; "
                            f"found {describe(spec)}",
                        "write it as '- src: file.mp3' with 'transcript: ...' below it", code="field.type")
            continue
        check.unknown_keys(spec, CLIP_KEYS, at, "a clip")
        ok = True
        src = spec.get("src")
        if not isinstance(src, str) or not src.strip():
            check.error((*at, "src"), f"each clip needs 'src', a recording in content/audio/; "
                                      f"found {describe(src)}", "add 'src: interview.mp3'", code="field.required")
            ok = False
        else:
            src = src.strip()
            pure = PurePosixPath(src.replace("\\", "/"))
            recording = audio_dir / pure
            if re.search(r"[\x00-\x1f\x7f]", src):
                check.error((*at, "src"), f"expected 'src' to be a file name; found {src!r}, "
                                          "which holds control characters",
                            "give the recording's plain file name, e.g. 'src: acme.mp3'",
                            code="clip.src-invalid")
                ok = False
            elif pure.is_absolute() or re.match(r"^[A-Za-z]:", src) or ".." in pure.parts:
                check.error((*at, "src"),
                            f"expected 'src' to be a path inside content/audio/; found '{src}', "
                            "which points outside it",
                            "copy the recording into content/audio/ and give its path "
                            "relative to that folder, e.g. 'src: acme-interview.mp3'",
                            code="clip.src-outside")
                ok = False
            elif _linked_outside(recording, audio_dir):
                check.error((*at, "src"),
                            f"'content/audio/{pure.as_posix()}' is a symbolic link to a file "
                            "outside the repository",
                            "copy the recording into content/audio/ instead of linking to it",
                            code="file.symlink-outside")
                ok = False
            elif (mode := _file_mode(recording)) is not None and not stat.S_ISREG(mode):
                check.error((*at, "src"),
                            f"'content/audio/{pure.as_posix()}' is {file_kind(mode)}, "
                            "not a recording",
                            "give the path of the audio file itself", code="file.not-regular")
                ok = False
            elif mode is None:
                existing = sorted(p.relative_to(audio_dir).as_posix()
                                  for p in audio_dir.rglob("*") if p.is_file()) \
                    if audio_dir.is_dir() else []
                check.error((*at, "src"),
                            f"the recording 'content/audio/{pure.as_posix()}' does not exist"
                            f"{suggestion(pure.as_posix(), existing)}",
                            "add the file to content/audio/ or correct the name",
                            code="clip.src-missing")
                ok = False
            src = pure.as_posix()
        times: dict[str, float | None] = {}
        for key in ("start", "end"):
            raw = spec.get(key)
            times[key] = parse_time(raw) if raw is not None else None
            if raw is not None and times[key] is None:
                check.error((*at, key), f"expected '{key}' as \"mm:ss\", \"h:mm:ss\" or seconds; "
                                        f"found {describe(raw)}", f"write it like {key}: \"1:05\"", code="clip.time-invalid")
                ok = False
        start, end = times["start"], times["end"]
        if start is not None and end is not None and start >= end:
            check.error((*at, "end"),
                        f"expected 'end' after 'start'; found start {format_time(start)} "
                        f"and end {format_time(end)}",
                        "swap the two values, or correct the one that is wrong", code="clip.end-before-start")
            ok = False
        if ok:  # src, start and end are usable, whatever else is wrong
            specs.append(ClipSpec(check.source, index, src, start, end))
        transcript = spec.get("transcript")
        if not isinstance(transcript, str) or not transcript.strip():
            check.error((*at, "transcript"),
                        "each clip needs a 'transcript' of what is said in it; "
                        f"found {describe(transcript)}",
                        "add 'transcript: ...' so the clip can be read and searched", code="field.required")
            ok = False
        if ok:
            clips.append(Clip(src, start, end, transcript.strip()))
    return tuple(clips), specs


def _check_privacy(check: _Checker, keys: tuple[str, ...]) -> None:
    """Warn where a text (the fields `keys`, or the body) holds an e-mail address or phone."""
    def leaves(value: Any, path: FieldPath):
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from leaves(item, (*path, index))
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from leaves(item, (*path, str(key)))

    for key in keys:
        for path, text in leaves(check.meta.get(key), (key,)):
            for found in find_contact_details(text):
                check.warn(path, f"'{field_label(path)}' holds {CONTACT_WORDS[found.kind]} "
                                 f"({found.masked()})", CONTACT_HINT,
                           code=f"privacy.{found.kind}")
    for number, line in enumerate(check.source.body.splitlines()):
        for found in find_contact_details(line):
            check.problems.append(check.source.problem(
                "body", f"the text below the front matter holds {CONTACT_WORDS[found.kind]} "
                        f"({found.masked()})", CONTACT_HINT, severity="warning",
                line=check.source.body_line + number, code=f"privacy.{found.kind}"))


def _check_confidential(check: _Checker) -> bool:
    confidential = check.meta.get("confidential", False)
    if not isinstance(confidential, bool):
        check.error("confidential", "expected 'confidential' to be true or false; found "
                                    f"{describe(confidential)}",
                    "write 'confidential: true' to keep the story out of public builds "
                    "(playbook build --public), or remove the line",
                    code="story.confidential-type")
        return True  # fail closed (the error keeps the story out of every build anyway)
    return confidential


def check_story(source: SourceFile, taxonomy: Taxonomy, criteria_ids: set[str],
                audio_dir: Path, today: date,
                clip_specs: list[ClipSpec] | None = None) -> tuple[Story | None, list[Problem]]:
    """The story, or None when it has errors; `clip_specs` gets its clips that
    parse either way, for the audio stage to check."""
    problems: list[Problem] = []
    check = _Checker(source, problems)
    if not SLUG.match(source.stem):
        check.error((), f"expected the file name to be a lowercase slug (the story's id and URL); "
                        f"found '{source.stem}'", f"rename the file to '{slugify(source.stem)}.md'",
                    code="id.not-slug")
    _check_reserved(check, (), source.stem, "story", "file name")
    check.unknown_keys(source.meta, story_keys(), (), "a story")
    title = check.text("title", what="the story's headline")
    outcome = check.choice("outcome", OUTCOMES)
    interviewed = _check_date(check, "interviewed", today)
    terms: dict[str, tuple[str, ...]] = {}
    for registered in vocabularies():
        if registered.multiple:
            terms[registered.id] = check.term_list(registered.field, registered.id, taxonomy,
                                                   registered.required)
        else:
            one = check.term_field(registered.field, registered.id, taxonomy,
                                   registered.required)
            terms[registered.id] = (one,) if one else ()
    quote = check.text("quote", what="the buyer's headline quote")
    takeaway = check.text("takeaway", what="the behaviour to try next time")

    loss_reason = None
    if outcome == "loss":
        loss_reason = check.choice("loss_reason", LOSS_REASONS)
    elif "loss_reason" in source.meta and outcome is not None:
        check.error("loss_reason", f"'loss_reason' is only for losses; this story's outcome is "
                                   f"'{outcome}'", "remove the loss_reason line", code="story.loss-reason-not-loss")
    elif "loss_reason" in source.meta:
        # The outcome is bad or missing: a bad loss reason is still a fault of its own.
        check.choice("loss_reason", LOSS_REASONS, required=False)

    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    criteria = check.get("criteria", False, "present/absent criterion ids")
    if criteria is not None:
        if not isinstance(criteria, dict):
            check.error("criteria", "expected 'criteria' to be a mapping with 'present' and "
                                    f"'absent' lists; found {describe(criteria)}",
                        "write it as 'criteria: {present: [id], absent: [id]}'", code="field.type")
        else:
            check.unknown_keys(criteria, ("present", "absent"), ("criteria",), "'criteria'")
            lists = {}
            for key in ("present", "absent"):
                ids = criteria.get(key) or []
                if isinstance(ids, str):
                    ids = [ids]
                if not isinstance(ids, list):
                    check.error(("criteria", key), f"expected 'criteria.{key}' to be a list of "
                                                   f"criterion ids; found {describe(ids)}", code="field.type")
                    ids = []
                known = []
                for index, criterion_id in enumerate(ids):
                    if str(criterion_id) not in criteria_ids:
                        check.error(("criteria", key, index),
                                    f"unknown criterion '{criterion_id}'"
                                    f"{suggestion(str(criterion_id), sorted(criteria_ids))}",
                                    "use the file name (without .md) of a criterion in "
                                    "content/criteria/", code="criterion.unknown")
                        known.append(None)
                    else:
                        known.append(str(criterion_id))
                lists[key] = check._unique(("criteria", key), known)
            for criterion_id in set(lists["present"]) & set(lists["absent"]):
                check.error(("criteria", "absent"),
                            f"criterion '{criterion_id}' is listed as both present and absent",
                            "keep it in the list that the buyer's account supports", code="criterion.present-and-absent")
            present, absent = lists["present"], lists["absent"]

    clips, specs = _check_clips(check, audio_dir)
    if clip_specs is not None:
        clip_specs.extend(specs)
    _check_privacy(check, ("title", "quote", "takeaway", "clips"))
    confidential = _check_confidential(check)
    if not source.body.strip():
        check.warn((), "the story has no narrative below the front matter",
                   "add the context, what happened and what the buyer said", code="story.no-narrative")
    check.failed |= add_body_problems(problems, source)

    if check.failed:
        return None, problems
    assert title and outcome and interviewed and quote and takeaway
    return Story(
        id=source.stem, path=source.path, title=title, outcome=outcome, interviewed=interviewed,
        quote=quote, takeaway=takeaway, terms=terms,
        criteria_present=present, criteria_absent=absent, loss_reason=loss_reason,
        clips=clips, body=source.body, confidential=confidential,
    ), problems


# -- criteria -------------------------------------------------------------------

def _anchor_level(key: Any, scale: str) -> str | None:
    if scale == "binary":
        # YAML 1.1 reads bare yes/no as booleans.
        if isinstance(key, bool):
            return "yes" if key else "no"
        return str(key).lower() if str(key).lower() in ("yes", "no") else None
    text = str(key)
    return text if text in SCALE_LEVELS[scale] else None


def check_criterion(source: SourceFile, taxonomy: Taxonomy) -> tuple[Criterion | None,
                                                                     list[Problem]]:
    problems: list[Problem] = []
    check = _Checker(source, problems)
    if not SLUG.match(source.stem):
        check.error((), f"expected the file name to be a lowercase slug (the criterion's id and "
                        f"URL); found '{source.stem}'",
                    f"rename the file to '{slugify(source.stem)}.md'", code="id.not-slug")
    _check_reserved(check, (), source.stem, "criterion", "file name")
    check.unknown_keys(source.meta, CRITERION_KEYS, (), "a criterion")
    title = check.text("title", what="the criterion's name")
    skill = check.term_field("skill", "skills", taxonomy, True)
    stage = check.term_field("stage", "stages", taxonomy, False)
    description = check.text("description", what="a behavioural definition an observer can score")
    present = check.text("present", what="a quote of the behaviour when present")
    absent = check.text("absent", what="a quote of the behaviour when absent")
    _check_privacy(check, ("title", "description", "present", "absent", "anchors"))

    raw_scale = check.get("scale", True, "binary, 3 or 5")
    scale = None
    if raw_scale is not None:
        if str(raw_scale) in SCALES and not isinstance(raw_scale, bool):
            scale = str(raw_scale)
        else:
            check.error("scale", f"expected 'scale' to be binary, 3 or 5; found {describe(raw_scale)}",
                        "use 'scale: binary' for yes/no, or 'scale: 3' or 'scale: 5'", code="field.choice")

    weight = source.meta.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
        check.error("weight", f"expected 'weight' to be a number greater than 0; "
                              f"found {describe(weight)}",
                    "use 1 for a normal criterion, 2 for one that counts double", code="criterion.weight")
        weight = 1

    anchors: tuple[tuple[str, str], ...] = ()
    raw = source.meta.get("anchors")
    if raw is not None and not isinstance(raw, dict):
        # Wrong whatever the scale, so reported even when the scale is bad too.
        check.error("anchors", f"expected 'anchors' to map each level to a behaviour; "
                               f"found {describe(raw)}",
                    "write one 'level: behaviour' line per level under 'anchors:'", code="field.type")
    elif scale is not None:
        levels = SCALE_LEVELS[scale]
        if raw is None:
            if scale != "binary":
                check.error("anchors", f"a {scale}-point scale needs 'anchors' describing "
                                       f"every level ({', '.join(levels)}); they are missing",
                            "add 'anchors:' with one line per level, e.g. '1: ...'", code="criterion.anchors-missing")
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
                                "quote yes/no keys (\"yes\":) and use one key per level", code="criterion.anchor-level")
                elif not isinstance(text, str) or not text.strip():
                    empty.add(level)
                    check.error(("anchors", str(key)), f"anchor {level} needs the observable "
                                                       f"behaviour; found {describe(text)}", code="field.required")
                else:
                    given[level] = text.strip()
            missing = [level for level in levels if level not in given and level not in empty]
            # A stray key is most likely the missing level mistyped: one report, not two.
            if missing and not stray_key:
                check.error("anchors", f"anchors are missing level{'s' if len(missing) > 1 else ''} "
                                       f"{', '.join(missing)} of the {scale} scale",
                            "describe what an observer sees at every level", code="criterion.anchors-missing")
            anchors = tuple((level, given[level]) for level in levels if level in given)

    check.failed |= add_body_problems(problems, source)
    if check.failed:
        return None, problems
    assert title and skill and description and present and absent and scale
    return Criterion(
        id=source.stem, path=source.path, title=title, skill=skill, scale=scale,
        weight=float(weight), description=description, present=present, absent=absent,
        anchors=anchors, stage=stage, body=source.body,
    ), problems

