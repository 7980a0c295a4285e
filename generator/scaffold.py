"""`playbook new story|criterion`: start a content file that the check accepts once filled.

Each field comes from a flag, or, when stdin is a terminal, from a prompt that
offers the taxonomy's choices and takes a term's id, alias or title in any
case; a typed answer that cannot be taken is explained and asked again, so the
answers before it are kept (a bad flag fails at once). End of input or Ctrl-C
at a prompt stops it, writing nothing. Without a terminal a missing field
fails at once with the flags to pass, so a script never hangs. What only the
author can write is left empty with a comment (the quote, the takeaway) or
as a placeholder sentence (the narrative, from validate/placeholders.py):
`playbook validate` points at each until it is replaced.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .model import LOSS_REASONS, OUTCOMES, SCALE_LEVELS, SCALES, Taxonomy
from .numbers import NumberError
from .source import read_markdown, read_yaml
from .validate import RESERVED_IDS, SLUG, check_taxonomy, slugify, suggestion
from .validate.criteria import WEIGHT
from .validate.fields import unportable
from .validate.placeholders import CLIP_TRANSCRIPT, CRITERION_NOTES, STORY_SECTIONS

ID_LENGTH = 60  # long enough for a headline's gist, short enough to paste


class ScaffoldError(Exception):
    """Input that cannot make a file; the message says what to do."""


class Stopped(ScaffoldError):
    """The author left the prompts (end of input, Ctrl-C); nothing was written."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Field:
    name: str  # the flag's dest and the front-matter key
    question: str
    required: bool = True
    choices: tuple[str, ...] = ()  # fixed choices (outcome, scale)
    vocabulary: str = ""  # taxonomy choices (ids or aliases)
    multiple: bool = False  # a comma-separated list


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def story_id_from(title: str) -> str:
    """A lowercase slug of the title, cut at a word boundary ("Northwind's" -> "northwinds")."""
    slug = slugify(title.replace("'", "").replace("\u2019", ""))
    if len(slug) > ID_LENGTH:
        slug = slug[:ID_LENGTH].rsplit("-", 1)[0]
    return slug


