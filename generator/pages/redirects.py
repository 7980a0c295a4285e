"""Permanent links: a redirect page at every old id a story or criterion names.

`redirect_from: [old-id]` on a renamed story makes /stories/old-id/ a small
HTML page that sends the reader on to /stories/new-id/, keeping a #clip-n
anchor. Links are relative, so they work under a Pages project path.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..urls import criterion_url, relative, story_url
from .files import GeneratedFile
from .render import Renderer


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library = renderer.library
    moved = [(story_url, story.id, story.title, story.path, story.redirect_from)
             for story in library.stories]
    moved += [(criterion_url, criterion.id, criterion.title, criterion.path,
               criterion.redirect_from) for criterion in library.criteria]
    template = renderer.env.get_template("pages/redirect.html.j2")
    for url_of, item_id, title, path, old_ids in moved:
        for old_id in sorted(old_ids):
            old_url = url_of(old_id)
            yield GeneratedFile(f"{old_url}index.html", template.render(
                title=title, target=relative(url_of(item_id), old_url)), source=path)
