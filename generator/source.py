"""Stage 1: files to parsed documents.

Front matter is parsed with PyYAML's C loader (through python-frontmatter's
YAML handler). Line numbers are not tracked while parsing: `SourceFile.line_of`
re-reads the front matter as a node tree only when a problem must be located,
so a clean library costs little more than the YAML parse itself.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from .numbers import WHOLE_LIMIT
from .numbers import shown as shown_number
from .problems import Code, Problem, visible
from .vocabularies import ids

# The findings this stage reports (listed by `playbook codes`).
CODES = (
    Code("file.symlink-outside", "error",
         "a symbolic link under content/ leads outside the repository"),
    Code("file.not-regular", "error", "a FIFO, device or folder stands where a file belongs"),
    Code("file.too-large", "error", "a file is over the size limit (256 KB for a story or "
                                    "criterion, 1 MB for taxonomy.yml)"),
    Code("file.ignored", "warning", "a file in content/stories/ or content/criteria/ that is "
                                    "not read: another extension, a subfolder, a hidden name"),
    Code("file.not-utf8", "error", "a file is not UTF-8 text"),
    Code("file.control-character", "error", "a file holds an invisible control character"),
    Code("text.control-character", "error",
         "a text holds a control character other than tab and newline (often from an "
         "escape in a double-quoted YAML value)"),
    Code("text.noncharacter", "error",
         "a text holds a Unicode noncharacter (U+FFFE, U+FDD0, ...) or a lone surrogate"),
    Code("file.unreadable", "error", "a file cannot be read"),
    Code("file.missing", "error", "a required file (content/taxonomy.yml) is missing"),
    Code("frontmatter.missing", "error", "no front matter between two '---' lines at the top"),
    Code("frontmatter.not-mapping", "error",
         "the front matter is a list, a single value or null, not 'field: value' lines"),
    Code("yaml.syntax", "error", "the YAML cannot be parsed"),
    Code("yaml.tab", "error", "YAML indented with a tab"),
    Code("yaml.alias", "error", "a YAML anchor or alias (not allowed in content)"),
    Code("yaml.tag", "error", "an explicit YAML tag other than !!str"),
    Code("yaml.too-deep", "error", "YAML nested deeper than 32 levels"),
    Code("yaml.duplicate-key", "error", "a key given twice, so only the last value would count"),
    Code("yaml.number-too-large", "error",
         "a whole number of more than 18 digits, which no field takes"),
)

try:  # the C loader is much faster; fall back for Python builds without libyaml
    from yaml import CSafeLoader as FastLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as FastLoader  # type: ignore[assignment]

# A story or criterion is a few KB; a file far beyond that is a mistake or an
# attack, and is refused before it is read.
MAX_DOCUMENT_BYTES = 256 * 1024
MAX_TAXONOMY_BYTES = 1024 * 1024
# Content YAML nests four or five levels; libyaml's composer recurses in C and
# crashes the process on ~100,000 nested brackets.
MAX_YAML_DEPTH = 32


class ContentYAMLError(yaml.MarkedYAMLError):
    """YAML that parses but that content may not use (aliases, tags, deep nesting)."""

    def __init__(self, problem: str, mark, code: str, hint: str):
        super().__init__(problem=problem, problem_mark=mark)
        self.code = code
        self.hint = hint


# Only text that may hold aliases, tags or deep nesting is screened event by
# event: text with '*', '&' or '!', nested or compact lists ('- -'), complex
# keys ('? '), or many brackets. The characters are looked for one by one,
# which is faster than a regex alternation that begins with a class.
_NESTED_DASHES = re.compile(r"-[ \t]+-")
# Explicit tags content may use: `!!str 2026` keeps a value as text. Others
# (!!timestamp, !!binary, !!set, !!python/...) make PyYAML's constructors raise
# plain exceptions, or build values no field takes.
_ALLOWED_TAGS = (None, "!", "tag:yaml.org,2002:str")


_TOO_DEEP_HINT = ("content needs only a few levels; check for unclosed or repeated "
                  "'[' and '{'")


def _may_be_hostile(text: str) -> bool:
    """Whether `text` holds '*', '&', '!', '-' then blanks then '-', '?' then a
    blank, or more brackets than the depth limit.

    The two sequences are looked for apart: as one regex alternation they
    keep the engine from skipping ahead to each '-', and '?' is rare.
    """
    return ("*" in text or "&" in text or "!" in text
            or ("?" in text and ("? " in text or "?\t" in text))
            or _NESTED_DASHES.search(text) is not None
            or text.count("[") + text.count("{") > MAX_YAML_DEPTH)


# What can open, close or hide a flow collection: brackets, quotes, comments.
_FLOW_MARKS = re.compile(r"""[\[\]{}"'#]""")
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"?', re.S)
_SINGLE_QUOTED = re.compile(r"'(?:[^']|'')*'?")
# After these (and blanks), a quote starts a quoted value; elsewhere it is text.
_VALUE_STARTS = frozenset("[{,:-?\n")


