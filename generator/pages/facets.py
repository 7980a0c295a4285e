"""Per vocabulary: an overview, and a page per term; skills get coaching pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..library import newest_first
from ..links import balanced, tally
from ..urls import term_url
from ..vocabularies import vocabularies
from .files import GeneratedFile
from .finder import SHOWN
from .render import Renderer, outcome_counts

TAXONOMY_PATH = "content/taxonomy.yml"


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library = renderer.library
    for registered in vocabularies():
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
            if vocabulary == "skills":
                # Skill coaching pages are what the sidebar lists under Skills.
                shown_wins, shown_losses = balanced(wins, losses, limit=6)
                yield renderer.page(
                    "skill.md.j2", path, source=TAXONOMY_PATH, in_nav=True, **context,
                    criteria=library.criteria_for(term.id), wins=shown_wins,
                    losses=shown_losses, objections=tally(stories, "objections")[:5],
                    competitors=tally(stories, "competitors")[:5])
            else:
                yield renderer.page(
                    "term.md.j2", path, source=TAXONOMY_PATH, **context,
                    objections=tally(stories, "objections"),
                    competitors=tally(stories, "competitors"),
                    # The page stays small at any library size: the newest few,
                    # then a link to the finder filtered to this term.
                    newest=stories[:SHOWN], winning_takeaways=newest_first(wins)[:SHOWN],
                    wins_total=len(wins))
