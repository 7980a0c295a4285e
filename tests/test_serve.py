"""`playbook serve` rebuilds only what an edit touches, and stays correct.

The oracle is always a fresh, full build of the edited library: the
incremental result must be the same files, byte for byte. "What an edit
touches" is measured, not declared: the pages whose output differs between a
full build before and after the edit, plus the summary pages that read every
story (home, finder, overviews, insights), which any story edit re-renders.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from generator.build import Build, Settings, run
from generator.urls import term_url
from generator.vocabularies import vocabularies
from helpers import EPOCH, EPOCH_DATE, copy_of_the_sample

STORY = "globex-security-review-came-too-late"
UNCITED = "globex-card-bundle-erased-ap-fee"  # no ramp, taxonomy or session names it
SUMMARY_PAGES = {"index.md", "stories/index.md", "insights.md",
                 *(f"{term_url(v.id)}index.md" for v in vocabularies()),
                 "industries/index.md"}  # the overview of the vocabulary the sample declares


@pytest.fixture(scope="module")
def clip_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clip-cache")  # encoded once for the module


@pytest.fixture
def sample(tmp_path, clip_cache) -> Path:
    return copy_of_the_sample(tmp_path / "repo")


def settings(root: Path, clip_cache: Path) -> Settings:
    return Settings.at(root / "content", today=EPOCH_DATE, cache_dir=clip_cache)


def outputs(result: Build) -> dict[str, str | bytes]:
    assert not result.errors, result.errors
    return {f.path: f.text for f in result.files if f.copy_from is None}


def edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1, flags=re.M)
    assert changed != text, f"{pattern!r} not found in {path}"
    path.write_text(changed, encoding="utf-8")


def rebuild(root: Path, clip_cache: Path, change) -> tuple[Build, Build, set[str]]:
    """(incremental, full, changed): builds before and after `change`."""
    before = run(settings(root, clip_cache))
    change(root / "content")
    incremental = run(settings(root, clip_cache), previous=before)
    full = run(settings(root, clip_cache))
    old, new = outputs(before), outputs(full)
    changed = {path for path, text in new.items() if path.endswith(".md") and old.get(path) != text}
    return incremental, full, changed


def test_an_unchanged_library_renders_no_page_again(sample, clip_cache):
    first = run(settings(sample, clip_cache))
    second = run(settings(sample, clip_cache), previous=first)
    assert len(first.rendered) == sum(1 for f in first.files if f.is_page) > 50
    assert second.rendered == ()
    assert outputs(second) == outputs(first)


def test_a_story_title_edit_rerenders_the_story_its_dependants_and_nothing_else(
        sample, clip_cache):
    incremental, full, changed = rebuild(sample, clip_cache, lambda content: edit(
        content / f"stories/{STORY}.md", r"^title: .*$", "title: The SOC 2 report we never sent"))
    assert outputs(incremental) == outputs(full)
    assert f"stories/{STORY}.md" in changed
    # The pages that list it: related stories, its terms, its criteria's evidence.
    assert len(changed) > 5
    assert set(incremental.rendered) == changed | SUMMARY_PAGES
    assert len(incremental.rendered) < sum(1 for f in full.files if f.is_page) / 2


def test_a_deleted_story_disappears_from_every_page(sample, clip_cache):
    incremental, full, changed = rebuild(
        sample, clip_cache, lambda content: (content / f"stories/{UNCITED}.md").unlink())
    pages = outputs(incremental)
    assert pages == outputs(full)
    assert f"stories/{UNCITED}.md" not in pages
    assert not [path for path, text in pages.items() if f"{UNCITED}/" in str(text)]
    assert set(incremental.rendered) == changed | SUMMARY_PAGES


def test_a_renamed_story_moves_in_every_list(sample, clip_cache):
    def rename(content: Path) -> None:
        (content / f"stories/{UNCITED}.md").rename(content / "stories/globex-card-bundle.md")

    incremental, full, _ = rebuild(sample, clip_cache, rename)
    pages = outputs(incremental)
    assert pages == outputs(full)
    assert "stories/globex-card-bundle.md" in pages
    assert not [path for path, text in pages.items()
                if path.endswith(".md") and f"{UNCITED}/" in str(text)]


def test_a_taxonomy_edit_rerenders_every_page_it_reaches(sample, clip_cache):
    incremental, full, changed = rebuild(sample, clip_cache, lambda content: edit(
        content / "taxonomy.yml", r"title: Globex$", "title: Globex Corporation"))
    assert outputs(incremental) == outputs(full)
    assert changed <= set(incremental.rendered)
    assert "competitors/globex.md" in changed


def test_a_criterion_edit_reaches_the_stories_that_cite_it(sample, clip_cache):
    path = next((sample / "content/criteria").glob("*.md"))
    incremental, full, changed = rebuild(sample, clip_cache, lambda content: edit(
        content / "criteria" / path.name, r"^title: .*$", "title: A renamed criterion"))
    assert outputs(incremental) == outputs(full)
    assert changed <= set(incremental.rendered)


def test_serve_reads_again_only_the_story_files_that_changed(sample, clip_cache, monkeypatch):
    import generator.load

    read: list[str] = []
    real = generator.load.read_markdown

    def counting(path, root):
        read.append(path.name)
        return real(path, root)

    monkeypatch.setattr(generator.load, "read_markdown", counting)
    first = run(settings(sample, clip_cache))
    stories = len(first.library.stories)
    edit(sample / f"content/stories/{STORY}.md", r"^title: .*$", "title: Edited")
    read.clear()
    second = run(settings(sample, clip_cache), previous=first)
    story_reads = [name for name in read if (sample / "content/stories" / name).exists()]
    assert story_reads == [f"{STORY}.md"]
    assert len(second.library.stories) == stories
    assert second.library.story(STORY).title == "Edited"


def test_problems_after_an_edit_are_those_of_a_fresh_load(sample, clip_cache):
    first = run(settings(sample, clip_cache))
    edit(sample / f"content/stories/{STORY}.md", r"^competitor: .*$", "competitor: globx")
    incremental = run(settings(sample, clip_cache), previous=first)
    fresh = run(settings(sample, clip_cache))
    assert [p.code for p in incremental.errors] == ["term.unknown"]
    assert incremental.problems == fresh.problems
    # A recording that goes away fails the clips that cut it, though their files did not change.
    recording = next((sample / "content/audio").glob("*.mp3"))
    recording.unlink()
    later = run(settings(sample, clip_cache), previous=incremental)
    assert later.problems == run(settings(sample, clip_cache)).problems
    assert "clip.src-missing" in {p.code for p in later.errors}


# -- a serving session: the real MkDocs build, as `mkdocs serve` runs it -------------

class Session:
    """MkDocs' serve loop without the HTTP server: one plugin object, many builds."""

    def __init__(self, root: Path, site: Path):
        self.root, self.site = root, site
        self.config = self._config()
        self.config.plugins.on_startup(command="serve", dirty=False)
        self.plugin = self.config.plugins["playbook"]

    def _config(self):
        config = load_config(str(self.root / "mkdocs.yml"), site_dir=str(self.site))
        config.site_url = "http://127.0.0.1:8000/"
        return config

    def build(self) -> dict[str, bytes]:
        config = self.config if self.config is not None else self._config()
        self.config = None  # serve loads the configuration again for each rebuild
        mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
        return site_pages(self.site)

    def close(self) -> None:
        self.plugin.on_shutdown()


