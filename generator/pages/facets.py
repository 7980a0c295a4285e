"""Per vocabulary: an overview, and a page per term; a coaching vocabulary's terms get
coaching pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..library import newest_first
from ..links import balanced, tally
from ..urls import term_url
from .files import GeneratedFile
from .finder import SHOWN
from .render import Renderer, outcome_counts

TAXONOMY_PATH = "content/taxonomy.yml"


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library = renderer.library
    taxonomy = library.taxonomy
    for registered in taxonomy.vocabularies:
        vocabulary = registered.id
        yield renderer.page("overview.md.j2", f"{term_url(vocabulary)}index.md", in_nav=True,
                            source=TAXONOMY_PATH, vocabulary=vocabulary, reads_stories=True)
        for term in library.taxonomy.terms[vocabulary]:
            stories = library.stories_by(vocabulary, term.id)
            wins = [s for s in stories if s.outcome == "win"]
            losses = [s for s in stories if s.outcome == "loss"]
            path = f"{term_url(vocabulary, term.id)[:-1]}.md"
            # Only what the page shows, so an edit to a story it does not show
            # leaves it alone in `serve` (see render.PageMemo).
            context: dict[str, Any] = dict(vocabulary=vocabulary, term_=term,
                                           story_count=len(stories),
                                           counts=outcome_counts(stories),
                                           scenarios=library.scenarios_by(vocabulary, term.id))
            # What the page tallies in its stories: (vocabulary, its terms by count).
            # What was raised in the deals first, then who was involved.
            tallied = [(other, tally(stories, other.id))
                       for other in sorted(taxonomy.vocabularies, key=lambda v: v.involved)
                       if other.tally_heading and other.id != vocabulary]
            if registered.coaching:
                # Coaching pages are what the sidebar lists under the vocabulary.
                shown_wins, shown_losses = balanced(wins, losses, limit=6)
                yield renderer.page(
                    "skill.md.j2", path, source=TAXONOMY_PATH, in_nav=True, **context,
                    search=("skill", ""),
                    criteria=library.criteria_for(term.id), wins=shown_wins,
                    losses=shown_losses, tallies=[(v, t[:5]) for v, t in tallied])
            else:
                # A deal review tallies what was raised in its deals; other pages tally
                # who was involved.
                yield renderer.page(
                    "term.md.j2", path, source=TAXONOMY_PATH, **context,
                    search=("topic", registered.singular.capitalize()),
                    deal_review=registered.deal_review,
                    tallies=[(v, t) for v, t in tallied
                             if (not v.involved) == registered.deal_review],
                    # The page stays small at any library size: the newest few,
                    # then a link to the finder filtered to this term.
                    newest=stories[:SHOWN], winning_takeaways=newest_first(wins)[:SHOWN],
                    wins_total=len(wins))
