"""Findings about the content, and the ways to print them.

Every stage reports what it finds as `Problem` records instead of raising, so
one run can show every fault in the library at once.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterable, Literal

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


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line, p.field, p.message))


def format_text(problem: Problem) -> str:
    where = f"{problem.path}:{problem.line}" if problem.line else problem.path
    field = f" [{problem.field}]" if problem.field else ""
    text = f"{where}: {problem.severity}{field}: {problem.message}"
    if problem.code:
        text += f" ({problem.code})"
    if problem.hint:
        text += f"\n    hint: {problem.hint}"
    return text


def _github_escape(text: str, *, property_value: bool = False) -> str:
    # GitHub's workflow-command escaping rules.
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


def format_json(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    return json.dumps(
        {
            "errors": errors,
            "warnings": len(problems) - errors,
            "problems": [asdict(p) for p in problems],
        },
        indent=2,
        ensure_ascii=False,
    )


def summary(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
