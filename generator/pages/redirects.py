"""Permanent links: a redirect page at every old id a story or criterion names.

`redirect_from: [old-id]` on a renamed story makes /stories/old-id/ a small
HTML page that sends the reader on to /stories/new-id/, keeping a #clip-n
anchor. Links are relative, so they work under a Pages project path.

A static site cannot redirect an MP3 with HTML, and a link straight to an
old clip (/stories/old-id/clip-1.mp3, pasted into notes or a chat) must keep
playing: each clip is published under the old id's path as well, from the
same encoded file (a hard link where the disk allows, see `old_clips`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from ..library import Library
from ..model import Criterion, Story
from ..urls import clip_url, criterion_url, relative, story_url
from .files import GeneratedFile
from .render import Renderer


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library = renderer.library
    template = renderer.env.get_template("pages/redirect.html.j2")
    moved: list[tuple[Callable[[str], str], Story | Criterion]] = [
        *((story_url, story) for story in library.stories),
        *((criterion_url, criterion) for criterion in library.criteria)]
    for url_of, item in moved:
        for old_id in sorted(item.redirect_from):
            old_url = url_of(old_id)
            yield GeneratedFile(f"{old_url}index.html", template.render(
                title=item.title, target=relative(url_of(item.id), old_url)), source=item.path)


def old_clips(library: Library, clips: dict[str, Path]) -> dict[str, Path]:
    """Each renamed story's published clips under its old ids' paths: old site path ->
    the encoded file `clips` (site path -> file, as the audio stage published them)
    has for the story's own path."""
    found = {}
    for story in library.stories:
        for number in range(1, len(story.clips) + 1):
            encoded = clips.get(clip_url(story.id, number))
            if encoded is None:
                continue
            for old_id in story.redirect_from:
                found[clip_url(old_id, number)] = encoded
    return found
