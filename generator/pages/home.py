"""The home page: figures, the story of the week, entry points, newest stories."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..library import newest_first
from ..links import story_of_the_week
from ..urls import CALENDAR_URL
from .calendar import ScenarioTitles
from .files import GeneratedFile
from .render import Renderer, outcome_counts


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library = renderer.library
    yield renderer.page(
        "home.md.j2", "index.md", in_nav=True, reads_stories=True,
        counts=outcome_counts(library.stories), newest=newest_first(library.stories)[:5],
        week=story_of_the_week(library.stories, today), week_of=today.isocalendar(),
        # Per deal-review vocabulary (rivals): how many of its terms have a story.
        covered=[(v, sum(1 for t in library.taxonomy.terms[v.id] if library.stories_by(v.id, t.id)))
                 for v in library.taxonomy.having("deal_review")],
        this_month=library.coaching_month(today), calendar_path=CALENDAR_URL,
        scenario_title=ScenarioTitles.of(library))
