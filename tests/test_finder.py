"""The story finder in a real Chromium: words and filters, ranked, in the URL.

Served under /playbook/ like GitHub Pages (the fixtures of test_browser.py).
Each query names the story a manager expects first; the search runs on the
Pagefind index the build writes, through the finder's own script.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

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
    from urllib.parse import urlencode

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
    assert set(found) == {s.id for s in library.stories_by("objection", "security")}


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
    expected = {s.id for s in library.stories_by("competitor", "globex")
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
    stories = library.stories_by("competitor", "northwind")
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
    assert sorted(shown(page)) == sorted(s.id for s in library.stories_by("competitor", "globex"))


def test_an_alias_filter_value_resolves_to_its_term(page, base_url, library):  # noqa: F811
    found = open_finder(page, base_url, "objection=infosec")
    assert page.input_value("select[name=objection]") == "security"
    assert "Security" in page.inner_text("[data-finder-notices]")
    assert urlsplit(page.url).query == "objection=security"
    assert sorted(found) == sorted(s.id for s in library.stories_by("objection", "security"))


def test_the_finder_loads_more_as_you_go(page, base_url, library):  # noqa: F811
    assert len(open_finder(page, base_url)) == 12
    page.click("[data-finder-more]")
    page.wait_for_function("document.querySelectorAll('[data-finder-list] > li').length > 12")
    page.locator("[data-finder-more]").scroll_into_view_if_needed()
    page.wait_for_function(f"document.querySelectorAll('[data-finder-list] > li').length"
                           f" === {len(library.stories)}")
    assert page.locator("[data-finder-more]").is_hidden()


def test_the_header_search_hands_its_words_to_the_finder(page, base_url):  # noqa: F811
    page.goto(base_url + "competitors/")
    page.click(".md-search__input")
    page.type(".md-search__input", "security review late")
    link = page.locator(".pb-search-finder")
    assert "security review late" in link.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/playbook/stories/\?q=security"))
    assert shown(page) == ["infosec-veto-after-verbal-yes"]
    assert page.input_value("input[name=q]") == "security review late"


def test_the_header_search_still_finds_hand_written_pages_and_criteria(page, base_url):  # noqa: F811
    page.goto(base_url)
    page.click(".md-search__input")
    page.type(".md-search__input", "vendor security")
    page.wait_for_selector(".md-search-result__item")
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
    assert any("/criteria/" in href for href in hrefs), hrefs


# -- the index in parts (search_index.PART_PAGES) --------------------------------------
# Pagefind holds every page in memory, so a large library is indexed in parts,
# one Pagefind process after another, merged into one bundle. The sample's 28
# stories in parts of 10 must give the finder the same index as one run.

def bundle_contents(bundle) -> dict:
    """A bundle's index by page URL (page numbers are the order Pagefind read the files)."""
    import gzip
    import json

    from generator import search_index

    entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
    (details,) = entry["languages"].values()
    meta = search_index._read(bundle / f"pagefind.{details['hash']}.pf_meta")
    fragments = [json.loads(gzip.decompress(
        (bundle / "fragment" / f"{name}.pf_fragment").read_bytes())[len(b"pagefind_dcd"):])
        for name, _ in meta[1]]
    urls = [fragment["url"] for fragment in fragments]
    words: dict = {}
    for first, last, name in meta[2]:
        for word, pages, _ in search_index._read(bundle / "index" / f"{name}.pf_index")[0]:
            assert first <= word[:len(first)] and word[:len(last)] <= last
            number = 0
            for step, positions, fields in pages:
                number += step
                words.setdefault(word, {})[urls[number]] = (
                    positions, [meta[5][-1 - at] if at < 0 else at for at in fields])
    filters = {}
    for _, name in meta[3]:
        filter_name, values = search_index._read(bundle / "filter" / f"{name}.pf_filter")
        filters[filter_name] = {value: sorted(urls[n] for n in numbers)
                                for value, numbers in values}
    return {
        "pages": sorted((url, count, fragment) for url, (_, count), fragment
                        in zip(urls, meta[1], map(json.dumps, fragments), strict=True)),
        "page_count": details["page_count"], "words": words, "filters": filters,
        "meta_fields": meta[5],
        # Pages of the same date may come in either order (as Pagefind read them).
        "sorts": {name: [fragments[n]["meta"]["date"] for n in numbers]
                  for name, numbers in meta[4]},
        "sorted": {name: sorted(urls[n] for n in numbers) for name, numbers in meta[4]},
    }


