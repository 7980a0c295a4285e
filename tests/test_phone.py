"""The finder, insights and ramp on a 390 x 844 phone, in Chromium (issue 20's "Phones").

Each test saves a screenshot to look at: into $PLAYBOOK_SHOTS if set, else a
temporary folder that pytest names in its output.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def test_on_a_phone_the_filters_fold_and_the_first_result_is_in_the_first_screen(
        open_page, shots):
    page = open_page("stories/?outcome=loss&competitor=globex", **PHONE)
    page.wait_for_selector("[data-finder-list][data-finder-ready]")
    filters = page.locator("[data-finder-filters]")
    assert filters.locator("summary").inner_text() == "Filters (2)"
    assert not filters.evaluate("details => details.open")
    assert not page.locator("select[name=competitor]").is_visible()
    first = page.locator("[data-finder-list] > li").first.bounding_box()
    assert first is not None and first["y"] < 844
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=shots / "finder-phone.png")

    # One tap opens them, set as the URL says.
    filters.locator("summary").click()
    assert page.locator("select[name=competitor]").input_value() == "globex"
    page.select_option("select[name=stage]", "negotiation")
    assert filters.locator("summary").inner_text() == "Filters (3)"
    page.screenshot(path=shots / "finder-phone-filters-open.png", full_page=True)
    page.click("[data-finder-reset]")
    page.wait_for_function("document.querySelector('[data-finder-filters] summary')"
                           ".textContent === 'Filters (0)'")


def test_on_a_desktop_the_filters_stay_open(open_page, shots):
    page = open_page("stories/?skill=discovery", **DESKTOP)
    page.wait_for_selector("[data-finder-list][data-finder-ready]")
    assert page.locator("[data-finder-filters] summary").inner_text() == "Filters (1)"
    assert page.locator("select[name=skill]").is_visible()
    page.screenshot(path=shots / "finder-desktop.png")


def test_without_javascript_the_filters_are_open(open_page):
    page = open_page("stories/", java_script_enabled=False, **PHONE)
    assert page.locator("select[name=outcome]").is_visible()
    assert not page.locator("[data-finder-copy]").is_visible()  # it could not copy


def test_copy_link_to_this_view_copies_the_words_and_filters(open_page, served_sample):
    _, base = served_sample
    page = open_page("stories/?q=security&outcome=loss", **PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.wait_for_selector("[data-finder-list][data-finder-ready]")
    page.click("[data-finder-filters] summary")
    page.select_option("select[name=competitor]", "globex")
    button = page.get_by_role("button", name="Copy link to this view")
    button.click()
    page.wait_for_function("document.querySelector('[data-finder-copy]').textContent"
                           " === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(base + "stories/?")
    assert parse_qs(urlsplit(copied).query) == {
        "q": ["security"], "outcome": ["loss"], "competitor": ["globex"]}


# The rendered size of a chart's text: its font size in viewBox units times the
# SVG's scale on screen.
_CHART_TEXT_SIZES = """() => [...document.querySelectorAll('.pb-chart svg text')].map(t =>
  parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_insights_chart_text_is_under_12_px(open_page, shots, device):
    page = open_page("insights/", **device)
    sizes = page.evaluate(_CHART_TEXT_SIZES)
    assert len(sizes) > 20
    assert min(sizes) >= 12, sorted(sizes)[:3]
    assert page.evaluate("document.documentElement.scrollWidth") <= device["viewport"]["width"]
    name = "phone" if device is PHONE else "desktop"
    page.locator(".pb-chart").first.scroll_into_view_if_needed()
    page.screenshot(path=shots / f"insights-{name}.png")


def test_on_a_phone_the_ramps_progress_reads_on_one_line(open_page, shots):
    page = open_page("ramp/new-account-executive/", **PHONE)
    page.locator('[data-ramp-phase="learn"] [data-ramp-item]').first.check()
    progress = page.locator("[data-ramp-overall], [data-ramp-progress]")
    assert progress.count() == 4
    # 31 items and gates, and the two scenarios the Learn phase practises
    assert progress.first.inner_text() == "1 of 33 done in all"
    for index in range(progress.count()):
        line = progress.nth(index)
        # One line: the box is no taller than one line of its text (and the bar).
        height, line_height = line.evaluate(
            "p => [p.getBoundingClientRect().height, parseFloat(getComputedStyle(p).lineHeight)]")
        assert height < 1.5 * line_height, (line.inner_text(), height, line_height)
        assert line.locator("[data-ramp-count]").evaluate("c => c.getClientRects().length") == 1
    page.screenshot(path=shots / "ramp-phone.png")
    gate = page.locator('[data-ramp-phase="learn"] .pb-gate')
    gate.scroll_into_view_if_needed()
    page.screenshot(path=shots / "ramp-phone-gate.png")
