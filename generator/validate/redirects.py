"""Permanent links: `redirect_from: [old-id, ...]` on stories and criteria.

A renamed story or criterion keeps its old URLs working by naming its old ids;
the site then carries a small redirect page at each old URL. Two files may
not claim the same old id, and an old id may not be a live page's id (the
redirect would replace the page).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..problems import Code, Problem
from ..source import describe
from .fields import SLUG, Checker, check_reserved, slugify

# The findings this module reports (listed by `playbook codes`).
CODES = (
    Code("redirect.invalid", "error", "a redirect_from entry that is not a lowercase slug id"),
    Code("redirect.duplicate", "error", "two files (or one file twice) claim the same old id"),
    Code("redirect.shadows-page", "error", "an old id in redirect_from is a live page's id"),
)


@dataclass(frozen=True)
class RedirectClaim:
    """One old id that one file claims, with where it says so."""

    old_id: str
    path: str  # the claiming file, from the repository root
    line: int
    owner: str  # the claiming file's own id


def read_redirects(check: Checker, what: str,
                   claims: list[RedirectClaim] | None) -> tuple[str, ...]:
    """The old ids of `redirect_from` (errors for malformed ones); adds them to `claims`."""
    raw = check.get("redirect_from", False, "a list of old ids")
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        check.error("redirect_from", f"expected 'redirect_from' to be a list of the {what}'s "
                                     f"old ids; found {describe(raw)}",
                    "write it as 'redirect_from: [old-id]'", code="redirect.invalid")
        return ()
    found: list[str] = []
    for index, value in enumerate(raw):
        text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) \
            else None
        if text is None or not SLUG.match(text):
            check.error(("redirect_from", index),
                        f"expected an old {what} id (a lowercase slug, the old file name "
                        f"without .md); found {describe(value)}",
                        f"write the id exactly as the old URL had it, e.g. "
                        f"'{slugify(str(value))}'", code="redirect.invalid")
            continue
        check_reserved(check, ("redirect_from", index), text, what, "old id")
        if claims is not None:
            claims.append(RedirectClaim(text, check.source.path,
                                        check.source.line_of(("redirect_from", index)),
                                        check.source.stem))
        if text not in found:
            found.append(text)
    return tuple(found)


def check_claims(claims: list[RedirectClaim], live_ids: set[str], what: str,
                 folder: str) -> list[Problem]:
    """Old ids claimed twice, or naming a live page, across one kind's files."""
    problems: list[Problem] = []
    first: dict[str, RedirectClaim] = {}
    for claim in sorted(claims, key=lambda c: (c.path, c.line)):
        if claim.old_id in live_ids:
            own = claim.old_id == claim.owner
            problems.append(Problem(
                claim.path, claim.line, "redirect_from",
                f"'{claim.old_id}' is " + (f"this {what}'s own id" if own else
                                           f"a live {what}: {folder}/{claim.old_id}.md") +
                "; a redirect there would replace the page",
                "remove it from redirect_from" + ("" if own else
                                                  f", or rename {folder}/{claim.old_id}.md"),
                code="redirect.shadows-page"))
        elif claim.old_id in first:
            earlier = first[claim.old_id]
            where = "earlier in this file" if earlier.path == claim.path else \
                f"by {earlier.path}:{earlier.line}"
            problems.append(Problem(
                claim.path, claim.line, "redirect_from",
                f"the old id '{claim.old_id}' is already claimed {where}; one old URL can "
                "lead to one page only",
                "keep it on the file the old URL showed, and remove it here",
                code="redirect.duplicate"))
        else:
            first[claim.old_id] = claim
    return problems
