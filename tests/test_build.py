"""The real mkdocs-material build of the sample playbook."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from generator.load import load_library
from helpers import EPOCH, REPO, STORY, build


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (tag, name) in {("a", "href"), ("link", "href"), ("script", "src"),
                                         ("img", "src"), ("audio", "src"), ("source", "src")}:
                self.links.append(value)


def links_in(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def test_every_story_and_criterion_has_its_page(sample_site):
    library = load_library(REPO / "content").library
    assert len(library.stories) >= 24 and len(library.criteria) >= 8
    for story in library.stories:
        page = sample_site / "stories" / story.id / "index.html"
        html = page.read_text(encoding="utf-8")
        assert html.count(">" + escape(story.quote) + "<") >= 1, story.id
        assert escape(story.takeaway) in html
    for criterion in library.criteria:
        html = (sample_site / "criteria" / criterion.id / "index.html").read_text(encoding="utf-8")
        assert escape(criterion.description) in html
        # The examples are dialogue, one turn a line (<br>): compare the words shown.
        shown = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
        for example in (criterion.present, criterion.absent):
            assert " ".join(example.split()) in shown, criterion.id
        for _, behaviour in criterion.anchors:
            assert escape(behaviour) in html


def escape(text: str) -> str:
    from markupsafe import escape as markup_escape

    return str(markup_escape(text))


def test_every_link_in_the_site_resolves(sample_site):
    from helpers import broken_links

    # Every page, asset, clip and #anchor a page (or the search index) points at.
    checked, broken = broken_links(sample_site)
    assert broken == []
    assert checked > 2000


def test_story_pages_link_their_criteria_and_the_list_links_every_story(sample_site):
    library = load_library(REPO / "content").library
    listing = links_in(sample_site / "stories" / "index.html")
    newest = sorted(library.stories, key=lambda s: (-s.interviewed.toordinal(), s.id))
    for story in newest[:12]:  # the rest the finder renders from its index
        assert f"{story.id}/" in listing
    for story in library.stories:
        page = sample_site / "stories" / story.id / "index.html"
        hrefs = links_in(page)
        for criterion_id in story.criteria_present + story.criteria_absent:
            assert f"../../criteria/{criterion_id}/" in hrefs


def test_the_sidebar_does_not_list_every_story(sample_site):
    for page in ("index.html", "stories/index.html", "criteria/index.html"):
        html = (sample_site / page).read_text(encoding="utf-8")
        sidebar = html.split('md-sidebar--primary', 1)[1].split('md-sidebar--secondary', 1)[0]
        hrefs = [h for h in re.findall(r'href="([^"]*)"', sidebar) if not h.startswith("#")]
        # Sections, overviews and one entry per skill: nothing per story.
        assert 10 <= len(hrefs) < 25, hrefs
        assert not [h for h in hrefs if re.search(r"stories/[a-z0-9-]+/", h)], hrefs


class _Fetched(HTMLParser):
    """What a browser downloads by itself when it opens a page (not links it may follow)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = (attrs.get("rel") or "").split()
        if tag == "link" and not {"canonical", "alternate"} & set(rel):
            self.urls.append(attrs.get("href") or "")
        for name in ("src", "poster", "data"):
            if attrs.get(name) and tag in {"script", "img", "audio", "video", "source",
                                           "iframe", "embed", "object", "track", "input"}:
                self.urls.append(attrs[name])
        if attrs.get("srcset"):
            self.urls += [part.split()[0] for part in attrs["srcset"].split(",") if part.strip()]
        if attrs.get("style"):
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", attrs["style"])


EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def test_nothing_is_fetched_from_another_host(sample_site):
    # Every page, stylesheet and script of the built site: a browser opening
    # the site must not download a font, script or image from anywhere else.
    fetched = []
    for page in sorted(sample_site.rglob("*.html")):
        parser = _Fetched()
        parser.feed(page.read_text(encoding="utf-8"))
        fetched += [(page, url) for url in parser.urls]
    assert len(fetched) > 100
    assert [(p.name, u) for p, u in fetched if EXTERNAL.match(u)] == []
    for sheet in sorted(sample_site.rglob("*.css")):
        css = sheet.read_text(encoding="utf-8")
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", css) + re.findall(
            r"@import\s+['\"]([^'\"]+)", css)
        assert [u for u in urls if EXTERNAL.match(u)] == [], sheet
    for script in sorted(sample_site.rglob("*.js")):
        code = script.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in code and "fonts.gstatic" not in code, script


def test_the_same_input_builds_the_same_site(tmp_path):
    from helpers import copy_of_the_sample

    # Two checkouts in different folders, each encoding its clips afresh, with
    # different hash seeds and time zones: every byte of every file agrees,
    # pages, search index, sitemap.xml.gz (its header has a date), clips, assets.
    sites = []
    for name, seed, zone in (("one", "1", "UTC"), ("two", "2", "America/Los_Angeles")):
        root = copy_of_the_sample(tmp_path / name)
        site = tmp_path / f"site-{name}"
        result = build(root, site, PYTHONHASHSEED=seed, TZ=zone)
        assert result.returncode == 0, result.stdout + result.stderr
        assert re.search(r"(\d+) clips \(\1 encoded", result.stderr)  # a cold cache each time
        sites.append({p.relative_to(site): p.read_bytes() for p in site.rglob("*")
                      if p.is_file()})
    first, second = sites
    assert first.keys() == second.keys()
    assert {"sitemap.xml.gz", "pagefind/pagefind-entry.json"} <= {str(p) for p in first}
    assert len([p for p in first if p.suffix == ".mp3"]) >= 8
    differing = [str(path) for path in first if first[path] != second[path]]
    assert differing == []


