"""The story finder at /stories/: words and facet filters over the search index.

The page holds the form (one select per vocabulary, whose options carry each
term's aliases so a URL like ?objection=infosec resolves), and only the
newest SHOWN stories as plain cards for readers without JavaScript.
playbook.js runs the query against the Pagefind index (search_index.py) and
renders the cards it shows, a page at a time, so the page stays small at any
library size.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..library import newest_first
from .files import GeneratedFile
from .render import Renderer, outcome_counts

# How many stories a list page (finder, facet, criterion, skill) shows as cards
# before it links to the finder for the rest.
SHOWN = 12


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    newest = newest_first(renderer.library.stories)
    yield renderer.page("finder.md.j2", "stories/index.md", in_nav=True, reads_stories=True,
                        stories=newest[:SHOWN], total=len(newest),
                        counts=outcome_counts(newest), page_size=SHOWN)