def flow_too_deep_at(text: str) -> int | None:
    """Where '[' and '{' first nest deeper than MAX_YAML_DEPTH, or None.

    The project's own count, made before any parser runs, so deep nesting is
    the same finding whichever PyYAML is installed (6.0.4's scanner stops at
    1,000 levels with a syntax error of its own). Quoted values and comments
    are skipped, so brackets in text never count; a bracket in plain text
    counts, which only matters for 33 unclosed ones.
    """
    depth = 0
    found = _FLOW_MARKS.search(text)
    while found is not None:
        index, mark = found.start(), found.group()
        resume = index + 1
        if mark in "[{":
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return index
        elif mark in "]}":
            depth = max(depth - 1, 0)
        else:
            before = index - 1
            while before >= 0 and text[before] in " \t":
                before -= 1
            starts_value = before < 0 or text[before] in _VALUE_STARTS
            if mark == "#":
                if before < index - 1 or before < 0 or text[before] == "\n":
                    newline = text.find("\n", index)
                    resume = len(text) if newline == -1 else newline
            elif starts_value:
                quoted = (_DOUBLE_QUOTED if mark == '"' else _SINGLE_QUOTED).match(text, index)
                assert quoted is not None  # both patterns match a lone opening quote
                resume = quoted.end()
        found = _FLOW_MARKS.search(text, resume)
    return None


def _screen_yaml(text: str) -> None:
    """Refuse aliases, tags and deep nesting before a parser sees them."""
    if not _may_be_hostile(text):
        return
    if text.count("[") + text.count("{") > MAX_YAML_DEPTH:
        index = flow_too_deep_at(text)
        if index is not None:
            line = text.count("\n", 0, index)
            column = index - text.rfind("\n", 0, index) - 1
            raise ContentYAMLError(
                f"nests lists or mappings more than {MAX_YAML_DEPTH} deep",
                yaml.Mark("<content>", index, line, column, None, 0), "yaml.too-deep",
                _TOO_DEEP_HINT)
    depth = 0
    for event in yaml.parse(text, Loader=FastLoader):
        if isinstance(event, yaml.AliasEvent):
            raise ContentYAMLError(
                f"uses the alias '*{event.anchor}'; YAML anchors and aliases are not "
                "allowed in content", event.start_mark, "yaml.alias",
                "write the value out in full where it is needed; if the '*' or '&' is part "
                "of the text, quote the value")
        tag = getattr(event, "tag", None)
        if tag not in _ALLOWED_TAGS:
            raise ContentYAMLError(
                f"uses the tag '{str(tag).replace('tag:yaml.org,2002:', '!!')}'; YAML tags "
                "are not allowed in content",
                event.start_mark, "yaml.tag",
                "remove the tag and write the value as plain or quoted text")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise ContentYAMLError(
                    f"nests lists or mappings more than {MAX_YAML_DEPTH} deep",
                    event.start_mark, "yaml.too-deep", _TOO_DEEP_HINT)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


