"""Ramp playbooks: content/ramp/<id>.md, validated at the line, built as a checklist
whose ticks the browser keeps."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.load import load_library
from generator.pages import render_site
from generator.pages.ramp import share_code
from helpers import REPO, STORY, TODAY

RAMP = """\
---
title: First sixty days
audience: Account executive
summary: Hear the buyers, then run the plays.
phases:
  - name: Learn
    days: 1-30
    goal: Hear why buyers chose us.
    study:
      - discovery
      - security-early
      - story: globex-soc2
    listen: [globex-soc2]
    practice: Shadow three calls.
    gate: Can you find who reviews security?
    gate_criteria: {security-early: 3}
  - name: Do
    days: 31-60
    goal: Run the calls.
    study: [stakeholder-engagement]
    gate: Did you reach the economic buyer?
---
Book the gate reviews in week one.
"""
PATH = "content/ramp/first-sixty.md"


def findings(library) -> list[tuple]:
    return [(p.path, p.line, p.field, p.code) for p in library.load().problems]


def test_a_valid_ramp_loads_into_phases(library):
    library.write("ramp/first-sixty.md", RAMP)
    result = library.load()
    assert result.problems == []
    (ramp,) = result.library.ramps
    assert [(p.name, p.first_day, p.last_day) for p in ramp.phases] == [
        ("Learn", 1, 30), ("Do", 31, 60)]
    assert ramp.phases[0].study == (("skill", "discovery"), ("criterion", "security-early"),
                                    ("story", "globex-soc2"))
    assert ramp.phases[0].gate_criteria == (("security-early", "3"),)


@pytest.mark.parametrize("old, new, line, field, code", [
    ("      - discovery\n", "      - discovry\n", 10, "phases[0].study[0]", "ramp.unknown-id"),
    ("story: globex-soc2", "story: globex-soc3", 12, "phases[0].study[2].story",
     "ramp.unknown-id"),
    ("listen: [globex-soc2]", "listen: [acme-gone]", 13, "phases[0].listen[0]",
     "ramp.unknown-id"),
    ("{security-early: 3}", "{security-erly: 3}", 16, "phases[0].gate_criteria.security-erly",
     "ramp.unknown-id"),
    ("{security-early: 3}", "{security-early: 4}", 16, "phases[0].gate_criteria.security-early",
     "ramp.gate-level"),
    ("days: 31-60", "days: 25-60", 18, "phases[1].days", "ramp.days-overlap"),
    ("days: 31-60", "days: 35-60", 18, "phases[1].days", "ramp.days-gap"),
    ("days: 1-30", "days: 5-30", 7, "phases[0].days", "ramp.days-gap"),
    ("days: 31-60", "days: 60-31", 18, "phases[1].days", "ramp.days-backwards"),
    ("days: 1-30", "days: first month", 7, "phases[0].days", "ramp.days-invalid"),
    ("    study: [stakeholder-engagement]\n", "", 17, "phases[1]", "ramp.empty-phase"),
    ("name: Do", "name: learn", 17, "phases[1].name", "ramp.duplicate-phase"),
    ("    gate: Did you reach the economic buyer?\n", "", 17, "phases[1]", "field.required"),
    ("    goal: Run the calls.\n", "    goals: Run the calls.\n", 19, "phases[1].goals",
     "field.unknown"),
])
def test_each_ramp_error_is_reported_at_its_line(library, old, new, line, field, code):
    assert old in RAMP
    library.write("ramp/first-sixty.md", RAMP.replace(old, new, 1))
    found = findings(library)
    assert (PATH, line, field, code) in found, found
    assert library.load().library.ramps == ()  # a ramp with errors gets no page


def test_a_bare_id_naming_a_skill_and_a_story_must_say_which(library):
    library.story(STORY, "discovery.md")
    library.write("ramp/first-sixty.md", RAMP)
    assert findings(library) == [(PATH, 10, "phases[0].study[0]", "ramp.ambiguous-id")]
    library.write("ramp/first-sixty.md", RAMP.replace("      - discovery\n",
                                                      "      - skill: discovery\n"))
    assert findings(library) == []


def test_listening_to_a_story_without_a_clip_is_a_warning(library):
    library.story(STORY.split("clips:")[0] + "---\nBody.\n", "quiet.md")
    library.write("ramp/first-sixty.md", RAMP.replace("listen: [globex-soc2]",
                                                      "listen: [globex-soc2, quiet]"))
    assert findings(library) == [(PATH, 13, "phases[0].listen[1]", "ramp.no-clip")]
    assert library.load().library.ramps  # a warning keeps the page


def test_a_gate_level_of_a_binary_criterion_is_yes_or_no(library):
    library.write("criteria/next-step.md", """\
        ---
        title: Leaves with a dated next step
        skill: discovery
        scale: binary
        weight: 1
        description: The call ends with a next step and a date.
        present: "Tuesday at ten with your controller?"
        absent: "I'll follow up."
        anchors:
          "yes": A next step with a date.
          "no": No date.
        ---
        """)
    library.write("ramp/first-sixty.md", RAMP.replace("{security-early: 3}",
                                                      "{security-early: 3, next-step: yes}"))
    assert findings(library) == []
    assert library.load().library.ramps[0].phases[0].gate_criteria[-1] == ("next-step", "yes")
    library.write("ramp/first-sixty.md", RAMP.replace("{security-early: 3}",
                                                      "{security-early: 3, next-step: 3}"))
    assert findings(library) == [
        (PATH, 16, "phases[0].gate_criteria.next-step", "ramp.gate-level")]


def _item_keys(library) -> list[str]:
    result = library.load()
    assert result.errors == []
    files = render_site(result.library, TODAY, {})
    (page,) = [f for f in files if f.path == "ramp/first-sixty.md"]
    return re.findall(r'data-ramp-item="([^"]+)"', str(page.content))


def test_checkbox_ids_follow_content_not_position(library):
    """Adding an item keeps every other item's key, so no stored tick moves to another item."""
    library.write("ramp/first-sixty.md", RAMP)
    before = _item_keys(library)
    assert len(before) == len(set(before)) == 8  # 3 study, 1 listen, practice, gate; 1 + gate
    library.write("ramp/first-sixty.md", RAMP.replace("      - discovery\n",
                                                      "      - stakeholder-engagement\n"
                                                      "      - discovery\n"))
    after = _item_keys(library)
    assert set(before) < set(after) and len(after) == len(before) + 1


