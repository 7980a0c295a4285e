"""The hand-written pages in docs/: their front matter, and their links into the playbook.

MkDocs shows front matter it cannot parse as page text (and search indexes
it) without a warning, and it cannot know which generated pages a link may
name until the playbook is built. `playbook validate` and the MkDocs plugin
both run `check_docs`, so they agree.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

from frontmatter.default_handlers import YAMLHandler

from ..library import Library
from ..privacy import link_to_confidential, linked_story_ids
from ..problems import Code, Problem
from ..source import read_markdown
from ..urls import coach_url, page_url, relative, term_url

# The findings this check reports (listed by `playbook codes`).
CODES = (
    Code("docs.front-matter", "error", "a hand-written page's front matter cannot be read"),
    Code("docs.broken-link", "error", "a link from docs/ to a page that does not exist"),
    Code("docs.unreadable", "error", "a hand-written page is not UTF-8 text"),
    Code("docs.collides-with-generated", "error",
         "a hand-written file in docs/ has the address of a page or file the playbook "
         "generates"),
)

# Generated files that are not pages (see pages/feed.py, pages/scorecard.py and
# search_index.py): a hand-written file there would replace them or be replaced.
GENERATED_FILES = ("feed.xml", "scorecard.csv", "calendar.ics")
GENERATED_FOLDERS = ("pagefind/",)

_FRONT_MATTER = YAMLHandler()  # the boundary rule source.read_markdown uses
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).*?\1")
_INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")  # [text](target "title"), ![alt](image)
_REFERENCE = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:\s*<?([^\s>]+)")  # [id]: target
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # https:, mailto:, ...


def generated_pages(library: Library) -> set[str]:
    """The docs-relative path of every page `pages.render_site` makes from `library`."""
    found = {"index.md", "stories/index.md", "criteria/index.md"}
    found |= {f"stories/{story.id}.md" for story in library.stories}
    found |= {f"criteria/{criterion.id}.md" for criterion in library.criteria}
    for vocabulary in library.taxonomy.vocabularies:
        directory = vocabulary.folder
        found.add(f"{directory}/index.md")
        found |= {f"{directory}/{term.id}.md" for term in library.taxonomy.terms[vocabulary.id]}
    found |= {"insights.md", "calibration/index.md", "calendar.md"}
    found.add("insights/what-wins.md")  # what wins, below insights
    found |= {f"calibration/{session.id}.md" for session in library.calibrations}
    # Ramp playbooks, each skill's 1:1 coaching pack, the scorecard
    found |= {"ramp/index.md", "scorecard.md"} | {f"ramp/{r.id}.md" for r in library.ramps}
    found |= {f"{coach_url(v.id, t.id)[:-1]}.md" for v in library.taxonomy.having("coaching")
              for t in library.taxonomy.terms[v.id]}
    found |= {"scenarios/index.md"} | {f"scenarios/{s.id}.md" for s in library.scenarios}
    return found


def redirect_pages(library: Library) -> set[str]:
    """The docs-relative path of each old id's redirect page (pages/redirects.py), as
    if it were a page: docs/stories/<old-id>.md would have its address."""
    return ({f"stories/{old}.md" for story in library.stories for old in story.redirect_from}
            | {f"criteria/{old}.md" for c in library.criteria for old in c.redirect_from})


def check_docs(library: Library, docs_dir: Path, content_dir: Path,
               withheld: frozenset[str] = frozenset()) -> list[Problem]:
    """The findings about the hand-written pages in `docs_dir`, against the linked library.

    `withheld` are the story ids a public build leaves out (load.LoadResult.withheld):
    their pages are missing, and a link to one (or to its clips) is an error.
    """
    docs_dir, content_dir = Path(docs_dir).resolve(), Path(os.path.abspath(content_dir))
    if not docs_dir.is_dir():
        return []
    root = content_dir.parent  # problems name paths from the repository root
    if not docs_dir.is_relative_to(root):
        root = docs_dir.parent
    written = sorted(
        path for path in docs_dir.rglob("*.md")
        if path.is_file() and not any(part.startswith(".")
                                      for part in path.relative_to(docs_dir).parts))
    generated = generated_pages(library) | redirect_pages(library)
    problems: list[Problem] = _collisions(docs_dir, root, generated)
    known = generated | {p.relative_to(docs_dir).as_posix() for p in written}
    # A story or criterion with errors gets its page once fixed; its errors
    # are reported already, so links to it are not blamed as well. A story a
    # public build leaves out has no page, whatever its state.
    for folder in ("stories", "criteria"):
        known |= {f"{folder}/{p.stem}.md" for p in (content_dir / folder).glob("*.md")
                  if folder != "stories" or p.stem not in withheld}
    # Term pages of a vocabulary that could not be read are unknown, not missing.
    unchecked = {term_url(v)[:-1] for v in library.taxonomy.unreadable}
    for path in written:
        problems += _check_page(path, docs_dir, root, known, unchecked, withheld)
    return problems


def _collisions(docs_dir: Path, root: Path, generated: set[str]) -> list[Problem]:
    """An error for each hand-written file at the address of a generated one.

    docs/ramp.md and the generated ramp/index.md are both /ramp/: MkDocs would
    keep one and drop the other, so neither may win silently.
    """
    by_url = {page_url(page): page for page in generated}
    problems = []
    for path in sorted(p for p in docs_dir.rglob("*") if p.is_file()):
        name = path.relative_to(docs_dir).as_posix()
        if any(part.startswith(".") for part in name.split("/")):
            continue
        if name.endswith(".md"):
            clash = by_url.get(page_url(name))
            what = f"the generated page '{page_url(name) or '/'}'"
            where = f"generated from {clash}" if clash else ""
        else:
            clash = name if name in GENERATED_FILES or name.startswith(GENERATED_FOLDERS) \
                else None
            what, where = f"the generated file '{name}'", ""
        if clash is None:
            continue
        problems.append(Problem(
            path.relative_to(root).as_posix(), 0, "",
            f"this hand-written file has the same address as {what}"
            + (f" ({where})" if where else "") + "; one would silently replace the other",
            "rename or move the hand-written file (for example docs/guides/"
            f"{path.name}), or remove it", "error", "docs.collides-with-generated"))
    return problems


def _check_page(path: Path, docs_dir: Path, root: Path, known: set[str],
                unchecked: set[str], withheld: frozenset[str]) -> list[Problem]:
    page = path.relative_to(docs_dir).as_posix()
    rel = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        text = None  # read_markdown says what is wrong
    problems = []
    lines = text.split("\n") if text is not None else []
    body = 0
    # A page without front matter is fine; one with front matter must parse.
    if text is None or _FRONT_MATTER.detect(text):
        _, found = read_markdown(path, root)
        code = "docs.front-matter" if text is not None else "docs.unreadable"
        problems += [replace(p, code=p.code or code) for p in found]
        body = _after_front_matter(lines)
    for line, href in _links(lines[body:], body + 1):
        hidden = sorted(linked_story_ids(f"]({href})") & withheld) if withheld else []
        if hidden:
            problems.append(link_to_confidential(
                rel, line, hidden[0], "remove the link: a public build leaves that story, "
                "its clips and its old addresses out"))
            continue
        resolved = _resolve(href, page)
        if resolved is None:
            continue
        target, candidates = resolved
        if target.split("/", 1)[0] in unchecked or any(c in known for c in candidates):
            continue
        where = f"'{target}'" if candidates else "a place outside the site"
        problems.append(Problem(
            rel, line, "",
            f"the link '{href}' points at {where}, which is neither a page in docs/ "
            "nor a page the playbook generates",
            _fix(href, page, candidates, known), "error", "docs.broken-link"))
    return problems


def _after_front_matter(lines: list[str]) -> int:
    """The index of the first line after the closing '---' (0 when there is none)."""
    for index in range(1, len(lines)):
        if _FRONT_MATTER.FM_BOUNDARY.match(lines[index]):
            return index + 1
    return 0


def _links(lines: list[str], first: int) -> Iterator[tuple[int, str]]:
    """(line number, target) of each Markdown link outside code."""
    fence = ""
    for number, line in enumerate(lines, start=first):
        marker = _FENCE.match(line)
        if fence:
            if marker and marker.group(1).startswith(fence) and not line[marker.end():].strip():
                fence = ""
            continue
        if marker:
            fence = marker.group(1)
            continue
        line = _CODE_SPAN.sub("", line)
        for match in (*_INLINE_LINK.finditer(line), *_REFERENCE.finditer(line)):
            yield number, match.group(1)


def _resolve(href: str, page: str) -> tuple[str, list[str]] | None:
    """What a link on the docs page `page` points at: (target, the pages that would
    satisfy it), or None for links not checked (a scheme, an anchor, an absolute
    path, a file that is not a page). No pages means the link leaves the site."""
    if not href or href.startswith(("#", "/")) or _SCHEME.match(href):
        return None
    path = unquote(re.split(r"[?#]", href, maxsplit=1)[0])
    if not path:
        return None
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if path.endswith(".md"):
        # MkDocs resolves a link to a Markdown file from the page's folder.
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        candidates = [target]
    elif path.endswith("/") or last in (".", "..") or "." not in last:
        # A URL is resolved by the browser from the page's own URL (ramp.md is ramp/).
        stem = posixpath.normpath(posixpath.join(page_url(page), path))
        stem = "" if stem == "." else stem
        target = stem + "/"
        candidates = [f"{stem}.md", f"{stem}/index.md"] if stem else ["index.md"]
    else:
        return None
    if target.startswith("../"):
        return target, []
    return target, candidates


def _fix(href: str, page: str, candidates: list[str], known: set[str]) -> str:
    path = unquote(re.split(r"[?#]", href, maxsplit=1)[0])
    close = []
    if not path.endswith(".md"):
        # A common slip: a URL written as if from the page's folder, not its URL.
        stem = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        close = [p for p in (f"{stem}.md", f"{stem}/index.md") if p in known]
    if not close and candidates:
        close = difflib.get_close_matches(candidates[0], sorted(known - {page}), n=1, cutoff=0.6)
    if not close:
        return ("link to a page in docs/ or a generated one: stories/<id>.md, criteria/<id>.md, "
                "skills/<id>.md, competitors/<id>.md and so on, or their overviews' index.md")
    if path.endswith(".md"):
        better = posixpath.relpath(close[0], posixpath.dirname(page) or ".")
    else:
        better = relative(page_url(close[0]), page_url(page))
    return f"did you mean '{better}'?"
