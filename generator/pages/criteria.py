"""The criteria overview and one page per coaching criterion."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..analysis.what_wins import criterion_wins, difference_text, rate_text
from .files import GeneratedFile
from .finder import SHOWN
from .render import Renderer


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library = renderer.library
    yield renderer.page("criteria.md.j2", "criteria/index.md", in_nav=True)
    for criterion in library.criteria:
        yield renderer.page("criterion.md.j2", f"criteria/{criterion.id}.md",
                            source=criterion.path, criterion=criterion,
                            # The newest few of each; the finder lists them all.
                            present=library.evidence(criterion.id, "present")[:SHOWN],
                            absent=library.evidence(criterion.id, "absent")[:SHOWN],
                            present_total=len(library.evidence(criterion.id, "present")),
                            absent_total=len(library.evidence(criterion.id, "absent")),
                            wins=criterion_wins(library, criterion),
                            rate_text=rate_text, difference_text=difference_text)
