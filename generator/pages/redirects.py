"""Permanent links: a redirect page at every old id a story or criterion names.

`redirect_from: [old-id]` on a renamed story makes /stories/old-id/ a small
HTML page that sends the reader on to /stories/new-id/, keeping a #clip-n
anchor. Links are relative, so they work under a Pages project path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from ..model import Criterion, Story
from ..urls import criterion_url, relative, story_url
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