class ContentLoader(FastLoader):
    """The C safe loader, with dates kept as text and duplicate keys noted.

    PyYAML turns `2026-13-01` into an exception from `datetime` rather than a
    YAML error, so dates stay text here and the validator parses them. It also
    keeps the last of two equal keys without a word, losing the author's first
    value, so the loader records each repeat as (key, first line, line).
    """

    def __init__(self, stream):
        super().__init__(stream)
        self.text = stream
        self.duplicates: list[tuple[str, int, int]] = []

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            self.note_duplicates(node)
        return super().construct_mapping(node, deep)

    def note_duplicates(self, node: yaml.MappingNode) -> None:
        keys = [key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode)]
        if len(set(keys)) != len(keys):  # rare: look closer only then
            seen: dict[object, int] = {}
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    line = mark_line(self.text, key_node.start_mark)
                    if key_node.value in seen:
                        self.duplicates.append((key_node.value, seen[key_node.value], line))
                    else:
                        seen[key_node.value] = line


def _date_as_text(loader: ContentLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


# A date is resolved as YAML's timestamp, then built as the text it is.
ContentLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


def _bounded_int(loader: ContentLoader, node: yaml.ScalarNode) -> int:
    """An integer of at most 18 digits: beyond that, hexadecimal, binary or base-60
    digits build integers that float() and str() refuse, and decimal ones hit
    Python's int-string limit while parsing."""
    digits = sum(character.isalnum() for character in node.value)
    value = loader.construct_yaml_int(node) if digits <= 64 else None
    if value is None or abs(value) >= WHOLE_LIMIT:
        raise ContentYAMLError("holds a whole number of more than 18 digits, which no field "
                               "takes", node.start_mark, "yaml.number-too-large",
                               "quote it if it is text; a time, weight or day is far smaller")
    return value


ContentLoader.add_constructor("tag:yaml.org,2002:int", _bounded_int)


def mark_line(text: str, mark: yaml.Mark) -> int:
    """The 0-based line of a YAML mark, counting "\n" only.

    YAML also breaks lines at NEL, LS and PS (U+0085, U+2028, U+2029), where
    editors and GitHub do not; `mark.index` counts characters, so it is exact.
    """
    return text.count("\n", 0, mark.index)


def load_yaml(text: str) -> tuple[Any, list[tuple[str, int, int]]]:
    """Parse YAML; return the data and its duplicate keys (0-based lines)."""
    _screen_yaml(text)
    loader = ContentLoader(text)
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


_HANDLER = YAMLHandler()
_BOUNDARY = _HANDLER.FM_BOUNDARY

# A field path into the front matter: ("clips", 0, "start")
FieldPath = tuple[str | int, ...]


def field_name(path: FieldPath) -> str:
    """("clips", 0, "start") -> "clips[0].start"."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class SourceFile:
    """One front-matter Markdown file (or taxonomy.yml), parsed but not checked."""

    path: str  # relative to the repository root
    stem: str
    meta: dict[str, Any]
    body: str
    body_line: int  # line of the file where the body starts
    yaml_text: str = field(repr=False)
    yaml_line: int  # line of the file holding the first line of yaml_text

    @cached_property
    def _tree(self) -> yaml.Node | None:
        try:
            return yaml.compose(self.yaml_text, Loader=FastLoader)
        except yaml.YAMLError:
            return None

    def line_of(self, path: FieldPath) -> int:
        """The file line of a front-matter field, or of its nearest existing parent.

        A mapping key points at the key's line; a list item at the item's line.
        A field that is absent points at the start of the front matter.
        """
        node = self._tree
        if node is None:
            return self.yaml_line
        line = self.yaml_line + mark_line(self.yaml_text, node.start_mark)
        for part in path:
            child = None
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for key, value in node.value:
                    if key.value == part:
                        line = self.yaml_line + mark_line(self.yaml_text, key.start_mark)
                        child = value
                        break
            elif (isinstance(node, yaml.SequenceNode) and isinstance(part, int)
                  and 0 <= part < len(node.value)):
                child = node.value[part]
                line = self.yaml_line + mark_line(self.yaml_text, child.start_mark)
            if child is None:
                break
            node = child
        return line

    def problem(
        self,
        path: FieldPath | str,
        message: str,
        hint: str = "",
        *,
        severity: str = "error",
        line: int | None = None,
        code: str = "",
    ) -> Problem:
        if isinstance(path, str):
            path = (path,) if path else ()
        return Problem(
            self.path,
            self.line_of(path) if line is None else line,
            field_name(path),
            message,
            hint,
            severity,  # type: ignore[arg-type]
            code,
        )


def _yaml_problem(rel: str, offset: int, error: yaml.YAMLError, what: str,
                  text: str) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):  # located by character, not by mark
        line = offset + text.count("\n", 0, error.position)
        return Problem(rel, line, "", f"{what} is not valid YAML: it holds the character "
                                      f"{error.character!r}, which YAML does not allow",
                       "delete the character, or write it as an escape in a double-quoted "
                       "value", code="yaml.syntax")
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = offset + mark_line(text, mark) if mark is not None else offset
    problem = getattr(error, "problem", None) or str(error)
    if isinstance(error, ContentYAMLError):
        return Problem(rel, line, "", f"{what} {problem}", error.hint,
                       code=error.code)
    lines = text.split("\n")
    here = lines[line - offset] if mark is not None and line - offset < len(lines) else ""
    indent = here[: len(here) - len(here.lstrip(" \t"))]
    if "\t" in indent:
        return Problem(rel, line, "", f"{what} is not valid YAML: this line is indented "
                                      "with a tab",
                       "YAML needs spaces for indentation; replace the tab with spaces "
                       "(set your editor to insert spaces)", code="yaml.tab")
    context = getattr(error, "context", None)
    context_mark = getattr(error, "context_mark", None)
    if context and context_mark is not None and offset + mark_line(text, context_mark) != line:
        # Point back at where the unclosed construct began, as compilers do.
        context += f" that starts on line {offset + mark_line(text, context_mark)}"
    detail = f"{context}, {problem}" if context else problem
    return Problem(
        rel,
        line,
        "",
        f"{what} is not valid YAML: {detail}",
        "check the indentation and quoting on this line and the one above it; "
        "values containing ': ' or starting with a quote, '[', '{', '*' or '&' "
        "must be quoted",
        code="yaml.syntax",
    )


def _duplicate_problems(rel: str, duplicates: list[tuple[str, int, int]],
                        offset: int, what: str = "key") -> list[Problem]:
    return [
        Problem(rel, offset + line, str(key),
                f"duplicate {what} '{key}' (first given on line {offset + first}); "
                "only the last value is kept",
                f"merge the two '{key}' entries into one, or rename one of them",
                code="yaml.duplicate-key")
        for key, first, line in duplicates
    ]


# -- reading files: never follow a link out of the repository, never open ------
# -- anything but a regular file, never read more than a limit -----------------

def file_kind(mode: int) -> str:
    """What a non-regular file is, for messages: "a folder", "a named pipe (FIFO)"."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"


# A file Git LFS stands in for its content when the content was not fetched.
LFS_POINTER_START = b"version https://git-lfs.github.com/spec/"
_LFS_POINTER_MAX_BYTES = 1024  # real pointers are about 130 bytes
_LFS_SIZE = re.compile(rb"^size ([0-9]{1,18})$", re.M)


def lfs_pointer_size(path: Path) -> int | None:
    """The size of the content a Git LFS pointer file stands for, or None when `path`
    is not a pointer (only small regular files are opened, so this costs nothing for a
    real recording)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _LFS_POINTER_MAX_BYTES:
            return None
        with open(path, "rb") as stream:
            head = stream.read(_LFS_POINTER_MAX_BYTES)
    except (OSError, ValueError):
        return None
    if not head.startswith(LFS_POINTER_START):
        return None
    size = _LFS_SIZE.search(head)
    return int(size.group(1)) if size else 0


def size_text(count: int) -> str:
    """A file size for messages: "12.3 MB", "180 KB"."""
    return _size(count)


def is_inside(path: Path, root: Path) -> bool:
    """Whether `path`, with every symbolic link resolved, lies within `root`."""
    real = Path(os.path.realpath(path))
    return real == Path(os.path.realpath(root)) or real.is_relative_to(os.path.realpath(root))


def outside_link(path: Path, root: Path, rel: str) -> Problem | None:
    """A problem when `path` is a symbolic link that leads out of the repository."""
    if not path.is_symlink() or is_inside(path, root):
        return None
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    what = "folder" if path.is_dir() else "file"
    return Problem(rel, 0, "", f"the {what} is a symbolic link to '{target}', outside the "
                               "repository; links may only point inside it",
                   "replace the link with the file itself", code="file.symlink-outside")


def read_limited(path: Path, root: Path, rel: str, limit: int,
                 what: str) -> tuple[bytes | None, Problem | None]:
    """The bytes of a regular file inside the repository, at most `limit` of them.

    Nothing but a regular file is ever opened, and it is opened non-blocking,
    so a FIFO or device (even one swapped in after the check) cannot hang us.
    """
    try:
        info: os.stat_result | None = os.lstat(path)
    except (OSError, ValueError):
        info = None
    if info is None or stat.S_ISLNK(info.st_mode):  # what is not a plain entry gets a closer look
        link = outside_link(path, root, rel)
        if link is not None:
            return None, link
        info = None
    try:
        if info is None:
            info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, _not_regular(rel, info.st_mode, what)
        if info.st_size > limit:
            return None, _too_large(rel, info.st_size, limit, what, exact=True)
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode):
                return None, _not_regular(rel, info.st_mode, what)
            chunks, size = [], 0
            # os.read allocates what it is asked for: ask for the file's size
            # (and a byte to see the end), then in modest steps if it grew.
            want = info.st_size + 1
            while size <= limit:
                chunk = os.read(handle, min(limit + 1 - size, want))
                want = 65536
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(handle)
    except OSError as error:
        return None, Problem(rel, 0, "", f"cannot read the file: {error.strerror or error}",
                             "check that the file exists and can be read",
                             code="file.unreadable")
    if size > limit:
        return None, _too_large(rel, size, limit, what, exact=False)
    return b"".join(chunks), None


def _not_regular(rel: str, mode: int, what: str) -> Problem:
    return Problem(rel, 0, "", f"expected {what} file; found {file_kind(mode)}",
                   "replace it with a plain text file, or move it out of content/",
                   code="file.not-regular")


def _too_large(rel: str, size: int, limit: int, what: str, exact: bool) -> Problem:
    found = f"{_size(size)} ({size:,} bytes)" if exact else f"over {limit:,} bytes"
    return Problem(rel, 0, "", f"the file is {found}; {what} file may be at most "
                               f"{_size(limit)} ({limit:,} bytes)",
                   "keep long material out of the front matter, or split the file",
                   code="file.too-large")


# C0 controls and DEL: invisible, and able to confuse terminals and Markdown.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same characters as UTF-8 bytes (never part of a longer character):
# deleting them is a faster test for them than a search.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f])


def decode_text(data: bytes, rel: str) -> tuple[str | None, Problem | None]:
    """UTF-8 text (a BOM is dropped) with "\\n" line ends, or a located problem."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        return None, Problem(rel, before.count(b"\n") + 1, "",
                             f"the file is not UTF-8 text (byte 0x{data[error.start]:02x})",
                             "save the file with UTF-8 encoding", code="file.not-utf8")
    # CRLF (Windows) and lone CR (old Mac) line ends; YAML counts both as breaks.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = None
    if len(data.translate(None, _CONTROL_BYTES)) != len(data):
        control = _CONTROL.search(text)
    if control is not None:
        return None, Problem(rel, text.count("\n", 0, control.start()) + 1, "",
                             f"the file holds the invisible control character "
                             f"{control.group()!r}",
                             "delete it (it often comes from pasting out of another program)",
                             code="file.control-character")
    return text, None


