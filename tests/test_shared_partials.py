"""Material's sidebar nav, search box, palette toggles and config script are
rendered once per folder for pages outside the nav.

The oracle is the same build with every page rendering its own (Material's
way): the site must be the same, byte for byte.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from generator import mkdocs_pages
from helpers import EPOCH, copy_of_the_sample

STORY = "globex-security-review-came-too-late"


def built_site(root: Path, site: Path) -> tuple[dict[str, bytes], object]:
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    files = {}
    for folder, _, names in os.walk(site):
        for name in names:
            path = Path(folder) / name
            files[str(path.relative_to(site))] = path.read_bytes()
    return files, config.plugins["playbook"]


def each_page_its_own_parts(monkeypatch) -> None:
    monkeypatch.setattr(mkdocs_pages.SharedPartials, "key", lambda self, page: None)


@pytest.fixture
def sample(tmp_path, monkeypatch) -> Path:
    root = copy_of_the_sample(tmp_path / "repo")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(root)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    return root


def test_story_pages_share_one_nav_and_the_site_is_unchanged(sample, tmp_path, monkeypatch):
    shared, plugin = built_site(sample, tmp_path / "shared")
    pages = [p for p in shared if p.endswith("/index.html")]
    folders = {page.rsplit("/", 2)[0] for page in pages}
    assert len(pages) > 3 * len(folders)
    # The pages outside the nav in each folder got one rendering of each part
    # (nav, search box, palette, config script) between them.
    assert 0 < plugin.shared_parts.rendered <= 4 * len(folders)

    each_page_its_own_parts(monkeypatch)
    own, _ = built_site(sample, tmp_path / "own")
    assert shared.keys() == own.keys()
    assert [path for path in shared if shared[path] != own[path]] == []


def test_a_story_named_in_the_nav_keeps_its_own_active_entry(sample, tmp_path, monkeypatch):
    mkdocs_yml = sample / "mkdocs.yml"
    text = mkdocs_yml.read_text(encoding="utf-8")
    last = "  - Contributing: contributing.md\n"
    assert last in text
    entry = f"  - Story of the quarter: stories/{STORY}.md\n"
    mkdocs_yml.write_text(text.replace(last, last + entry), encoding="utf-8")
    shared, _ = built_site(sample, tmp_path / "shared")
    page = shared[f"stories/{STORY}/index.html"].decode()
    nav = page.split("md-sidebar--primary", 1)[1].split("md-sidebar--secondary", 1)[0]
    assert "md-nav__link--active" in nav  # its own entry, marked as the current page
    other = next(p for p in shared if p.startswith("stories/") and STORY not in p
                 and p.endswith("/index.html") and p != "stories/index.html")
    assert "md-nav__link--active" not in shared[other].decode().split(
        "md-sidebar--secondary", 1)[0]

    each_page_its_own_parts(monkeypatch)
    own, _ = built_site(sample, tmp_path / "own")
    assert [path for path in shared if shared[path] != own[path]] == []
