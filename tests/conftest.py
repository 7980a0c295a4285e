"""Fixtures: the built sample site, and a small, valid library each test changes in one place.

Constants and helpers live in tests/helpers.py; import them from there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import (
    CRITERION,
    REPO,
    STORY,
    TAXONOMY,
    Library,
    build,
    launch_chromium,
    serve_under_project_path,
    silent_wav,
)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample playbook, built once for every test that reads it."""
    site = tmp_path_factory.mktemp("sample") / "site"
    result = build(REPO, site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library(tmp_path)
    lib.write("taxonomy.yml", TAXONOMY)
    lib.write("criteria/security-early.md", CRITERION)
    lib.write("stories/globex-soc2.md", STORY)
    (lib.content / "audio").mkdir()
    silent_wav(lib.content / "audio" / "interview.wav")
    return lib


@pytest.fixture(scope="module")
def served_sample(tmp_path_factory, sample_site):
    """(Chromium, base URL): the sample site served under /playbook/, as on GitHub Pages."""
    from playwright.sync_api import sync_playwright

    base, server = serve_under_project_path(sample_site, tmp_path_factory.mktemp("www"))
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser, base
        browser.close()
    server.shutdown()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where a test saves screenshots to look at: $PLAYBOOK_SHOTS if set, else a
    temporary folder."""
    folder = os.environ.get("PLAYBOOK_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("shots")


@pytest.fixture
def open_page(served_sample):
    """open_page(path, **context options) -> page; closes its context and fails on page errors."""
    browser, base = served_sample
    opened = []

    def open_(path: str, **options):
        context = browser.new_context(**options)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + path)
        opened.append((context, errors))
        return page

    yield open_
    for context, errors in opened:
        context.close()
        assert errors == []
