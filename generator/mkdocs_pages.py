"""Generated pages and cached clips as MkDocs files, through MkDocs' public
`Page` and `File` classes; the theme's parts that the pages of a folder share,
rendered once (`SharedPartials`); in `serve`, templates compiled once
(`CompiledTemplates`) and the story folder kept between builds.

Part of the MkDocs edge (with mkdocs_plugin.py): nothing in the core imports it.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

import jinja2
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation, Section
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


# -- theme parts shared by the pages of a folder -------------------------------------

SHARED_PARTIALS = ("partials/nav.html", "partials/palette.html")
_THEME_PREFIX = "playbook-theme"  # the theme's own templates, under a name of ours


class SharedPartials:
    """Material renders the whole site nav into every page, with the palette
    toggles and its config script; at 10,000 stories the nav
    alone was about two fifths of the theme's time. A page outside the nav has
    nothing in it marked active, and its links are relative to the page's
    folder, so every such page in one folder (all the story pages) gets the
    same HTML from them: render each once per folder and reuse it.

    A partial the site overrides (theme/partials/...) is left alone: it may
    show something of the page. A call block around the theme's own partial
    asks `shared` whether a copy stands.
    """

    def __init__(self) -> None:
        self._html: dict[tuple[str, tuple[str, ...]], str] = {}
        self._targets: set[tuple[str, ...]] = set()  # every folder a nav link points into
        self.rendered = 0  # parts rendered for pages that share them

    def install(self, env: jinja2.Environment, nav: Navigation, config) -> jinja2.Environment:
        self._html.clear()
        self.rendered = 0
        urls = list(_nav_urls(nav.items))
        if nav.homepage is not None:
            urls.append(nav.homepage.url)
        if (config.extra or {}).get("homepage"):
            urls.append(str(config.extra["homepage"]))
        self._targets = {parts[:length] for parts in map(_url_parts, urls)
                         for length in range(1, len(parts) + 1)}
        assert env.loader is not None  # MkDocs' theme loader
        custom = Path(config.theme.custom_dir) if config.theme.custom_dir else None
        shared = {name: (f'{{%- call playbook_shared("{name}") -%}}'
                         f'{{% include "{_THEME_PREFIX}/{name}" %}}{{%- endcall -%}}')
                  for name in SHARED_PARTIALS
                  if not (custom and (custom / name).exists())}
        theme = jinja2.PrefixLoader({_THEME_PREFIX: env.loader})
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader(shared), theme, env.loader])
        env.globals["playbook_shared"] = self.shared
        return env

    def key(self, page) -> tuple[str, ...] | None:
        """The folder whose pages share these parts with this page, or None when
        it has its own."""
        if page is None or not isinstance(page.url, str):
            return None
        parts = _url_parts(page.url)
        if not parts or parts in self._targets:
            return None  # in the nav, or a nav link leads into its folder
        return parts[:-1]

    @jinja2.pass_context
    def shared(self, context, name: str, *, caller) -> str:
        key = self.key(context.get("page"))
        if key is None:
            return caller()
        html = self._html.get((name, key))
        if html is None:
            html = self._html[name, key] = caller()
            self.rendered += 1
        return html


def _nav_urls(items):
    for item in items:
        url = getattr(item, "url", None)
        if isinstance(url, str):
            yield url
        if isinstance(item, Section):
            yield from _nav_urls(item.children)


def _url_parts(url: str) -> tuple[str, ...]:
    return tuple(part for part in url.split("#")[0].split("?")[0].split("/") if part)


class CompiledTemplates(jinja2.BytecodeCache):
    """`serve`: the theme's templates, compiled once for the session.

    MkDocs makes a new Jinja environment for every rebuild, which parses and
    compiles Material's templates again: in a profile of a reload at 1,000
    stories that was two fifths of the rebuild. Jinja looks a compiled
    template up by its name and file and checks it against a checksum of the
    source, so an edited template is compiled afresh.
    """

    def __init__(self) -> None:
        self._code: dict[str, tuple[str, object]] = {}
        self.compiled = 0  # templates compiled in this session

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        stored = self._code.get(bucket.key)
        if stored is not None and stored[0] == bucket.checksum:
            bucket.code = stored[1]  # type: ignore[assignment]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = (bucket.checksum, bucket.code)
        self.compiled += 1


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
