"""Generated pages and cached clips as MkDocs files, through MkDocs' public
`Page` and `File` classes.

Part of the MkDocs edge (with mkdocs_plugin.py): nothing in the core imports it.
"""

from __future__ import annotations

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