def site_pages(site: Path) -> dict[str, bytes]:
    """Every HTML file the server would serve, through links too (stories/ is one)."""
    pages = {}
    for folder, _, names in os.walk(site, followlinks=True):
        for name in names:
            if name.endswith(".html"):
                path = Path(folder) / name
                pages[str(path.relative_to(site))] = path.read_bytes()
    return dict(sorted(pages.items()))


@pytest.fixture
def session(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(sample)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    opened = Session(sample, tmp_path / "site")
    yield opened
    opened.close()


def fresh_serve_build(root: Path, site: Path) -> dict[str, bytes]:
    fresh = Session(root, site)
    try:
        return fresh.build()
    finally:
        fresh.close()


def test_serve_renders_only_the_pages_an_edit_changed(session, sample, tmp_path):
    first = session.build()
    before = {f.path: f.text for f in session.plugin.build.files if f.is_page}
    edit(sample / f"content/stories/{STORY}.md", r"^title: .*$",
         "title: The SOC 2 report we never sent")
    second = session.build()
    after = {f.path: f.text for f in session.plugin.build.files if f.is_page}
    rendered = set(session.plugin.build.rendered)
    assert f"stories/{STORY}.md" in rendered and len(rendered) < len(after) / 2
    changed = {path for path, text in after.items() if before.get(path) != text}
    assert f"stories/{STORY}.md" in changed and changed <= rendered
    # Unchanged story pages were not handed to MkDocs: their files stand (KeptFolder).
    assert session.plugin.kept_pages > 15
    assert "The SOC 2 report we never sent" in second[f"stories/{STORY}/index.html"].decode()
    # The search index's documents are whole: the edited story, and the guides too.
    documents = session.plugin.index.work_dir / "pages"
    assert (documents / "contributing" / "index.html").is_file()
    assert "The SOC 2 report we never sent" in (
        documents / "stories" / STORY / "index.html").read_text("utf-8")
    # The same site as a fresh serve build of the edited library, byte for byte.
    assert second == fresh_serve_build(sample, tmp_path / "fresh")
    assert second != first


def test_serve_removes_a_deleted_storys_page_and_clips(session, sample, tmp_path):
    first = session.build()
    assert f"stories/{UNCITED}/index.html" in first
    (sample / f"content/stories/{UNCITED}.md").unlink()
    second = session.build()
    assert not [path for path in second if UNCITED in path]
    assert not list((session.site / "stories").glob(f"{UNCITED}*"))
    documents = session.plugin.index.work_dir / "pages"
    assert not (documents / "stories" / UNCITED / "index.html").exists()  # out of the index
    assert (documents / "stories" / STORY / "index.html").is_file()
    assert second == fresh_serve_build(sample, tmp_path / "fresh")


def test_serve_shows_a_nav_change_on_every_page(session, sample, tmp_path):
    session.build()
    # Skills are listed in the sidebar of every page.
    edit(sample / "content/taxonomy.yml", r"^    title: Discovery$", "    title: Discovery calls")
    second = session.build()
    stories = [f"stories/{story.id}/index.html" for story in session.plugin.build.library.stories]
    assert stories and all("Discovery calls" in second[page].decode() for page in stories)
    assert session.plugin.kept_pages == 0
    assert second == fresh_serve_build(sample, tmp_path / "fresh")


def test_serve_compiles_the_theme_once_and_an_edited_template_again(session, sample, tmp_path):
    session.build()
    assert session.plugin.compiled.compiled > 10  # Material's templates and partials
    compiled = session.plugin.compiled.compiled
    edit(sample / f"content/stories/{STORY}.md", r"^title: .*$",
         "title: The SOC 2 report we never sent")
    session.build()
    assert session.plugin.compiled.compiled == compiled  # none compiled again
    # An edited override is compiled afresh (Jinja checks the source's checksum), and shows.
    edit(sample / "theme/main.html", r"^{% block extrahead %}$",
         "{% block extrahead %}<meta name=\"pb-test\" content=\"edited\">")
    second = session.build()
    assert session.plugin.compiled.compiled == compiled + 1
    assert '<meta name="pb-test" content="edited">' in second["index.html"].decode()
    assert second == fresh_serve_build(sample, tmp_path / "fresh")


def test_upstream_mkdocs_clean_leaves_a_linked_folder_and_writes_through_it(tmp_path):
    # KeptFolder relies on this undocumented MkDocs behaviour: emptying
    # site_dir before a build neither deletes a linked folder's files nor
    # refuses the link, and pages are written through it. If this fails after
    # an upgrade, remove KeptFolder (README, "The playbook command").
    (tmp_path / "docs/stories").mkdir(parents=True)
    (tmp_path / "docs/stories/new.md").write_text("# New\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ntheme: material\n")
    kept = tmp_path / "kept"
    (kept / "old").mkdir(parents=True)
    (kept / "old/index.html").write_text("kept")
    site = tmp_path / "site"
    site.mkdir()
    (site / "stories").symlink_to(kept, target_is_directory=True)
    (site / "other.html").write_text("cleaned")
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(site))
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    mkdocs_build(config)
    assert not (site / "other.html").exists()  # the site was emptied...
    assert (kept / "old/index.html").read_text() == "kept"  # ...but not the linked folder
    if (site / "stories").is_symlink():
        assert (kept / "new/index.html").is_file()  # written through the link
    else:
        assert (site / "stories/new/index.html").is_file()


# -- the real `mkdocs serve` ---------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_mkdocs_serve_shows_an_edited_title_and_reindexes_the_finder(sample):
    port = free_port()
    log = sample / "serve.log"
    env = {"SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1",
           "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"],
            cwd=sample, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}/stories/{STORY}/"
    try:
        wait_for(lambda: "Serving on" in log.read_text(), log)
        assert "Globex" in fetch(url)
        edit(sample / f"content/stories/{STORY}.md", r"^title: .*$",
             "title: The SOC 2 report we never sent")
        wait_for(lambda: "The SOC 2 report we never sent" in fetch(url), log)
        printed = log.read_text()
        assert re.search(r"playbook: rendered \d+ of \d+ pages", printed)
        wait_for(lambda: log.read_text().count("story finder's index is up to date") >= 2, log)
        assert fetch(f"http://127.0.0.1:{port}/pagefind/pagefind.js")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "Traceback" not in log.read_text()


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode()
    except OSError:
        return ""


def wait_for(condition, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out; the server printed:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
