"""`playbook build --builder zensical`: the sample through Zensical, Material's successor,
with the same contract pages as the MkDocs build and a working finder in Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from generator.load import load_library
from helpers import (
    EPOCH,
    REPO,
    axe_report,
    axe_violations,
    copy_of_the_sample,
    launch_chromium,
    serve_under_project_path,
)


def _pages(site: Path) -> set[str]:
    """Every page and data file of a site, less each builder's own search index and assets."""
    return {path.relative_to(site).as_posix() for path in site.rglob("*")
            if path.is_file() and not path.relative_to(site).as_posix().startswith(
                ("assets/javascripts/", "assets/stylesheets/", "assets/images/", "search"))
            and path.name != "sitemap.xml.gz"}


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory) -> Path:
    root = copy_of_the_sample(tmp_path_factory.mktemp("zensical"))
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "--builder", "zensical"],
        cwd=root, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "with Zensical" in result.stdout
    assert not (root / ".playbook-zensical.yml").exists()  # the inheriting config is gone
    return root / "site"


@pytest.fixture(scope="module")
def sample():
    return load_library(REPO / "content").library


def test_zensical_builds_every_page_the_mkdocs_build_has(zensical_site, sample_site):
    assert _pages(zensical_site) == _pages(sample_site)
    # One search, the playbook's (Pagefind). Zensical's own is turned off in
    # the config; Zensical 0.0.73 still writes its search.json, which no page loads
    # (test_the_header_search_on_the_zensical_site_is_ours_and_works).
    assert (zensical_site / "pagefind" / "pagefind.js").is_file()


def test_the_contract_pages_hold_the_library(zensical_site, sample):
    for story in sample.stories:
        page = (zensical_site / "stories" / story.id / "index.html").read_text("utf-8")
        assert story.quote in unescape(page), story.id
        for number, _ in enumerate(story.clips, start=1):
            assert (zensical_site / "stories" / story.id / f"clip-{number}.mp3").stat().st_size
    for skill in sample.taxonomy.terms["skills"]:
        assert (zensical_site / "skills" / skill.id / "index.html").is_file()
        assert (zensical_site / "skills" / skill.id / "coach" / "index.html").is_file()
    for criterion in sample.criteria:
        assert (zensical_site / "criteria" / criterion.id / "index.html").is_file()
    for name in ("ramp", "scorecard", "calibration", "insights", "competitors/globex",
                 "calendar"):
        assert "<h1" in (zensical_site / name / "index.html").read_text("utf-8"), name
    rows = (zensical_site / "scorecard.csv").read_text("utf-8").splitlines()
    assert len(rows) == len(sample.criteria) + 1
    entries = ElementTree.parse(zensical_site / "feed.xml").getroot().findall(
        "{http://www.w3.org/2005/Atom}entry")
    stories = [e for e in entries
               if e.findtext("{http://www.w3.org/2005/Atom}id").startswith("urn:playbook:story:")]
    assert len(stories) == len(sample.stories)
    assert b"UID:urn:playbook:calendar:2026-12" in (zensical_site / "calendar.ics").read_bytes()
    # A renamed story's old URL leads to the new page; a missing page gets the 404.
    old = (zensical_site / "stories" / "matched-reference-beat-globex" / "index.html")
    assert "reference-call-that-sounded-like-us" in old.read_text("utf-8")
    assert "404" in (zensical_site / "404.html").read_text("utf-8")


class _NavLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "a" and "md-nav__link" in (found.get("class") or "").split():
            self.hrefs.append((found.get("href") or "").removeprefix("./"))


