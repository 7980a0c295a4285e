"""The header's search (issue 20, "One search"): one Pagefind index for the
whole site, searched from a dialog on every page, results grouped by kind with
stories first. Expected values are read by hand from the sample in content/."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from helpers import REPO, indexed_pages

# The stories tagged with the objection "security", whose alias is "infosec"
# (content/taxonomy.yml), each with its outcome's badge.
SECURITY_STORIES = {
    "globex-security-review-came-too-late": "Loss",
    "globex-trust-package-before-we-asked": "Loss",
    "infosec-veto-after-verbal-yes": "Loss",
    "security-lead-invited-to-second-demo": "Win",
    "security-questionnaire-sent-week-one": "Win",
    "security-queue-outlasted-the-budget": "No decision",
    "security-review-slot-booked-in-week-two": "Win",
}
READY = "[data-pb-search][data-pb-search-ready]"


@pytest.fixture
def page(served_sample):
    browser, _ = served_sample
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


@pytest.fixture
def base(served_sample) -> str:
    return served_sample[1]


def search(page, url: str, words: str) -> None:
    """Open the header search with "/" on `url` and type `words`."""
    page.goto(url)
    page.keyboard.press("/")
    page.keyboard.type(words)
    page.wait_for_selector(READY)


def groups(page) -> list[str]:
    return page.locator(".pb-site-search__heading").all_inner_texts()


def hits(page, kind: str) -> list[str]:
    """The paths (under /playbook/) of one group's results, in order."""
    hrefs = page.locator(f".pb-site-search__group--{kind} .pb-site-search__hit").evaluate_all(
        "links => links.map(link => link.href)")
    return [urlsplit(href).path.removeprefix("/playbook/") for href in hrefs]


def test_infosec_finds_the_security_stories_by_their_alias(page, base):
    search(page, base + "skills/", "infosec")
    heading = page.locator(".pb-site-search__group--story .pb-site-search__heading")
    assert heading.inner_text().lower() == "stories (7)"
    shown = hits(page, "story")
    assert len(shown) == 5  # the group is capped
    assert {path.split("/")[1] for path in shown} <= set(SECURITY_STORIES)
    # The objection's own page is found by its alias too.
    assert hits(page, "topic") == ["objections/security/"]


def test_results_are_grouped_by_kind_with_stories_first_and_their_outcome(page, base):
    search(page, base, "security")
    headings = [re.sub(r" \(\d+\)$", "", text).lower() for text in groups(page)]
    assert headings[0] == "stories"
    assert {"coaching criteria", "topics", "skills"} <= set(headings)
    assert len(headings) == len(set(headings))  # one group per kind
    for item in page.locator(".pb-site-search__group--story .pb-site-search__hit").all():
        story_id = item.get_attribute("href").rstrip("/").split("/")[-1]
        if story_id in SECURITY_STORIES:
            assert item.locator(".pb-outcome").inner_text() == SECURITY_STORIES[story_id]
    assert page.locator(".pb-site-search__group--story .pb-outcome").count() == len(
        hits(page, "story"))


@pytest.mark.parametrize("words, kind, path", [
    ("Surfaces the security review in the first two calls", "criterion",
     "criteria/security-early/"),
    ("Contributing a story", "guide", "contributing/"),  # docs/contributing.md
    ("Ramp", "guide", "ramp/"),
    ("30/60/90 new account executive", "ramp", "ramp/new-account-executive/"),
    ("Discovery coaching pack", "coaching", "skills/discovery/coach/"),
])
def test_a_criterion_a_guide_and_other_pages_are_found_by_their_titles(page, base, words,
                                                                       kind, path):
    search(page, base, words)
    assert hits(page, kind)[0] == path


def test_see_all_stories_opens_the_finder_with_the_words_kept(page, base):
    search(page, base + "criteria/", "infosec")
    link = page.get_by_role("link", name="See all 7 stories in the finder")
    assert link.is_visible()
    link.click()
    page.wait_for_url("**/playbook/stories/?q=infosec")
    page.wait_for_selector("[data-finder-list][data-finder-ready]")
    assert page.input_value(".md-content input[name=q]") == "infosec"
    assert page.inner_text("[data-finder-count]").startswith("7 of 28 stories")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["infosec"]}


def test_the_search_works_with_the_keyboard_alone(page, base):
    page.goto(base + "competitors/globex/")
    opener = page.locator("[data-pb-search-open]")
    assert opener.get_attribute("aria-keyshortcuts") == "/"
    page.keyboard.press("/")
    dialog = page.locator("#pb-site-search")
    assert dialog.evaluate("d => d.open")
    assert page.evaluate("document.activeElement.id") == "pb-site-search-q"
    page.keyboard.type("Surfaces the security review")
    page.wait_for_selector(READY)
    links = page.locator("#pb-site-search a[href]")
    page.keyboard.press("ArrowDown")
    first = links.nth(0)
    assert first.evaluate("a => a === document.activeElement")
    # The focused result is visibly marked.
    assert first.evaluate("a => getComputedStyle(a).outlineStyle") == "solid"
    page.keyboard.press("ArrowDown")
    assert links.nth(1).evaluate("a => a === document.activeElement")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "pb-site-search-q"
    # Escape closes it and gives the focus back to the button.
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open")
    assert opener.evaluate("b => b === document.activeElement")
    # Enter on a result opens it; Enter in the box opens the first result.
    page.keyboard.press("Enter")  # the focused button opens the dialog again
    assert dialog.evaluate("d => d.open")
    page.keyboard.press("ArrowDown")
    target = page.evaluate("document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url(target)
    page.keyboard.press("/")
    page.keyboard.type("Contributing a story")
    page.wait_for_selector(READY)
    page.keyboard.press("Enter")
    page.wait_for_url("**/playbook/contributing/")


def test_slash_typed_in_a_field_stays_in_the_field(page, base):
    page.goto(base + "stories/")
    page.wait_for_selector("[data-finder-list][data-finder-ready]")
    page.click(".md-content input[name=q]")
    page.keyboard.type("a/b")
    assert page.input_value(".md-content input[name=q]") == "a/b"
    assert not page.locator("#pb-site-search").evaluate("d => d.open")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800},
                                      {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_the_dialog_is_named_and_passes_axe_in_both_schemes(served_sample, scheme, viewport):
    from axe_playwright_python.sync_playwright import Axe

    browser, base = served_sample
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    page.goto(base + "skills/")
    opener = Axe().run(page, context="[data-pb-search-open]")  # in the header's colours
    assert [v["id"] for v in opener.response["violations"]] == []
    page.get_by_role("button", name="Search").click()  # the button, on a phone too
    dialog = page.get_by_role("dialog", name="Search the playbook")
    assert dialog.is_visible()
    page.keyboard.type("infosec")
    page.wait_for_selector(READY)
    page.keyboard.press("ArrowDown")  # a focused result, too
    results = Axe().run(page, context="#pb-site-search")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]])
               for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    context.close()


