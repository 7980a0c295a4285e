"""The MkDocs edge: feed the generated playbook pages to `mkdocs build` and `serve`.

Kept thin on purpose: everything it adds comes from `load_library` and
`render_site`, which know nothing of MkDocs.

    plugins:
      - search
      - playbook:
          content_dir: content
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from . import atomic_dir
from .audio import AudioCache, publish_clips
from .docs_pages import check_docs
from .load import build_date, load_library
from .pages import render_site
from .privacy import PUBLIC_ENV, public_from_env
from .problems import format_text, summary

log = logging.getLogger("mkdocs.plugins.playbook")


class PlaybookConfig(base.Config):
    enabled = c.Type(bool, default=True)
    content_dir = c.Type(str, default="content")  # relative to mkdocs.yml
    cache_dir = c.Type(str, default=".cache/playbook")  # encoded clips; outside site/
    strict = c.Type(bool, default=False)  # fail on warnings too
    # Leave confidential stories out (or set PLAYBOOK_PUBLIC=1).
    public = c.Type(bool, default=False)


class PlaybookPlugin(BasePlugin[PlaybookConfig]):
    def on_config(self, config):
        if not self.config.enabled:
            return config
        if not config.use_directory_urls:
            raise PluginError("playbook: the playbook's links need 'use_directory_urls: true'")
        root = Path(config.config_file_path or ".").resolve().parent
        self.content_dir = (root / self.config.content_dir).resolve()
        self.today = build_date()
        self.audio = AudioCache(root / self.config.cache_dir)
        try:
            public = self.config.public or public_from_env()
        except ValueError as error:
            raise PluginError(f"playbook: {error}; nothing was built") from None
        if public:
            log.info("playbook: a public build: confidential stories are left out (%s)",
                     "the plugin's 'public' option" if self.config.public else PUBLIC_ENV)
        result = load_library(self.content_dir, self.today, audio=self.audio, public=public)
        result = check_docs(result, Path(config.docs_dir), self.content_dir)
        for problem in result.warnings:
            log.warning(format_text(problem))
        failing = result.problems if self.config.strict else result.errors
        if failing:
            raise PluginError(
                "playbook: the content has problems; nothing was built.\n"
                + "\n".join(format_text(p) for p in failing)
                + f"\n{summary(result.problems)}"
            )
        self.library = result.library
        return config

    def on_files(self, files: Files, config) -> Files:
        if not self.config.enabled:
            return files
        before = self.audio.counters.encoded
        clips = publish_clips(self.library.stories, self.content_dir / "audio", self.audio)
        log.info("playbook: %d clip%s (%d encoded, the rest from %s) with ffmpeg %s",
                 len(clips), "" if len(clips) == 1 else "s", self.audio.counters.encoded - before,
                 self.audio.dir, self.audio.ffmpeg.describe())
        generated = render_site(self.library, self.today, clips)
        for record in generated:
            if record.copy_from is not None:
                file = File.generated(config, record.path, abs_src_path=str(record.copy_from))
            else:
                inclusion = InclusionLevel.UNDEFINED if record.in_nav else \
                    InclusionLevel.NOT_IN_NAV
                file = File.generated(config, record.path, content=record.content,
                                      inclusion=inclusion)
                if record.source:
                    # "Edit this page" opens the content file it was made from;
                    # MkDocs joins this to edit_uri, which points into docs_dir.
                    file.edit_uri = os.path.relpath(
                        self.content_dir.parent / record.source, config.docs_dir
                    ).replace(os.sep, "/")
            self._add(files, file)
        if config.nav:
            config.nav = _expand_sections(config.nav, generated)
        log.info("playbook: %d stories, %d criteria", len(self.library.stories),
                 len(self.library.criteria))
        return files

    @staticmethod
    def _add(files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            # A hand-written page of the same name wins over the generated one.
            log.info("playbook: docs/%s replaces the generated page", file.src_uri)
            return
        files.append(file)

    # -- atomic builds: write a fresh folder beside site/, swap it in on success --

    command = "build"  # `playbook build` calls MkDocs' build() without on_startup
    dirty = False
    building: Path | None = None  # the temporary folder of the build under way
    site: Path | None = None  # the real site_dir it replaces

    def on_startup(self, *, command, dirty):
        self.command, self.dirty = command, dirty

    def on_pre_build(self, *, config):
        # After every on_config (so no plugin saw the temporary path) and before
        # MkDocs empties site_dir: it empties our fresh folder instead.
        self.building = None
        if self.command == "serve" or self.dirty:
            return  # serve builds into its own temporary folder; --dirty needs the old files
        self.site = Path(config.site_dir)
        self.building = atomic_dir.start(self.site)
        self.mkdocs_config = config
        config.site_dir = str(self.building)

    @event_priority(-100)  # last: the search index and others are written by now
    def on_post_build(self, *, config):
        if self.building is None:
            return
        building, self.building = self.building, None
        config.site_dir = str(self.site)
        if config.strict and _mkdocs_counted_warnings():
            atomic_dir.discard(building)  # MkDocs aborts a strict build right after this
            return
        atomic_dir.swap_in(building, self.site)

    def on_build_error(self, *, error):
        if self.building is not None:
            building, self.building = self.building, None
            self.mkdocs_config.site_dir = str(self.site)
            atomic_dir.discard(building)

    def on_serve(self, server, config, builder):
        if self.config.enabled:
            server.watch(str(self.content_dir))
        return server


def _mkdocs_counted_warnings() -> bool:
    """Whether MkDocs' strict-mode counter has seen a warning (it then aborts the build)."""
    from mkdocs.utils import CountHandler

    return any(isinstance(handler, CountHandler) and handler.get_counts()
               for handler in logging.getLogger("mkdocs").handlers)


def _expand_sections(nav: list, generated) -> list:
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