@pytest.fixture(scope="module")
def sample_documents():
    from generator.build import Settings, run
    from generator.search_index import story_documents

    return story_documents(run(Settings.at(REPO / "content")).files)


def index_of(documents, work, part_pages=None):
    """(bundle, parts): the finder's index of `documents`, in parts of `part_pages`."""
    from generator import search_index

    saved = search_index.PART_PAGES
    search_index.PART_PAGES = part_pages or saved
    try:
        search_index.write_documents(documents, work / "pages")
        job = search_index.IndexJob(None, work, pages=work / "pages", documents=documents)
        return job.wait(), job.parts
    finally:
        search_index.PART_PAGES = saved


@pytest.fixture(scope="module")
def split_bundle(tmp_path_factory, sample_documents):
    bundle, parts = index_of(sample_documents, tmp_path_factory.mktemp("split"), 10)
    assert parts == 3  # 28 stories in parts of 10
    return bundle


def test_a_library_above_the_threshold_is_indexed_in_parts(tmp_path, sample_documents):
    from generator.search_index import PART_PAGES, split_documents

    assert index_of(sample_documents, tmp_path)[1] == 1  # the sample: one Pagefind run
    parts = split_documents(sample_documents, 10)
    assert [len(part) for part in parts] == [10, 10, 8]
    dates = [re.search(r'data-pagefind-sort="date">([^<]+)<', html)[1]
             for part in parts for html in part.values()]
    assert dates == sorted(dates)  # consecutive in sort order: the parts' sorts concatenate
    assert split_documents(sample_documents) == [sample_documents]
    assert len(sample_documents) <= PART_PAGES


def test_the_players_own_words_find_no_story(tmp_path, sample_documents, library):
    # "Download the clip", the speed buttons and the "Transcript" label are on
    # every story with a clip; only a story's own text may match a search.
    words = bundle_contents(index_of(sample_documents, tmp_path)[0])["words"]
    for word in ("download", "transcript", "speed"):
        own = sorted(f"/stories/{story.id}/" for story in library.stories
                     if word in story_text(story))
        assert sorted(words.get(word, {})) == own, word


def test_a_build_writes_the_parts_from_its_pages_as_one_run_indexes_them(tmp_path,
                                                                           sample_documents,
                                                                           split_bundle):
    # The build's own route: the story pages' records, written straight into
    # the parts' folders.
    from generator import search_index
    from generator.build import Settings, run

    files = run(Settings.at(REPO / "content")).files
    saved = search_index.PART_PAGES
    search_index.PART_PAGES = 10
    try:
        job = search_index.IndexJob(files, tmp_path / "work")
        bundle = job.wait()
    finally:
        search_index.PART_PAGES = saved
    assert job.parts == 3
    assert bundle_contents(bundle) == bundle_contents(split_bundle)


def sample_files():
    from generator.build import Settings, run

    return run(Settings.at(REPO / "content")).files


def test_a_stream_of_pages_is_indexed_part_by_part_as_they_come(tmp_path, split_bundle):
    # The build hands story pages over as it renders them, oldest first: the
    # first part is indexed before the last page has come.
    import time

    from generator import search_index

    files = sample_files()
    stories = [f for f in files if re.fullmatch(r"stories/(?!index\.md)[^/]+\.md", f.path)]
    saved = search_index.PART_PAGES
    search_index.PART_PAGES = 10
    try:
        job = search_index.IndexJob(None, tmp_path / "work", stream=True)
        for record in stories[:-1]:
            job.add(record)
        started = tmp_path / "work" / "child-1.log"
        for _ in range(200):  # Pagefind on the first part, before the stream ends
            if started.exists():
                break
            time.sleep(0.05)
        assert started.exists()
        job.add(stories[-1])
        job.close()
        bundle = job.wait()
    finally:
        search_index.PART_PAGES = saved
    assert job.parts == 3
    assert bundle_contents(bundle) == bundle_contents(split_bundle)


