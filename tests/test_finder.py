"""The story finder in a real Chromium: words and filters, ranked, in the URL.

Served under /playbook/ like GitHub Pages (the fixtures of test_browser.py).
Each query names the story a manager expects first; the search runs on the
Pagefind index the build writes, through the finder's own script.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from test_browser import base_url, browser, page  # noqa: F401  (shared Chromium fixtures)

from generator.load import load_library
from helpers import REPO

READY = "[data-finder-list][data-finder-ready], [data-finder-empty]:not([hidden])"


@pytest.fixture(scope="module")
def library():
    return load_library(REPO / "content").library


def open_finder(tab, root: str, query: str = "") -> list[str]:
    """Open stories/?<query> fresh; return the shown stories' ids, best first."""
    tab.goto(root + "stories/" + (f"?{query}" if query else ""))
    return shown(tab)


def shown(tab) -> list[str]:
    tab.wait_for_selector(READY)
    return tab.eval_on_selector_all(
        "[data-finder-list] .pb-card__title",
        "els => els.map(e => new URL(e.href).pathname.split('/').slice(-2)[0])")


def story_text(story) -> str:
    return " ".join([story.title, story.quote, story.takeaway, story.body,
                     *(clip.transcript for clip in story.clips)]).lower()


# (words, the story that must come first, where the words come from)
QUERIES = [
    ("nightly CSV export", "globex-intacct-dimensions-trap", "quote"),
    ("ask the CFO about card spend", "globex-card-bundle-erased-ap-fee", "takeaway"),
    ("budget template", "roi-model-in-their-spreadsheet", "takeaway"),
    ("recovery auditors", "duplicate-payment-math-beat-northwind", "quote"),
    ("trust portal", "globex-trust-package-before-we-asked", "transcript"),
    ("eight on the Friday", "northwind-discounts-chased-not-value", "transcript"),
    ('"twelve to sixteen weeks"', "implementation-range-lost-to-fixed-fee", "quote, a phrase"),
    ('"pen test letter" Globex', "globex-security-review-came-too-late", "phrase and competitor"),
    ("linen supplier", "security-lead-invited-to-second-demo", "narrative"),
    ("wholesale bakery", "too-small-for-our-minimum", "narrative"),
    ("Priya", "champion-left-deal-stalled", "narrative"),
    ("metal fabrication four plants", "approvers-on-the-shop-floor", "narrative"),
    ("infosec fiscal", "security-queue-outlasted-the-budget", "objection alias"),
    ("nw intercompany", "northwind-multi-subsidiary-sync-test", "competitor alias"),
    ("chief financial officer card", "globex-card-bundle-erased-ap-fee", "role alias"),
    ('"SOC 2" Initech', "security-questionnaire-sent-week-one", "competitor and phrase"),
    ("Northwind price spreadsheet", "northwind-per-invoice-pricing-looked-cheaper",
     "competitor and objection"),
    ("Umbrella security", "infosec-veto-after-verbal-yes", "competitor and objection"),
    ("ERP admin working session", "joint-working-session-with-controller-and-admin", "takeaway"),
]


@pytest.mark.parametrize("words, story_id, source", QUERIES,
                         ids=[q[0].replace('"', "'") for q in QUERIES])
def test_the_expected_story_comes_first(page, base_url, words, story_id, source):  # noqa: F811
    found = open_finder(page, base_url, urlencode({"q": words}))
    assert found and found[0] == story_id, found


def test_every_word_must_match(page, base_url, library):  # noqa: F811
    broad = open_finder(page, base_url, "q=security+review")
    narrow = open_finder(page, base_url, "q=security+review+late")
    assert narrow and set(narrow) < set(broad)
    for story_id in narrow:
        assert "late" in story_text(library.story(story_id))


def test_a_quoted_phrase_matches_as_a_phrase(page, base_url, library):  # noqa: F811
    found = open_finder(page, base_url, "q=%22pen+test+letter%22")
    having = sorted(s.id for s in library.stories if "pen test letter" in story_text(s))
    assert sorted(found) == having and having


