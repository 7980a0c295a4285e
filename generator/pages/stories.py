"""One page per story, with its related stories."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from .files import GeneratedFile
from .render import Renderer


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    # Oldest first, as the finder sorts them: a stable order for every build.
    for story in sorted(renderer.library.stories, key=lambda s: (s.interviewed, f"{s.id}/")):
        yield renderer.page("story.md.j2", f"stories/{story.id}.md", source=story.path,
                            story=story, related=renderer.related.related(story))
