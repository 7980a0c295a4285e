"""What every page family shares: the Jinja2 environment and the renderer.

Templates hold the markup and the interface text (generator/templates/pages/
for whole pages, fragments/ for pieces); this module hands them the library
and link helpers, with every link relative to the page being rendered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import jinja2
from markupsafe import Markup, escape

from ..analysis.calibration import latest_agreement
from ..library import Library
from ..links import RelatedIndex
from ..markdown_render import render_markdown
from ..model import OUTCOMES, Story
from ..options import InsightOptions
from ..timecode import format_time
from ..urls import (
    calibration_clip_url,
    calibration_url,
    clip_url,
    coach_url,
    criterion_url,
    finder_url,
    page_url,
    ramp_url,
    relative,
    story_url,
    term_url,
)
from ..vocabularies import vocabularies
from .files import GeneratedFile

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|])")


def front_matter_text(text: str) -> Markup:
    """A YAML value for a generated page's front matter, HTML-escaped.

    MkDocs themes print page titles and descriptions into HTML unescaped, so
    they must already be escaped when they leave us.
    """
    return Markup(json.dumps(str(escape(text)), ensure_ascii=False))


def md_inline(text: str) -> str:
    """Escape Markdown syntax so content shows as typed in a Markdown heading."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def outcome_counts(stories) -> dict[str, int]:
    counts = {outcome: 0 for outcome in OUTCOMES}
    for story in stories:
        counts[story.outcome] += 1
    return counts


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        autoescape=True,  # every template emits HTML inside Markdown
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md_inline"] = md_inline
    env.filters["front_matter"] = front_matter_text
    env.filters["time"] = format_time
    labels = env.get_template("fragments/labels.j2").module
    env.globals.update({name: getattr(labels, name) for name in dir(labels)
                        if not name.startswith("_")})
    return env


class Renderer:
    """Renders pages of one library; page families call `page`."""

    def __init__(self, library: Library, options: InsightOptions | None = None,
                 site_url: str = "", site_name: str = "Playbook"):
        self.library = library
        self.options = options or InsightOptions()
        self.site_url = site_url  # absolute links where a page needs them (the feed)
        self.site_name = site_name
        self.env = _environment()
        self.related = RelatedIndex(library.stories)
        self._cards: dict[tuple, Markup] = {}

    def term_title(self, vocabulary: str, term_id: str | None) -> str:
        return self.library.taxonomy.term(vocabulary, term_id).title if term_id else ""

    def _globals(self, url: str) -> dict:
        """What every template sees, with links made relative to the page at `url`."""
        link: Callable[[str], str] = lambda target: relative(target, url)  # noqa: E731
        return dict(
            library=self.library,
            link=link,
            card_html=lambda story, full=False, filterable=False: self.card(
                story, url, full, filterable),
            story_url=story_url,
            criterion_url=criterion_url,
            term_url=term_url,
            finder_url=finder_url,
            clip_url=clip_url,
            ramp_url=ramp_url,
            coach_url=coach_url,
            term=self.term_title,
            vocabularies={v.id: v for v in vocabularies()},
            outcome_counts=outcome_counts,
            markdown=render_markdown,  # bodies: raw HTML shown as text, unsafe URLs dropped
            calibration_url=calibration_url,
            calibration_clip_url=calibration_clip_url,
            # A criterion's figures from its newest calibration session, or None.
            calibration_of=lambda criterion_id: latest_agreement(
                self.library, criterion_id, self.options.calibration_threshold),
        )

    def card(self, story: Story, url: str, full: bool, filterable: bool) -> Markup:
        # A story's card appears on many pages; every link in it points under
        # stories/, so pages at the same distance from stories/ share one.
        key = (story.id, full, filterable, relative("stories/", url))
        if key not in self._cards:
            self._cards[key] = Markup(self.env.get_template("fragments/card.html.j2").render(
                **self._globals(url), story=story, full=full, filterable=filterable))
        return self._cards[key]

    def page(self, template: str, path: str, *, source: str | None = None,
             in_nav: bool = False, **context) -> GeneratedFile:
        """A generated page at `path` from `templates/pages/<template>`."""
        text = self.env.get_template(f"pages/{template}").render(
            **self._globals(page_url(path)), **context)
        return GeneratedFile(path, text, source=source, in_nav=in_nav)
