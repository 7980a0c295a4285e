"""Insights at /insights/: coverage, trends by quarter, balance, gaps, stale stories."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..analysis.insights import (
    coverage,
    gaps,
    layout,
    loss_reasons_by_quarter,
    measured_from,
    objections_by_quarter,
    stale_stories,
)
from .files import GeneratedFile
from .render import Renderer, outcome_counts

LOSS_REASON_TITLES = {"qualification": "Qualification", "execution": "Execution",
                      "competition": "Competition"}


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library, options = renderer.library, renderer.options
    found = gaps(library, today, options)
    reported = len(library.stories) >= options.gaps_from_stories
    yield renderer.page(
        "insights.md.j2", "insights.md", in_nav=True, reads_stories=True,
        counts=outcome_counts(library.stories),
        skills=coverage(library, "skills"), competitors=coverage(library, "competitors"),
        objections_chart=layout(objections_by_quarter(library)),
        reasons_chart=layout(loss_reasons_by_quarter(library, LOSS_REASON_TITLES)),
        gaps=found, gaps_reported=reported,
        # The coverage cells to mark: exactly the gaps listed below the table.
        gap_cells={(gap.vocabulary, gap.term, outcome) for gap in found if reported
                   for outcome in gap.missing},
        stale=stale_stories(library, today, options), measured_from=measured_from(library, today),
        options=options, today=today)