def test_pages_out_of_the_index_order_still_make_the_same_index(tmp_path, split_bundle):
    from generator import search_index

    saved = search_index.PART_PAGES
    search_index.PART_PAGES = 10
    try:
        job = search_index.IndexJob(list(reversed(sample_files())), tmp_path / "work")
        bundle = job.wait()
    finally:
        search_index.PART_PAGES = saved
    assert job.parts == 3
    assert bundle_contents(bundle) == bundle_contents(split_bundle)


def test_the_index_in_parts_is_the_index_of_one_run(tmp_path, sample_documents, split_bundle):
    whole, parts = index_of(sample_documents, tmp_path)
    assert parts == 1
    one, merged = bundle_contents(whole), bundle_contents(split_bundle)
    assert merged["page_count"] == len(sample_documents)
    for key in one:
        assert merged[key] == one[key], key


def test_the_index_in_parts_is_the_same_bytes_every_time(tmp_path, sample_documents,
                                                          split_bundle):
    again, _ = index_of(sample_documents, tmp_path, 10)
    files = sorted(p.relative_to(split_bundle) for p in split_bundle.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for name in files:
        assert (split_bundle / name).read_bytes() == (again / name).read_bytes(), name


# What the finder shows, in the order it shows it, for views a manager opens.
VIEWS = ["", "q=security+review", "q=%22pen+test+letter%22", "q=infosec",
         "outcome=loss", "competitor=northwind", "q=security&outcome=loss&competitor=globex",
         "q=price", "skill=discovery", "present=economic-buyer-access", "q=CFO&stage=demo"]


@pytest.fixture(scope="module")
def split_site(tmp_path_factory, sample_site, split_bundle):
    """The sample site with the index in parts, served under /playbook/."""
    import shutil

    from helpers import serve_under_project_path

    site = tmp_path_factory.mktemp("split-site") / "site"
    shutil.copytree(sample_site, site, symlinks=True)
    shutil.rmtree(site / "pagefind")
    shutil.copytree(split_bundle, site / "pagefind")
    whole_url, whole = serve_under_project_path(sample_site, tmp_path_factory.mktemp("www1"))
    split_url, split = serve_under_project_path(site, tmp_path_factory.mktemp("www2"))
    yield whole_url, split_url
    whole.shutdown()
    split.shutdown()


def finder_view(tab, root: str, query: str) -> tuple:
    """(every story the finder lists, best first, paging to the end; its count line)."""
    found = open_finder(tab, root, query)
    more = "document.querySelector('[data-finder-more]')"
    while not tab.evaluate(f"{more}.hidden"):
        # A script click: scrolling to the button may load the next page itself.
        tab.evaluate(f"{more}.click()")
        tab.wait_for_function(f"n => {more}.hidden || document.querySelectorAll("
                              f"'[data-finder-list] > li').length > n", arg=len(found))
        found = shown(tab)
    return found, tab.inner_text("[data-finder-count]")


@pytest.mark.parametrize("query", VIEWS)
def test_the_finder_on_an_index_in_parts_lists_the_same_stories(page, split_site, query):  # noqa: F811
    whole_url, split_url = split_site
    expected = finder_view(page, whole_url, query)
    assert expected[0]
    assert finder_view(page, split_url, query) == expected


def test_an_index_in_parts_counts_filters_as_one(page, split_site):  # noqa: F811
    counts = []
    for root in split_site:
        page.goto(root + "stories/")
        page.wait_for_selector(READY)
        counts.append(page.evaluate("""async () => {
            const pagefind = await import(document.querySelector('[data-finder]').dataset.pagefind);
            const words = await pagefind.search('security', {filters: {outcome: 'loss'}});
            const all = await pagefind.search(null, {sort: {date: 'asc'}});
            const ids = async (results) => Promise.all(results.map(r => r.data().then(d => d.url)));
            return {filters: words.filters, total: words.totalFilters,
                    unfiltered: words.unfilteredResultCount, loss: await ids(words.results),
                    oldest: await ids(all.results), everything: await pagefind.filters()};
        }"""))
    assert counts[0]["loss"], counts[0]
    assert counts[0]["filters"]["outcome"]["loss"] == len(counts[0]["loss"])
    assert counts[0]["everything"]["competitor"]  # every filter, counted over every page
    assert counts[1] == counts[0]
