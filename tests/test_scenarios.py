"""Practice scenarios (issue 23): content/scenarios/<id>.md validated at the line,
built as role-play cards (the rep's on printed page one, the buyer's with the
scoring on page two), linked from skills, terms, coaching packs and ramps, and
found by the header search. Expected values are written by hand from the sample."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from generator.pages import render_site
from generator.search_index import page_kind
from helpers import TODAY

SCENARIO = """\
---
title: Security review with Globex
skills: [discovery]
buyer_role: it-security
competitor: globex
objections: [security]
situation: The security lead asked for a call about vendor risk.
buyer: You have cleared Globex already and will not say so at first.
lines:
  - story: globex-soc2
  - Can you answer ninety questions in two weeks?
criteria:
  security-early: 3
debrief:
  - What did the buyer need, and by when?
---
Play the security lead as annoyed at being asked late.
"""
PATH = "content/scenarios/globex-review.md"


def findings(library) -> list[tuple]:
    return [(p.path, p.line, p.field, p.code) for p in library.load().problems]


def test_a_valid_scenario_loads_with_the_storys_quote_as_a_line(library):
    library.write("scenarios/globex-review.md", SCENARIO)
    result = library.load()
    assert result.problems == []
    (scenario,) = result.library.scenarios
    assert scenario.facet("competitors") == ("globex",)
    assert scenario.facet("stages") == ()  # optional on a scenario
    assert [(line.text, line.story) for line in scenario.lines] == [
        ("By the time your security packet arrived we had finished Globex's review.",
         "globex-soc2"),
        ("Can you answer ninety questions in two weeks?", None)]
    assert scenario.criteria == (("security-early", "3"),)
    assert result.library.scenarios_by("skills", "discovery") == (scenario,)


@pytest.mark.parametrize("old, new, line, field, code", [
    ("story: globex-soc2", "story: globex-soc3", 10, "lines[0].story", "scenario.unknown-id"),
    ("  security-early: 3", "  security-erly: 3", 13, "criteria.security-erly",
     "scenario.unknown-id"),
    ("  security-early: 3", "  security-early: 4", 13, "criteria.security-early",
     "scenario.level"),
    ("lines:\n  - story: globex-soc2\n  - Can you answer ninety questions in two weeks?\n",
     "lines: []\n", 9, "lines", "scenario.no-lines"),
    ("skills: [discovery]", "skills: [discovry]", 3, "skills[0]", "term.unknown"),
    ("competitor: globex", "competitor: globx", 5, "competitor", "term.unknown"),
    ("title: Security review with Globex", 'title: "Security\\u0001review"', 2, "title",
     "text.control-character"),
    ("debrief:", "debriefs:", 14, "debriefs", "field.unknown"),
    ("situation: The security lead asked for a call about vendor risk.\n", "", 2, "situation",
     "field.required"),
])
def test_each_fault_is_reported_at_its_line(library, old, new, line, field, code):
    assert old in SCENARIO
    library.write("scenarios/globex-review.md", SCENARIO.replace(old, new))
    found = [f for f in findings(library) if f[0] == PATH]
    assert found == [(PATH, line, field, code)]


def test_an_unknown_id_suggests_the_closest(library):
    library.write("scenarios/globex-review.md",
                  SCENARIO.replace("story: globex-soc2", "story: globex-soc3"))
    (problem,) = library.load().problems
    assert "did you mean 'globex-soc2'?" in problem.message


def test_a_ramp_phase_links_a_scenario_and_keeps_free_text(library):
    from helpers import RAMP
    library.write("scenarios/globex-review.md", SCENARIO)
    library.write("ramp/first-thirty.md", RAMP.replace(
        "    study: [discovery]\n",
        "    study: [discovery]\n    practice:\n      - Shadow three calls.\n"
        "      - scenario: globex-review\n"))
    result = library.load()
    assert result.problems == []
    (ramp,) = result.library.ramps
    assert ramp.phases[0].practice == (("text", "Shadow three calls."),
                                       ("scenario", "globex-review"))
    pages = {f.path: f.content for f in render_site(result.library, TODAY, {})}
    ramp_page = pages["ramp/first-thirty.md"]
    assert ('<a id="tick-learn--practice--scenario--globex-review-what" '
            'class="pb-ramp-item__title" href="../../scenarios/globex-review/">'
            'Security review with Globex</a>') in ramp_page
    assert "Shadow three calls." in ramp_page
    # The scenario's page, and the skill and competitor pages that link it.
    assert "scenarios/globex-review.md" in pages
    assert 'href="../../scenarios/globex-review/"' in pages["skills/discovery.md"]
    assert 'href="../../scenarios/globex-review/"' in pages["competitors/globex.md"]
    assert 'href="../../../scenarios/globex-review/"' in pages["skills/discovery/coach.md"]
    assert "scenarios/globex-review/" not in pages["competitors/northwind.md"]


def test_a_ramp_naming_an_unknown_scenario_is_an_error_at_its_line(library):
    from helpers import RAMP
    library.write("scenarios/globex-review.md", SCENARIO)
    library.write("ramp/first-thirty.md", RAMP.replace(
        "    study: [discovery]\n",
        "    study: [discovery]\n    practice:\n      - scenario: globex-reveiw\n"))
    problems = library.load().problems
    assert [(p.path, p.line, p.field, p.code) for p in problems] == [
        ("content/ramp/first-thirty.md", 11, "phases[0].practice[0].scenario",
         "ramp.unknown-id")]
    assert problems[0].message == (
        "phase 'Learn' names the scenario 'globex-reveiw' in 'practice', which the library "
        "does not have; did you mean 'globex-review'?")


def test_search_counts_a_scenario_page_as_a_scenario():
    assert page_kind("scenarios/northwind-price-objection.md") == "scenario"
    assert page_kind("scenarios/index.md") == "guide"


# -- The sample's three scenarios, built --------------------------------------

SAMPLE = {
    # scenario id -> (a story whose quote is one of its lines, the start of the
    # buyer's brief, the start of the rep's brief)
    "cfo-discovery-call": ("lost-to-spreadsheets-and-email", "You are the CFO.",
                           "You have thirty minutes with the CFO"),
    "globex-security-review-objection": ("globex-trust-package-before-we-asked",
                                         "You are the IT security lead.",
                                         "Week six of an evaluation"),
    "northwind-price-objection": ("northwind-discounts-chased-not-value",
                                  "You are the controller.", "Final round at a 400-person"),
}


def test_the_three_sample_scenarios_build_with_their_stories_words(sample_site):
    listing = (sample_site / "scenarios" / "index.html").read_text("utf-8")
    for scenario_id, (story_id, buyer, rep) in SAMPLE.items():
        assert f'href="{scenario_id}/"' in listing
        page = (sample_site / "scenarios" / scenario_id / "index.html").read_text("utf-8")
        assert f'href="../../stories/{story_id}/"' in page  # whose words the line is
        # The buyer's card is folded behind its control, the rep's is not.
        folded = page[page.index('<details class="pb-scenario-buyer">'):]
        assert "<summary>Show the buyer's brief</summary>" in folded
        assert buyer in folded and rep not in folded
    quote = "He dropped the price twice in one week."
    assert quote in (sample_site / "scenarios" / "northwind-price-objection" /
                     "index.html").read_text("utf-8")
    ramp = (sample_site / "ramp" / "new-account-executive" / "index.html").read_text("utf-8")
    assert 'href="../../scenarios/cfo-discovery-call/"' in ramp
    skill = (sample_site / "skills" / "discovery" / "index.html").read_text("utf-8")
    assert 'href="../../scenarios/cfo-discovery-call/"' in skill


def _words(text: str) -> str:
    return re.sub(r"[\s\-\u00ad]+", "", text)


@pytest.mark.parametrize("scenario_id", sorted(SAMPLE))
def test_a_printed_scenario_is_two_cards_with_the_buyers_brief_on_page_two(
        served_sample, tmp_path, scenario_id):
    from pypdf import PdfReader

    browser, base = served_sample
    page = browser.new_page()
    page.goto(base + f"scenarios/{scenario_id}/")
    pdf = tmp_path / "scenario.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.close()
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2
    first, second = (_words(p.extract_text()) for p in reader.pages)
    _, buyer, rep = SAMPLE[scenario_id]
    assert _words(rep) in first and _words(rep) not in second
    assert _words(buyer) in second and _words(buyer) not in first
    assert _words("The buyer's brief") in second and _words("What the buyer says") in second
    assert "Showthebuyer" not in first + second  # the fold's control is not printed
    assert "GOODREACHES" in second.upper()


def test_the_header_search_finds_a_scenario_marked_as_one(served_sample):
    browser, base = served_sample
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(base)
    page.keyboard.press("/")
    page.keyboard.type("price objection against Northwind")
    page.wait_for_selector("[data-pb-search][data-pb-search-ready]")
    group = page.locator(".pb-site-search__group--scenario")
    assert group.locator(".pb-site-search__heading").inner_text().lower().startswith(
        "practice scenarios")
    first = group.locator(".pb-site-search__hit").first.get_attribute("href")
    assert urlsplit(first).path.endswith("scenarios/northwind-price-objection/")
    page.close()


def test_a_public_build_leaves_out_a_line_quoted_from_a_confidential_story(library):
    from generator.load import load_library

    library.write("stories/globex-soc2.md",
                  (library.content / "stories" / "globex-soc2.md").read_text().replace(
                      "outcome: loss\n", "outcome: loss\nconfidential: true\n"))
    library.write("scenarios/globex-review.md", SCENARIO)
    internal = load_library(library.content, today=TODAY).library.scenarios[0]
    assert [line.story for line in internal.lines] == ["globex-soc2", None]
    public = load_library(library.content, today=TODAY, public=True)
    assert public.errors == []
    assert [line.text for line in public.library.scenarios[0].lines] == [
        "Can you answer ninety questions in two weeks?"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_unfolded_buyers_card_has_no_serious_accessibility_fault(served_sample, scheme):
    from helpers import axe_report, axe_violations

    browser, base = served_sample
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  color_scheme="dark" if scheme == "dark" else "light")
    page = context.new_page()
    page.goto(base + "scenarios/northwind-price-objection/")
    page.get_by_text("Show the buyer's brief").click()
    assert page.get_by_role("heading", name="The buyer's brief").is_visible()
    violations = axe_violations(page)
    context.close()
    assert not violations, axe_report(violations, f"{scheme} scenario, buyer's card open")


def test_scenario_texts_are_escaped_on_its_page(library):
    library.write("scenarios/globex-review.md", SCENARIO.replace(
        "  - Can you answer ninety questions in two weeks?",
        '  - "<script>alert(1)</script> Two weeks?"').replace(
        "situation: The security lead", "situation: <img src=x onerror=alert(1)> The lead"))
    result = library.load()
    assert result.errors == []
    pages = {f.path: f.content for f in render_site(result.library, TODAY, {})}
    page = pages["scenarios/globex-review.md"]
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Two weeks?" in page
    assert "&lt;img src=x onerror=alert(1)&gt; The lead" in page
