"""What wins at /insights/what-wins/: each criterion's win rate present and absent,
ranked, with a breakdown by every vocabulary's terms."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..analysis.what_wins import (
    ENOUGH_STORIES,
    breakdowns,
    difference_chart,
    difference_text,
    what_wins,
)
from .files import GeneratedFile
from .render import Renderer


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library = renderer.library
    figures = what_wins(library.stories, library.criteria)
    terms = breakdowns(library)
    # The select's groups: each vocabulary's terms, in registry order.
    groups = [(title, [b for b in terms if b.vocabulary_title == title])
              for title in dict.fromkeys(b.vocabulary_title for b in terms)]
    yield renderer.page(
        # Made from the figures alone, which the memo compares: a story edit that
        # changes no outcome, criterion or term does not render it again.
        "what-wins.md.j2", "insights/what-wins.md",
        figures=figures, chart=difference_chart(figures), breakdowns=terms, groups=groups,
        enough=ENOUGH_STORIES, difference_text=difference_text)