def test_an_alias_finds_every_story_of_its_term(page, base_url, library):  # noqa: F811
    found = open_finder(page, base_url, "q=infosec")
    assert set(found) == {s.id for s in library.stories_by("objections", "security")}


def test_a_result_shows_outcome_competitor_and_the_highlighted_excerpt(
        page, base_url, library):  # noqa: F811
    assert open_finder(page, base_url, "q=nightly+CSV+export") == [
        "globex-intacct-dimensions-trap"]
    card = page.locator("[data-finder-list] > li").first
    story = library.story("globex-intacct-dimensions-trap")
    assert card.locator(".pb-outcome").inner_text() == "Win"
    assert "pb-card--win" in card.get_attribute("class")
    assert "vs Globex" in card.locator(".pb-card__meta").inner_text()
    assert card.locator(".pb-card__quote").inner_text() == story.quote
    marks = card.locator(".pb-card__excerpt mark").all_inner_texts()
    marks = [m.lower().strip(".,") for m in marks]
    assert {"nightly", "csv", "export"} <= set(marks), marks


def test_excerpts_quote_the_story_itself_never_its_hidden_search_words(
        page, base_url, library):  # noqa: F811
    # "infosec" and "multi threading" are aliases: they find stories, but a
    # reader must never see them in an excerpt as if the buyer had said them.
    ids = open_finder(page, base_url, "q=security+review")
    assert len(ids) >= 3
    excerpts = page.locator("[data-finder-list] > li .pb-card__excerpt").all_inner_texts()
    assert len(excerpts) == len(ids)
    for story_id, excerpt in zip(ids, excerpts, strict=True):
        own = re.sub(r"[^\w\s]", " ", story_text(library.story(story_id)) + " try next time")
        words = re.sub(r"[^\w\s]", " ", excerpt.replace("\u2026", " ")).lower().split()
        assert words and set(words) <= set(own.split()), (story_id, excerpt)


def test_the_url_restores_the_same_ranked_list(page, base_url, library):  # noqa: F811
    typed = open_finder(page, base_url)
    page.fill("input[name=q]", "security review")
    page.select_option("select[name=outcome]", "loss")
    page.select_option("select[name=competitor]", "globex")
    page.wait_for_function("location.search.includes('competitor=globex')")
    page.wait_for_function(
        "document.querySelector('[data-finder-count]').textContent.startsWith('2 of')")
    typed = shown(page)
    assert parse_qs(urlsplit(page.url).query) == {
        "q": ["security review"], "outcome": ["loss"], "competitor": ["globex"]}
    expected = {s.id for s in library.stories_by("competitors", "globex")
                if s.outcome == "loss" and "security review" in story_text(s)}
    assert set(typed) == expected

    fresh = page.context.new_page()
    restored = open_finder(fresh, base_url, "q=security+review&outcome=loss&competitor=globex")
    assert restored == typed
    assert fresh.input_value("input[name=q]") == "security review"
    assert fresh.input_value("select[name=outcome]") == "loss"
    assert fresh.input_value("select[name=competitor]") == "globex"


def test_without_words_the_newest_come_first(page, base_url, library):  # noqa: F811
    found = open_finder(page, base_url, "competitor=northwind")
    stories = library.stories_by("competitors", "northwind")
    assert sorted(found) == sorted(s.id for s in stories)
    dates = [library.story(story_id).interviewed for story_id in found]
    assert dates == sorted(dates, reverse=True)
    assert page.inner_text("[data-finder-count]") == \
        f"{len(stories)} of {len(library.stories)} stories, newest first"


def test_an_unknown_filter_value_is_named_with_a_suggestion(page, base_url, library):  # noqa: F811
    found = open_finder(page, base_url, "competitor=globx")
    notice = page.inner_text("[data-finder-notices]")
    assert "No competitor “globx”; did you mean Globex?" in notice
    assert len(found) == min(len(library.stories), 12)  # not silently an empty list
    page.click("[data-finder-notices] a")
    page.wait_for_function("location.search === '?competitor=globex'")
    assert sorted(shown(page)) == sorted(s.id for s in library.stories_by("competitors", "globex"))


