"""Hostile markup and URLs in content never run script in a reader's browser.

Stories arrive by pull request from many contributors. These tests put script
in every text field, build the real site, and check the HTML, the search index
and real Chromium (hovering titles, clicking narrative links, searching).
They also check the URL policy of bodies and that bodies which would crash or
stall the build fail `playbook validate` and `playbook build` with a located
error, never a traceback.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml
from test_browser import _PagesHandler, browser  # noqa: F401 - the browser fixture

from generator.markdown_render import render_body, unsafe_scheme
from helpers import EPOCH, Library, build, indexed_pages, make_repo, silent_wav

# Each vector sets window.__pwned when it runs.
VECTORS = {
    "img": "<img src=x onerror=window.__pwned=1>",
    "svg": '"><svg onload=window.__pwned=1>',
    "script": "<script>window.__pwned=1</script>",
    "jinja": "{{ 7*7 }} {% if true %}jinja{% endif %}",
    "md-title": '[t](https://example.com "<img src=x onerror=window.__pwned=1>")',
}
# A word no real content has, to search for.
WORD = "zqxhostile"


def hostile(field: str) -> str:
    """Text for one field: a long title (so themes truncate it), the word, every vector."""
    return f"{WORD} {field} " + " ".join(VECTORS.values()) + " padding" * 8


def _front_matter(meta: dict, body: str) -> str:
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n" + body


HOSTILE_BODY = "\n\n".join([
    "## " + hostile("body heading"),
    hostile("body paragraph"),
    "<script>window.__pwned=1</script>",
    "<!-- comment --><img src=x onerror=window.__pwned=1>",
    "&lt;img src=x onerror=window.__pwned=1&gt; &#60;script&#62;window.__pwned=1&#60;/script&#62;",
    "`<script>window.__pwned=1</script>` and <javascript:window.__pwned=1>",
    "- " + hostile("body list"),
    "[a safe link](https://example.com/ok) and [a relative one](../)",
])


def hostile_library(root: Path) -> Library:
    lib = Library(root)
    vocabularies = {
        "skills": ("discovery", "Discovery"), "competitors": ("globex", "Globex"),
        "roles": ("cfo", "CFO"), "objections": ("price", "Price"),
        "stages": ("discovery", "Discovery"), "deal_sizes": ("mid-market", "Mid-market"),
    }
    taxonomy = {
        vocabulary: {term_id: {"title": f"{title} " + hostile(f"{vocabulary} title"),
                               "description": hostile(f"{vocabulary} description"),
                               **({"order": 1} if vocabulary == "stages" else {})}}
        for vocabulary, (term_id, title) in vocabularies.items()
    }
    lib.write("taxonomy.yml", yaml.safe_dump(taxonomy, sort_keys=False))
    lib.write("criteria/hostile-criterion.md", _front_matter({
        "title": hostile("criterion title"), "skill": "discovery", "stage": "discovery",
        "scale": 3, "description": hostile("criterion description"),
        "present": hostile("criterion present"), "absent": hostile("criterion absent"),
        "anchors": {1: hostile("anchor 1"), 2: hostile("anchor 2"), 3: hostile("anchor 3")},
    }, HOSTILE_BODY))
    lib.write("stories/hostile-story.md", _front_matter({
        "title": hostile("story title"), "outcome": "win", "interviewed": "2026-03-14",
        "buyer_role": "cfo", "stage": "discovery", "skills": ["discovery"],
        "competitor": "globex", "deal_size": "mid-market", "objections": ["price"],
        "criteria": {"present": ["hostile-criterion"]},
        "quote": hostile("story quote"), "takeaway": hostile("story takeaway"),
        "clips": [{"src": "interview.wav", "start": "0:01", "end": "0:07",
                   "transcript": hostile("clip transcript")}],
    }, HOSTILE_BODY))
    (lib.content / "audio").mkdir()
    silent_wav(lib.content / "audio" / "interview.wav")
    return lib


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    lib = hostile_library(tmp_path_factory.mktemp("hostile"))
    make_repo(lib)
    site = lib.root / "www" / "playbook"
    result = build(lib.root, site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


# -- what the HTML holds ------------------------------------------------------------

class _ActiveContent(HTMLParser):
    """Collects every element or attribute from which the payload could run."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or (name in ("href", "src", "action", "formaction")
                                         and unsafe_scheme(value)):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ("img", "svg", "iframe", "object", "embed") and any(
                "__pwned" in (v or "") or n == "src" and v == "x" for n, v in attrs):
            self.found.append(f"<{tag}> from content")
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "__pwned" in data:
            self.found.append(f"<script> holding {data[:60]!r}")


