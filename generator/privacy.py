"""Privacy: contact details in buyer texts, and public builds without confidential stories.

Stories quote real buyers. Validation warns where a text holds an e-mail
address or a phone number, so it can be anonymised before it is published.
A story marked `confidential: true` is for the sales team only: a public
build drops it (and so its page, clips, counts and every list it was on)
before the library is linked, so no later stage ever sees it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .model import Story
from .problems import Code, Problem

# The findings this check reports (listed by `playbook codes`).
CODES = (
    Code("privacy.link-to-confidential", "error",
         "a public page links to a confidential story (in a public build)"),
)

PUBLIC_ENV = "PLAYBOOK_PUBLIC"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


# -- contact details --------------------------------------------------------------

EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")

# Phone numbers, from the most to the least specific form. Each needs its
# separators or its length to tell it from the numbers stories are full of:
# dates (2026-03-14), times (1:05), money ($40,000), percentages, versions
# (2.10.3) and year ranges (2019-2024) match none of them.
_NOT_BEFORE = r"(?<![\w$€£¥.,/+-])"  # not inside a word, amount, URL or longer number
_NOT_AFTER = r"(?![\w%]|[.,:/-]\d)"
PHONE_FORMS = (
    # International: +44 20 7946 0958, +1 (415) 555-0132, +4930123456
    re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){1,5}" + _NOT_AFTER),
    # North American: (415) 555-0132, 415-555-0132, 415.555.0132, 1-800-555-0132
    re.compile(_NOT_BEFORE + r"(?:1[ .-])?\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}" + _NOT_AFTER),
    re.compile(_NOT_BEFORE + r"(?:1([ .-]))?\d{3}([ .-])\d{3}\2\d{4}" + _NOT_AFTER),
    # National, with a trunk 0: 020 7946 0958, 030-1234-5678
    re.compile(_NOT_BEFORE + r"0\d{2,4}[ -]\d{3,4}[ -]?\d{3,4}" + _NOT_AFTER),
    # Plain digits: 4155550132, 00442079460958
    re.compile(_NOT_BEFORE + r"\d{10,15}" + _NOT_AFTER),
)
# A compact ISO 8601 date and time (20260314, 2026031410, 20260314100500).
_COMPACT_ISO = re.compile(
    r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"(?:(?:[01]\d|2[0-3])(?:[0-5]\d(?:[0-5]\d)?)?)?")


@dataclass(frozen=True)
class ContactDetail:
    kind: str  # "email" or "phone"
    text: str
    start: int  # offset in the text searched

    def masked(self) -> str:
        """Enough of it to find it again, without repeating it in every build log."""
        if self.kind == "email":
            local, _, domain = self.text.partition("@")
            return f"{local[:1]}…@{domain}"
        return "ending in " + re.sub(r"\D", "", self.text)[-4:]


def _is_phone(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    if not (8 if text.startswith("+") else 10) <= len(digits) <= 15:
        return False
    return not (digits == text and _COMPACT_ISO.fullmatch(digits))


# Every e-mail address has an @ and every phone form 7 or more digits close
# together: one cheap search rules out most texts before the forms above run.
_DIGIT_RUN = re.compile(r"\d(?:[^\n\d]{0,3}\d){6}")
# In ASCII text (most of it) \d is 0-9. With every digit turned into '0', the
# regex engine can skip ahead to the next '0' instead of testing each character
# against a class, which is several times faster on a page of narrative.
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_ZERO_RUN = re.compile(rb"0(?:[^\n0]{0,3}0){6}")


def might_hold_contact(text: str) -> bool:
    if "@" in text:
        return True
    if text.isascii():
        return _ZERO_RUN.search(text.encode("ascii").translate(_DIGITS_AS_ZERO)) is not None
    return _DIGIT_RUN.search(text) is not None


def find_contact_details(text: str) -> list[ContactDetail]:
    """Every e-mail address and phone number in `text`, in order."""
    if not might_hold_contact(text):
        return []
    found = [ContactDetail("email", m.group(), m.start()) for m in EMAIL.finditer(text)]
    taken = [(d.start, d.start + len(d.text)) for d in found]
    for form in PHONE_FORMS:
        for match in form.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            if _is_phone(match.group()):
                found.append(ContactDetail("phone", match.group(), span[0]))
                taken.append(span)
    return sorted(found, key=lambda d: d.start)


CONTACT_WORDS = {"email": "an e-mail address", "phone": "a phone number"}
CONTACT_HINT = ("anonymise it before it is published: name the role instead, e.g. "
                "\"[the CFO]\" or \"[their AP lead]\"")


# -- public builds ------------------------------------------------------------------

def public_from_env(environ: dict | None = None) -> bool:
    """Whether PLAYBOOK_PUBLIC asks for a public build.

    Anything but a clear yes or no is refused rather than guessed: a typo must
    not publish confidential stories.
    """
    value = (os.environ if environ is None else environ).get(PUBLIC_ENV, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{PUBLIC_ENV} is '{value}'; expected 1 (a public build) or 0")


# A link target in Markdown: [text](target), <target>, [ref]: target, or a bare URL.
_LINK_TARGETS = re.compile(
    r"\]\(\s*<?([^)\s>]+)"
    r"|<((?:[a-z][a-z0-9+.-]*:|\.{0,2}/)[^>\s]+)>"
    r"|^[ \t]*\[[^\]\n]+\]:[ \t]*<?(\S+?)>?(?:\s|$)"
    r"|(https?://[^\s)<>\"']+)",
    re.IGNORECASE | re.MULTILINE)


def linked_story_ids(text: str) -> set[str]:
    """The story ids that links in `text` point at (stories/<id>/, ../<id>/, <id>.md)."""
    ids = set()
    for match in _LINK_TARGETS.finditer(text):
        target = next(group for group in match.groups() if group)
        path = re.split(r"[?#]", target, maxsplit=1)[0]
        relative = not re.match(r"^[a-z][a-z0-9+.-]*:", path, re.IGNORECASE)
        parts = [p for p in path.split("/") if p not in ("", ".")]
        if parts and parts[-1] in ("index.html", "index.md"):
            parts.pop()
        parts = [re.sub(r"\.(md|html)$", "", p) for p in parts]
        for index, part in enumerate(parts):
            before = parts[index - 1] if index else ""
            # stories/<id>, or from a story page its sibling ../<id>, or a bare <id>.md
            if before == "stories" or (relative and part != ".." and (
                    before == ".." or index == len(parts) - 1)):
                ids.add(part)
    return ids


def withheld_ids(confidential: list[Story] | tuple[Story, ...]) -> frozenset[str]:
    """Every story id a public build must not reach: confidential stories and their old ids."""
    return frozenset(story_id for story in confidential
                     for story_id in (story.id, *story.redirect_from))


def public_stories(stories: list[Story]) -> tuple[list[Story], list[Story]]:
    """(the stories a public build may publish, the confidential ones it leaves out).

    checks/reach.py then reports every published link, text or clip that
    would still reach one of those left out.
    """
    return ([story for story in stories if not story.confidential],
            [story for story in stories if story.confidential])


def line_linking(lines: list[str], story_id: str) -> int:
    """The first line (from 1) whose link reaches `story_id`, else the first that names it."""
    for number, line in enumerate(lines, start=1):
        if story_id in line and story_id in linked_story_ids(line):
            return number
    return next((number for number, line in enumerate(lines, start=1) if story_id in line), 0)


def link_to_confidential(path: str, line: int, story_id: str, hint: str,
                         field: str = "") -> Problem:
    return Problem(
        path, line, field,
        f"links to the confidential story '{story_id}', which a public build leaves out "
        "(its URL would be a broken link that names it)", hint, "error",
        "privacy.link-to-confidential")