def test_an_alias_filter_value_resolves_to_its_term(page, base_url, library):  # noqa: F811
    found = open_finder(page, base_url, "objection=infosec")
    assert page.input_value("select[name=objection]") == "security"
    assert "Security" in page.inner_text("[data-finder-notices]")
    assert urlsplit(page.url).query == "objection=security"
    assert sorted(found) == sorted(s.id for s in library.stories_by("objections", "security"))


def test_the_finder_loads_more_as_you_go(page, base_url, library):  # noqa: F811
    assert len(open_finder(page, base_url)) == 12
    page.click("[data-finder-more]")
    page.wait_for_function("document.querySelectorAll('[data-finder-list] > li').length > 12")
    page.locator("[data-finder-more]").scroll_into_view_if_needed()
    page.wait_for_function(f"document.querySelectorAll('[data-finder-list] > li').length"
                           f" === {len(library.stories)}")
    assert page.locator("[data-finder-more]").is_hidden()


def test_the_header_searchs_stories_link_to_the_finder_with_the_words(page, base_url):  # noqa: F811
    page.goto(base_url + "competitors/")
    page.click("[data-pb-search-open]")
    page.keyboard.type("security review late")
    page.wait_for_selector("[data-pb-search][data-pb-search-ready]")
    link = page.locator(".pb-site-search__all")
    assert link.inner_text() == "See all 1 story in the finder \u2192"
    link.click()
    page.wait_for_url(re.compile(r"/playbook/stories/\?q=security"))
    assert shown(page) == ["infosec-veto-after-verbal-yes"]
    assert page.input_value(".md-content input[name=q]") == "security review late"


def test_the_players_own_words_are_not_indexed(page, base_url, library):  # noqa: F811
    # "Download the clip", the speed buttons and the "Transcript" label are on
    # every story with a clip; only a story's own text may be searched.
    page.goto(base_url + "stories/")
    page.wait_for_selector(READY)
    indexed = dict(page.evaluate("""async () => {
        const pagefind = await import(document.querySelector('[data-finder]').dataset.pagefind);
        const all = await pagefind.search(null, {filters: {kind: "story"}});
        return Promise.all(all.results.map(r => r.data().then(d => [d.url, d.content])));
    }"""))
    assert len(indexed) == len(library.stories)
    with_clips = [story for story in library.stories if story.clips]
    assert with_clips
    for story in library.stories:
        content = indexed[f"/playbook/stories/{story.id}/"].lower()
        for word in ("download", "transcript", "speed"):
            assert (word in content) == (word in story_text(story)), (story.id, word)


# A quote without its pair is punctuation, and a story holds the query when it
# holds every word (issue 19). When none does (a word no story holds,
# zqxnothing, or a phrase no story holds), the finder says which words it read
# and lists the stories holding most of them instead of none (issue 20).
@pytest.mark.parametrize("words, expected, read_as", [
    ('security "zqxnothing', [], "“security”, “zqxnothing”"),
    ('a"b zqxnothing', [], "“b”, “zqxnothing”"),
    ("security zqxnothing", [], "“security”, “zqxnothing”"),
    ('"security review" zqxnothing', [], "“security review”, “zqxnothing”"),
    ('"review late" security', [], "“review late”, “security”"),  # each word is there
    ('security "pen test letter', ["globex-security-review-came-too-late",
                                   "security-questionnaire-sent-week-one"], None),
    ('"pen test letter" Globex', ["globex-security-review-came-too-late"], None),
], ids=["unbalanced-quote", "quote-inside-a-word", "unknown-word", "phrase-and-unknown-word",
        "phrase-not-held", "unbalanced-before-words", "balanced-phrase"])
def test_quotes_pair_up_and_every_word_must_match(page, base_url, words, expected,  # noqa: F811
                                                  read_as):
    found = open_finder(page, base_url, urlencode({"q": words}))
    if read_as is None:
        assert sorted(found) == expected
        assert page.inner_text("[data-finder-count]").startswith(f"{len(expected)} of ")
    else:
        assert found  # never a dead end
        assert page.inner_text("[data-finder-count]").endswith(", most words first")
        assert f"No story holds all of {read_as}:" in page.inner_text("[data-query-notes]")
    assert page.input_value("input[name=q]") == words  # shown as typed
