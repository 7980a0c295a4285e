"""What's new: an Atom feed (RFC 4287) of stories at /feed.xml, newest first.

A Jinja template rather than feedgen: Atom is a dozen elements, and feedgen
would bring lxml (a large compiled dependency) to write them. The template is
autoescaped like every other, so content stays text, and a character XML 1.0
does not allow becomes U+FFFD, so the feed stays well-formed even for text that
validation never saw (the site's name). The quote is
each entry's summary and the story's facets its categories. Links are
absolute under `site_url` when it is set; otherwise relative to the feed,
which readers resolve against the feed's own address.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..library import newest_first
from ..model import Story
from ..source import HOSTILE_TEXT
from ..urls import story_url, term_url
from ..vocabularies import vocabularies
from .files import GeneratedFile
from .render import Renderer

FEED_PATH = "feed.xml"
LIMIT = 50  # entries: a feed says what is new, the finder lists everything


def xml_text(text: str) -> str:
    """`text` with every character XML 1.0 forbids or discourages (controls but tab
    and newline, surrogates, noncharacters) replaced by U+FFFD: one such character
    would make the whole feed unreadable to every subscriber."""
    return HOSTILE_TEXT.sub("\ufffd", text)


def _timestamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _entry(renderer: Renderer, story: Story, base: str) -> dict:
    categories = [
        dict(term=term_id, label=renderer.term_title(registered.id, term_id),
             scheme=base + term_url(registered.id))
        for registered in vocabularies() for term_id in story.facet(registered.id)
    ]
    url = base + story_url(story.id)
    return dict(story=story, url=url, id=url if base else f"urn:playbook:story:{story.id}",
                updated=_timestamp(story.interviewed), categories=categories)


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    base = renderer.site_url.rstrip("/") + "/" if renderer.site_url else ""
    stories = newest_first(renderer.library.stories)[:LIMIT]
    # The newest story's date, never the clock: the same library gives the same feed.
    updated = _timestamp(stories[0].interviewed if stories else today)
    text = renderer.env.get_template("pages/feed.xml.j2").render(
        base=base, site_name=renderer.site_name, updated=updated,
        feed_id=base + FEED_PATH if base else "urn:playbook:feed",
        entries=[_entry(renderer, story, base) for story in stories])
    yield GeneratedFile(FEED_PATH, xml_text(text))
