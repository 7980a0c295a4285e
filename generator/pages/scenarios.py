"""Practice scenarios: the list at /scenarios/ and one role-play per scenario at
/scenarios/<id>/, printed as two cards (the rep's, then the buyer's with the scoring)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from .files import GeneratedFile
from .render import Renderer


def paragraphs(text: str) -> tuple[str, ...]:
    """A brief's paragraphs: YAML's folded `>-` keeps a blank line as one line break,
    a `|` block as a blank line; either way, one paragraph each."""
    parts = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    return tuple(part.strip() for part in parts if part.strip())


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library = renderer.library
    yield renderer.page("scenarios.md.j2", "scenarios/index.md", in_nav=True,
                        scenarios=library.scenarios)
    for scenario in library.scenarios:
        criteria = []
        for criterion_id, level in scenario.criteria:
            criterion = library.criterion(criterion_id)
            criteria.append((criterion, level, dict(criterion.anchors).get(level, "")))
        # A line's story, where published, so the card can say whose words they are.
        sources = {line.story: library.story(line.story) for line in scenario.lines
                   if line.story and library.has_story(line.story)}
        yield renderer.page("scenario.md.j2", f"scenarios/{scenario.id}.md",
                            source=scenario.path, scenario=scenario, criteria=tuple(criteria),
                            sources=sources, situation=paragraphs(scenario.situation),
                            buyer=paragraphs(scenario.buyer))
