"""Findings about the content, and the ways to print them.

Every stage reports what it finds as `Problem` records instead of raising, so
one run can show every fault in the library at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the repository root, with forward slashes
    line: int  # 1-based; 0 when the problem concerns the file as a whole
    field: str  # dotted front-matter path such as "clips[0].start", or "" for the file
    message: str  # what was expected and what was found
    hint: str = ""  # how to fix it
    severity: Severity = "error"
    # A stable name for the kind of finding ("term.unknown", "clip.past-end"),
    # for people and tools to tell findings apart and to tune severities.
    code: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True)
class Code:
    """One kind of finding: its stable name, default severity and meaning.

    Each checking module lists the codes it reports in a CODES tuple at its
    top; `generator.codes` gathers them for `playbook codes` and the guide.
    """

    name: str  # "term.unknown"
    severity: Severity
    summary: str  # what it means, in one line


SEVERITY_CHOICES = ("error", "warning", "off")


def apply_severities(problems: Iterable[Problem], overrides: dict[str, str]) -> list[Problem]:
    """Problems with their severity changed as configured ("off" drops them)."""
    adjusted = []
    for problem in problems:
        wanted = overrides.get(problem.code)
        if wanted == "off":
            continue
        if wanted in ("error", "warning") and wanted != problem.severity:
            problem = replace(problem, severity=wanted)  # type: ignore[arg-type]
        adjusted.append(problem)
    return adjusted


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line, p.field, p.message))


# Characters that are invisible or that move the cursor or the line: C0 and C1
# controls (ESC, CR, NUL, newline), zero-width and bidi-override characters,
# line and paragraph separators, BOM, tag characters, lone surrogates (from
# file names that are not UTF-8) and noncharacters (U+FFFE, U+FDD0, U+1FFFF...).
_INVISIBLE = (
    "\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ufdd0-\ufdef\ufeff\ufff9-\ufffb\ufffe\uffff\ud800-\udfff\U000e0000-\U000e007f"
    + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0x10000, 0x110000,
                                                                        0x10000)))
_UNPRINTABLE = re.compile(f"[\x00-\x1f{_INVISIBLE}]")
# JSON escapes C0 controls itself, and its indentation is made of newlines.
_UNPRINTABLE_IN_JSON = re.compile(f"[{_INVISIBLE}]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8
        code -= 0xDC00
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str) -> str:
    """Content text made safe for a terminal or log: ESC shows as the four characters \\x1b."""
    return _UNPRINTABLE.sub(_escape, text)


def format_text(problem: Problem) -> str:
    path = visible(problem.path)
    where = f"{path}:{problem.line}" if problem.line else path
    field = f" [{visible(problem.field)}]" if problem.field else ""
    text = f"{where}: {problem.severity}{field}: {visible(problem.message)}"
    if problem.code:
        text += f" ({visible(problem.code)})"
    if problem.hint:
        text += f"\n    hint: {visible(problem.hint)}"
    return text


def _github_escape(text: str, *, property_value: bool = False) -> str:
    # GitHub's workflow-command escaping rules, after every line break and other
    # invisible character is made visible, so content cannot start a line with
    # "::" and inject a workflow command.
    text = visible(text)
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(problem: Problem) -> str:
    props = [f"file={_github_escape(problem.path, property_value=True)}"]
    if problem.line:
        props.append(f"line={problem.line}")
    if problem.field or problem.code:
        title = " ".join(part for part in (problem.field, problem.code and f"({problem.code})")
                         if part)
        props.append(f"title={_github_escape(title, property_value=True)}")
    message = problem.message + (f" (hint: {problem.hint})" if problem.hint else "")
    return f"::{problem.severity} {','.join(props)}::{_github_escape(message)}"


def _encodable(value):
    # json escapes control characters itself; a lone surrogate (from a file name
    # that is not UTF-8) could not be written out as UTF-8, so it becomes "\xe9".
    return _SURROGATES.sub(_escape, value) if isinstance(value, str) else value


def _json_escape(match: re.Match) -> str:
    # As JSON's own \u escapes (a UTF-16 pair beyond U+FFFF), so the data loads back
    # unchanged while the text holds nothing a terminal would act on.
    units = match.group().encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{int.from_bytes(units[i:i + 2], 'big'):04x}"
                   for i in range(0, len(units), 2))


def json_text(data) -> str:
    """`data` as indented JSON that is also safe to print: every invisible or
    line-moving character of _UNPRINTABLE (C1 controls, bidi overrides, lone
    surrogates...) written as a \\u escape; other text stays readable."""
    return _UNPRINTABLE_IN_JSON.sub(_json_escape, json.dumps(data, indent=2, ensure_ascii=False))


def format_json(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    return json_text({
        "errors": errors,
        "warnings": len(problems) - errors,
        "problems": [{key: _encodable(value) for key, value in asdict(p).items()}
                     for p in problems],
    })


def summary(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
