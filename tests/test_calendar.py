"""The coaching calendar (issue 23): content/calendar.yml validated at its lines, this
month's skill on the home page, /calendar/, calendar.ics and the feed's month entries."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime

import icalendar

from generator.build import Settings, run
from helpers import STORY, TODAY

ATOM = "{http://www.w3.org/2005/Atom}"

# The fixture library's skills and its one criterion; July by the skill's alias.
CALENDAR = """\
2026-06:
  skill: discovery
  criteria: [security-early]
2026-07: multi-threading
2026-08:
  skill: discovery
"""


def _problems(library, text: str, today: date = TODAY) -> list[tuple[int, str, str, str]]:
    """(line, field, code, message) of each calendar problem."""
    library.write("calendar.yml", text)
    from generator.load import load_library

    result = load_library(library.content, today=today)
    return [(p.line, p.field, p.code, p.message) for p in result.problems
            if p.path == "content/calendar.yml"]


def _built(library, **settings):
    result = run(Settings.at(library.content, check_audio=False, **settings))
    assert not result.errors, result.errors
    return {f.path: f for f in result.files}, result


# -- validation ------------------------------------------------------------------

def test_a_valid_calendar_is_read_in_month_order_with_aliases_resolved(library):
    library.write("calendar.yml", "2026-08: discovery\n" + CALENDAR.split("2026-08")[0])
    from generator.load import load_library

    result = load_library(library.content, today=TODAY)
    assert [p for p in result.problems if p.path == "content/calendar.yml"] == []
    months = [(m.key, m.skill, m.criteria) for m in result.library.calendar]
    assert months == [("2026-06", "discovery", ("security-early",)),
                      ("2026-07", "stakeholder-engagement", ()),
                      ("2026-08", "discovery", ())]


def test_a_malformed_month_is_an_error_at_its_line(library):
    found = _problems(library, "2026-06: discovery\n2026-13: discovery\n2026-7: discovery\n"
                               "2026-08-01: discovery\n")
    assert found == [
        (2, "2026-13", "calendar.month", "expected a month as YYYY-MM; found the text '2026-13'"),
        (3, "2026-7", "calendar.month", "expected a month as YYYY-MM; found the text '2026-7'"),
        (4, "2026-08-01", "calendar.month",
         "expected a month as YYYY-MM; found the text '2026-08-01'"),
    ]


def test_a_month_listed_twice_is_an_error_at_the_second(library):
    found = _problems(library, "2026-06: discovery\n2026-07: discovery\n"
                               "'2026-06': stakeholder-engagement\n")
    assert found == [(3, "2026-06", "yaml.duplicate-key",
                      "duplicate id or key '2026-06' (first given on line 1); only the last "
                      "value is kept")]


def test_unknown_ids_are_errors_at_their_lines_with_a_suggestion(library):
    found = _problems(library, "2026-06:\n"
                               "  skill: discovry\n"
                               "  criteria: [security-erly]\n"
                               "  scenario: cfo-discovery\n"
                               "  focus: everything\n"
                               "2026-07: {}\n")
    assert found == [
        (2, "2026-06.skill", "term.unknown", "unknown skill 'discovry'; did you mean "
                                             "'discovery'?"),
        (3, "2026-06.criteria[0]", "calendar.unknown-criterion",
         "unknown criterion 'security-erly'; did you mean 'security-early'?"),
        (4, "2026-06.scenario", "calendar.unknown-scenario", "unknown scenario 'cfo-discovery'"),
        (5, "2026-06.focus", "field.unknown", "unknown field 'focus' in a calendar month"),
        (6, "2026-07.skill", "field.required", "month 2026-07 needs a 'skill'; it is missing"),
    ]


def test_a_scenario_is_checked_against_the_scenario_files(library):
    library.write("scenarios/cfo-discovery.md", "---\ntitle: CFO discovery\n---\n")
    found = _problems(library, "2026-06:\n  skill: discovery\n  scenario: cfo-discovry\n"
                               "2026-07:\n  skill: discovery\n  scenario: cfo-discovery\n"
                               "2026-08:\n  skill: discovery\n  scenario: CFO Discovery\n")
    assert found == [
        (3, "2026-06.scenario", "calendar.unknown-scenario",
         "unknown scenario 'cfo-discovry'; did you mean 'cfo-discovery'?"),
        (9, "2026-08.scenario", "id.not-slug",
         "expected 'scenario' to be a scenario id, a lowercase slug; "
         "found the text 'CFO Discovery'"),
    ]


def test_hostile_and_mistyped_values_are_located_errors_not_tracebacks(library):
    found = _problems(library, "2026-06: [discovery]\n2026-07:\n  skill: discovery\n"
                               "  criteria: {a: b}\n")
    assert [(line, field, code) for line, field, code, _ in found] == [
        (1, "2026-06", "field.type"), (4, "2026-07.criteria", "field.type")]
    assert _problems(library, "- 2026-06\n- discovery\n") == [
        (1, "", "frontmatter.not-mapping",
         "expected a mapping of months to skills; found a list of 2 items")]
    found = _problems(library, '2026-06: "disc\\u0007overy"\n')
    assert [(line, code) for line, _, code, _ in found] == [(1, "text.control-character")]


def test_a_focus_criterion_of_another_skill_is_a_warning_at_its_line(library):
    found = _problems(library, "2026-06: discovery\n2026-07:\n  skill: multi-threading\n"
                               "  criteria:\n    - security-early\n")
    assert found == [(5, "2026-07.criteria[0]", "calendar.criterion-skill",
                      "focus criterion 'security-early' is scored under the skill 'discovery', "
                      "not this month's 'stakeholder-engagement', so the month's 1:1 coaching "
                      "pack does not show it")]


def test_a_gap_in_the_next_three_months_is_a_warning(library):
    # A team adding stories: this week's story, and a calendar with June only.
    library.story(STORY.replace("interviewed: 2026-03-14", "interviewed: 2026-05-28"),
                  "this-week.md")
    found = _problems(library, "2026-06: discovery\n")
    assert [(line, code, message) for line, _, code, message in found] == [
        (1, "calendar.gap", "no skill is planned for 2026-07: the coaching calendar should "
                            "cover the next 3 months"),
        (1, "calendar.gap", "no skill is planned for 2026-08: the coaching calendar should "
                            "cover the next 3 months"),
    ]
    assert all(code == "calendar.gap" for _, _, code, _ in found)


def test_a_calendar_nobody_touched_for_a_year_does_not_warn(library):
    # The newest story is from May 2026: a year later the months ahead are not checked,
    # as stale stories are measured from the newest story, not the clock.
    library.story(STORY.replace("interviewed: 2026-03-14", "interviewed: 2026-05-28"),
                  "this-week.md")
    assert _problems(library, "2026-06: discovery\n", today=date(2027, 6, 1)) == []


# -- pages -------------------------------------------------------------------------

def test_the_home_page_names_this_months_skill_for_a_fixed_build_date(sample_site):
    # The sample is built with SOURCE_DATE_EPOCH at 2026-11-01: November is business case.
    html = (sample_site / "index.html").read_text("utf-8")
    assert 'This month: <a href="skills/business-case/">Business case</a>' in html
    assert '<a href="skills/business-case/coach/">1:1 coaching pack</a>' in html
    assert ('Focus criteria: <a href="criteria/roi-in-buyers-numbers/">Builds the ROI case in the '
            "buyer's own numbers</a>") in html.replace("&#39;", "'")


def test_the_home_page_follows_the_build_month(library):
    library.write("scenarios/cfo-discovery.md", (
        "---\ntitle: CFO discovery\nskills: [discovery]\nbuyer_role: cfo\n"
        "situation: A first call.\nbuyer: You are the CFO.\nlines: [How long is your close?]\n"
        "criteria: {security-early: 3}\n---\n"))
    library.write("calendar.yml", CALENDAR.replace(
        "2026-07: multi-threading",
        "2026-07: {skill: multi-threading, scenario: cfo-discovery}"))
    files, _ = _built(library, today=date(2026, 7, 15))
    home = files["index.md"].content
    assert "This month: <a href=\"skills/stakeholder-engagement/\">Stakeholder engagement</a>" \
        in home
    # The scenario's own title (content/scenarios/cfo-discovery.md)
    assert 'Practice scenario: <a href="scenarios/cfo-discovery/">CFO discovery</a>' in home
    files, _ = _built(library, today=date(2026, 9, 1))
    assert "This month:" not in files["index.md"].content
    assert "No skill is planned for this month" in files["index.md"].content


def test_the_calendar_page_lists_the_year_and_offers_the_subscription(sample_site):
    html = (sample_site / "calendar" / "index.html").read_text("utf-8")
    assert '<a class="md-button" href="../calendar.ics" type="text/calendar">Subscribe in ' \
           'your calendar</a>' in html
    names = [part.split("<", 1)[0].strip()
             for part in html.split('<p class="pb-month__name">')[1:]]
    assert names == ["November 2026", "December 2026", "January 2027", "February 2027",
                     "March 2027", "April 2027", "May 2027", "June 2027", "July 2027",
                     "August 2027", "September 2027", "October 2027", "November 2027"]
    assert 'aria-current="date"' in html.split("December 2026")[0]


def test_without_a_calendar_the_page_says_how_to_start_one(library):
    files, _ = _built(library, today=TODAY)
    page = files["calendar.md"].content
    assert "No coaching calendar yet. Add <code>content/calendar.yml</code>" in page
    assert "Subscribe" not in page and "pb-month" not in page
    assert "This month:" not in files["index.md"].content
    assert b"BEGIN:VEVENT" not in files["calendar.ics"].content


def test_calendar_ics_parses_with_one_all_day_event_a_month(sample_site):
    calendar = icalendar.Calendar.from_ical((sample_site / "calendar.ics").read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 13
    first = events[0]
    assert first.decoded("dtstart") == date(2026, 11, 1)
    assert first.decoded("dtend") == date(2026, 11, 2)
    assert str(first["summary"]) == "Coaching focus: Business case"
    assert str(first["uid"]) == "urn:playbook:calendar:2026-11"
    assert "Focus criteria: Builds the ROI case in the buyer's own numbers." in str(
        first["description"])
    assert first.decoded("dtstamp") == datetime.fromisoformat("2026-11-01T00:00:00+00:00")


def test_calendar_ics_uids_are_stable_and_builds_byte_identical(library):
    library.write("calendar.yml", CALENDAR)
    files, _ = _built(library, today=TODAY)
    again, _ = _built(library, today=TODAY)
    assert files["calendar.ics"].content == again["calendar.ics"].content
    # A later build, with site_url set and a skill changed: the same UIDs, so a
    # subscriber's events are updated, not doubled.
    library.write("calendar.yml", CALENDAR.replace("2026-07: multi-threading",
                                                   "2026-07: discovery"))
    later, _ = _built(library, today=date(2026, 7, 3), site_url="https://example.com/pb/")
    uids = [[str(e["uid"]) for e in icalendar.Calendar.from_ical(f["calendar.ics"].content)
             .walk("VEVENT")] for f in (files, later)]
    assert uids[0] == uids[1] == ["urn:playbook:calendar:2026-06",
                                  "urn:playbook:calendar:2026-07",
                                  "urn:playbook:calendar:2026-08"]
    july = icalendar.Calendar.from_ical(later["calendar.ics"].content).walk("VEVENT")[1]
    assert str(july["url"]) == "https://example.com/pb/skills/discovery/coach/"
    assert "url" not in icalendar.Calendar.from_ical(files["calendar.ics"].content) \
        .walk("VEVENT")[1]


def test_calendar_ics_escapes_text(library):
    library.write("taxonomy.yml", (library.content / "taxonomy.yml").read_text()
                  .replace("discovery: {title: Discovery}",
                           'discovery: {title: "Discovery; ask, listen\\\\ then <b>"}', 1))
    library.write("calendar.yml", "2026-06: discovery\n")
    files, _ = _built(library, today=TODAY)
    raw = files["calendar.ics"].content
    assert b"SUMMARY:Coaching focus: Discovery\\; ask\\, listen\\\\ then <b>\r\n" in raw
    event = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["summary"]) == "Coaching focus: Discovery; ask, listen\\ then <b>"
    # The page escapes it as HTML.
    assert "Discovery; ask, listen\\ then &lt;b&gt;" in files["calendar.md"].content


def test_the_feed_has_an_entry_for_each_begun_month(library):
    library.write("calendar.yml", CALENDAR)
    files, _ = _built(library, today=date(2026, 7, 15))
    feed = ET.fromstring(files["feed.xml"].content)
    entries = [(e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}id"),
                e.findtext(f"{ATOM}updated"), e.find(f"{ATOM}link").get("href"))
               for e in feed.findall(f"{ATOM}entry")]
    assert entries == [
        ("Coaching focus for July 2026: Stakeholder engagement", "urn:playbook:calendar:2026-07",
         "2026-07-01T00:00:00Z", "skills/stakeholder-engagement/coach/"),
        ("Coaching focus for June 2026: Discovery", "urn:playbook:calendar:2026-06",
         "2026-06-01T00:00:00Z", "skills/discovery/coach/"),
        ("Globex sent their SOC 2 in week one", "urn:playbook:story:globex-soc2",
         "2026-03-14T00:00:00Z", "stories/globex-soc2/"),
    ]
    assert feed.findtext(f"{ATOM}updated") == "2026-07-01T00:00:00Z"