def test_the_sample_ramp_is_a_30_60_90_plan_ending_each_phase_in_a_gate():
    result = load_library(REPO / "content", today=date(2026, 11, 1))
    assert result.problems == []
    (ramp,) = result.library.ramps
    assert [(p.first_day, p.last_day) for p in ramp.phases] == [(1, 30), (31, 60), (61, 90)]
    assert all(p.gate and p.gate_criteria for p in ramp.phases)


def test_the_sample_ramp_is_built_and_linked_from_home_and_sidebar(sample_site):
    page = (sample_site / "ramp" / "new-account-executive" / "index.html").read_text("utf-8")
    assert page.count('class="pb-gate"') == 3
    home = (sample_site / "index.html").read_text("utf-8")
    assert 'href="ramp/new-account-executive/"' in home
    overview = (sample_site / "ramp" / "index.html").read_text("utf-8")
    assert 'href="new-account-executive/"' in overview
    # The sidebar (Material's nav) lists the ramp under "Ramp" on every page.
    story = (sample_site / "stories" / "cfo-met-in-week-two" / "index.html").read_text("utf-8")
    assert '<a href="../../ramp/new-account-executive/" class="md-nav__link">' in story
    assert not (sample_site / "ramp.md").exists() and not (REPO / "docs" / "ramp.md").exists()




def test_ticks_and_phase_progress_survive_a_reload(served_sample):
    browser, base = served_sample
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base + "ramp/new-account-executive/")
    learn = page.locator('[data-ramp-phase="learn"]')
    boxes = learn.locator("[data-ramp-item]")
    total = boxes.count()
    assert total >= 5
    assert learn.locator("[data-ramp-progress]").inner_text().startswith(f"0 of {total}")
    boxes.nth(0).check()
    boxes.nth(2).check()
    boxes.nth(total - 2).check()  # the last item; the gate after it stays closed
    assert learn.locator("[data-ramp-progress]").inner_text().startswith(f"3 of {total}")

    page.reload()
    learn = page.locator('[data-ramp-phase="learn"]')
    boxes = learn.locator("[data-ramp-item]")
    ticked = [boxes.nth(i).is_checked() for i in range(total)]
    assert ticked[0] and ticked[2] and ticked[-2] and sum(ticked) == 3
    assert learn.locator("[data-ramp-progress]").inner_text().startswith(f"3 of {total}")
    later = page.locator('[data-ramp-phase="execute-with-support"] [data-ramp-progress]')
    assert later.inner_text().startswith("0 of ")
    overall = page.locator("[data-ramp-overall]").inner_text()
    assert overall.startswith("3 of ") and int(overall.split()[2]) == page.locator(
        "[data-ramp-item]").count()

    # Unticking is kept too, and the ramp's keys name the ramp and the item.
    boxes.nth(0).uncheck()
    page.reload()
    assert not page.locator('[data-ramp-phase="learn"] [data-ramp-item]').nth(0).is_checked()
    keys = [k for k in page.evaluate("Object.keys(localStorage)") if k.startswith("playbook:")]
    assert sorted(keys) == sorted(
        f"playbook:ramp:new-account-executive:{key}" for key in page.eval_on_selector_all(
            "[data-ramp-item]:checked", "els => els.map(e => e.dataset.rampItem)"))
    context.close()
    assert errors == []


