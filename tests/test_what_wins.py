"""What wins (issue 23): win rates with each criterion present and absent, their
intervals, the /insights/what-wins/ page and `playbook insights`.

Expected figures are counted by hand from the stories written here or in
content/stories, and the intervals are published examples, never the code's output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from generator.analysis.what_wins import newcombe, what_wins, wilson
from generator.build import Settings, run
from helpers import CRITERION, EPOCH, REPO, STORY, TODAY

# -- the intervals against published examples -----------------------------------------


@pytest.mark.parametrize(("wins", "total", "low", "high"), [
    # Newcombe (1998a), "Two-sided confidence intervals for the single proportion",
    # Table I, method 3 (Wilson score, no continuity correction).
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_intervals_match_the_published_examples(wins, total, low, high):
    found = wilson(wins, total)
    assert found is not None
    assert (round(found[0], 4), round(found[1], 4)) == (low, high)


@pytest.mark.parametrize(("first", "second", "low", "high"), [
    # Newcombe (1998b), "Interval estimation for the difference between independent
    # proportions", Table II, method 10 (hybrid score, no continuity correction).
    ((56, 70), (48, 80), 0.0524, 0.3339),
    ((9, 10), (3, 10), 0.1705, 0.8090),
    ((6, 7), (2, 7), 0.0582, 0.8062),
    ((5, 56), (0, 29), -0.0381, 0.1926),
])
def test_newcombe_difference_intervals_match_the_published_examples(first, second, low, high):
    found = newcombe(*first, *second)
    assert found is not None
    assert (round(found[0], 4), round(found[1], 4)) == (low, high)


def test_a_group_without_stories_has_no_rate_and_no_interval():
    assert wilson(0, 0) is None
    assert newcombe(1, 2, 0, 0) is None and newcombe(0, 0, 1, 2) is None


# -- a library counted by hand ---------------------------------------------------------

MULTI_THREADED = (CRITERION.replace("Surfaces the security review early", "Multi-threaded")
                  .replace("skill: discovery", "skill: stakeholder-engagement"))
NEVER_CITED = CRITERION.replace("title: Surfaces the security review early",
                                "title: 'Never <b>cited</b> & <script>x()</script>'")


def _story(library, name: str, outcome: str, present: str = "", absent: str = "",
           competitor: str = "globex") -> None:
    text = STORY.replace("competitor: globex", f"competitor: {competitor}")
    if outcome != "loss":
        text = text.replace("outcome: loss\nloss_reason: execution\n", f"outcome: {outcome}\n")
    text = text.replace("criteria:\n  absent: [security-early]\n",
                        f"criteria:\n  present: [{present}]\n  absent: [{absent}]\n")
    library.story(text, f"{name}.md")


@pytest.fixture
def counted(library):
    """security-early: present in 5 wins (w1-w5) and 1 loss (l1); absent in 4 losses
    (l2-l5), 1 win (w6) and the fixture's own loss (globex-soc2); and present in a
    no-decision (n1), which is left out. multi-threaded: present in w1, w2 (wins) and
    l2 (a loss), absent in l3 (a loss). never-cited: no story at all.
    Northwind: w1, w2 and l2; every other story is Globex's."""
    library.write("criteria/multi-threaded.md", MULTI_THREADED)
    library.write("criteria/never-cited.md", NEVER_CITED)
    _story(library, "w1", "win", "security-early, multi-threaded", competitor="northwind")
    _story(library, "w2", "win", "security-early, multi-threaded", competitor="northwind")
    for name in ("w3", "w4", "w5"):
        _story(library, name, "win", "security-early")
    _story(library, "l1", "loss", "security-early")
    _story(library, "l2", "loss", "multi-threaded", "security-early", competitor="northwind")
    _story(library, "l3", "loss", "", "security-early, multi-threaded")
    for name in ("l4", "l5"):
        _story(library, name, "loss", "", "security-early")
    _story(library, "w6", "win", "", "security-early")
    _story(library, "n1", "no-decision", "security-early")
    return library


def test_the_figures_match_a_hand_count(counted):
    result = counted.load()
    assert result.errors == []
    figures = what_wins(result.library.stories, result.library.criteria)
    assert figures.stories == 13 and figures.left_out == 1
    by_id = {row.criterion.id: row for row in figures.rows}
    security = by_id["security-early"]
    assert (security.present.wins, security.present.total) == (5, 6)
    assert (security.absent.wins, security.absent.total) == (1, 6)
    assert security.left_out == 1
    assert security.difference == pytest.approx(4 / 6)
    assert [row.criterion.id for row in figures.ranked] == ["security-early"]
    multi = by_id["multi-threaded"]
    assert (multi.present.wins, multi.present.total, multi.absent.wins, multi.absent.total) \
        == (2, 3, 0, 1)
    assert not multi.enough
    never = by_id["never-cited"]
    assert never.present.share is None and never.difference is None and never.interval is None
    assert [row.criterion.id for row in figures.too_few] == ["multi-threaded", "never-cited"]