# What no text from content may hold once YAML has decoded its escapes ("\\u0001",
# "\\b", "\\e"): C0 and C1 controls but tab and newline (a terminal obeys them, XML
# 1.0 refuses most), lone surrogates and Unicode's noncharacters (U+FFFE, U+FFFF,
# U+FDD0-U+FDEF and U+nFFFE/U+nFFFF of every plane), which XML and MkDocs refuse.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_NONCHARACTERS = "\ud800-\udfff\ufdd0-\ufdef" + "".join(
    chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
HOSTILE_TEXT = re.compile(f"[{_CONTROLS}{_NONCHARACTERS}]")
_CONTROL_CHARACTER = re.compile(f"[{_CONTROLS}]")
# A search with HOSTILE_TEXT's 34 characters beyond U+FFFF runs at ~50 us/KB, too
# slow for every story: first the UTF-8 lead bytes that can start a hostile
# character are deleted (C0 and DEL themselves, 0xC2 for C1, 0xED for surrogates,
# 0xEF for U+F000-U+FFFF, 0xF0-0xF4 beyond U+FFFF); only text that loses one is
# searched, for the characters of the BMP and any character beyond it.
_SUSPECT_BYTES = bytes([*range(0x00, 0x09), *range(0x0b, 0x20), 0x7f, 0xc2, 0xed, 0xef,
                        *range(0xf0, 0xf5)])
