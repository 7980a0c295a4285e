"""Generated pages and cached clips as MkDocs files, through MkDocs' public
`Page` and `File` classes; in `serve`, the story folder kept between builds.

Part of the MkDocs edge (with mkdocs_plugin.py): nothing in the core imports it.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

from mkdocs.structure.files import File
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from . import atomic_dir
from .pages import GeneratedFile


class HtmlPage(Page):
    """A generated page: its HTML is finished, so MkDocs never runs Markdown on it.

    MkDocs takes a page it finds on `file.page` as it is; this one reads its
    front matter and table of contents from the generated record.
    """

    def __init__(self, title: str | None, file: File, config, record: GeneratedFile):
        super().__init__(title, file, config)
        self.record = record

    def read_source(self, config) -> None:
        source = config.plugins.on_page_read_source(page=self, config=config)
        self.markdown = source if source is not None else str(self.record.content or "")
        self.meta = dict(self.record.meta)

    def render(self, config, files) -> None:
        # `markdown` holds the HTML, after any other plugin's on_page_markdown.
        self.content = self.markdown
        self.toc = get_toc(_toc_tokens(self.record.headings))
        self.present_anchor_ids = set(self.record.anchor_ids)


def _toc_tokens(headings) -> list:
    """Headings, nested by level, as the toc tokens MkDocs builds a TOC from."""
    root: dict = {"level": 0, "children": []}
    stack = [root]
    for heading in headings:
        token = {"level": heading.level, "id": heading.id, "name": heading.title,
                 "children": []}
        while stack[-1]["level"] >= heading.level:
            stack.pop()
        stack[-1]["children"].append(token)
        stack.append(token)
    return root["children"]


def nav_titles(nav: list):
    """(path, title) for every page the nav in mkdocs.yml names with a title."""
    for item in nav:
        if isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    yield value, title
                elif isinstance(value, list):
                    yield from nav_titles(value)


class CachedFile(File):
    """A file from the clip cache, hard-linked into the site rather than copied
    where the disk allows it (at 10,000 stories, 2,860 clips).

    The cache names a clip by what it was made from and replaces a file only
    by renaming a new one into place, so both names keep the same bytes.
    """

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        assert self.abs_src_path is not None  # made with abs_src_path
        atomic_dir.link_file(Path(self.abs_src_path), Path(self.abs_dest_path))


# -- serve: the story folder stays between builds ---------------------------------

KEPT_FOLDER = "stories"  # story pages, their clips and the finder: most of the site


class KeptFile(File):
    """A generated file whose output from the last build still stands in the
    site: links to it resolve, and MkDocs neither renders nor copies it."""

    def is_documentation_page(self) -> bool:
        return False

    def is_static_page(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        return None


class KeptFolder:
    """`serve`: the site's stories/ is a link to a folder that outlives each build.

    MkDocs empties the site before every build and writes every page again;
    at 1,000 stories that is most of a reload. Here only the story pages and
    clips that changed go through MkDocs (it writes them through the link);
    the rest stay as the last build wrote them, and files of stories that are
    gone are removed. When anything every page shows changes (mkdocs.yml, the
    theme, the nav, hand-written pages), every story page is built again.

    The one upstream behaviour kept on purpose (it cut the 1,000-story reload
    by about three quarters): MkDocs' emptying of site_dir leaves a linked
    folder's files alone. test_serve's test_upstream_mkdocs_clean_... pins it.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self._written: dict[str, GeneratedFile] = {}
        self._chrome: tuple | None = None  # None: write everything next time

    def attach(self, site_dir: Path) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        site_dir.mkdir(parents=True, exist_ok=True)
        atomic_dir.link_folder(site_dir / KEPT_FOLDER, self.folder)

    def still_written(self, records: tuple[GeneratedFile, ...], chrome: tuple) -> set[str]:
        """The paths under stories/ whose output from the last build stands."""
        current = {r.path: r for r in records if r.path.startswith(f"{KEPT_FOLDER}/")}
        kept: set[str] = set()
        if chrome == self._chrome:
            kept = {path for path, record in current.items()
                    if (before := self._written.get(path)) is not None
                    and (before is record or before == record)}
        for path in sorted(self._written.keys() - current.keys()):
            self._remove(self._written[path])
        self._written, self._chrome = current, chrome
        return kept

    def forget(self) -> None:
        """After a failed build: what is in the folder is no longer known."""
        self._chrome = None

    def _remove(self, record: GeneratedFile) -> None:
        output = self.folder / record.site_path[len(KEPT_FOLDER) + 1:]
        output.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            output.parent.rmdir()  # only when it is empty


def _site_key(config) -> tuple:
    """mkdocs.yml and the theme's custom templates, by content and modification."""
    parts: list[object] = []
    if config.config_file_path and Path(config.config_file_path).is_file():
        parts.append(hashlib.sha256(Path(config.config_file_path).read_bytes()).hexdigest())
    custom = config.theme.custom_dir
    if custom and Path(custom).is_dir():
        for path in sorted(Path(custom).rglob("*")):
            if path.is_file():
                stat = path.stat()
                parts.append((str(path), stat.st_mtime_ns, stat.st_size))
    from mkdocs.utils import get_build_date
    parts.append(get_build_date())
    return tuple(parts)


def chrome_key(config, generated: tuple[GeneratedFile, ...]) -> tuple:
    """What every page's themed output shows beyond its own content: the site
    settings, the theme's overrides, the nav and the hand-written pages."""
    docs = Path(config.docs_dir)
    return (_site_key(config), repr(config.nav),
            tuple((r.path, r.meta.get("title")) for r in generated if r.in_nav),
            tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size)
                  for path in sorted(docs.rglob("*")) if path.is_file())
            if docs.is_dir() else ())
