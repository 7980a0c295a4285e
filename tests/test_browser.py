"""The built sample site in a real headless Chromium, served under a project path.

Needs Debian's chromium (`apt-get install chromium`) or PLAYBOOK_CHROMIUM
pointing at a Chromium binary. Without one these tests are skipped locally
with that message; in CI (CI or PLAYBOOK_REQUIRE_BROWSER set) a missing browser
is a failure, and .ci/run installs it first.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from generator.load import load_library
from helpers import REPO, build, launch_chromium


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch_chromium(playwright)  # skips locally, fails in CI, without one
        yield instance
        instance.close()


class _PagesHandler(SimpleHTTPRequestHandler):
    """Serves files like GitHub Pages: a missing path gets the site's 404.html."""

    not_found: Path

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = self.not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    """The sample site built for and served from /playbook/, as on GitHub Pages."""
    root = tmp_path_factory.mktemp("www")
    result = build(REPO, root / "playbook", PLAYBOOK_SITE_URL="https://org.github.io/playbook/")
    assert result.returncode == 0, result.stderr
    handler = type("Handler", (_PagesHandler,), {"not_found": root / "playbook" / "404.html"})
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/playbook/"
    server.shutdown()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


@pytest.fixture(scope="module")
def library():
    return load_library(REPO / "content").library


def search(page, base_url: str, query: str) -> list[str]:
    """Type a query into the header search and follow its "See all N stories in the
    finder" link; return the finder's result page paths, best first."""
    page.goto(base_url)
    page.click("[data-pb-search-open]")
    page.keyboard.type(query)
    page.wait_for_selector("[data-pb-search][data-pb-search-ready]")
    page.click(".pb-site-search__all")
    page.wait_for_url("**/stories/?q=*")
    page.wait_for_selector("[data-finder-list][data-finder-ready]")
    hrefs = page.eval_on_selector_all("[data-finder-list] .pb-card__title",
                                      "els => els.map(e => e.href)")
    return [urlsplit(href).path.removeprefix("/playbook/") for href in hrefs]


@pytest.mark.parametrize("query, story_id", [
    ("nightly CSV export", "globex-intacct-dimensions-trap"),  # from the quote
    ("ask the CFO about card spend", "globex-card-bundle-erased-ap-fee"),  # the takeaway
    ("trust portal", "globex-trust-package-before-we-asked"),  # the clip transcript
    ("eight on the Friday", "northwind-discounts-chased-not-value"),  # the clip transcript
])
def test_search_finds_the_story_by_a_phrase(page, base_url, library, query, story_id):
    text = " ".join([library.story(story_id).quote, library.story(story_id).takeaway,
                     *(c.transcript for c in library.story(story_id).clips)])
    assert all(word.lower() in text.lower() for word in query.split())
    assert search(page, base_url, query)[0] == f"stories/{story_id}/"


@pytest.mark.parametrize("query, vocabulary, term_id", [
    ("Initech Payables", "competitors", "initech"),
    ("ERP administrator", "roles", "erp-admin"),
    ("Switching cost", "objections", "switching-cost"),
])
def test_search_finds_stories_by_a_facet_title(page, base_url, library, query, vocabulary,
                                               term_id):
    results = search(page, base_url, query)
    stories = [p.split("/")[1] for p in results if p.startswith("stories/") and p != "stories/"]
    assert stories, results
    assert term_id in library.story(stories[0]).facet(vocabulary), results


