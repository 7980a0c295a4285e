"""What's new: an Atom feed (RFC 4287) of stories at /feed.xml, newest first.

A Jinja template rather than feedgen: Atom is a dozen elements, and feedgen
would bring lxml (a large compiled dependency) to write them. The template is
autoescaped like every other, so content stays text, and a character XML 1.0
does not allow becomes U+FFFD, so the feed stays well-formed even for text that
validation never saw (the site's name). The quote is
each entry's summary and the story's facets its categories. Links are
absolute under `site_url` when it is set; otherwise relative to the feed,
which readers resolve against the feed's own address.

Entries are dated, and ordered newest first, by when the story was added
(`Story.added`: its `published` field, else its file's first commit, else its
interview), so a story added today about an older interview is the first entry.
Ids are URNs of the story id, never its URL: setting or moving `site_url` must
not make every entry new again for subscribers.

Each month of the coaching calendar that has begun is an entry too, dated its
first day and linking its skill's 1:1 coaching pack, with the id
`urn:playbook:calendar:<YYYY-MM>` (months ahead are left out: a feed says what
is new).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

from ..model import CalendarMonth, Story
from ..source import HOSTILE_TEXT
from ..urls import coach_url, story_url, term_url
from .calendar import calendar_uid, month_name
from .files import GeneratedFile
from .render import Renderer

FEED_PATH = "feed.xml"
LIMIT = 50  # entries: a feed says what is new, the finder lists everything


def xml_text(text: str) -> str:
    """`text` with every character XML 1.0 forbids or discourages (controls but tab
    and newline, surrogates, noncharacters) replaced by U+FFFD: one such character
    would make the whole feed unreadable to every subscriber."""
    return HOSTILE_TEXT.sub("\ufffd", text)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def newest_added_first(stories: tuple[Story, ...]) -> list[Story]:
    """By when each story was added, newest first; then by interview, then id."""
    return sorted(stories, key=lambda s: (-s.added.timestamp(), -s.interviewed.toordinal(),
                                          s.id))


def _entry(renderer: Renderer, story: Story, base: str) -> dict:
    categories = [
        dict(term=term_id, label=renderer.term_title(registered.id, term_id),
             scheme=base + term_url(registered.id))
        for registered in renderer.library.taxonomy.vocabularies
        for term_id in story.facet(registered.id)
    ]
    return dict(story=story, title=story.title, summary=story.quote,
                url=base + story_url(story.id), id=f"urn:playbook:story:{story.id}",
                updated=_timestamp(story.added), categories=categories, at=story.added)


def _month_entry(renderer: Renderer, month: CalendarMonth, base: str) -> dict:
    skills = renderer.library.taxonomy.named_by("skill")  # the vocabulary coached
    skill = renderer.term_title(skills, month.skill)
    criteria = ", ".join(renderer.library.criterion(c).title for c in month.criteria)
    summary = f"{month_name(month.month)}: the skill coached in the weekly 1:1s is {skill}."
    if criteria:
        summary += f" Focus criteria: {criteria}."
    start = datetime.combine(month.month, datetime.min.time(), UTC)
    categories = [dict(term=month.skill, label=skill, scheme=base + term_url(skills))]
    return dict(story=None, title=f"Coaching focus for {month_name(month.month)}: {skill}",
                summary=summary, url=base + coach_url(skills, month.skill), id=calendar_uid(month),
                updated=_timestamp(start), categories=categories, at=start)


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    base = renderer.site_url.rstrip("/") + "/" if renderer.site_url else ""
    stories = newest_added_first(renderer.library.stories)[:LIMIT]
    entries = [_entry(renderer, story, base) for story in stories]
    entries += [_month_entry(renderer, month, base) for month in renderer.library.calendar
                if month.month <= today]
    # Newest first; a story and a month of the same moment: the story first.
    entries = sorted(entries, key=lambda e: (-e["at"].timestamp(), e["story"] is None))[:LIMIT]
    # The newest entry's date, never the clock: the same library gives the same feed.
    updated = entries[0]["at"] if entries else datetime.combine(today, datetime.min.time(), UTC)
    text = renderer.env.get_template("pages/feed.xml.j2").render(
        base=base, site_name=renderer.site_name, updated=_timestamp(updated),
        feed_id="urn:playbook:feed", entries=entries)
    yield GeneratedFile(FEED_PATH, xml_text(text))
