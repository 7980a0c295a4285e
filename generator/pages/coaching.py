"""A printable 1:1 coaching pack per skill at /skills/<id>/coach/.

On paper a link is no use, so each story's clip prints its address: absolute
under `site_url` with a QR code to scan (segno, as inline SVG), else the path
on the playbook's site. A transcript that only repeats the quote is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import segno
from markupsafe import Markup

from ..library import Library
from ..model import Story, Term
from ..urls import coach_url, story_url
from .files import GeneratedFile
from .render import Renderer

TAXONOMY_PATH = "content/taxonomy.yml"


def pack_stories(library: Library, skill: Term) -> tuple[Story | None, Story | None]:
    """The win and the loss for the pack: the skill's `featured` stories where
    given (and published), else the newest win and the newest loss."""
    chosen: dict[str, Story] = {}
    for story_id in skill.featured:
        if library.has_story(story_id):
            story = library.story(story_id)
            chosen.setdefault(story.outcome, story)
    for story in library.stories_by(skill.vocabulary, skill.id):  # newest first
        chosen.setdefault(story.outcome, story)
    return chosen.get("win"), chosen.get("loss")


@dataclass(frozen=True)
class ClipAddress:
    """Where a printed pack's reader plays a story's first clip."""

    shown: str  # printed: the absolute URL without its scheme, or the site path
    url: str | None = None  # the absolute URL, when site_url is set
    qr: Markup | None = None  # an inline SVG of `url`: numbers and fixed names only


def clip_address(story: Story, site_url: str) -> ClipAddress:
    path = story_url(story.id) + "#clip-1"
    if not site_url:
        return ClipAddress(path)
    url = site_url.rstrip("/") + "/" + path
    shown = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.IGNORECASE)
    try:
        code = segno.make(url, error="m", micro=False)
    except segno.DataOverflowError:  # a site_url of thousands of characters: no code
        return ClipAddress(shown, url)
    # The SVG holds only path data segno computes from the bits; the URL goes into
    # the page as escaped text, never through segno's own title or description.
    svg = code.svg_inline(scale=1, omitsize=True, svgclass="pb-qr__code", lineclass=None)
    return ClipAddress(shown, url, Markup(svg))


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def repeats_quote(story: Story) -> bool:
    """Whether the first clip's transcript says no more than the quote (or the quote is
    part of it): printed under the quote, it would be the same words twice."""
    if not story.clips:
        return False
    quote, transcript = _words(story.quote), _words(story.clips[0].transcript)
    return quote in transcript or transcript in quote


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library = renderer.library
    for skill in (term for coaching in library.taxonomy.having("coaching")
                  for term in library.taxonomy.terms[coaching.id]):
        win, loss = pack_stories(library, skill)
        shown = [story for story in (win, loss) if story is not None]
        yield renderer.page("coach.md.j2", f"{coach_url(skill.vocabulary, skill.id)[:-1]}.md",
                            source=TAXONOMY_PATH,
                            search=("coaching", ""), term_=skill, win=win, loss=loss,
                            criteria=library.criteria_for(skill.id),
                            scenarios=library.scenarios_by(skill.vocabulary, skill.id),
                            addresses={s.id: clip_address(s, renderer.site_url) for s in shown},
                            repeats={s.id for s in shown if repeats_quote(s)})