def test_a_finder_filter_narrows_the_list_and_goes_into_the_url(page, base_url, library):
    page.goto(base_url + "stories/")
    page.wait_for_selector("[data-finder-list][data-finder-ready]")
    cards = page.locator("[data-finder-list] > li")
    assert cards.count() == min(len(library.stories), 12)  # a page at a time
    page.select_option("select[name=outcome]", "loss")
    page.select_option("select[name=competitor]", "northwind")
    expected = sorted(s.id for s in library.stories_by("competitors", "northwind")
                      if s.outcome == "loss")
    page.wait_for_function("document.querySelector('[data-finder-count]').textContent"
                           f".startsWith('{len(expected)} of')")
    page.wait_for_selector("[data-finder-list][data-finder-ready]")
    visible = page.locator("[data-finder-list] > li .pb-card__title")
    assert sorted(h.split("/")[-2] for h in visible.evaluate_all("els => els.map(e => e.href)")) \
        == expected
    assert page.locator("[data-finder-count]").inner_text() == \
        f"{len(expected)} of {len(library.stories)} stories, newest first"
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"outcome": ["loss"], "competitor": ["northwind"]}

    # The URL is the shareable view: opening it shows the same list.
    shared = page.context.new_page()
    shared.goto(page.url)
    shared.wait_for_selector("[data-finder-list][data-finder-ready]")
    assert shared.locator("select[name=competitor]").input_value() == "northwind"
    assert shared.locator("[data-finder-list] > li").count() == len(expected)

    # Words narrow further; clearing shows everything again.
    page.fill("input[name=q]", "forty percent")
    page.wait_for_function("document.querySelector('[data-finder-count]').textContent"
                           ".startsWith('1 of')")
    assert "q=forty+percent" in page.url
    page.click("[data-finder-reset]")
    page.wait_for_function("document.querySelector('[data-finder-count]').textContent"
                           f".startsWith('{len(library.stories)} stories')")
    assert urlsplit(page.url).query == ""


def test_the_finder_works_on_a_phone(browser, base_url, library):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(base_url + "stories/?skill=discovery")
    page.wait_for_selector("[data-finder-list][data-finder-ready]")
    expected = min(len(library.stories_by("skills", "discovery")), 12)
    assert page.locator("[data-finder-list] > li").count() == expected
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the finder must not scroll sideways on a phone"
    context.close()


def test_a_competitor_page_links_reach_the_story(page, base_url, library):
    story = library.stories_by("competitors", "globex")[0]
    page.goto(base_url + "competitors/globex/")
    page.click(f"text={story.title}")
    page.wait_for_load_state()
    assert urlsplit(page.url).path == f"/playbook/stories/{story.id}/"
    assert page.locator("h1").inner_text().rstrip("¶").strip() == story.title
    # and the story links back to the competitor
    page.click(".pb-facets >> text=Globex")
    assert urlsplit(page.url).path == "/playbook/competitors/globex/"


def test_a_missing_page_gets_the_styled_404_page(page, base_url):
    response = page.goto(base_url + "stories/no-such-story/")
    assert response.status == 404
    assert "404" in page.locator("h1").inner_text()
    # Its stylesheet and links resolve under the project path.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") \
        in ("sticky", "fixed")
    page.click("a.md-header__button.md-logo")
    assert urlsplit(page.url).path == "/playbook/"


def test_a_missing_deep_page_offers_search_and_ways_on(page, base_url):
    # GitHub Pages serves 404.html at the missing address itself, at any depth.
    response = page.goto(base_url + "competitors/globex/old/deep/page/")
    assert response.status == 404
    # The header search is there, and finds pages from any depth.
    page.keyboard.press("/")
    page.keyboard.type("infosec")
    page.wait_for_selector("[data-pb-search][data-pb-search-ready]")
    assert page.locator(".pb-site-search__group--story .pb-site-search__heading") \
        .inner_text().lower() == "stories (7)"
    page.locator(".pb-site-search__group--topic .pb-site-search__hit").first.click()
    page.wait_for_url("**/playbook/objections/security/")
    page.go_back()
    page.wait_for_load_state()
    article = page.locator("article")
    links = {name: article.get_by_role("link", name=name, exact=True).get_attribute("href")
             for name in ("Home page", "Story finder", "Skills")}
    assert {name: urlsplit(urljoin(page.url, href)).path for name, href in links.items()} == {
        "Home page": "/playbook/", "Story finder": "/playbook/stories/",
        "Skills": "/playbook/skills/"}
    page.get_by_label("Find buyer stories by what they say").fill("security review")
    page.get_by_role("button", name="Search stories").click()
    page.wait_for_url("**/playbook/stories/?q=security+review")
    page.wait_for_selector("[data-finder-list][data-finder-ready]")
    assert page.locator(".md-content input[name=q]").input_value() == "security review"
    assert page.locator("[data-finder-list] > li").count() > 0