@pytest.fixture
def counted_page(counted):
    built = run(Settings(counted.content, today=TODAY, check_audio=False))
    assert built.errors == []
    return {f.path: f.text for f in built.files if f.text is not None}


def _row(html: str, criterion: str) -> str:
    return html.split(f'<tr id="{criterion}"', 1)[1].split("</tr>", 1)[0]


def test_the_page_ranks_says_too_few_and_never_nan(counted_page):
    page = counted_page["insights/what-wins.md"]
    overall = page.split('id="broken-down"')[0]
    assert "From 13 stories; only wins and losses count (1 story with other outcomes left " \
           "out)" in overall
    assert "Association, not cause." in overall
    security = _row(overall, "security-early")
    assert '<span class="pb-what-wins__rank">1.</span>' in security
    assert "5 of 6 won" in security and "1 of 6 won" in security
    assert "+67 pts (" in security and "too few" not in security
    multi = _row(overall, "multi-threaded")
    assert "pb-what-wins__rank" not in multi and "too few stories to say" in multi
    never = _row(overall, "never-cited")
    assert never.count("no stories") == 2 and "too few stories to say" in never
    assert "nan" not in page.lower().replace("pb-", "") and "None" not in page
    # Content is text: the title is escaped in the table and in the chart alike.
    assert "<script>" not in page and "<b>" not in page
    assert overall.count("Never &lt;b&gt;cited&lt;/b&gt; &amp; &lt;script&gt;x()&lt;/script&gt;") \
        == 2


def test_the_breakdown_has_every_terms_table_and_a_select_that_only_picks(counted_page):
    page = counted_page["insights/what-wins.md"]
    # One section per term with stories; the select is hidden until the script shows it.
    assert 'data-what-wins-pick hidden' in page
    assert '<option value="competitors.northwind">Northwind (3)</option>' in page
    assert '<option value="competitors.globex">Globex (10)</option>' in page
    assert '<option value="skills.stakeholder-engagement">' not in page  # no story
    northwind = page.split('data-what-wins-term="competitors.northwind"')[1].split("</section>")[0]
    # Northwind: security-early present in w1, w2 (wins), absent in l2 (a loss).
    security = northwind.split('criteria/security-early/')[1].split("</tr>")[0]
    assert "2 of 2 won" in security and "0 of 1 won" in security
    assert "too few stories to say" in security
    assert page.count("data-what-wins-term=") == page.count("<option value=")


def test_criterion_skill_and_insights_pages_link_what_wins(counted_page):
    criterion = counted_page["criteria/security-early.md"]
    assert 'href="../../insights/what-wins/#security-early"' in criterion
    # Its own figures, counted by hand as above.
    assert "Win rate with it present: 83% (5 of 6 won; " in criterion
    assert "with it absent: 17% (1 of 6 won; " in criterion
    assert "A difference of +67 pts (" in criterion
    assert "(1 story with other outcomes left out)" in criterion
    assert "Too few stories to say." in counted_page["criteria/multi-threaded.md"]
    assert 'href="../../insights/what-wins/"' in counted_page["skills/discovery.md"]
    assert 'href="what-wins/"' in counted_page["insights.md"]


# -- the sample library and `playbook insights` ----------------------------------------

def _insights(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", "insights", *args], cwd=REPO,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
                          capture_output=True, text=True)


