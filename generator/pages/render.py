"""What every page family shares: the Jinja2 environment and the renderer.

Templates hold the markup and the interface text (generator/templates/pages/
for whole pages, fragments/ for pieces); this module hands them the library
and link helpers, with every link relative to the page being rendered.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from html import unescape

import jinja2
from markdown.extensions.toc import slugify
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
    hosted_clip_path,
    page_url,
    ramp_url,
    relative,
    scenario_url,
    story_url,
    term_url,
    what_wins_url,
)
from ..vocabularies import Vocabulary
from .files import GeneratedFile, strip_tags


def front_matter_text(text: str) -> Markup:
    """A YAML value for a generated page's front matter, HTML-escaped.

    MkDocs themes print page titles and descriptions into HTML unescaped, so
    they must already be escaped when they leave us.
    """
    return Markup(json.dumps(str(escape(text)), ensure_ascii=False))


# A speaker's turn in an example dialogue: `Rep: "..."` after the previous turn's
# closing quote. YAML's folded `>-` joins an author's lines, so turns are found again here.
_NEXT_TURN = re.compile(r"""(?<=["\u201d])\s+"""  # after a closing quote,
                        r"""(?=[A-Z][\w'\u2019.-]*(?: [A-Z][\w'\u2019.-]*){0,2}: )""")  # a name:


def dialogue_lines(text: str) -> list[str]:
    """An example's lines: the author's own line breaks, and one line per speaker's turn.

    Plain strings: the template escapes each and joins them with <br>.
    """
    return [turn.strip() for line in text.splitlines() if line.strip()
            for turn in _NEXT_TURN.split(line)]


class HeadingIds:
    """A page's heading ids, made as Python-Markdown's toc extension makes them
    (a slug of the text, then _1, _2 ... on repeats), so anchors stay the same."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, html: str) -> str:
        base = slugify(unescape(strip_tags(str(html))), "-") or "_"
        candidate, number = base, 0
        while candidate in self.used:
            number += 1
            candidate = f"{base}_{number}"
        self.used.add(candidate)
        return candidate


def outcome_counts(stories) -> dict[str, int]:
    counts = {outcome: 0 for outcome in OUTCOMES}
    for story in stories:
        counts[story.outcome] += 1
    return counts


@functools.cache  # one per process: `serve` compiles the templates once
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        autoescape=True,  # every template emits HTML inside Markdown
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["front_matter"] = front_matter_text
    env.filters["time"] = format_time
    env.filters["dialogue_lines"] = dialogue_lines
    labels = env.get_template("fragments/labels.j2").module
    env.globals.update({name: getattr(labels, name) for name in dir(labels)
                        if not name.startswith("_")})
    return env


@dataclass(frozen=True)
class PageMemo:
    """What a run rendered, for the next run to reuse (`playbook serve`).

    A page is rendered again only when what it is made from changed: its
    template, its own context (the story, its related stories, the stories a
    term page lists ...) or what every page may read (`shared`: the taxonomy,
    criteria, ramps, calibration sessions, options, the day). Pages that read
    the whole story list (home, finder, overviews, insights) say so, and
    depend on every story.
    """

    shared: tuple
    pages: dict[str, tuple[tuple, GeneratedFile]] = field(default_factory=dict)


class Renderer:
    """Renders pages of one library; page families call `page`."""

    def __init__(self, library: Library, options: InsightOptions | None = None,
                 site_url: str = "", site_name: str = "Playbook", *,
                 today: date | None = None, previous: PageMemo | None = None,
                 clips_base_url: str = ""):
        self.library = library
        self.clips_base_url = clips_base_url  # clips hosted there, not in the site
        self.options = options or InsightOptions()
        self.site_url = site_url  # absolute links where a page needs them (the feed)
        self.site_name = site_name
        self.env = _environment()
        self.related = RelatedIndex(library.stories, library.taxonomy.vocabularies)
        self._cards: dict[tuple, Markup] = {}
        shared = (library.taxonomy, library.criteria, library.ramps, library.calibrations,
                  library.scenarios, library.calendar,
                  self.options, site_url, site_name, today, clips_base_url)
        self.memo = PageMemo(shared)
        # Reuse only what was rendered from the same shared inputs.
        self._previous = previous.pages if previous is not None and \
            previous.shared == shared else {}
        self.rendered: list[str] = []  # pages rendered by this run, in order

    def term_title(self, vocabulary: str, term_id: str | None) -> str:
        return self.library.taxonomy.term(vocabulary, term_id).title if term_id else ""

    def terms_of(self, story: Story, flag: str) -> list[tuple[Vocabulary, str]]:
        """(vocabulary, its term titles joined) for each vocabulary with `flag` on that the
        story names: what a card's line shows ("card"), who speaks ("speaker")."""
        return [(v, ", ".join(self.term_title(v.id, t) for t in story.facet(v.id)))
                for v in self.library.taxonomy.having(flag) if story.facet(v.id)]

    def card_facts(self, story: Story) -> list[str]:
        """The facts a story card and a finder result show: "vs Globex", "CFO", ..."""
        return [v.card_prefix + titles for v, titles in self.terms_of(story, "card")]

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
            clip_link=lambda site_path: self.clip_link(site_path, url),
            ramp_url=ramp_url,
            coach_url=coach_url,
            scenario_url=scenario_url,
            what_wins_url=what_wins_url,
            term=self.term_title,
            terms_of=self.terms_of,
            card_facts=self.card_facts,
            vocabularies={v.id: v for v in self.library.taxonomy.vocabularies},
            # The vocabulary a criterion's `skill` names: what the calendar coaches.
            skill_vocabulary=self.library.taxonomy.named_by("skill"),
            outcome_counts=outcome_counts,
            markdown=render_markdown,  # bodies: raw HTML shown as text, unsafe URLs dropped
            calibration_url=calibration_url,
            calibration_clip_url=calibration_clip_url,
            # A criterion's figures from its newest calibration session, or None.
            calibration_of=lambda criterion_id: latest_agreement(
                self.library, criterion_id, self.options.calibration_threshold),
            heading_id=HeadingIds(),  # fresh per page
        )

    def clip_link(self, site_path: str, from_url: str) -> str:
        """A clip's address on the page at `from_url`: under clips_base_url when clips
        are hosted elsewhere, else relative to the page."""
        if self.clips_base_url:
            return f"{self.clips_base_url}/{hosted_clip_path(site_path)}"
        return relative(site_path, from_url)

    def card(self, story: Story, url: str, full: bool, filterable: bool) -> Markup:
        # A story's card appears on many pages; every link in it points under
        # stories/, so pages at the same distance from stories/ share one.
        key = (story.id, full, filterable, relative("stories/", url))
        if key not in self._cards:
            self._cards[key] = Markup(self.env.get_template("fragments/card.html.j2").render(
                **self._globals(url), story=story, full=full, filterable=filterable))
        return self._cards[key]

    def page(self, template: str, path: str, *, source: str | None = None,
             in_nav: bool = False, reads_stories: bool = False,
             search: tuple[str, str] = ("", ""), **context) -> GeneratedFile:
        """A generated page at `path` from `templates/pages/<template>`.

        `reads_stories`: the template reads `library.stories` (or stories_by)
        itself, so the page changes with any story.
        """
        inputs = (template, source, in_nav, search, context,
                  self.library.stories if reads_stories else None)
        before = self._previous.get(path)
        if before is not None and before[0] == inputs:
            self.memo.pages[path] = before
            return before[1]
        file = self._render(template, path, source, in_nav, context)
        if search != ("", ""):
            file = replace(file, search_kind=search[0], search_label=search[1])
        self.memo.pages[path] = (inputs, file)
        self.rendered.append(path)
        return file

    def _render(self, template: str, path: str, source: str | None, in_nav: bool,
                context: dict) -> GeneratedFile:
        text = self.env.get_template(f"pages/{template}").render(
            **self._globals(page_url(path)), **context)
        # Templates write "---\n<front matter>---\n\n<HTML>"; keep the two apart.
        opening, front_matter, body = text.split("---\n", 2)
        assert not opening, f"pages/{template} must start with its front matter"
        return GeneratedFile(path, body.lstrip("\n"), source=source, in_nav=in_nav,
                             front_matter=front_matter)