RAMP_URL = "ramp/new-account-executive/"
# The sample ramp's first phase: 6 items to study, 3 clips to hear, 3 to practise (a text
# and two scenarios); then its gate.
LEARN_ITEMS = 12


def _ramp_page(browser, base, url=RAMP_URL, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base + url)
    return context, page, errors


def _stored(page) -> dict[str, str]:
    return page.evaluate("Object.fromEntries(Object.entries(localStorage)"
                         ".filter(([k]) => k.startsWith('playbook:')))")


def test_a_gate_stays_closed_until_every_item_of_its_phase_is_ticked(served_sample):
    browser, base = served_sample
    context, page, errors = _ramp_page(browser, base)
    learn = page.locator('[data-ramp-phase="learn"]')
    items = learn.locator("[data-ramp-item]:not([data-ramp-gate])")
    gate = learn.locator('[data-ramp-item="learn/gate"]')
    reason = learn.locator("[data-ramp-gate-reason]")
    assert items.count() == LEARN_ITEMS
    assert gate.is_disabled()
    assert reason.inner_text() == "Opens when every item of this phase is ticked: 12 of 12 to go."
    for index in range(LEARN_ITEMS - 1):
        items.nth(index).check()
    assert gate.is_disabled()
    assert reason.inner_text() == "Opens when every item of this phase is ticked: 1 of 12 to go."

    items.nth(LEARN_ITEMS - 1).check()
    assert gate.is_enabled() and not reason.is_visible()
    gate.check()
    assert learn.locator("[data-ramp-progress]").inner_text() == "13 of 13 done in this phase"
    # The next phase's gate is still closed.
    assert page.locator('[data-ramp-item="execute-with-support/gate"]').is_disabled()

    # Unticking an item closes the gate again, and forgets its tick.
    items.nth(3).uncheck()
    assert gate.is_disabled() and not gate.is_checked()
    assert reason.inner_text() == "Opens when every item of this phase is ticked: 1 of 12 to go."
    assert "playbook:ramp:new-account-executive:learn/gate" not in _stored(page)
    assert learn.locator("[data-ramp-progress]").inner_text() == "11 of 13 done in this phase"
    page.reload()
    assert page.locator('[data-ramp-item="learn/gate"]').is_disabled()
    context.close()
    assert errors == []


def test_a_gate_ticked_before_gates_closed_is_not_shown_passed(served_sample):
    """A tick kept from before gates closed (or typed into storage) passes no gate."""
    browser, base = served_sample
    context, page, errors = _ramp_page(browser, base)
    page.evaluate("localStorage.setItem('playbook:ramp:new-account-executive:learn/gate', '1')")
    page.reload()
    gate = page.locator('[data-ramp-item="learn/gate"]')
    assert not gate.is_checked() and gate.is_disabled()
    assert _stored(page) == {}
    context.close()
    assert errors == []


