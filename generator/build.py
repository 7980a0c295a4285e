"""The one build pipeline: settings in, a checked library and the site's files out.

    content/ ─▶ load (read, validate, link, check) ─▶ docs check ─▶ audio ─▶ pages ─▶ files
                                                                              └─▶ finder index

Both edges call `run`: the MkDocs plugin (which hands the files to
`mkdocs build` and `serve`) and the `playbook` command (which validates, or
writes the files to a folder for other builders). Nothing here imports MkDocs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import atomic_dir, search_index
from .audio import BITRATE, AudioCache
from .audio.publish import calibration_clip_jobs, publish_jobs, story_clip_jobs
from .checks.docs import check_docs
from .codes import check_overrides
from .load import LoadResult, build_date, load_library
from .options import (
    DEFAULT_SITE_BUDGET_MB,
    InsightOptions,
    clips_base_url,
    insight_options,
    site_budget_mb,
)
from .pages import GeneratedFile, PageMemo, render_pages
from .privacy import public_from_env
from .problems import apply_severities, sort_problems
from .urls import CLIP_FORMAT

DEFAULT_CACHE = ".cache/playbook"  # encoded clips and recording facts; outside site/
# With clips_base_url: the clips to upload, beside content/ (replaced whole, like the site).
HOSTED_CLIPS_DIR = Path("build") / "clips"
MB = 1_000_000  # site_budget_mb counts decimal megabytes, as GitHub Pages' 1 GB limit does
WARN_AT = 0.8  # of the budget


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
    # The published site's size limit, in MB of 10^6 bytes (mkdocs.yml: site_budget_mb)
    site_budget_mb: float = DEFAULT_SITE_BUDGET_MB
    # Where the clips are hosted instead of the site (mkdocs.yml: clips_base_url); "" = in it
    clips_base_url: str = ""

    @property
    def root(self) -> Path:
        """The repository root: problems name paths from here."""
        return self.content_dir.parent

    @property
    def audio_dir(self) -> Path:
        return self.content_dir / "audio"

    @property
    def hosted_clips_dir(self) -> Path:
        return self.root / HOSTED_CLIPS_DIR

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
        `public`, `cache_dir`, `site_budget_mb`, `clips_base_url`), so that each
        judges the same content alike.

        `public` is also set by PLAYBOOK_PUBLIC; `given` are other fields
        (docs_dir, site_url, ...). Raises ValueError naming a bad option.
        """
        chosen = severities(options.get("problems") or {})
        faults = check_overrides(chosen)
        if faults:
            raise ValueError("; ".join(faults))
        insights = insight_options(options.get("calibration"), options.get("insights"))
        public = public or bool(options.get("public")) or public_from_env()
        budget = site_budget_mb(options.get("site_budget_mb"))
        hosted_at = clips_base_url(options.get("clips_base_url"))
        cache = Path(options.get("cache_dir") or DEFAULT_CACHE)
        return cls(content_dir, cache_dir=cache if cache.is_absolute()
                   else content_dir.parent / cache, public=public, severities=chosen,
                   insights=insights, site_budget_mb=budget, clips_base_url=hosted_at,
                   **given)


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
    # With clips_base_url: each clip's path under it -> its encoded file (see publish_hosted)
    hosted_clips: tuple[tuple[str, Path], ...] = ()


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
                            on_page=job.add if job is not None else None,
                            clips_base_url=settings.clips_base_url)
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
                 finder_index=job, hosted_clips=site.hosted_clips)


def publish_hosted(build: Build, folder: Path) -> None:
    """Write the clips hosted outside the site into `folder` (build/clips/), for
    upload to `clips_base_url`; the folder is replaced all at once, like the
    site."""
    building = atomic_dir.start(folder)
    try:
        for path, encoded in build.hosted_clips:
            dest = building / path
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(encoded, dest)
    except BaseException:
        atomic_dir.discard(building)
        raise
    atomic_dir.swap_in(building, folder)


@dataclass(frozen=True)
class SiteSize:
    """What a built site weighs against its budget (site_budget_mb)."""

    total: int  # bytes of every file in the site
    clips: int  # bytes of the audio clips among them
    hosted: int  # bytes of the clips published apart, for clips_base_url
    budget_mb: float
    clips_base_url: str = ""

    @property
    def share(self) -> float:
        return self.total / (self.budget_mb * MB)

    def line(self) -> str:
        """The build log's line: the site's size, the clips' share and the budget."""
        budget = f"{self.share:.0%} of the {self._budget()} budget"
        if self.clips_base_url:
            return (f"playbook: the site is {_megabytes(self.total)} ({budget}) and holds no "
                    f"clips; {_megabytes(self.hosted)} of clips in {HOSTED_CLIPS_DIR}/ to "
                    f"upload to {self.clips_base_url}/")
        part = self.clips / self.total if self.total else 0.0
        return (f"playbook: the site is {_megabytes(self.total)} ({budget}); clips are "
                f"{_megabytes(self.clips)} of it ({part:.0%})")

    def warning(self) -> str:
        """At 80% of the budget and up to it: how close, and what to do; else ""."""
        if not WARN_AT <= self.share <= 1:
            return ""
        return (f"playbook: the site is {_megabytes(self.total)}, {self.share:.0%} of its "
                f"{self._budget()} budget (site_budget_mb in mkdocs.yml); "
                f"above it the build fails. Before then, {self._advice()}")

    def error(self) -> str:
        """Above the budget: what failed and what to do; else ""."""
        if self.share <= 1:
            return ""
        return (f"playbook: the site is {_megabytes(self.total)}, over its "
                f"{self._budget()} budget (site_budget_mb in mkdocs.yml; "
                f"GitHub Pages refuses sites over 1 GB); the previous site was left as it was. "
                f"To fix: {self._advice()}")

    def _budget(self) -> str:
        whole = self.budget_mb == int(self.budget_mb)
        return f"{int(self.budget_mb):,} MB" if whole else f"{self.budget_mb:g} MB"

    def _advice(self) -> str:
        prune = "prune stories no one coaches with any more"
        if self.clips and not self.clips_base_url:
            return (f"host the clips elsewhere (set clips_base_url in mkdocs.yml: they are "
                    f"{_megabytes(self.clips)} of the site), shorten or drop clips (they are "
                    f"encoded at {BITRATE}bit/s), or {prune}; or raise site_budget_mb if "
                    f"your host allows more.")
        return f"{prune}, or raise site_budget_mb if your host allows more."


def measure_site(site: Path, settings: Settings, build: Build) -> SiteSize:
    """The size of the built `site` folder, of the clips in it and of `build`'s
    clips hosted apart."""
    hosted = sum(encoded.stat().st_size for _, encoded in build.hosted_clips)
    total = clips = 0
    for folder, _, names in os.walk(site):
        for name in names:
            size = os.lstat(os.path.join(folder, name)).st_size
            total += size
            if name.endswith(f".{CLIP_FORMAT}"):
                clips += size
    return SiteSize(total, clips, hosted, settings.site_budget_mb, settings.clips_base_url)


def _megabytes(size: float) -> str:
    return f"{size / MB:,.1f} MB" if size < 1000 * MB else f"{size / (1000 * MB):,.2f} GB"