def test_content_text_is_escaped_everywhere(library, tmp_path):
    shutil.copy(REPO / "mkdocs.yml", library.root)
    shutil.copytree(REPO / "theme", library.root / "theme")
    (library.root / "docs").mkdir()
    (library.root / "docs" / "contributing.md").write_text("# Contributing\n")
    evil = "<script>alert(1)</script>"
    library.story(
        STORY.replace("title: Globex sent their SOC 2 in week one",
                      f"title: 'Evil </title>{evil}'")
        .replace("quote: By the time", f"quote: {evil} By the time")
        .replace("takeaway: Send", "takeaway: <img src=x onerror=alert(2)> Send")
        .replace("transcript: By the time", f"transcript: {evil} By the time")
        + f"\n{evil}\n\n<img src=x onerror=alert(3)>\n",
        "evil.md",
    )
    site = tmp_path / "site"
    result = build(library.root, site)
    assert result.returncode == 0, result.stdout + result.stderr
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
        assert "<img src=x" not in html and '<img src="x"' not in html, page
    story = (site / "stories" / "evil" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in story
    assert re.search(r"<title>[^<]*Evil", story)


def test_pages_can_be_written_to_a_folder_for_other_builders(tmp_path):
    out = tmp_path / "docs"
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "pages", "--out", str(out)],
        cwd=REPO, capture_output=True, text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
    )
    assert result.returncode == 0, result.stderr
    library = load_library(REPO / "content").library
    for story in library.stories:
        assert (out / "stories" / f"{story.id}.md").is_file()
    assert (out / "index.md").is_file() and (out / "contributing.md").is_file()
    for story in library.stories:
        for number, _ in enumerate(story.clips, start=1):
            assert (out / "stories" / story.id / f"clip-{number}.mp3").is_file()
    # Stale pages go when their story does.
    (out / "stories" / "gone.md").write_text("old")
    subprocess.run([sys.executable, "-m", "generator.cli", "pages", "--out", str(out)],
                   cwd=REPO, check=True, capture_output=True)
    assert not (out / "stories" / "gone.md").exists()


def test_the_sample_clip_is_a_13_second_mono_cut_of_the_interview(sample_site):
    from helpers import decode_as_is

    story = load_library(REPO / "content").library.story("globex-security-review-came-too-late")
    clip = story.clips[0]
    assert (clip.start, clip.end, clip.src) == (4.0, 17.0, "globex-security-lead-interview.mp3")
    published = sample_site / "stories" / story.id / "clip-1.mp3"
    audio = decode_as_is(published)
    assert audio.channels == 1
    assert abs(len(audio) / 1000 - 13.0) <= 0.1
    html = (sample_site / "stories" / story.id / "index.html").read_text(encoding="utf-8")
    assert '<audio controls preload="none" src="clip-1.mp3"' in html
    assert '<span class="pb-clip__duration">0:13</span>' in html
    assert 'id="clip-1"' in html


def test_a_second_build_encodes_nothing(library, tmp_path):
    from helpers import make_repo

    root = make_repo(library)
    first = build(root, tmp_path / "one")
    assert "1 clip (1 encoded" in first.stderr, first.stderr
    second = build(root, tmp_path / "two")
    assert second.returncode == 0
    assert "1 clip (0 encoded" in second.stderr, second.stderr
    assert "ffmpeg" in second.stderr  # the log says which ffmpeg a build used
    # The site's clip is the cache's file under a second name, not a copy of it.
    clip = tmp_path / "two/stories/globex-soc2/clip-1.mp3"
    cached = [p for p in (root / ".cache").rglob("*.mp3")]
    assert len(cached) == 1 and clip.read_bytes() == cached[0].read_bytes()
    assert clip.samefile(cached[0])


def test_the_pages_folder_builds_with_plain_mkdocs_material_and_keeps_the_finder(tmp_path):
    """`playbook pages --out` is the exit from MkDocs plugins: front matter and HTML
    that a plain Material build (no playbook plugin) turns into the same story pages."""
    out = tmp_path / "docs"
    subprocess.run([sys.executable, "-m", "generator.cli", "pages", "--out", str(out)],
                   cwd=REPO, check=True, capture_output=True,
                   env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
    assert (out / "pagefind" / "pagefind.js").is_file()
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: Plain\ndocs_dir: {out}\nsite_dir: {tmp_path / 'site'}\n"
                      "theme:\n  name: material\n  font: false\n", encoding="utf-8")
    built = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "-q",
                            "-f", str(config)], capture_output=True, text=True,
                           env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH,
                                "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 0, built.stderr
    story = load_library(REPO / "content").library.story("globex-security-review-came-too-late")
    html = (tmp_path / "site" / "stories" / story.id / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<h1 id="[^"]+">' + re.escape(story.title), html)
    assert '<blockquote class="pb-quote">' in html and "data-pagefind-body" in html
    assert (tmp_path / "site" / "pagefind" / "pagefind.js").is_file()
