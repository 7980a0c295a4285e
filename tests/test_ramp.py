"""Ramp playbooks: content/ramp/<id>.md, validated at the line, built as a checklist
whose ticks the browser keeps."""

from __future__ import annotations

import re
from datetime import date

import pytest

from generator.load import load_library
from generator.pages import render_site
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
    learn.locator('[data-ramp-item="learn/gate"]').check()
    assert learn.locator("[data-ramp-progress]").inner_text().startswith(f"3 of {total}")

    page.reload()
    learn = page.locator('[data-ramp-phase="learn"]')
    boxes = learn.locator("[data-ramp-item]")
    ticked = [boxes.nth(i).is_checked() for i in range(total)]
    assert ticked[0] and ticked[2] and ticked[-1] and sum(ticked) == 3
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
