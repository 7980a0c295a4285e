"""The MkDocs edge: feed the generated playbook files to `mkdocs build` and `serve`.

Hooks only: the pipeline is `build.run`, which knows nothing of MkDocs; here
its settings come from mkdocs.yml and its files become MkDocs files.

    plugins:
      - playbook:
          content_dir: content   # the library (default: content)
          cache_dir: .cache/playbook
          public: false          # true, or PLAYBOOK_PUBLIC=1: leave confidential stories out
          site_budget_mb: 1000   # warn at 80% of this site size, fail above it
          clips_base_url: https://clips.example.com/playbook  # clips in build/clips/, not site/

MkDocs' own strict mode (`mkdocs build --strict`, `playbook build --strict`)
makes content warnings fail the build too.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation

from . import atomic_dir, search_index, serve_problems
from .build import DEFAULT_CACHE, Build, Settings, measure_site, publish_hosted, run
from .mkdocs_pages import (
    CachedFile,
    CompiledTemplates,
    HtmlPage,
    KeptFile,
    KeptFolder,
    SharedPartials,
    chrome_key,
    nav_titles,
)
from .pages import GeneratedFile, expand_nav
from .privacy import PUBLIC_ENV
from .problems import format_text, summary

log = logging.getLogger("mkdocs.plugins.playbook")


class PlaybookConfig(base.Config):
    enabled = c.Type(bool, default=True)
    content_dir = c.Dir(exists=True, default="content")  # relative to mkdocs.yml
    cache_dir = c.Type(str, default=DEFAULT_CACHE)  # encoded clips; outside site/
    # Leave confidential stories out (or set PLAYBOOK_PUBLIC=1).
    public = c.Type(bool, default=False)
    # Problem code -> error, warning or off; `playbook codes` lists the codes.
    problems = c.Type(dict, default={})
    # calibration: {threshold: 85}; insights: {stale_after_months: 18, ...} (see options.py)
    calibration = c.Type(dict, default={})
    insights = c.Type(dict, default={})
    # Any value here: Settings.from_options says what is wrong with a bad one.
    site_budget_mb = c.Optional(c.Type(object))
    clips_base_url = c.Optional(c.Type(object))


class PlaybookPlugin(BasePlugin[PlaybookConfig]):
    def on_config(self, config):
        if not self.config.enabled:
            return config
        if not config.use_directory_urls:
            raise PluginError("playbook: the playbook's links need 'use_directory_urls: true'")
        root = Path(config.config_file_path or ".").resolve().parent
        self.content_dir = Path(os.path.abspath(self.config.content_dir))  # links checked
        try:
            self.settings = Settings.from_options(
                self.content_dir, {**self.config, "cache_dir": str(root / self.config.cache_dir)},
                docs_dir=Path(config.docs_dir), site_url=config.site_url or "",
                site_name=config.site_name)
        except ValueError as error:
            where = Path(config.config_file_path or "mkdocs.yml").name
            raise PluginError(f"playbook: {where}: {error}; nothing was built") from None
        if self.settings.public:
            log.info("playbook: a public build: confidential stories are left out (%s)",
                     "the plugin's 'public' option" if self.config.public else PUBLIC_ENV)
        return config

    def on_files(self, files: Files, config) -> Files:
        if not self.config.enabled:
            return files
        # The whole pipeline runs here, once MkDocs builds into the fresh
        # folder of an atomic build (see on_pre_build), so an interrupted
        # build never touches the published site.
        # In `serve`, pages whose inputs did not change since the last good
        # build are reused rather than rendered again.
        # The finder's index (a stage of run) is made while MkDocs themes the
        # pages; serve re-indexes in the background once a rebuild is written.
        self.build: Build = run(self.settings, strict=config.strict,
                                previous=self.last_good if self.serving else None,
                                index=not self.serving)
        self.index_job = self.build.finder_index
        for problem in self.build.warnings:
            log.warning(format_text(problem))
        failing = self.build.problems if config.strict else self.build.errors
        if failing and self.serving:
            # A build that raises would hold every browser request (MkDocs waits
            # for a good build): serve the last good pages, problems laid over them.
            return self._serve_problems(files, config, failing)
        if failing:  # on_build_error cancels the index
            raise PluginError(
                "playbook: the content has problems; nothing was built.\n"
                + "\n".join(format_text(p) for p in failing)
                + f"\n{summary(self.build.problems)}"
            )
        if self.serving:
            self._add(files, File.generated(config, serve_problems.PROBLEMS_PATH,
                                            content=serve_problems.report([], True)))
        return self._add_generated(files, config, self.build)

    def _serve_problems(self, files: Files, config, failing) -> Files:
        """serve: the failing problems in the terminal and in the browser (see
        serve_problems), over the last good build's pages, or none yet."""
        for problem in failing:
            (log.error if problem.is_error else log.warning)(format_text(problem))
        log.error("playbook: the content has problems (%s); the browser shows them over %s "
                  "until a save fixes them", summary(self.build.problems),
                  "the last good build" if self.last_good else "every page")
        self._add(files, File.generated(
            config, serve_problems.PROBLEMS_PATH,
            content=serve_problems.report(failing, self.last_good is not None)))
        if self.last_good is None:
            self.kept.attach(Path(config.site_dir))
            self.kept.still_written((), ())  # nothing good to keep: no stale story pages
            if config.nav:  # no warning for each generated page the nav names
                config.nav = serve_problems.nav_of_files(
                    config.nav, lambda path: files.get_file_from_path(path) is not None)
            return files
        return self._add_generated(files, config, self.last_good, rebuilt=False)

    def _add_generated(self, files: Files, config, build: Build, rebuilt: bool = True) -> Files:
        """`build`'s records as MkDocs files; `rebuilt` is False when serve shows
        the last good build again, whose finder index stands."""
        if rebuilt:
            clips = sum(1 for f in build.files if f.copy_from is not None)
            log.info("playbook: %d clip%s (%d encoded, the rest from %s; %d recording%s "
                     "decoded) with ffmpeg %s", clips, "" if clips == 1 else "s",
                     build.clips_encoded, self.settings.cache_dir,
                     build.recordings_decoded, "" if build.recordings_decoded == 1 else "s",
                     build.ffmpeg)
        titles = dict(nav_titles(config.nav or []))
        if config.nav:
            config.nav = expand_nav(config.nav, build.files)
        kept: set[str] = set()
        if self.serving:
            # Story pages and clips that did not change stay as last written.
            chrome = chrome_key(config, build.files)
            self.kept.attach(Path(config.site_dir))
            kept = self.kept.still_written(build.files, chrome)
        for record in build.files:
            file = self._mkdocs_file(record, config, kept=record.path in kept)
            if self._add(files, file) and record.is_page and record.path not in kept:
                HtmlPage(titles.get(record.path), file, config, record)
        if not rebuilt:
            return files
        self.last_good = build
        if self.serving:
            self.index.start(build.files, self.settings.docs_dir)
            self.kept_pages = sum(1 for path in kept if path.endswith(".md"))
            log.info("playbook: rendered %d of %d pages (the rest are unchanged); "
                     "%d story pages kept as written", len(build.rendered),
                     sum(1 for f in build.files if f.is_page), self.kept_pages)
        log.info("playbook: %d stories, %d criteria", len(build.library.stories),
                 len(build.library.criteria))
        return files

    def _mkdocs_file(self, record: GeneratedFile, config, kept: bool) -> File:
        if kept:  # serve: its output from the last build stands
            file: File = KeptFile.generated(config, record.path, content="")
            file.dest_uri = record.site_path
            return file
        if record.copy_from is not None:
            return CachedFile.generated(config, record.path, abs_src_path=str(record.copy_from))
        inclusion = InclusionLevel.UNDEFINED if record.in_nav else InclusionLevel.NOT_IN_NAV
        file = File.generated(config, record.path, content=record.content or "",
                              inclusion=inclusion)
        if record.source:
            # "Edit this page" opens the content file it was made from;
            # MkDocs joins this to edit_uri, which points into docs_dir.
            file.edit_uri = os.path.relpath(
                self.content_dir.parent / record.source, config.docs_dir
            ).replace(os.sep, "/")
        return file

    @staticmethod
    def _add(files: Files, file: File) -> bool:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            # A hand-written page of the same name wins over the generated one.
            log.info("playbook: docs/%s replaces the generated page", file.src_uri)
            return False
        files.append(file)
        return True

    # -- atomic builds: write a fresh folder beside site/, swap it in on success --

    command = "build"  # `playbook build` calls MkDocs' build() without on_startup
    dirty = False
    building: Path | None = None  # the temporary folder of the build under way
    site: Path | None = None  # the real site_dir it replaces
    index_job: search_index.IndexJob | None = None  # the finder's index under way
    last_good: Build | None = None  # serve: the last build that succeeded
    nav: Navigation | None = None  # this build's nav, for SharedPartials

    @property
    def serving(self) -> bool:
        return self.command == "serve"

    def on_startup(self, *, command, dirty):
        # Defining on_startup keeps this plugin object across serve's rebuilds.
        self.command, self.dirty = command, dirty
        self.compiled = CompiledTemplates()
        if self.serving:
            self.index_dir = Path(tempfile.mkdtemp(prefix="playbook-serve-"))
            self.index = search_index.BackgroundIndex(
                self.index_dir, on_done=lambda message: log.info("playbook: %s", message))
            self.kept = KeptFolder(self.index_dir / "site-stories")

    def on_shutdown(self):
        if self.serving:
            self.index.stop()
            shutil.rmtree(self.index_dir, ignore_errors=True)
        self.command, self.last_good = "build", None  # the object may be used again

    # -- the theme: parts shared per folder; in serve, templates compiled once --------

    def on_nav(self, nav: Navigation, *, config, files) -> Navigation:
        self.nav = nav
        return nav

    def on_env(self, env, *, config, files):
        if not self.config.enabled or self.nav is None:
            return env
        self.shared_parts = SharedPartials()  # for this build's nav
        self.shared_parts.install(env, self.nav, config)
        if self.serving:
            env.bytecode_cache = self.compiled  # Jinja's documented bytecode cache
        return env

    def on_pre_build(self, *, config):
        # After every on_config (so no plugin saw the temporary path) and before
        # MkDocs empties site_dir: it empties our fresh folder instead.
        self.building = None
        if self.serving:
            self.index.stop()  # MkDocs is about to empty the folder it writes to
        if self.serving or self.dirty:
            return  # serve builds into its own temporary folder; --dirty needs the old files
        self.site = Path(config.site_dir)
        self.building = atomic_dir.start(self.site)
        self.mkdocs_config = config
        config.site_dir = str(self.building)

    @event_priority(-100)  # last: the search index and others are written by now
    def on_post_build(self, *, config):
        if self.config.enabled and self.serving:
            # The pages reload at once; the finder's index follows a moment later.
            self.index.publish(Path(config.site_dir))
        elif self.config.enabled and self.index_job is not None:
            # The finder's index, made while MkDocs themed the pages.
            job, self.index_job = self.index_job, None
            try:
                job.publish(Path(config.site_dir))
            except search_index.SearchIndexError as error:
                raise PluginError(str(error)) from error
        if self.config.enabled and not self.serving:
            self._check_size(Path(config.site_dir))
        if self.building is None:
            return
        building, self.building = self.building, None
        assert self.site is not None  # set with self.building in on_pre_build
        config.site_dir = str(self.site)
        if config.strict and _mkdocs_counted_warnings():
            atomic_dir.discard(building)  # MkDocs aborts a strict build right after this
            return
        atomic_dir.swap_in(building, self.site)

    def _check_size(self, site: Path) -> None:
        """Log the site's size and the clips' share; warn near the budget, fail above it
        (before the new site is swapped in); then write the hosted clips to build/clips/."""
        size = measure_site(site, self.settings, self.build)
        log.info("%s", size.line())
        if size.error():
            raise PluginError(size.error())
        if size.warning():
            log.warning("%s", size.warning())
        if self.settings.clips_base_url:
            publish_hosted(self.build, self.settings.hosted_clips_dir)

    def on_build_error(self, *, error):
        if self.serving:
            self.kept.forget()
        if self.index_job is not None:
            job, self.index_job = self.index_job, None
            job.discard()
        if self.building is not None:
            building, self.building = self.building, None
            self.mkdocs_config.site_dir = str(self.site)
            atomic_dir.discard(building)

    # -- serve: every page reads the problems report (serve_problems) ----------------

    def on_post_page(self, output: str, *, page, config) -> str:
        if self.config.enabled and self.serving:
            return serve_problems.inject(output, serve_problems.script_tag(config.site_url))
        return output

    def on_post_template(self, output_content: str, *, template_name: str, config) -> str:
        # 404.html: what serve answers for a page that is not built (yet).
        if self.config.enabled and self.serving and template_name.endswith(".html"):
            return serve_problems.inject(output_content,
                                         serve_problems.script_tag(config.site_url))
        return output_content

    def on_serve(self, server, config, builder):
        if self.config.enabled:
            server.watch(str(self.content_dir))
        return server


def _mkdocs_counted_warnings() -> bool:
    """Whether MkDocs' strict-mode counter has seen a warning (it then aborts the build)."""
    from mkdocs.utils import CountHandler

    return any(isinstance(handler, CountHandler) and handler.get_counts()
               for handler in logging.getLogger("mkdocs").handlers)