def yaml_text(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: colons, quotes and
    # leading dashes in a title stay text.
    return json.dumps(value, ensure_ascii=False)


def name_key(name: str) -> str:
    """How a typed term is compared: case, hyphens and spacing aside, so
    "Chief financial officer" finds the alias chief-financial-officer."""
    return " ".join(name.replace("-", " ").replace("_", " ").casefold().split())


def term_names(taxonomy: Taxonomy, vocabulary: str) -> dict[str, str | None]:
    """name_key of every id, alias and title of a vocabulary -> its term id.

    Ids and aliases come first (the taxonomy keeps them unique); a title takes
    a key only when no id or alias has it, and a key two titles share is None
    (ambiguous, so not taken: the author types the id from the choices shown)."""
    names: dict[str, str | None] = {}
    terms = taxonomy.terms.get(vocabulary, ())
    for term in terms:
        for name in (term.id, *term.aliases):
            names.setdefault(name_key(name), term.id)
    by_title: dict[str, set[str]] = {}
    for term in terms:
        by_title.setdefault(name_key(term.title), set()).add(term.id)
    for key, ids in sorted(by_title.items()):
        if key not in names:
            names[key] = next(iter(ids)) if len(ids) == 1 else None
    return names


def load_taxonomy(content_dir: Path) -> Taxonomy:
    source, problems = read_yaml(content_dir / "taxonomy.yml", content_dir.parent)
    if source is None:
        where = problems[0].path if problems else f"{content_dir}/taxonomy.yml"
        raise ScaffoldError(f"cannot read the taxonomy ({where}); run `playbook validate` "
                            "to see why")
    taxonomy, _ = check_taxonomy(source)
    return taxonomy


class Answers:
    """Field values from flags, then from prompts on a terminal."""

    def __init__(self, given: dict[str, str | None], taxonomy: Taxonomy, interactive: bool,
                 ask: Callable[[str], str] = input, say: Callable[[str], None] = print):
        self.given = given
        self.taxonomy = taxonomy
        self.interactive = interactive
        self.ask = ask
        self.say = say

    def check_missing(self, fields: list[Field], command: str) -> None:
        """Without a terminal, fail at once naming every missing required field."""
        if self.interactive:
            return
        missing = [f for f in fields if f.required and not self.given.get(f.name)]
        if missing:
            flags = " ".join(f"{flag(f.name)} ..." for f in missing)
            raise ScaffoldError(
                f"missing {', '.join(flag(f.name) for f in missing)}, and there is no terminal "
                f"to ask on (stdin is not a terminal); pass them as flags: "
                f"playbook new {command} {flags}")

    def options(self, field: Field) -> list[str]:
        if field.vocabulary:
            return [f"{t.id} ({t.title})" for t in self.taxonomy.terms[field.vocabulary]]
        return list(field.choices)

    def parse(self, field: Field, raw: str) -> str | list[str] | None:
        """A raw answer as the field's value; raises ScaffoldError when it is not allowed."""
        raw = raw.strip()
        if why := not_utf8(field.name, raw):
            raise ScaffoldError(f"{why}; type it again")
        if not raw or raw.lower() == "none":
            if field.required:
                raise ScaffoldError(f"{flag(field.name)} is required ({field.question})")
            return None
        if not field.vocabulary and not field.choices:
            return raw
        values = [v.strip() for v in raw.split(",") if v.strip()] if field.multiple else [raw]
        resolved: list[str] = []
        for value in values:
            if field.vocabulary:
                known = term_names(self.taxonomy, field.vocabulary)
                found = self.taxonomy.resolve(field.vocabulary, value) or \
                    known.get(name_key(value))
                names = sorted(known)
            else:
                found = next((c for c in field.choices if c.casefold() == value.casefold()),
                             None)
                names = list(field.choices)
            if found is None:
                raise ScaffoldError(
                    f"unknown {field.name.replace('_', ' ')} '{value}'"
                    f"{suggestion(value, names)}; choose from: "
                    f"{', '.join(self.options(field))}")
            if found not in resolved:
                resolved.append(found)
        return resolved if field.multiple else resolved[0]

    def value(self, field: Field, prompting: bool, default: str = "",
              accept: Callable[[Any], Any] | None = None):
        """The field's value from its flag or, on a terminal, the prompt; `accept`
        checks a parsed value further (raising ScaffoldError) and may change it.
        A typed answer that fails is asked again, keeping the answers before it."""
        def checked(raw: str):
            value = self.parse(field, raw)
            return accept(value) if accept is not None and value is not None else value

        raw = self.given.get(field.name)
        if raw is not None or not (self.interactive and prompting):
            return checked(raw or "")
        options = self.options(field)
        if options:
            how = " (an id, alias or title)" if field.vocabulary else ""
            self.say(f"{field.question}. Choices{how}: {', '.join(options)}")
        hint = " (optional: Enter to skip)" if not field.required else \
            (f" [{default}]" if default else "")
        if field.multiple:
            hint = " (comma-separated)" + hint
        while True:
            try:
                answer = self.ask(f"{field.name.replace('_', ' ')}{hint}: ")
            except EOFError:  # Ctrl-D, or the end of piped answers
                raise Stopped(f"no answer for {flag(field.name)} (end of input); nothing was "
                              "written", 1) from None
            except KeyboardInterrupt:
                raise Stopped(f"stopped at {flag(field.name)}; nothing was written", 130) \
                    from None
            except UnicodeDecodeError:  # a terminal that is not set to UTF-8
                self.say(f"  {flag(field.name)} is not UTF-8 text; type it again")
                continue
            try:
                return checked(answer or default)
            except ScaffoldError as error:
                self.say(f"  {error}")


STORY_OWN_FIELDS = [
    Field("title", "The story's headline: what happened, in the buyer's terms"),
    Field("outcome", "How the deal ended", choices=OUTCOMES),
    Field("interviewed", "The interview date, YYYY-MM-DD"),
]
LOSS_REASON = Field("loss_reason", "Why it was lost", choices=LOSS_REASONS)


def story_fields(taxonomy: Taxonomy) -> list[Field]:
    """A story's questions: its own, then one per vocabulary: the required ones first, and
    in each group the one-value ones before the lists (then in taxonomy order)."""
    ordered = sorted(taxonomy.vocabularies, key=lambda v: (not v.required, v.multiple))
    return STORY_OWN_FIELDS + [
        Field(v.field, v.prompt, required=v.required, vocabulary=v.id, multiple=v.multiple)
        for v in ordered]


def criterion_fields(taxonomy: Taxonomy) -> list[Field]:
    """A criterion's questions; its skill and stage name terms of the vocabularies whose
    `criterion_field` they are."""
    named = {v.criterion_field: v for v in taxonomy.vocabularies if v.criterion_field}
    fields = [Field("title", "The behaviour, as a short phrase "
                             "(\"Surfaces the security review early\")")]
    for name, required in CRITERION_TERMS:
        if name in named:
            fields.append(Field(name, f"The {named[name].singular} it "
                                      f"{'scores' if required else 'belongs to'}",
                                required=required, vocabulary=named[name].id))
        if required:  # the scale comes after the required term, as the file has it
            fields.append(Field("scale", "How it is scored: binary (yes/no), 3 or 5 levels",
                                choices=SCALES))
    return fields


# A criterion's fields that name a taxonomy term, and whether each is required.
CRITERION_TERMS = (("skill", True), ("stage", False))


def _free_path(folder: Path, item_id: str, what: str, claimed: set[str]) -> Path:
    if not SLUG.match(item_id):
        raise ScaffoldError(f"the {what} id '{item_id}' is not a lowercase slug; use "
                            f"--id {slugify(item_id)}")
    if item_id in RESERVED_IDS:
        raise ScaffoldError(f"the {what} id '{item_id}' is reserved; choose another with --id")
    if unportable(item_id):
        raise ScaffoldError(f"the {what} id '{item_id}' is a name Windows reserves for a "
                            "device, so a clone on Windows could not check the file out; "
                            f"choose another with --id, e.g. --id {item_id}-{slugify(what)}")
    taken = {p.stem.casefold() for p in folder.glob("*.md")} if folder.is_dir() else set()
    if item_id.casefold() in taken or item_id in claimed:
        why = "an old id that redirects to another page" if item_id in claimed else \
            f"already a {what}: {folder.name}/{item_id}.md"
        raise ScaffoldError(f"the id '{item_id}' is {why}. Choose another title, or another "
                            f"id with --id, e.g. --id {item_id}-2")
    return folder / f"{item_id}.md"


def _write(path: Path, text: str) -> None:
    """Write the whole file or nothing: the text goes to a temporary file in the same
    folder, which is then linked in under its name (never over someone's file)."""
    data = text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp",
                                         dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        try:
            os.link(temporary, path)  # fails if the name was taken meanwhile
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system (FAT, some shares)
            _write_exclusive(path, data)
    except FileExistsError:
        raise ScaffoldError(f"{path} appeared while it was being written; nothing was "
                            "written. Run the command again") from None
    except OSError as error:
        raise ScaffoldError(f"cannot write {path}: {error.strerror or error}; nothing was "
                            "written") from None
    finally:
        os.unlink(temporary)


def _write_exclusive(path: Path, data: bytes) -> None:
    """Create `path` (never over a file) with `data`, removing it again if writing fails."""
    with open(path, "xb") as out:
        try:
            out.write(data)
            out.flush()
        except BaseException:
            path.unlink()
            raise


def new_story(content_dir: Path, answers: Answers, today: date, story_id: str | None,
              claimed: set[str]) -> Path:
    fields = story_fields(answers.taxonomy)
    answers.check_missing(fields, "story")
    folder = content_dir / "stories"
    # A given --id is checked before any question; an id from the title, with the title.
    path = _free_path(folder, story_id, "story", claimed) if story_id else None

    def free_title(title: str) -> str:
        nonlocal path
        if not story_id:
            path = _free_path(folder, story_id_from(title), "story", claimed)
        return title

    accept: dict[str, Callable[[Any], Any]] = {
        "title": free_title, "interviewed": lambda raw: _date(str(raw), today)}
    prompting = any(f.required and not answers.given.get(f.name) for f in fields)
    values = {}
    for field in fields:
        default = today.isoformat() if field.name == "interviewed" else ""
        values[field.name] = answers.value(field, prompting, default, accept.get(field.name))
    assert path is not None  # the title is required
    if values["outcome"] == "loss":
        answers.check_missing([LOSS_REASON], "story")
        values["loss_reason"] = answers.value(LOSS_REASON, prompting)
    elif answers.given.get("loss_reason"):
        raise ScaffoldError("--loss-reason is only for losses; leave it out")
    text = render_story(values, [f for f in fields if f.vocabulary])
    _write(path, text)
    return path


def _date(raw: str, today: date) -> str:
    try:
        value = date.fromisoformat(raw.strip())
    except ValueError:
        raise ScaffoldError(f"--interviewed must be a date as YYYY-MM-DD, like "
                            f"{today.isoformat()}; found '{raw}'") from None
    if value > today:
        raise ScaffoldError(f"--interviewed {value} is in the future (today is {today})")
    return value.isoformat()


def render_story(values: dict, term_fields: list[Field]) -> str:
    lines = ["---", f"title: {yaml_text(values['title'])}", f"outcome: {values['outcome']}"]
    if values.get("loss_reason"):
        lines.append(f"loss_reason: {values['loss_reason']}")
    lines.append(f"interviewed: {values['interviewed']}")
    for field in term_fields:  # term ids are slugs: written as they are
        value = values.get(field.name)
        if value:
            lines.append(f"{field.name}: [{', '.join(value)}]" if field.multiple
                         else f"{field.name}: {value}")
    lines += [
        "# Fill in the two fields below; `playbook validate` points at each until it is.",
        "quote:      # the buyer's own words, verbatim, from the interview (one to three "
        "sentences)",
        "takeaway:   # the one behaviour a rep should try next time, as an instruction",
        "# criteria:                   # optional: ids from content/criteria/ the account shows",
        "#   present: [next-step-with-date]",
        "#   absent: [security-early]",
        "# clips:                      # optional: 60-90 s of the interview around the moment",
        "#   - src: recording.mp3      # a file in content/audio/",
        "#     start: \"4:05\"           # find it: playbook audio content/audio/recording.mp3 "
        "--at 4:05 --for 75",
        "#     end: \"5:20\"",
        "#     transcript: >-",
        f"#       {CLIP_TRANSCRIPT}",
        "---",
    ]
    for heading, placeholder in STORY_SECTIONS:
        lines += [f"## {heading}", "", placeholder, ""]
    return "\n".join(lines)


def new_criterion(content_dir: Path, answers: Answers, criterion_id: str | None,
                  claimed: set[str]) -> Path:
    fields = criterion_fields(answers.taxonomy)
    answers.check_missing(fields, "criterion")
    folder = content_dir / "criteria"
    path = _free_path(folder, criterion_id, "criterion", claimed) if criterion_id else None

    def free_title(title: str) -> str:
        nonlocal path
        if not criterion_id:
            path = _free_path(folder, story_id_from(title), "criterion", claimed)
        return title

    prompting = any(f.required and not answers.given.get(f.name) for f in fields)
    values = {}
    for field in fields:
        values[field.name] = answers.value(field, prompting,
                                           accept=free_title if field.name == "title" else None)
    assert path is not None  # the title is required
    weight = (answers.given.get("weight") or "1").strip()
    try:  # the rule validate applies, so the file written is one it accepts
        WEIGHT.read(weight, text=True)
    except NumberError as error:
        raise ScaffoldError(f"--weight must be {error.expected} (1 is normal, 2 counts "
                            f"double), written like 1.5; found '{weight}'") from None
    lines = ["---", f"title: {yaml_text(values['title'])}", f"skill: {values['skill']}"]
    if values.get("stage"):
        lines.append(f"stage: {values['stage']}")
    lines += [
        f"scale: {values['scale']}",
        f"weight: {weight}",
        "# Fill in the fields below; `playbook validate` points at each until it is.",
        "description:   # what an observer sees or hears when the rep does it",
        "present:       # a line a rep says when the behaviour is there",
        "absent:        # a line a rep says when it is missing",
        "anchors:       # what the behaviour looks like at each level of the scale",
    ]
    for level in SCALE_LEVELS[values["scale"]]:
        key = f'"{level}"' if values["scale"] == "binary" else level
        lines.append(f"  {key}:")
    lines += ["---", CRITERION_NOTES, ""]
    _write(path, "\n".join(lines))
    return path


def claimed_ids(folder: Path, root: Path) -> set[str]:
    """Old ids that files in `folder` keep as redirects (`redirect_from`).

    Read as validate reads them (`read_markdown`: regular files only, a size
    limit, no YAML aliases), so a file linked to /dev/zero or a nest of aliases
    is passed over, not read or expanded; validate reports it.
    """
    claimed: set[str] = set()
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        source, _ = read_markdown(path, root)
        old = source.meta.get("redirect_from") if source is not None else None
        if isinstance(old, list):
            claimed.update(item for item in old if isinstance(item, str))
    return claimed


def not_utf8(name: str, value: str) -> str:
    """Why `value` cannot go into a file, or '': Python keeps the bytes of an argument
    that is not UTF-8 as lone surrogates, which no UTF-8 file can hold."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(value[error.start])
        byte = f" (byte 0x{code - 0xDC00:02x})" if 0xDC80 <= code <= 0xDCFF else ""
        return f"{flag(name)} is not UTF-8 text{byte}"
    return ""


def check_arguments(given: dict[str, str | None]) -> None:
    """Refuse any argument that is not UTF-8 text, before anything is read or written."""
    for name, value in given.items():
        if isinstance(value, str) and (why := not_utf8(name, value)):
            raise ScaffoldError(f"{why}; nothing was written. Set the terminal to UTF-8, or "
                                "leave the flag out and type the text at the prompt")


# Flags every kind takes, beyond its fields' own.
COMMON_FLAGS = ("id", "loss_reason", "weight")


def check_flags(given: dict[str, str | None], fields: list[Field]) -> None:
    """Refuse a flag that is no field of this kind of file (a vocabulary's flag is its
    field, so the flags depend on the taxonomy), with the nearest one."""
    known = [f.name for f in fields] + list(COMMON_FLAGS)
    for name, value in given.items():
        if value is not None and name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            raise ScaffoldError(f"unknown option {flag(name)}"
                                + (f"; did you mean {flag(close[0])}?" if close else "")
                                + f" The options are: {', '.join(flag(k) for k in known)}")


def run(kind: str, content_dir: Path, given: dict[str, str | None], today: date,
        interactive: bool | None = None) -> Path:
    """Write a new story or criterion; returns its path. Raises ScaffoldError."""
    check_arguments(given)
    if interactive is None:
        interactive = sys.stdin.isatty()
    taxonomy = load_taxonomy(content_dir)
    check_flags(given, story_fields(taxonomy) if kind == "story" else criterion_fields(taxonomy))
    answers = Answers(given, taxonomy, interactive,
                      say=lambda text: print(text, file=sys.stderr))
    folder = content_dir / ("stories" if kind == "story" else "criteria")
    claimed = claimed_ids(folder.resolve(), content_dir.resolve().parent)
    if kind == "story":
        return new_story(content_dir, answers, today, given.get("id"), claimed)
    return new_criterion(content_dir, answers, given.get("id"), claimed)
