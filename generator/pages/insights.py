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
    stale_stories,
    terms_by_quarter,
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
        coverage_tables=[(v, coverage(library, v.id))
                         for v in library.taxonomy.having("coverage")],
        term_charts=[(v, layout(terms_by_quarter(library, v)))
                     for v in library.taxonomy.having("by_quarter")],
        reasons_chart=layout(loss_reasons_by_quarter(library, LOSS_REASON_TITLES)),
        gaps=found, gaps_reported=reported,
        # The coverage cells to mark: exactly the gaps listed below the table.
        gap_cells={(gap.vocabulary, gap.term, outcome) for gap in found if reported
                   for outcome in gap.missing},
        stale=stale_stories(library, today, options), measured_from=measured_from(library, today),
        options=options, today=today)
