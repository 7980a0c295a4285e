"""The coaching calendar (content/calendar.yml): the year at /calendar/, and
/calendar.ics, an iCalendar feed managers subscribe to in their calendar.

The .ics is written by the `icalendar` library (RFC 5545 folding, escaping and
dates). Each month is one all-day event on its first day. Its UID is the
month, never a URL or the build time, so a rebuild, or setting `site_url`,
updates the subscriber's events instead of adding duplicates; DTSTAMP is the
build date (SOURCE_DATE_EPOCH), so the same content gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar

from ..library import Library
from ..model import CalendarMonth
from ..source import HOSTILE_TEXT
from ..urls import CALENDAR_ICS, coach_url
from ..validate.calendar import month_start
from .files import GeneratedFile
from .render import Renderer

# Month names, not strftime("%B"), which follows the machine's locale.
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
YEAR = 12  # months listed from this one


def month_name(month: date) -> str:
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def calendar_uid(month: CalendarMonth) -> str:
    """The month's event id, stable across builds, sites and skill changes."""
    return f"urn:playbook:calendar:{month.key}"


@dataclass(frozen=True)
class ScenarioTitles:
    """How a scenario is named: its own title from the library. A value, not a
    closure, so a page's inputs compare equal between runs (render.PageMemo)."""

    titles: tuple[tuple[str, str], ...]  # (scenario id, title)

    @classmethod
    def of(cls, library: Library) -> ScenarioTitles:
        return cls(tuple((s.id, s.title) for s in library.scenarios))

    def __call__(self, scenario_id: str) -> str:
        # A scenario with errors is not in the library (and fails the build anyway).
        return dict(self.titles).get(scenario_id) or scenario_id.replace("-", " ").capitalize()


def the_year(library: Library, today: date) -> list[tuple[date, CalendarMonth | None]]:
    """Twelve months from this one, planned or not, then any planned beyond them."""
    planned = {m.month: m for m in library.calendar}
    months = [month_start(today, ahead) for ahead in range(YEAR)]
    months += sorted(m for m in planned if m > months[-1])
    return [(month, planned.get(month)) for month in months]


def _text(text: str) -> str:
    """A control character or noncharacter (which validation refuses, but the site's
    name is not validated) as U+FFFD: one would break the file for every subscriber,
    as in the feed."""
    return HOSTILE_TEXT.sub("\ufffd", text)


def _description(renderer: Renderer, month: CalendarMonth, base: str) -> str:
    library = renderer.library
    skills = library.taxonomy.named_by("skill")  # the vocabulary coached
    lines = [f"This month's coaching skill: {renderer.term_title(skills, month.skill)}."]
    if month.criteria:
        titles = ", ".join(library.criterion(c).title for c in month.criteria)
        lines.append(f"Focus criteria: {titles}.")
    if month.scenario:
        lines.append(f"Practice scenario: {ScenarioTitles.of(library)(month.scenario)}.")
    if base:
        lines.append(f"1:1 coaching pack: {base}{coach_url(skills, month.skill)}")
    return "\n".join(lines)


def calendar_ics(renderer: Renderer, today: date) -> bytes:
    base = renderer.site_url.rstrip("/") + "/" if renderer.site_url else ""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//playbook//coaching calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _text(f"{renderer.site_name}: coaching calendar"))
    stamp = datetime.combine(today, datetime.min.time(), UTC)
    skills = renderer.library.taxonomy.named_by("skill")  # the vocabulary coached
    for month in renderer.library.calendar:
        event = icalendar.Event()
        event.add("uid", calendar_uid(month))
        event.add("dtstamp", stamp)
        event.add("dtstart", month.month)  # a date: an all-day event
        event.add("dtend", month.month + timedelta(days=1))
        event.add("summary",
                  _text(f"Coaching focus: {renderer.term_title(skills, month.skill)}"))
        event.add("description", _text(_description(renderer, month, base)))
        if base:  # an event's URL must be absolute: without site_url, none
            event.add("url", base + coach_url(skills, month.skill))
        event.add("transp", "TRANSPARENT")  # a theme for the month, not a busy day
        calendar.add_component(event)
    return calendar.to_ical()


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library = renderer.library
    this_month = month_start(today)
    yield renderer.page(
        "calendar.md.j2", "calendar.md", in_nav=True,
        source="content/calendar.yml" if library.calendar else None,
        months=[(month_name(month), month, planned, month == this_month)
                for month, planned in the_year(library, today)],
        ics_path=CALENDAR_ICS, scenario_title=ScenarioTitles.of(library))
    yield GeneratedFile(CALENDAR_ICS, calendar_ics(renderer, today))

