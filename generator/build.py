"""The one build pipeline: settings in, a checked library and the site's files out.

    content/ ─▶ load (read, validate, link, check) ─▶ docs check ─▶ audio ─▶ pages ─▶ files
                                                                              └─▶ finder index

Both edges call `run`: the MkDocs plugin (which hands the files to
`mkdocs build` and `serve`) and the `playbook` command (which validates, or
writes the files to a folder for other builders). Nothing here imports MkDocs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import search_index
from .audio import AudioCache
from .audio.publish import calibration_clip_jobs, publish_jobs, story_clip_jobs
from .checks.docs import check_docs
from .codes import check_overrides
from .load import LoadResult, build_date, load_library
from .options import InsightOptions, insight_options
from .pages import GeneratedFile, PageMemo, render_pages
from .privacy import public_from_env
from .problems import apply_severities, sort_problems

DEFAULT_CACHE = ".cache/playbook"  # encoded clips and recording facts; outside site/


@dataclass(frozen=True)
class Settings:
    """Where things are and how to build; every path absolute."""

    content_dir: Path
    docs_dir: Path | None = None  # hand-written pages to check (and copy, for --out)
    cache_dir: Path | None = None  # default: .cache/playbook beside content/
    today: date = field(default_factory=build_date)
    public: bool = False  # leave confidential stories out
    check_audio: bool = True  # check clips against their recordings (decodes new ones)
    # Problem code -> "error", "warning" or "off" (mkdocs.yml: playbook: problems:)
    severities: dict[str, str] = field(default_factory=dict)
    site_url: str = ""  # mkdocs.yml site_url: the feed's links are absolute under it
    site_name: str = "Playbook"
    # Calibration threshold, stale and gap limits (mkdocs.yml: playbook: calibration/insights)
    insights: InsightOptions = field(default_factory=InsightOptions)

    @property
    def root(self) -> Path:
        """The repository root: problems name paths from here."""
        return self.content_dir.parent

    @property
    def audio_dir(self) -> Path:
        return self.content_dir / "audio"

    def audio_cache(self) -> AudioCache:
        return AudioCache(self.cache_dir or self.root / DEFAULT_CACHE)

    @classmethod
    def at(cls, content_dir: Path | str, **options) -> Settings:
        return cls(Path(os.path.abspath(content_dir)), **options)  # a linked content/ is checked

    @classmethod
    def from_options(cls, content_dir: Path, options: Mapping[str, Any], *,
                     public: bool = False, **given: Any) -> Settings:
        """The settings every edge and command builds with, from the playbook
        plugin's options in mkdocs.yml (`problems`, `calibration`, `insights`,
        `public`, `cache_dir`), so that each judges the same content alike.

        `public` is also set by PLAYBOOK_PUBLIC; `given` are other fields
        (docs_dir, site_url, ...). Raises ValueError naming a bad option.
        """
        chosen = severities(options.get("problems") or {})
        faults = check_overrides(chosen)
        if faults:
            raise ValueError("; ".join(faults))
        insights = insight_options(options.get("calibration"), options.get("insights"))
        public = public or bool(options.get("public")) or public_from_env()
        cache = Path(options.get("cache_dir") or DEFAULT_CACHE)
        return cls(content_dir, cache_dir=cache if cache.is_absolute()
                   else content_dir.parent / cache, public=public, severities=chosen,
                   insights=insights, **given)


@dataclass(frozen=True)
class Build(LoadResult):
    """The checked library and its problems (a LoadResult), plus what was generated."""

    files: tuple[GeneratedFile, ...] = ()  # empty unless generated
    rendered: tuple[str, ...] = ()  # the pages rendered by this run (the rest were reused)
    memo: PageMemo | None = field(default=None, repr=False, compare=False)  # for the next run
    clips_encoded: int = 0  # clips encoded by this run (the rest came from the cache)
    recordings_decoded: int = 0  # recordings decoded by this run, validation included
    ffmpeg: str = ""  # which ffmpeg the audio stage used, for the build log
    # The finder's index under way (run with index=True): publish or discard it.
    finder_index: search_index.IndexJob | None = field(default=None, repr=False, compare=False)


def severities(option: dict) -> dict[str, str]:
    """A `problems:` setting as code -> severity; YAML reads a bare `off` as false."""
    return {str(name): "off" if value is False else str(value) for name, value in option.items()}


def run(settings: Settings, *, generate: bool = True, strict: bool = False,
        previous: Build | None = None, index: bool = False) -> Build:
    """Check the library; then, when nothing fails, publish clips and render the pages.

    Errors always stop generation; with `strict`, warnings do too. Given the
    `previous` run (a serving session), pages whose inputs did not change are
    reused, not rendered again. With `index`, the pages go to the site's
    search index as they are rendered (the guides in docs_dir after them),
    and Pagefind runs in its own process while the caller builds the site:
    `Build.finder_index.publish(site)` puts it in place, or `.discard()` drops it.
    """
    audio = settings.audio_cache() if settings.check_audio or generate else None
    result = load_library(settings.content_dir, settings.today,
                          audio=audio if settings.check_audio else None,
                          public=settings.public, options=settings.insights,
                          previous=previous.stories_read if previous is not None else None,
                          # A build renders every body for its page: here, once.
                          render_bodies=generate, history=generate)
    problems = list(result.problems)
    if settings.docs_dir is not None:
        problems += check_docs(result.library, settings.docs_dir, settings.content_dir,
                               withheld=result.withheld)
    problems = sort_problems(apply_severities(problems, settings.severities))
    checked = Build(result.library, problems, result.stories_read, result.withheld)
    failing = checked.problems if strict else checked.errors
    if not generate or failing:
        return checked
    assert audio is not None
    before = audio.counters.encoded
    clips = publish_jobs(audio, story_clip_jobs(result.library.stories, settings.audio_dir)
                         + calibration_clip_jobs(result.library, settings.audio_dir))
    job = search_index.IndexJob(None, search_index.work_folder(), stream=True) if index else None
    try:
        site = render_pages(result.library, settings.today, clips, settings.insights,
                            site_url=settings.site_url, site_name=settings.site_name,
                            previous=previous.memo if previous is not None else None,
                            on_page=job.add if job is not None else None)
    except BaseException:
        if job is not None:
            job.discard()
        raise
    if job is not None:
        job.add_guides(settings.docs_dir)
        job.close()  # Pagefind starts on the pages
    return Build(result.library, problems, result.stories_read, result.withheld, site.files,
                 rendered=site.rendered, memo=site.memo,
                 clips_encoded=audio.counters.encoded - before,
                 recordings_decoded=audio.counters.decoded, ffmpeg=audio.used_ffmpeg(),
                 finder_index=job)
