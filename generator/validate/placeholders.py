"""The texts `playbook new` writes for the author to replace, and the check that they were.

Declared once here: the scaffold writes these texts, and validation refuses
to publish any that is left, at its line, so a half-filled story never goes
out with "The decisive moment, in order." as its narrative.
"""

from __future__ import annotations

from typing import Any

from ..problems import Code
from ..source import FieldPath
from .fields import Checker

CODES = (
    Code("scaffold.placeholder", "error",
         "text that `playbook new` wrote for the author to replace is still there"),
)

# A new story's narrative: (section heading, what to write under it).
STORY_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Context", "What the deal was, who was involved, and where it stood."),
    ("What happened", "The decisive moment, in order."),
    ("What the buyer said",
     "The buyer's account in their words; name people by role, never by contact details."),
)
# A new criterion's body.
CRITERION_NOTES = "Coaching notes: how to coach it, the usual failure, a drill."
# The commented-out clip example's transcript, published if uncommented as it is.
CLIP_TRANSCRIPT = "What the buyer says in the clip, word for word."

PLACEHOLDERS: tuple[str, ...] = (
    *(text for _, text in STORY_SECTIONS), CRITERION_NOTES, CLIP_TRANSCRIPT)

HINT = "replace it with your own text, or delete the line"


def _leaves(value: Any, path: FieldPath):
    """(path, text) for every text in a front-matter value."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)))


def _found(text: str) -> str:
    return next((placeholder for placeholder in PLACEHOLDERS if placeholder in text), "")


def check_placeholders(check: Checker) -> None:
    """An error at each front-matter text and body line that still holds a placeholder."""
    source = check.source
    for key, value in check.meta.items():
        for path, text in _leaves(value, (str(key),)):
            if placeholder := _found(text):
                check.error(path, f"'{placeholder}' is the placeholder `playbook new` wrote; "
                                  "it would be published as it is", HINT,
                            code="scaffold.placeholder")
    body = source.body
    if not _found(body):  # the usual case: one scan of the body, no line split
        return
    for number, line in enumerate(body.splitlines()):
        if placeholder := _found(line):
            check.failed = True
            check.problems.append(source.problem(
                "body", f"'{placeholder}' is the placeholder `playbook new` wrote below the "
                        "front matter; it would be published as it is", HINT,
                line=source.body_line + number, code="scaffold.placeholder"))
