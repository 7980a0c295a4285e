"""Stage 4: the linked library to the site's generated files.

Each page family is a module with a `generate(renderer, today)` that yields
`GeneratedFile` records; `render_site` runs them all in order and adds the
published clips. The result is plain data that the MkDocs plugin feeds to
`mkdocs build`, or that `write_pages` puts in a folder for any builder that
reads a docs folder. Nothing here imports MkDocs.

A new page family (a ramp, a scorecard, a feed) is a new module here with its
templates in templates/pages/, added to FAMILIES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..library import Library
from ..options import InsightOptions
from ..urls import hosted_clip_path
from . import (
    calendar,
    calibration,
    coaching,
    criteria,
    facets,
    feed,
    finder,
    home,
    insights,
    ramp,
    redirects,
    scenarios,
    scorecard,
    stories,
    what_wins,
)
from .files import GeneratedFile, expand_nav, write_pages
from .render import PageMemo, Renderer

FAMILIES = (home, finder, stories, criteria, facets, ramp, scenarios, coaching, scorecard,
            calibration, insights, what_wins, redirects, feed, calendar)

__all__ = ["FAMILIES", "GeneratedFile", "PageMemo", "Site", "expand_nav", "render_pages",
           "render_site", "write_pages"]


@dataclass(frozen=True)
class Site:
    """The generated files, which pages this run rendered, and the memo for the next run."""

    files: tuple[GeneratedFile, ...]
    rendered: tuple[str, ...]  # page paths rendered by this run; the rest were reused
    memo: PageMemo
    # With clips_base_url: each clip's path under it -> its encoded file; the site has none.
    hosted_clips: tuple[tuple[str, Path], ...] = ()


def render_site(library: Library, today: date, clips: dict[str, Path],
                options: InsightOptions | None = None, *, site_url: str = "",
                site_name: str = "Playbook") -> tuple[GeneratedFile, ...]:
    """Every generated file of the playbook (see `render_pages`)."""
    return render_pages(library, today, clips, options, site_url=site_url,
                        site_name=site_name).files


def render_pages(library: Library, today: date, clips: dict[str, Path],
                 options: InsightOptions | None = None, *, site_url: str = "",
                 site_name: str = "Playbook", previous: PageMemo | None = None,
                 on_page: Callable[[GeneratedFile], None] | None = None,
                 clips_base_url: str = "") -> Site:
    """Every generated file of the playbook: the pages, then the clips they play.

    `clips` maps each clip's site path (see urls.clip_url) to its encoded file,
    as the audio stage published it. With the `previous` run's memo, a page
    whose inputs are unchanged is reused rather than rendered again.
    `on_page` is given each page as soon as it is made, so a later stage (the
    finder's index) can start before the rest of the site is rendered.
    With `clips_base_url`, the pages play clips from there, and the clips are
    returned apart (`Site.hosted_clips`) to be uploaded, not put in the site.
    """
    renderer = Renderer(library, options, site_url=site_url, site_name=site_name,
                        today=today, previous=previous, clips_base_url=clips_base_url)
    files = []
    for family in FAMILIES:
        for file in family.generate(renderer, today):
            files.append(file)
            if on_page is not None:
                on_page(file)
    clips = {**clips, **redirects.old_clips(library, clips)}  # old clip URLs keep playing
    if clips_base_url:
        hosted = tuple(sorted((hosted_clip_path(path), source) for path, source in clips.items()))
        return Site(tuple(files), tuple(renderer.rendered), renderer.memo, hosted)
    files += [GeneratedFile(path, copy_from=source) for path, source in sorted(clips.items())]
    return Site(tuple(files), tuple(renderer.rendered), renderer.memo)