def test_the_nav_is_mkdocs_ymls_once_with_each_skill_under_skills(zensical_site, sample):
    links = _NavLinks()
    links.feed((zensical_site / "index.html").read_text("utf-8"))
    nav = yaml.load((REPO / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)["nav"]
    for entry in nav:  # each page of mkdocs.yml's nav is linked once, not twice
        page = next(iter(entry.values()))
        # scorecard.md -> scorecard/, ramp/index.md -> ramp/; the home page is "" (this page)
        href = page.removesuffix("index.md").removesuffix(".md")
        href += "/" if href and not href.endswith("/") else ""
        assert links.hrefs.count(href) == 1, (href, links.hrefs)
    for term in sample.taxonomy.terms["skills"]:  # expanded under Skills, as MkDocs has it
        assert links.hrefs.count(f"skills/{term.id}/") == 1, term.id


def test_the_finder_filters_on_the_zensical_site_in_chromium(zensical_site, sample, tmp_path):
    from playwright.sync_api import sync_playwright

    expected = sorted(s.id for s in sample.stories_by("competitors", "northwind")
                      if s.outcome == "loss")
    assert expected
    base, server = serve_under_project_path(zensical_site, tmp_path)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(base + "stories/?outcome=loss&competitor=northwind")
            page.wait_for_selector("[data-finder-list][data-finder-ready]")
            page.wait_for_function("document.querySelector('[data-finder-count]').textContent"
                                   f".startsWith('{len(expected)} of')")
            hrefs = page.locator("[data-finder-list] > li .pb-card__title").evaluate_all(
                "els => els.map(e => e.href)")
            assert sorted(href.split("/")[-2] for href in hrefs) == expected
            page.fill("input[name=q]", "forty percent")
            page.wait_for_function("document.querySelector('[data-finder-count]').textContent"
                                   ".startsWith('1 of')")
            browser.close()
            assert errors == []
    finally:
        server.shutdown()


def test_the_header_search_on_the_zensical_site_is_ours_and_works(zensical_site, tmp_path):
    from playwright.sync_api import sync_playwright

    html = (zensical_site / "skills" / "index.html").read_text("utf-8")
    assert html.count("data-pb-search-open") == 1
    assert 'data-md-component="search"' not in html  # no second search box
    base, server = serve_under_project_path(zensical_site, tmp_path)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(base + "skills/")
            page.keyboard.press("/")
            page.keyboard.type("infosec")
            page.wait_for_selector("[data-pb-search][data-pb-search-ready]")
            # The 7 stories of the objection "security" (alias "infosec"), then its page.
            assert page.locator(".pb-site-search__heading").first.inner_text().lower() == \
                "stories (7)"
            assert page.locator(".pb-site-search__group--story .pb-outcome").count() == 5
            assert not [url for url in requested if "search.json" in url]  # not Zensical's
            page.get_by_role("link", name="See all 7 stories in the finder").click()
            page.wait_for_url("**/playbook/stories/?q=infosec")
            page.wait_for_selector("[data-finder-list][data-finder-ready]")
            assert page.inner_text("[data-finder-count]").startswith("7 of 28 stories")
            browser.close()
            assert errors == []
    finally:
        server.shutdown()


def test_the_finder_reads_a_managers_words_on_the_zensical_site(zensical_site, tmp_path):
    # playbook-query.js and the query files reach the Zensical site too (issue 20).
    from playwright.sync_api import sync_playwright

    base, server = serve_under_project_path(zensical_site, tmp_path)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(base + "stories/?q=lost+to+globex+on+secuirty")
            page.wait_for_selector("[data-finder-list][data-finder-ready]")
            chips = [" ".join(text.split())
                     for text in page.locator("[data-query-chip]").all_inner_texts()]
            assert chips == ["Outcome: Loss ×", "Competitor: Globex ×"]
            assert "Showing results for security (you typed secuirty)" in page.inner_text(
                "[data-query-notes]")
            hrefs = page.locator("[data-finder-list] > li .pb-card__title").evaluate_all(
                "els => els.map(e => e.href)")
            assert sorted(href.split("/")[-2] for href in hrefs) == [
                "globex-security-review-came-too-late", "globex-trust-package-before-we-asked"]
            browser.close()
            assert errors == []
    finally:
        server.shutdown()


def test_axe_finds_no_serious_violation_on_the_zensical_site(zensical_site, tmp_path):
    """Zensical draws its own header and palette: the main page types, light and dark
    (tests/test_accessibility.py checks every page type of the MkDocs build)."""
    from playwright.sync_api import sync_playwright

    base, server = serve_under_project_path(zensical_site, tmp_path)
    failures = []
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for scheme in ("light", "dark"):
                page = browser.new_page(color_scheme=scheme)
                for path in ("", "stories/globex-security-review-came-too-late/",
                             "stories/?q=security", "ramp/new-account-executive/"):
                    page.goto(base + path)
                    if path.startswith("stories/?"):
                        page.wait_for_selector("[data-finder-list][data-finder-ready]")
                    violations = axe_violations(page)
                    if violations:
                        failures.append(axe_report(violations, f"Zensical {scheme} /{path}"))
                page.close()
            browser.close()
    finally:
        server.shutdown()
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)