def test_the_samples_figures_for_two_criteria_match_a_hand_count():
    first, second = _insights("--format", "json"), _insights("--format", "json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout  # deterministic
    data = json.loads(first.stdout)["what_wins"]
    # content/stories has 28 stories; 2 are no-decisions, both citing criteria.
    assert (data["stories"], data["left_out"]) == (28, 2)
    rows = {row["criterion"]: row for row in data["criteria"]}
    # quantified-pain present: approvers-on-the-shop-floor, cfo-met-in-week-two,
    # close-days-quantified-beat-status-quo, duplicate-payment-math-beat-northwind (wins),
    # infosec-veto-after-verbal-yes, single-threaded-through-ap-manager (losses), and
    # security-queue-outlasted-the-budget (no decision, left out). Absent: erp-native-
    # module-good-enough, lost-to-spreadsheets-and-email, new-cfo-brought-umbrella,
    # too-small-for-our-minimum (losses).
    pain = rows["quantified-pain"]
    assert (pain["present"]["wins"], pain["present"]["stories"]) == (4, 6)
    assert (pain["absent"]["wins"], pain["absent"]["stories"]) == (0, 4)
    assert pain["left_out"] == 1 and pain["too_few_stories"] and pain["rank"] is None
    # security-early present: security-lead-invited-to-second-demo, security-
    # questionnaire-sent-week-one, security-review-slot-booked-in-week-two (wins).
    # Absent: globex-security-review-came-too-late, globex-trust-package-before-we-asked,
    # infosec-veto-after-verbal-yes (losses), security-queue-outlasted-the-budget (left out).
    security = rows["security-early"]
    assert (security["present"]["wins"], security["present"]["stories"]) == (3, 3)
    assert (security["absent"]["wins"], security["absent"]["stories"]) == (0, 3)
    assert security["left_out"] == 1 and security["difference"] == 1.0
    assert "globex" in data["breakdowns"]["competitors"]


def test_playbook_insights_prints_the_table_for_people():
    result = _insights()
    assert result.returncode == 0, result.stderr
    assert "  quantified-pain: present 67% (4 of 6 won; 30%–90%); absent 0% (0 of 4 won; " \
           "0%–49%); difference too few stories to say" in result.stdout
    assert "2 stories with other outcomes left out" in result.stdout


def test_playbook_insights_on_a_broken_library_prints_its_problems_and_no_figures(tmp_path):
    result = _insights("--content", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == \
        "nowhere/taxonomy.yml: error: the taxonomy file is missing (file.missing)"
    assert result.stderr.splitlines()[-1] == \
        "playbook insights: 1 error, 0 warnings; fix them first (`playbook validate` lists " \
        "every problem)"


# -- in Chromium: the select only shows or hides; chart text on a phone ---------------

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
# The rendered size of a chart's text: its font size in viewBox units times the SVG's
# scale on screen (as tests/test_phone.py measures the insights charts).
_CHART_TEXT_SIZES = """() => [...document.querySelectorAll('.pb-chart svg text')].map(t =>
  parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""
_SHOWN_TERMS = """() => [...document.querySelectorAll('[data-what-wins-term]')]
  .filter(s => s.getClientRects().length).map(s => s.dataset.whatWinsTerm)"""


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_what_wins_chart_text_is_12_px_or_more_and_nothing_overflows(open_page, shots, device):
    page = open_page("insights/what-wins/", **device)
    sizes = page.evaluate(_CHART_TEXT_SIZES)
    assert len(sizes) > 20  # a title, a figure line per criterion and the axis
    assert min(sizes) >= 12, sorted(sizes)[:3]
    width = device["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The ranked table fits the phone without scrolling sideways.
    assert page.locator(".pb-matrix-wrap").first.evaluate("w => w.scrollWidth <= w.clientWidth")
    name = "phone" if device is PHONE else "desktop"
    page.screenshot(path=shots / f"what-wins-{name}.png")
    page.locator(".pb-chart").scroll_into_view_if_needed()
    page.screenshot(path=shots / f"what-wins-{name}-chart.png")


def test_the_breakdown_select_shows_one_terms_table_and_keeps_it_in_the_url(open_page, shots):
    page = open_page("insights/what-wins/", **PHONE)
    select = page.locator("[data-what-wins-select]")
    assert select.is_visible()
    assert page.evaluate(_SHOWN_TERMS) == ["skills.business-case"]  # the first option
    select.select_option("competitors.globex")
    assert page.evaluate(_SHOWN_TERMS) == ["competitors.globex"]
    assert page.url.endswith("#by-competitors.globex")
    page.locator("#broken-down").scroll_into_view_if_needed()
    page.screenshot(path=shots / "what-wins-phone-breakdown.png")
    # The link opens on the same term.
    linked = open_page("insights/what-wins/#by-competitors.globex", **PHONE)
    assert linked.evaluate(_SHOWN_TERMS) == ["competitors.globex"]
    # A damaged or unknown fragment shows the first term, without an error.
    damaged = open_page("insights/what-wins/#by-%E0%A4%A", **PHONE)
    assert damaged.evaluate(_SHOWN_TERMS) == ["skills.business-case"]


def test_without_javascript_every_terms_table_is_on_the_page(open_page):
    page = open_page("insights/what-wins/", java_script_enabled=False, **PHONE)
    assert not page.locator("[data-what-wins-select]").is_visible()  # it could not choose
    shown = page.evaluate(_SHOWN_TERMS)
    assert len(shown) > 20 and "competitors.globex" in shown and "roles.cfo" in shown


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_on_what_wins(open_page, scheme):
    from helpers import axe_report, axe_violations

    page = open_page("insights/what-wins/", color_scheme=scheme, **PHONE)
    page.wait_for_load_state("load")
    violations = axe_violations(page)
    if violations:
        pytest.fail(axe_report(violations, f"{scheme} /insights/what-wins/"), pytrace=False)


def test_search_finds_what_wins_by_its_words_but_not_its_breakdown_tables(sample_site):
    from helpers import indexed_pages

    found = [page for page in indexed_pages(sample_site)
             if page["url"].rstrip("/").endswith("insights/what-wins")]
    assert len(found) == 1
    words = found[0]["content"]
    assert "Association, not cause." in words and "Quantifies the cost of the current AP" in words
    assert "Competitors: Globex" not in words and "Show the stories of" not in words
