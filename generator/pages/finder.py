"""The story finder at /stories/: every story, filtered in the browser."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..library import newest_first
from .files import GeneratedFile
from .render import Renderer, outcome_counts


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    newest = newest_first(renderer.library.stories)
    yield renderer.page("finder.md.j2", "stories/index.md", in_nav=True,
                        stories=newest, counts=outcome_counts(newest))