# What the test reads of an element's text and background; the contrast
# arithmetic is done in Python below, from WCAG 2.2's definitions.
_TEXT_COLOURS = """link => {
  const holders = [link, ...link.querySelectorAll("*")].filter(
      node => [...node.childNodes].some(child => child.nodeType === 3 && child.textContent.trim()));
  return holders.map(node => {
    const layers = [];
    for (let at = node; at; at = at.parentElement) {
      const colour = getComputedStyle(at).backgroundColor;
      layers.push(colour);
      if (!colour.startsWith("rgba") ) break;  // an opaque layer hides what is under it
    }
    return {text: node.textContent.trim(), colour: getComputedStyle(node).color, layers};
  });
}"""


def _rgba(css: str) -> tuple[float, float, float, float]:
    parts = [float(p) for p in css[css.index("(") + 1:-1].replace("/", ",").split(",")]
    return (parts[0], parts[1], parts[2], parts[3] if len(parts) == 4 else 1.0)


def _over(top: tuple, bottom: tuple) -> tuple:
    alpha = top[3]
    return tuple(top[i] * alpha + bottom[i] * (1 - alpha) for i in range(3)) + (1.0,)


def _luminance(colour: tuple) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(v) for v in colour[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(text: str, layers: list[str]) -> float:
    background: tuple = (255.0, 255.0, 255.0, 1.0)  # the canvas under every layer
    for layer in reversed(layers):
        background = _over(_rgba(layer), background)
    foreground = _over(_rgba(text), background)
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_wcag_contrast_arithmetic_matches_known_pairs():
    assert round(_contrast("rgb(0, 0, 0)", ["rgb(255, 255, 255)"]), 2) == 21.0
    assert round(_contrast("rgb(255, 255, 255)", ["rgb(255, 255, 255)"]), 2) == 1.0
    assert round(_contrast("rgb(118, 118, 118)", ["rgb(255, 255, 255)"]), 2) == 4.54
    # Half-transparent black over white is grey 127.5: luminance 0.214, so 1.05 / 0.264.
    assert _contrast("rgba(0, 0, 0, 0.5)", ["rgb(255, 255, 255)"]) == pytest.approx(3.98, abs=0.01)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800},
                                      {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_the_header_searchs_link_to_the_finder_is_readable_and_keeps_the_words(
        browser, base_url, scheme, viewport):
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url + "skills/")
    expected_scheme = {"light": "default", "dark": "slate"}[scheme]
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected_scheme
    page.click("[data-pb-search-open]")  # on a phone too: the icon is the same button
    page.keyboard.type("infosec")
    link = page.locator(".pb-site-search__all")
    link.wait_for(state="visible")
    texts = link.evaluate(_TEXT_COLOURS)
    shown = " ".join(t["text"] for t in texts)
    # "infosec" is the alias of the objection "security", which 7 stories name.
    assert shown == "See all 7 stories in the finder \u2192"
    for text in texts:
        assert _contrast(text["colour"], text["layers"]) >= 4.5, text
    link.click()
    page.wait_for_url("**/playbook/stories/?q=infosec")
    context.close()


def test_a_clip_plays_with_speed_controls(page, base_url, library):
    story = library.story("globex-security-review-came-too-late")
    page.goto(base_url + f"stories/{story.id}/#clip-1")
    clip = page.locator("#clip-1")
    audio = clip.locator("audio")
    assert audio.get_attribute("controls") is not None  # the browser's own, keyboard-operable
    # The clip is a real, decodable file the browser can play.
    duration = audio.evaluate(
        "a => new Promise(done => { a.preload = 'metadata'; "
        "a.addEventListener('loadedmetadata', () => done(a.duration), {once: true}); a.load(); })")
    assert abs(duration - 13.0) <= 0.2
    assert story.clips[0].transcript in clip.inner_text()
    clip.locator("button[data-speed='1.5']").click()
    assert audio.evaluate("a => a.playbackRate") == 1.5
    assert clip.locator("button[data-speed='1.5']").get_attribute("aria-pressed") == "true"


def test_copy_link_copies_the_story_url(browser, base_url, library):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    story_id = library.stories[0].id
    page.goto(base_url + f"stories/{story_id}/?from=1on1#clip-1")
    page.click("[data-copy-permalink]")
    assert page.evaluate("navigator.clipboard.readText()") == base_url + f"stories/{story_id}/"
    context.close()
