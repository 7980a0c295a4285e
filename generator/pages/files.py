"""The generated-file record, and writing a set of them to a folder."""

from __future__ import annotations

import functools
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from ..urls import page_url

# The headings our `heading` macro writes (fragments/macros.html.j2); only they
# make the page's table of contents, as Markdown headings did before.
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)<a class="headerlink" href="#\2"')
_ID = re.compile(r'\sid="([^"]+)"')
_TAG = re.compile(r"<[^>]*>")


def strip_tags(html: str) -> str:
    """The text of our own generated HTML, entities left as they are."""
    return _TAG.sub("", html)


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    html: str  # the heading's content, as HTML

    @property
    def title(self) -> str:
        """The heading's text, still escaped, without its tags (a link, say)."""
        return strip_tags(self.html)


@dataclass(frozen=True)
class GeneratedFile:
    """One file of the site that the generator makes (a page, a clip, a feed).

    `content` holds text or bytes; for a page, the finished HTML of its body,
    with its YAML `front_matter` (title, description, ...) kept apart, so the
    MkDocs edge hands the HTML to the theme without running Markdown over it.
    `copy_from` names a file to copy instead (an encoded clip in the cache).
    `source` is the content file it comes from, relative to the repository
    root, for "edit this page" links.
    """

    path: str  # docs-relative: "stories/acme.md", "stories/acme/clip-1.mp3"
    content: str | bytes | None = None
    copy_from: Path | None = None
    source: str | None = None
    in_nav: bool = False  # listed in the sidebar (the rest is reached by links)
    front_matter: str = ""  # pages: YAML, without the --- lines
    # A vocabulary's page: its kind for the site's search (search_index.KINDS), and
    # for a topic, its vocabulary's name ("Competitor"); else found from the path.
    search_kind: str = ""
    search_label: str = ""

    @property
    def is_page(self) -> bool:
        return self.path.endswith(".md")

    @property
    def site_path(self) -> str:
        """Where it lands in the built site: "stories/acme/index.html" for a page."""
        return f"{page_url(self.path)}index.html" if self.is_page else self.path

    @property
    def text(self) -> str | bytes:
        """The file as a docs folder holds it: a page is front matter, then HTML,
        which any Markdown builder passes through as it is."""
        if self.is_page and isinstance(self.content, str):
            return f"---\n{self.front_matter}---\n\n{self.content}"
        return self.content or b""

    @cached_property
    def meta(self) -> dict[str, Any]:
        """The page's front matter as data (title, description, hide, search)."""
        if not self.front_matter:
            return {}
        data = yaml.load(self.front_matter, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        return data if isinstance(data, dict) else {}

    @cached_property
    def headings(self) -> tuple[Heading, ...]:
        """The page's headings with ids and permalinks, in order: its table of contents."""
        html = self.content if isinstance(self.content, str) else ""
        return tuple(Heading(int(level), id_, inner)
                     for level, id_, inner in _HEADING.findall(html))

    @cached_property
    def anchor_ids(self) -> frozenset[str]:
        """Every id on the page, which links from other pages may point at."""
        html = self.content if isinstance(self.content, str) else ""
        return frozenset(_ID.findall(html))


def write_pages(files: list[GeneratedFile] | tuple[GeneratedFile, ...], out_dir: Path,
                extra_docs: Path | None = None) -> int:
    """Write the files (and copy hand-written docs) into a docs folder.

    Returns the number of files written. Files already in `out_dir` that the
    site no longer has are removed, so the folder mirrors the library.
    """
    out_dir = Path(out_dir)
    wanted: dict[Path, Callable[[Path], object]] = {}
    if extra_docs is not None and extra_docs.is_dir():
        for source in sorted(extra_docs.rglob("*")):
            if source.is_file():
                wanted[out_dir / source.relative_to(extra_docs)] = functools.partial(
                    _copy, source)
    for file in files:
        if file.copy_from is not None:
            wanted[out_dir / file.path] = functools.partial(_copy, file.copy_from)
        else:
            text = file.text
            data = text.encode("utf-8") if isinstance(text, str) else text
            wanted[out_dir / file.path] = functools.partial(_write_if_changed, data)
    for dest, write in sorted(wanted.items()):
        dest.parent.mkdir(parents=True, exist_ok=True)
        write(dest)
    if out_dir.is_dir():
        for stale in sorted(out_dir.rglob("*"), reverse=True):
            if stale.is_file() and stale not in wanted:
                stale.unlink()
            elif stale.is_dir() and not any(stale.iterdir()):
                stale.rmdir()
    return len(wanted)


def _copy(source: Path, dest: Path) -> None:
    shutil.copyfile(source, dest)


def _write_if_changed(data: bytes, dest: Path) -> None:
    # Leave unchanged files alone so a watching server rebuilds only on change.
    if dest.is_file() and dest.read_bytes() == data:
        return
    dest.write_bytes(data)


def expand_nav(nav: list, generated: Iterable[GeneratedFile]) -> list:
    """Under each nav entry for a generated section index (skills/index.md),
    list the section's generated pages that belong in the sidebar.

    The sidebar then lists each skill's coaching page, in taxonomy order,
    without anyone keeping mkdocs.yml in step with taxonomy.yml.
    """
    children: dict[str, list[str]] = {}
    for record in generated:
        folder, _, name = record.path.rpartition("/")
        if record.is_page and record.in_nav and folder and name != "index.md":
            children.setdefault(f"{folder}/index.md", []).append(record.path)
    expanded = []
    for item in nav:
        if isinstance(item, dict) and len(item) == 1:
            (title, value), = item.items()
            if isinstance(value, str) and value in children:
                item = {title: [value, *children[value]]}
        expanded.append(item)
    return expanded