def test_the_index_holds_every_kind_of_page_once(sample_site):
    kinds: dict[str, list[str]] = {}
    for found in indexed_pages(sample_site):
        kinds.setdefault(found["filters"]["kind"][0], []).append(found["url"])
    assert len(kinds["story"]) == 28
    assert sorted(kinds["criterion"])[:2] == ["/criteria/acknowledge-before-answering/",
                                              "/criteria/economic-buyer-access/"]
    assert len(kinds["criterion"]) == 10
    assert len(kinds["skill"]) == len(kinds["coaching"]) == 5
    assert kinds["ramp"] == ["/ramp/new-account-executive/"]
    assert "/competitors/globex/" in kinds["topic"] and "/roles/cfo/" in kinds["topic"]
    assert {"/contributing/", "/scorecard/", "/insights/", "/calibration/"} <= set(kinds["guide"])
    urls = [url for group in kinds.values() for url in group]
    assert "/" not in urls and "/stories/" not in urls  # home and the finder list stories
    assert len(urls) == len(set(urls))


def test_lists_of_stories_on_other_pages_are_not_searched(sample_site):
    # The Globex page lists its stories' quotes and winning takeaways; a story's
    # words lead to the story, not to every page that lists it.
    pages = {found["url"]: found for found in indexed_pages(sample_site)}
    quote = "Show a bill syncing to Sage Intacct"  # globex-intacct-dimensions-trap
    assert quote in pages["/stories/globex-intacct-dimensions-trap/"]["content"]
    assert [url for url, found in pages.items() if quote in found["content"]] == [
        "/stories/globex-intacct-dimensions-trap/"]
    assert pages["/competitors/globex/"]["meta"]["title"] == "Globex"
    assert pages["/competitors/globex/"]["meta"]["vocabulary"] == "Competitor"
    assert "\u00b6" not in pages["/criteria/security-early/"]["content"]  # no permalinks


def test_the_header_is_materials_with_only_the_search_block_changed():
    """theme/partials/header.html copies Material's; this fails when a Material
    release changes the header, so the copy is brought up to date."""
    import material

    upstream = Path(material.__path__[0], "templates", "partials", "header.html").read_text(
        "utf-8")
    ours = (REPO / "theme" / "partials" / "header.html").read_text("utf-8")
    start = upstream.index('    {% if "material/search" in config.plugins %}')
    end = upstream.index("    {% if config.repo_url %}")
    body = upstream.split("-#}\n", 1)[1]
    assert ours.split("-#}\n", 1)[1] == body.replace(
        upstream[start:end],
        "    {#- playbook: our search, not Material's (the one changed block) -#}\n"
        '    {% include "partials/playbook-search.html" %}\n')


def test_a_managers_words_find_the_stories_the_finder_finds(page, base):
    # "lost" and "globex" become filters (PlaybookQuery, as in the finder).
    search(page, base, "lost to globex on security")
    assert sorted(path.split("/")[1] for path in hits(page, "story")) == [
        "globex-security-review-came-too-late", "globex-trust-package-before-we-asked"]
    assert [badge for badge in page.locator(
        ".pb-site-search__group--story .pb-outcome").all_inner_texts()] == ["Loss", "Loss"]
    page.get_by_role("link", name="See all 2 stories in the finder").click()
    page.wait_for_url("**/playbook/stories/?q=lost+to+globex+on+security")
    page.wait_for_selector("[data-finder-list][data-finder-ready]")
    assert page.inner_text("[data-finder-count]").startswith("2 of 28 stories")


def test_a_typo_finds_the_stories_and_says_so(page, base):
    search(page, base, "secuirty")
    assert "Showing results for security (you typed secuirty)." in page.inner_text(
        "[data-pb-search-status]")
    heading = page.locator(".pb-site-search__group--story .pb-site-search__heading")
    assert heading.inner_text().lower() == "stories (7)"  # those SECURITY_STORIES says
    assert hits(page, "criterion")[0] == "criteria/security-early/"  # corrected there too


def test_stories_with_only_some_of_the_words_come_after_the_pages_with_all(page, base):
    search(page, base, "Contributing a story")
    headings = [text.lower() for text in groups(page)]
    assert headings[0] == "guides and pages (1)"
    assert headings[-1].startswith("stories with some of the words")
    page.keyboard.press("Enter")  # the first result: the guide
    page.wait_for_url("**/playbook/contributing/")