def active_content(html: str) -> list[str]:
    parser = _ActiveContent()
    parser.feed(html)
    parser.close()
    return parser.found


def test_every_page_shows_hostile_text_escaped(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 10
    seen_word = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert active_content(html) == [], page.relative_to(hostile_site)
        if WORD in html:
            seen_word.append(page.relative_to(hostile_site).as_posix())
    # The hostile text is on the pages, as text: story, criterion, every term page.
    for expected in ("stories/hostile-story/index.html", "criteria/hostile-criterion/index.html",
                     "competitors/globex/index.html", "skills/discovery/index.html",
                     "objections/price/index.html", "roles/cfo/index.html", "index.html",
                     "stories/index.html"):
        assert expected in seen_word
    story = (hostile_site / "stories/hostile-story/index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=window.__pwned=1&gt;" in story
    assert "{{ 7*7 }}" in story  # Jinja-looking text is shown, not evaluated
    assert "49" not in story.split("<title>")[1].split("</title>")[0]


def test_title_and_description_are_escaped_in_the_head(hostile_site):
    for rel in ("stories/hostile-story/index.html", "criteria/hostile-criterion/index.html",
                "competitors/globex/index.html"):
        html = (hostile_site / rel).read_text(encoding="utf-8")
        head = html.split("</head>")[0]
        title = head.split("<title>")[1].split("</title>")[0]
        assert WORD in title and "&lt;img" in title and "<img" not in title
        assert active_content(head) == []


def test_the_search_index_holds_hostile_text_as_text(hostile_site):
    found = [p for p in indexed_pages(hostile_site) if WORD in p["meta"].get("title", "")
             + p["content"]]
    urls = {p["url"] for p in found}
    assert {"/criteria/hostile-criterion/", "/stories/hostile-story/"} <= urls
    for page in found:
        # Pagefind keeps the words as text; the header search and the finder put
        # them on the page as text nodes only (test_searching_for_hostile_text_runs_no_script).
        assert "&lt;" not in page["meta"].get("title", ""), page["url"]  # escaped once, not twice


# -- what a browser does ------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_url(hostile_site):
    handler = type("Handler", (_PagesHandler,), {"not_found": hostile_site / "404.html"})
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(handler, directory=str(hostile_site.parent)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/playbook/"
    server.shutdown()


@pytest.fixture
def guarded(browser):  # noqa: F811 - the fixture imported above
    """A page that records every navigation and dialog, and never leaves the test server."""
    context = browser.new_context()
    page = context.new_page()
    log = {"navigations": [], "dialogs": []}
    page.on("framenavigated", lambda frame: log["navigations"].append(frame.url))
    page.on("dialog", lambda dialog: (log["dialogs"].append(dialog.message), dialog.dismiss()))
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith("http://127.0.0.1") else route.abort())
    yield page, log
    context.close()
    assert not any(url.split(":")[0].lower() in ("javascript", "data", "vbscript")
                   for url in log["navigations"]), log["navigations"]
    assert log["dialogs"] == []


def _assert_not_pwned(page):
    # A click may have started a navigation: read the page it lands on, not one
    # that is being torn down (Playwright then loses the script context).
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(5):
        page.wait_for_load_state("load")
        try:
            pwned, title = page.evaluate("window.__pwned"), page.title()
            break
        except PlaywrightError as error:
            if "context was destroyed" not in str(error) or attempt == 4:
                raise
    assert pwned is None
    assert "PWNED" not in title


PAGES = ["stories/hostile-story/", "criteria/hostile-criterion/", "competitors/globex/",
         "skills/discovery/", "objections/price/", "roles/cfo/", "stages/discovery/",
         "deal-sizes/mid-market/", "stories/", "", "criteria/"]


@pytest.mark.parametrize("path", PAGES)
def test_hovering_titles_and_nav_runs_no_script(guarded, hostile_url, path):
    page, _ = guarded
    page.goto(hostile_url + path)
    page.wait_for_load_state("load")
    _assert_not_pwned(page)
    targets = page.locator("h1, h2, h3, .md-header__topic, .md-nav__link, .pb-card a, "
                           ".pb-facet, .pb-narrative a, .pb-narrative [title], td, blockquote")
    for index in range(min(targets.count(), 80)):
        target = targets.nth(index)
        if target.is_visible():
            # As a pointer would, even where a theme overlay covers the element.
            target.hover(force=True, timeout=2000)
            target.dispatch_event("mouseenter")
            target.dispatch_event("mouseover")
    page.wait_for_timeout(300)  # tooltips appear after a delay
    _assert_not_pwned(page)


@pytest.mark.parametrize("path", ["stories/hostile-story/", "criteria/hostile-criterion/"])
def test_clicking_every_narrative_link_stays_on_safe_urls(guarded, hostile_url, path):
    page, log = guarded
    page.goto(hostile_url + path)
    count = page.locator(".pb-narrative a").count()
    assert count >= 2
    for index in range(count):
        page.goto(hostile_url + path)
        link = page.locator(".pb-narrative a").nth(index)
        assert link.evaluate("a => a.protocol") in ("http:", "https:", "mailto:")
        link.click(no_wait_after=True)
        page.wait_for_timeout(200)
        _assert_not_pwned(page)


@pytest.mark.parametrize("query", [WORD, WORD[:5], "onerror", "img", "script"])
def test_searching_for_hostile_text_runs_no_script(guarded, hostile_url, query):
    page, _ = guarded
    page.goto(hostile_url)
    page.click("[data-pb-search-open]")
    page.keyboard.type(query)
    page.wait_for_selector("[data-pb-search][data-pb-search-ready]")
    page.wait_for_timeout(300)
    results = page.locator(".pb-site-search__hit")
    if query.startswith(WORD[:5]):
        assert results.count() >= 1
        # The hostile title is shown as the text it is.
        titles = page.locator(".pb-site-search__title").all_inner_texts()
        assert any("<img src=x onerror=" in title for title in titles), titles
    for index in range(min(results.count(), 10)):
        results.nth(index).hover()
    _assert_not_pwned(page)
    if results.count():
        with page.expect_navigation():
            results.first.click()
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        _assert_not_pwned(page)


@pytest.mark.parametrize("query", [WORD, "onerror", "img src", "window pwned"])
def test_the_finder_shows_hostile_text_as_text(guarded, hostile_url, query):
    """The finder renders results from the search index as text nodes, never as HTML."""
    page, _ = guarded
    page.goto(hostile_url + "stories/?" + urlencode({"q": query}))
    page.wait_for_selector("[data-finder-list][data-finder-ready], "
                           "[data-finder-empty]:not([hidden])")
    cards = page.locator("[data-finder-list] > li")
    assert cards.count() >= 1
    card = cards.first
    assert card.locator(".pb-card__title").get_attribute("href").endswith("hostile-story/")
    for part in (".pb-card__title", ".pb-card__quote", ".pb-card__excerpt"):
        text = card.locator(part).inner_text()
        assert "<img src=x onerror=window.__pwned=1>" in text or "onerror" in text, part
    # Only the finder's own elements: no element came from the content.
    tags = card.evaluate("li => [...li.querySelectorAll('*')].map(e => e.tagName.toLowerCase())")
    assert set(tags) <= {"p", "span", "a", "mark", "time"}, tags
    for index in range(cards.count()):
        cards.nth(index).hover(force=True)
    _assert_not_pwned(page)


# -- the URL policy ------------------------------------------------------------------

UNSAFE_BODIES = {
    "plain": "[x](javascript:window.__pwned=1)",
    "case": "[x](JaVaScRiPt:window.__pwned=1)",
    "decimal entity": "[x](&#106;avascript:window.__pwned=1)",
    "hex entity": "[x](&#x6A;avascript:window.__pwned=1)",
    "padded entity": "[x](&#0000106avascript:window.__pwned=1)",
    "named colon": "[x](javascript&colon;window.__pwned=1)",
    "leading space": "[x](  javascript:window.__pwned=1)",
    "tab inside": "[x](<java\tscript:window.__pwned=1>)",
    "entity tab": "[x](java&#x09;script:window.__pwned=1)",
    "newline inside": "[x](java\nscript:window.__pwned=1)",
    "control char": "[x](\x01javascript:window.__pwned=1)",
    "angle brackets": "[x](<javascript:window.__pwned=1>)",
    "with title": '[x](javascript:window.__pwned=1 "title")',
    "reference": "See [x][ref].\n\n[ref]: javascript:window.__pwned=1",
    "short reference": "See [ref].\n\n[ref]: JAVASCRIPT:window.__pwned=1",
    "image": "![x](javascript:window.__pwned=1)",
    "image reference": "![x][img]\n\n[img]: javascript:window.__pwned=1",
    "vbscript": "[x](vbscript:msgbox)",
    "data html": "[x](data:text/html,<script>window.__pwned=1</script>)",
    "data svg image": "![x](data:image/svg+xml,<svg onload=window.__pwned=1>)",
    "in a list": "- item\n- [x](javascript:window.__pwned=1)",
    "file": "[x](file:///etc/passwd)",
}
SAFE_BODIES = {
    "https": "[x](https://example.com/a?b=javascript:1)",
    "http": "[x](http://example.com)",
    "mailto": "[x](mailto:buyer@example.com)",
    "relative": "[x](../stories/acme/)",
    "fragment": "[x](#clip-1)",
    "autolink": "<https://example.com>",
    "mail autolink": "<buyer@example.com>",
    "protocol-relative": "[x](//example.com/)",
}


@pytest.mark.parametrize("name", sorted(UNSAFE_BODIES))
def test_an_unsafe_url_becomes_text_and_an_error_at_its_line(name):
    body = "Intro paragraph.\n\n" + UNSAFE_BODIES[name]
    rendered = render_body(body)
    assert [f.code for f in rendered.findings] == ["markdown.unsafe-url"]
    # The line of the link, or of the reference definition that holds the URL.
    expected_line = {"reference": 5, "short reference": 5, "image reference": 5,
                     "in a list": 4}.get(name, 3)
    assert rendered.findings[0].line == expected_line
    assert "href=" not in rendered.html and "src=" not in rendered.html
    assert active_content(str(rendered.html)) == []


@pytest.mark.parametrize("name", sorted(SAFE_BODIES))
def test_safe_urls_stay_links(name):
    rendered = render_body(SAFE_BODIES[name])
    assert rendered.findings == ()
    assert "<a href=" in rendered.html


@pytest.mark.parametrize("url, scheme", [
    ("javascript:x", "javascript"), (" \tJaVa\nScRiPt:x", "javascript"),
    ("&#x6a;avascript:x", "javascript"), ("&amp;#106;avascript:x", "javascript"),
    ("vbscript:x", "vbscript"), ("data:text/html,x", "data"), ("https://x", None),
    ("mailto:a@b", None), ("page/", None), ("?q=javascript:1", None), ("#a:b", None),
])
def test_the_scheme_is_judged_as_a_browser_reads_the_url(url, scheme):
    assert unsafe_scheme(url) == scheme


@pytest.mark.parametrize("body", [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=window.__pwned=1>",
    '<a href="javascript:window.__pwned=1">x</a>',
    "<!-- c --><svg onload=window.__pwned=1>",
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
    "&#60;img src=x onerror=window.__pwned=1&#62;",
    "`<script>window.__pwned=1</script>`",
    "```\n<script>window.__pwned=1</script>\n```",
    "<javascript:window.__pwned=1>",
    "<div>\n<script>window.__pwned=1</script>\n</div>",
    "x {: onclick=window.__pwned=1 }",
])
def test_raw_html_is_shown_as_text(body):
    rendered = render_body(body)
    assert active_content(str(rendered.html)) == []
    assert "__pwned" in rendered.html  # shown, not lost


def test_neutralised_links_do_nothing_in_chromium(guarded, hostile_url):
    page, log = guarded
    html = "".join(render_body(body).html for body in UNSAFE_BODIES.values())
    page.goto(hostile_url)
    page.set_content(f"<html><body>{html}</body></html>")
    elements = page.locator("body *")
    for index in range(elements.count()):
        element = elements.nth(index)
        if element.is_visible():
            element.click(no_wait_after=True)
    page.wait_for_timeout(300)
    _assert_not_pwned(page)
    assert page.locator("a, img").count() == 0


# -- bodies that would break or stall the build --------------------------------------

PATHOLOGICAL = {
    "400-deep list": ("".join("    " * i + "- level\n" for i in range(400)),
                      "markdown.too-deep", 21),
    "one-line nested list": ("- " * 1000 + "x\n", "markdown.too-deep", 1),
    "deep blockquote": (">" * 400 + " deep\n", "markdown.too-deep", 1),
    "deep blockquote lines": ("".join(">" * (i + 1) + " x\n" for i in range(400)),
                              "markdown.too-deep", 21),
    "50 KB of [": ("[" * 50_000, "markdown.too-complex", 1),
    "escaped brackets": ("\\[[" * 10_000, "markdown.too-complex", 1),
    "open link targets": ("[a](<" * 10_000, "markdown.too-complex", 1),
    "heading lines": ("# a\n" * 20_000, "markdown.too-complex", 1),
    "rules": ("a\n***\n" * 10_000, "markdown.too-complex", 1),
    "too large": ("A plain sentence.\n" * 8_000, "markdown.too-large", 1),
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_a_pathological_body_gets_one_located_error(name):
    body, code, line = PATHOLOGICAL[name]
    findings = render_body("Intro.\n\n" + body).findings
    # Size is a property of the whole body, reported at its first line.
    expected_line = 1 if code == "markdown.too-large" else line + 2
    assert [(f.code, f.line) for f in findings] == [(code, expected_line)]


def test_the_pre_scan_is_linear():
    # 50 KB of '[' renders (refusing it) no slower than 50 KB of ordinary prose.
    prose = ("The buyer asked for the security packet in week one. " * 1000)[:50_000]
    brackets = "[" * 50_000

    def seconds(text: str) -> float:
        render_body.cache_clear()
        started = time.perf_counter()
        render_body(text)
        return time.perf_counter() - started

    assert seconds(brackets) < seconds(prose)


@pytest.fixture
def broken_repo(tmp_path):
    lib = hostile_library(tmp_path)
    make_repo(lib)
    return lib


@pytest.mark.parametrize("kind, body, code, line", [
    # 300 levels: as deep as a story file can nest under the 256 KB file limit.
    ("stories/hostile-story.md",
     "Intro.\n\n" + "".join("    " * i + "- level\n" for i in range(300)),
     "markdown.too-deep", 23),
    ("stories/hostile-story.md", "Intro.\n\n" + "[" * 50_000, "markdown.too-complex", 3),
    ("criteria/hostile-criterion.md", "Intro.\n\n" + "> " * 300 + "x\n", "markdown.too-deep", 3),
    ("stories/hostile-story.md", "Intro.\n\nSee [the deck](&#106;avascript:alert(1)).\n",
     "markdown.unsafe-url", 3),
    ("criteria/hostile-criterion.md", "Intro.\n\n[x][r]\n\n[r]: vbscript:msgbox\n",
     "markdown.unsafe-url", 5),
])
def test_validate_and_build_refuse_with_a_located_error(broken_repo, kind, body, code, line):
    path = broken_repo.content / kind
    text = path.read_text(encoding="utf-8")
    front, _ = text.rsplit("---\n", 1)
    path.write_text(front + "---\n" + body, encoding="utf-8")
    body_start = front.count("\n") + 2  # the line after the closing ---
    where = f"content/{kind}:{body_start + line - 1}: error [body]:"

    validate = subprocess.run(
        [sys.executable, "-m", "generator.cli", "validate", "--no-audio", "--format", "json"],
        cwd=broken_repo.root, capture_output=True, text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
    assert validate.returncode == 1
    assert "Traceback" not in validate.stderr
    problems = json.loads(validate.stdout)["problems"]
    assert [(p["path"], p["line"], p["field"], p["code"]) for p in problems] == [
        (f"content/{kind}", body_start + line - 1, "body", code)]
    assert problems[0]["hint"]

    result = build(broken_repo.root, broken_repo.root / "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert where in result.stderr and f"({code})" in result.stderr
    assert not (broken_repo.root / "site" / "stories").exists()