def test_progress_sent_by_link_opens_read_only_without_touching_the_viewers_ticks(
        served_sample):
    browser, base = served_sample
    # The rep ticks three items and sends the link.
    rep, page, errors = _ramp_page(browser, base)
    rep.grant_permissions(["clipboard-read", "clipboard-write"])
    learn = page.locator('[data-ramp-phase="learn"]')
    items = learn.locator("[data-ramp-item]:not([data-ramp-gate])")
    for index in (0, 4, 9):
        items.nth(index).check()
    page.get_by_role("link", name="Send progress to my manager").click()
    page.wait_for_function("document.querySelector('[data-ramp-share-status]').textContent"
                           ".startsWith('Link copied')")
    link = page.evaluate("navigator.clipboard.readText()")
    sent = [items.nth(i).get_attribute("data-ramp-item") for i in (0, 4, 9)]
    rep.close()
    assert errors == []
    assert sent == ["learn/study/skill/discovery",
                    "learn/study/criterion/acknowledge-before-answering", "learn/practice"]
    query = parse_qs(urlsplit(link).query)
    assert urlsplit(link).path == "/playbook/" + RAMP_URL
    # Compact: a format version, then six characters per ticked item.
    assert len(query["progress"][0]) == len("1.") + 3 * 6
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", query["as-of"][0])

    # The manager has ticks of their own on this ramp, in their own browser.
    manager, page, errors = _ramp_page(browser, base)
    page.locator('[data-ramp-item="learn/listen/cfo-met-in-week-two"]').check()
    own = _stored(page)
    assert own == {"playbook:ramp:new-account-executive:learn/listen/cfo-met-in-week-two": "1"}
    page.goto(link)
    banner = page.locator("[data-ramp-shared-banner]")
    assert banner.inner_text().startswith("Progress shared by link, read-only (as of ")
    ticked = page.eval_on_selector_all("[data-ramp-item]:checked",
                                       "els => els.map(e => e.dataset.rampItem)")
    assert ticked == sent
    assert page.locator("[data-ramp-item]:enabled").count() == 0  # read-only
    assert page.locator("[data-ramp-overall]").inner_text() == "3 of 33 done in all"
    assert not page.locator("[data-ramp-share]").is_visible()
    assert _stored(page) == own
    # Their own progress is one link away, unchanged.
    page.get_by_role("link", name="Open my own progress").click()
    page.wait_for_url("**/" + RAMP_URL)
    assert page.eval_on_selector_all("[data-ramp-item]:checked",
                                     "els => els.map(e => e.dataset.rampItem)") \
        == ["learn/listen/cfo-met-in-week-two"]
    manager.close()
    assert errors == []


def test_a_progress_link_names_items_by_id_so_a_changed_ramp_ticks_no_other_item(
        served_sample):
    browser, base = served_sample
    # A link made when the ramp had an item it has since lost, and the practice item.
    removed = share_code("learn/study/story/a-story-since-retired")
    url = f"{RAMP_URL}?progress=1.{removed}{share_code('learn/practice')}&as-of=2026-11-20"
    context, page, errors = _ramp_page(browser, base, url)
    assert page.eval_on_selector_all("[data-ramp-item]:checked",
                                     "els => els.map(e => e.dataset.rampItem)") \
        == ["learn/practice"]
    assert "1 tick is for an item no longer in this ramp." in \
        page.locator("[data-ramp-shared-banner]").inner_text()
    context.close()
    assert errors == []


@pytest.mark.parametrize("progress", ["2.abcdef", "1.abc", "1.ab$def", "nonsense"])
def test_a_damaged_progress_link_says_so_and_ticks_nothing(served_sample, progress):
    browser, base = served_sample
    context, page, errors = _ramp_page(browser, base, f"{RAMP_URL}?progress={progress}")
    banner = page.locator("[data-ramp-shared-banner]").inner_text()
    assert banner.startswith("Progress shared by link, read-only.")
    assert "This link is damaged or was made by a newer version of the playbook" in banner
    assert page.locator("[data-ramp-item]:checked").count() == 0
    assert page.locator("[data-ramp-item]:enabled").count() == 0
    context.close()
    assert errors == []


def test_an_items_code_in_a_progress_link_never_changes():
    """Links already sent must keep opening: the code is fixed by the item's key alone."""
    assert share_code("learn/gate") == "w6reY-"  # base64url(sha256("learn/gate"))[:6]
    assert share_code("learn/practice") != share_code("do/practice")


def test_without_javascript_the_ramp_is_a_plain_checklist(served_sample):
    browser, base = served_sample
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "ramp/new-account-executive/")
    assert page.locator("[data-ramp-item]").count() > 10
    assert not page.locator("[data-ramp-progress]").first.is_visible()  # no "0 of 9" it can't keep
    page.emulate_media(media="print")
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert not page.locator(".md-header").is_visible()
    assert page.locator(".pb-gate").count() == 3
    context.close()


def test_the_new_pages_front_matter_is_valid_yaml():
    """MkDocs prints front matter it cannot parse as page text, without a warning."""
    import yaml

    library = load_library(REPO / "content", today=date(2026, 11, 1)).library
    pages = [f for f in render_site(library, date(2026, 11, 1), {})
             if f.path.startswith(("ramp/", "scorecard")) or f.path.endswith("/coach.md")]
    assert len(pages) == 2 + 1 + len(library.taxonomy.terms["skills"]) + 1  # and the CSV
    for page in pages:
        if page.is_page:
            meta = yaml.safe_load(str(page.text).split("\n---\n", 1)[0].split("---\n", 1)[1])
            assert isinstance(meta, dict) and meta["title"] and meta["description"], page.path