_CANDIDATE = re.compile(f"[{_CONTROLS}\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                        f"\U00010000-\U0010ffff]")


def first_hostile(text: str) -> str | None:
    """The first character of HOSTILE_TEXT in `text`, or None."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        data = b"\0"
    if len(data.translate(None, _SUSPECT_BYTES)) == len(data):  # the usual case
        return None
    for found in _CANDIDATE.finditer(text):
        char = found.group()
        if ord(char) < 0x10000 or ord(char) & 0xFFFE == 0xFFFE:  # U+nFFFE, U+nFFFF
            return char
    return None


def hostile_texts(value: Any, at: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """(path, first bad character) of each key and text in parsed YAML that holds a
    character of HOSTILE_TEXT; a key's own path is where it stands."""
    if isinstance(value, str):
        char = first_hostile(value)
        if char is not None:
            yield at, char
    elif isinstance(value, dict):
        for key, item in value.items():
            path = (*at, str(key))
            yield from hostile_texts(key, path)
            yield from hostile_texts(item, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from hostile_texts(item, (*at, index))


def _text_problem(source: SourceFile, path: FieldPath | str, char: str,
                  line: int | None = None) -> Problem:
    shown = f"'{visible(char)}' (U+{ord(char):04X})"
    where = f"'{field_name(path)}'" if isinstance(path, tuple) else "the body"
    if _CONTROL_CHARACTER.match(char):
        return source.problem(
            path, f"expected {where} to hold text without control characters; found the "
                  f"invisible control character {shown}",
            "delete it: it comes from an escape such as \\u0001, \\b or \\e in a "
            "double-quoted value, or from pasting out of another program",
            line=line, code="text.control-character")
    return source.problem(
        path, f"expected {where} to hold only characters that text may use; found the "
              f"Unicode noncharacter {shown}, which feeds and pages cannot carry",
        "delete it: it comes from an escape such as \\uFFFE in a double-quoted value, "
        "or from a broken copy and paste", line=line, code="text.noncharacter")


def text_problems(source: SourceFile, shortcut: bool = True) -> list[Problem]:
    """The one screen of a document's texts after parsing: every key and text of its
    front matter (or of taxonomy.yml, a session, ...) and its body, one problem per
    text that holds a character of HOSTILE_TEXT, at the text's line."""
    problems = []
    # YAML makes a character only from an escape, which needs a backslash; without
    # one every parsed text is a piece of the file, so one search covers them all.
    if not shortcut or "\\" in source.yaml_text or first_hostile(source.yaml_text):
        problems = [_text_problem(source, path, char)
                    for path, char in hostile_texts(source.meta)]
    char = first_hostile(source.body)
    if char is not None:
        line = source.body_line + source.body.count("\n", 0, source.body.index(char))
        problems.append(_text_problem(source, "body", char, line))
    return problems


def _closing_boundary(text: str, start: int) -> re.Match[str] | None:
    """`_BOUNDARY.search(text, start)`, trying only the lines that start with '---'.

    The pattern can match only at the start of a line; searching for it runs
    the regex at every character of the front matter.
    """
    if start == 0 or text[start - 1] == "\n":
        found = _BOUNDARY.match(text, start)
        if found is not None:
            return found
    line = text.find("\n---", start)
    while line != -1:
        found = _BOUNDARY.match(text, line + 1)
        if found is not None:
            return found
        line = text.find("\n---", line + 1)
    return None


def relative_name(path: Path, root: Path) -> str:
    """`path.relative_to(root).as_posix()`, by slicing the string when `path` is below `root`."""
    text, prefix = str(path), str(root)
    if text.startswith(prefix) and text[len(prefix):len(prefix) + 1] == os.sep \
            and not prefix.endswith(os.sep):
        return text[len(prefix) + 1:].replace(os.sep, "/")
    return path.relative_to(root).as_posix()


def read_markdown(path: Path, root: Path) -> tuple[SourceFile | None, list[Problem]]:
    """Read a front-matter Markdown file. Returns None when it cannot be parsed."""
    rel = relative_name(path, root)
    data, problem = read_limited(path, root, rel, MAX_DOCUMENT_BYTES, "a story or criterion")
    if data is None:
        return None, [problem] if problem else []
    text, problem = decode_text(data, rel)
    if text is None:
        return None, [problem] if problem else []

    opening = _BOUNDARY.match(text)
    closing = _closing_boundary(text, opening.end()) if opening else None
    if opening is None or closing is None:
        found = "no opening '---' line" if opening is None else "no closing '---' line"
        if not text.strip():
            found = "an empty file"
        return None, [
            Problem(
                rel,
                1,
                "",
                f"expected front matter between two '---' lines at the top of the file; "
                f"found {found}",
                "start the file with '---', the YAML fields, then '---' and the body",
                code="frontmatter.missing",
            )
        ]
    yaml_text = text[opening.end() : closing.start()]
    yaml_line = text.count("\n", 0, opening.end()) + 1
    body_line = text.count("\n", 0, closing.end()) + 2

    try:
        meta, duplicates = load_yaml(yaml_text) if yaml_text.strip() else ({}, [])
    except yaml.YAMLError as error:
        return None, [_yaml_problem(rel, yaml_line, error, "the front matter", yaml_text)]
    except ValueError as error:  # a value the constructor rejects
        return None, [Problem(rel, yaml_line, "", f"the front matter has a value YAML cannot "
                                                   f"read: {error}", "quote the value",
                              code="yaml.syntax")]
    problems = _duplicate_problems(rel, duplicates, yaml_line)
    if not isinstance(meta, dict):
        return None, [
            Problem(
                rel,
                # the line where the value begins, past blank lines
                yaml_line + yaml_text.count("\n", 0, len(yaml_text) - len(yaml_text.lstrip())),
                "",
                f"expected the front matter to be a mapping of 'field: value' lines; "
                f"found {describe(meta)}",
                "write one 'field: value' per line between the '---' lines",
                code="frontmatter.not-mapping",
            )
        ]
    source = SourceFile(
        rel, path.stem, meta, text[closing.end() :].lstrip("\n"), body_line, yaml_text, yaml_line
    )
    return source, problems


def read_yaml(path: Path, root: Path, expected: str = "a mapping of vocabularies",
              layout: str = "write each vocabulary as 'skills:' with its terms indented "
                            "below it") -> tuple[SourceFile | None, list[Problem]]:
    """Read a plain YAML file (taxonomy.yml) into a SourceFile with no body.

    `expected` and `layout` say what the file holds when it is not a mapping."""
    rel = path.relative_to(root).as_posix()
    if not path.exists() and not path.is_symlink():
        return None, [
            Problem(rel, 0, "", "the taxonomy file is missing",
                    f"create {rel} with the vocabularies {', '.join(ids()[:-1])} and "
                    f"{ids()[-1]}", code="file.missing")
        ]
    data, problem = read_limited(path, root, rel, MAX_TAXONOMY_BYTES, "the taxonomy")
    if data is None:
        return None, [problem] if problem else []
    text, problem = decode_text(data, rel)
    if text is None:
        return None, [problem] if problem else []
    try:
        parsed, duplicates = load_yaml(text)
    except yaml.YAMLError as error:
        return None, [_yaml_problem(rel, 1, error, "the file", text)]
    except ValueError as error:
        return None, [Problem(rel, 1, "", f"the file has a value YAML cannot read: {error}",
                              "quote the value", code="yaml.syntax")]
    problems = _duplicate_problems(rel, duplicates, 1, "id or key")
    if parsed is None:
        parsed = {}
    if not isinstance(parsed, dict):
        return None, [
            Problem(rel, 1, "", f"expected {expected}; found {describe(parsed)}", layout,
                    code="frontmatter.not-mapping")
        ]
    return SourceFile(rel, path.stem, parsed, "", 0, text, 1), problems


# -- finding the files -----------------------------------------------------------

def list_documents(folder: Path, root: Path, what: str) -> tuple[list[Path], list[Problem]]:
    """The `*.md` entries directly in `folder`, sorted; anything else there is reported.

    A story named `acme.markdown` or kept in a subfolder would otherwise vanish
    from the site without a word. Nothing here is opened: `read_markdown` checks
    each file it is handed. Hidden files (.gitkeep, .DS_Store) are passed over
    quietly, unless they look like a story (.acme.md).
    """
    if not folder.is_dir():
        return [], []
    folder_rel = folder.relative_to(root).as_posix()
    link = outside_link(folder, root, folder_rel)
    if link is not None:
        return [], [link]
    documents: list[Path] = []
    problems: list[Problem] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        return [], [Problem(folder_rel, 0, "", f"cannot list the folder: {error.strerror}",
                            "check the folder's permissions", code="file.unreadable")]
    for entry in entries:
        path = folder / entry.name
        if entry.name.startswith("."):
            if entry.name.endswith(".md"):
                problems.append(Problem(
                    path.relative_to(root).as_posix(), 0, "",
                    "this file is not read: its name starts with '.', which hides it",
                    f"rename it to '{entry.name.lstrip('.')}' if it is a {what}",
                    "warning", "file.ignored"))
            continue
        if entry.is_dir(follow_symlinks=False):
            for inner in _files_below(path):
                problems.append(Problem(
                    inner.relative_to(root).as_posix(), 0, "",
                    f"this file is in a subfolder of {folder_rel}/, so it is not read; "
                    f"every {what} file must sit directly in {folder_rel}/",
                    f"move it to {folder_rel}/{inner.stem}.md", "warning", "file.ignored"))
        elif entry.name.endswith(".md"):
            documents.append(path)
        else:
            problems.append(Problem(
                path.relative_to(root).as_posix(), 0, "",
                f"this file is not read: {what} files must end in '.md' (lowercase)",
                f"rename it to '{(path.stem if path.suffix else path.name).lower()}.md', "
                f"or move it out of {folder_rel}/", "warning", "file.ignored"))
    return documents, problems


def _files_below(folder: Path, depth: int = 0) -> list[Path]:
    """Non-hidden files under a subfolder, without following links (bounded depth)."""
    found: list[Path] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return found
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            if depth < 8:
                found += _files_below(Path(entry.path), depth + 1)
        else:
            found.append(Path(entry.path))
    return found


def outside_links_below(folder: Path, root: Path) -> list[Problem]:
    """Every symbolic link under `folder` that leads out of the repository (content/audio)."""
    if not folder.is_dir():
        return []
    link = outside_link(folder, root, folder.relative_to(root).as_posix())
    if link is not None:
        return [link]
    problems = []
    for current, dirs, files in os.walk(folder):  # does not descend into linked folders
        dirs.sort()
        for name in sorted(dirs + files):
            problem = outside_link(Path(current) / name, root,
                                   (Path(current) / name).relative_to(root).as_posix())
            if problem is not None:
                problems.append(problem)
    return problems


def describe(value: Any) -> str:
    """A short, human description of a YAML value for error messages."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {shown_number(value)}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'" if value else "an empty text"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"
