"""The site-size budget (`site_budget_mb`) and clips hosted elsewhere (`clips_base_url`):
the sample built as a user builds it, with those plugin options in its mkdocs.yml."""

from __future__ import annotations

import functools
import io
import os
import re
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.build import MB, SiteSize
from generator.options import clips_base_url, site_budget_mb
from helpers import EPOCH, copy_of_the_sample, launch_chromium

# The sample's MkDocs site is about 7.1 MB (0.9 MB of it clips) when this was written;
# a budget of 8 MB puts it at 89% (a warning), one of 7 MB over (a failure).
WARNING_BUDGET_MB = 8
FAILING_BUDGET_MB = 7


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """One copy of the sample, built again with each mkdocs.yml the tests write."""
    return copy_of_the_sample(tmp_path_factory.mktemp("budget"))


def with_options(root: Path, **options: object) -> None:
    """The sample's mkdocs.yml with these playbook plugin options added."""
    original = root / "mkdocs.orig.yml"
    if not original.exists():
        original.write_text((root / "mkdocs.yml").read_text("utf-8"), "utf-8")
    text = original.read_text("utf-8")
    lines = "".join(f"      {name}: {value}\n" for name, value in options.items())
    assert "      content_dir: content\n" in text
    (root / "mkdocs.yml").write_text(
        text.replace("      content_dir: content\n", "      content_dir: content\n" + lines),
        "utf-8")


def playbook(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=root,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
                          capture_output=True, text=True)


# -- the budget's arithmetic, with hand-computed thresholds -----------------------------

def test_a_site_under_80_percent_of_its_budget_gets_neither_warning_nor_failure():
    size = SiteSize(total=799_999, clips=0, hosted=0, budget_mb=1)
    assert size.warning() == "" and size.error() == ""


def test_a_site_at_80_percent_of_its_budget_gets_a_warning():
    size = SiteSize(total=800_000, clips=600_000, hosted=0, budget_mb=1)
    assert "80% of its 1 MB budget (site_budget_mb in mkdocs.yml)" in size.warning()
    assert "clips_base_url" in size.warning()
    assert size.error() == ""


def test_a_site_exactly_at_its_budget_still_builds():
    size = SiteSize(total=2_500_000, clips=0, hosted=0, budget_mb=2.5)
    assert "100%" in size.warning() and size.error() == ""


def test_a_site_one_byte_over_its_budget_fails_and_says_what_to_do():
    size = SiteSize(total=1_000_001, clips=900_000, hosted=0, budget_mb=1)
    assert size.error().startswith("playbook: the site is 1.0 MB, over its 1 MB budget")
    for advice in ("set clips_base_url in mkdocs.yml", "0.9 MB of the site", "48kbit/s",
                   "prune stories", "raise site_budget_mb"):
        assert advice in size.error()


def test_the_size_line_gives_the_clips_share():
    size = SiteSize(total=400 * MB, clips=300 * MB, hosted=0, budget_mb=1000)
    assert size.line() == ("playbook: the site is 400.0 MB (40% of the 1,000 MB budget); "
                           "clips are 300.0 MB of it (75%)")
    hosted = SiteSize(total=100 * MB, clips=0, hosted=300 * MB, budget_mb=1000,
                      clips_base_url="https://clips.example.com/pb")
    assert hosted.line() == ("playbook: the site is 100.0 MB (10% of the 1,000 MB budget) and "
                             "holds no clips; 300.0 MB of clips in build/clips/ to upload to "
                             "https://clips.example.com/pb/")


# -- the options, validated ----------------------------------------------------------

@pytest.mark.parametrize("value", [float("nan"), float("inf"), -5, 0, "1 GB", True, [1]])
def test_a_hostile_budget_is_refused_naming_the_option(value):
    with pytest.raises(ValueError, match=r"^the playbook option 'site_budget_mb' must be a number"):
        site_budget_mb(value)


def test_the_budget_defaults_to_github_pages_1_gb():
    assert site_budget_mb(None) == 1000
    assert site_budget_mb(2.5) == 2.5


@pytest.mark.parametrize("value", [
    "ftp://clips.example.com", "clips.example.com/pb", "javascript:alert(1)",
    "https://clips.example.com/pb?token=1", "https://clips.example.com/pb#x",
    'https://clips.example.com/"><script>alert(1)</script>', "https://clips example.com",
    "https://user:secret@clips.example.com", "https://", 42,
])
def test_a_hostile_clips_base_url_is_refused_naming_the_option(value):
    with pytest.raises(ValueError, match=r"^the playbook option 'clips_base_url' must be"):
        clips_base_url(value)


def test_a_clips_base_url_loses_its_trailing_slash():
    assert clips_base_url("https://github.com/o/r/releases/download/clips/") == \
        "https://github.com/o/r/releases/download/clips"
    assert clips_base_url(None) == ""


@pytest.mark.parametrize("command", [["validate"], ["build"]])
def test_a_bad_option_in_mkdocs_yml_is_one_line_naming_it(sample, command):
    with_options(sample, site_budget_mb=".nan")
    result = playbook(sample, *command)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("playbook: ") and "mkdocs.yml: " in lines[0]
    assert "'site_budget_mb'" in lines[0] and "found nan" in lines[0]


# -- the budget in real builds ---------------------------------------------------------

def test_a_build_near_its_budget_warns_and_one_over_it_fails_leaving_the_site(sample):
    site = sample / "site"
    with_options(sample, site_budget_mb=WARNING_BUDGET_MB)
    warned = playbook(sample, "build")
    assert warned.returncode == 0, warned.stderr
    assert re.search(r"the site is \d\.\d MB, [89]\d% of its 8 MB budget", warned.stderr)
    assert re.search(r"the site is \d\.\d MB \([89]\d% of the 8 MB budget\); clips are "
                     r"0\.\d MB of it", warned.stderr)
    (site / "marker").write_text("the previous site", "utf-8")

    with_options(sample, site_budget_mb=FAILING_BUDGET_MB)
    failed = playbook(sample, "build")
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert re.search(r"the site is \d\.\d MB, over its 7 MB budget \(site_budget_mb in "
                     r"mkdocs.yml", failed.stderr)
    assert "set clips_base_url in mkdocs.yml" in failed.stderr
    assert (site / "marker").read_text("utf-8") == "the previous site"
    assert not [p for p in sample.iterdir() if p.name.startswith(".site.")]


def test_a_zensical_build_warns_and_fails_alike(sample):
    pytest.importorskip("zensical")
    # Zensical's site of the sample is smaller: about 5.0 MB when this was written.
    site = sample / "zensical-site"
    with_options(sample, site_budget_mb=6)
    warned = playbook(sample, "build", "--builder", "zensical", "--site-dir", str(site))
    assert warned.returncode == 0, warned.stderr
    assert re.search(r"the site is \d\.\d MB \([89]\d% of the 6 MB budget\)", warned.stdout)
    assert re.search(r"the site is \d\.\d MB, [89]\d% of its 6 MB budget", warned.stderr)
    (site / "marker").write_text("the previous site", "utf-8")
    with_options(sample, site_budget_mb=4)
    failed = playbook(sample, "build", "--builder", "zensical", "--site-dir", str(site))
    assert failed.returncode == 1
    assert "over its 4 MB budget" in failed.stderr and "Traceback" not in failed.stderr
    assert (site / "marker").read_text("utf-8") == "the previous site"
    # Clips hosted elsewhere: Zensical's site holds none either, and plays them from there.
    with_options(sample, site_budget_mb=6, clips_base_url="https://clips.example.com/pb")
    hosted = playbook(sample, "build", "--builder", "zensical", "--site-dir", str(site))
    assert hosted.returncode == 0, hosted.stderr
    assert "holds no clips" in hosted.stdout
    assert not list(site.rglob("*.mp3"))
    assert (sample / "build" / "clips" / "cfo-met-in-week-two" / "clip-1.mp3").is_file()
    assert ('src="https://clips.example.com/pb/cfo-met-in-week-two/clip-1.mp3"'
            in (site / "stories" / "cfo-met-in-week-two" / "index.html").read_text("utf-8"))


# -- clips hosted elsewhere ---------------------------------------------------------------

@pytest.fixture(scope="module")
def hosted(sample):
    """The sample built with its clips at a second local server's address; (root, URL)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(
        RangeHandler, directory=str(sample / "build")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/clips"
    with_options(sample, clips_base_url=url + "/")
    result = playbook(sample, "build", "--site-dir", str(sample / "hosted-site"))
    assert result.returncode == 0, result.stderr
    yield sample, url, result
    server.shutdown()


def test_a_site_with_clips_hosted_elsewhere_holds_no_mp3(hosted):
    root, url, result = hosted
    site = root / "hosted-site"
    assert not list(site.rglob("*.mp3"))
    clips = sorted(p.relative_to(root / "build" / "clips").as_posix()
                   for p in (root / "build" / "clips").rglob("*.mp3"))
    assert "cfo-met-in-week-two/clip-1.mp3" in clips
    assert ("calibration/2026-q3-discovery-round-one/harbor-freight-discovery-clip-1.mp3"
            in clips)
    assert "holds no clips" in result.stderr and "to upload to " + url + "/" in result.stderr


def test_every_clip_reference_points_at_the_clips_base_url(hosted):
    root, url, _ = hosted
    site = root / "hosted-site"
    story = (site / "stories" / "cfo-met-in-week-two" / "index.html").read_text("utf-8")
    clip = url + "/cfo-met-in-week-two/clip-1.mp3"
    assert f'<audio controls preload="none" src="{clip}"' in story
    assert f'<a href="{clip}">Download the clip</a>' in story
    session = (site / "calibration" / "2026-q3-discovery-round-one" / "index.html").read_text(
        "utf-8")
    assert (url + "/calibration/2026-q3-discovery-round-one/harbor-freight-discovery-clip-1.mp3"
            in session)
    # No page, feed or data file anywhere names a clip at another address.
    others = set()
    for path in site.rglob("*"):
        if path.suffix in (".html", ".xml", ".json", ".csv", ".js"):
            for found in re.findall(r"[\w./:-]*clip-\d+\.mp3", path.read_text("utf-8")):
                if not found.startswith(url + "/"):
                    others.add((path.relative_to(site).as_posix(), found))
    # The contributor guide's text says where a clip is published without clips_base_url.
    assert {page for page, _ in others} <= {"contributing/index.html",
                                            "search/search_index.json"}, others


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


class RangeHandler(QuietHandler):
    """A static server that answers byte-range requests (206), as object storage does."""

    ranges_served: list[str] = []

    def send_head(self):
        wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not wanted or not path.is_file():
            return super().send_head()
        data = path.read_bytes()
        start = int(wanted[1])
        end = min(int(wanted[2]) if wanted[2] else len(data) - 1, len(data) - 1)
        body = data[start:end + 1]
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        RangeHandler.ranges_served.append(self.path)
        return io.BytesIO(body)


def test_a_clip_hosted_on_another_origin_plays_in_chromium(hosted):
    from playwright.sync_api import sync_playwright

    root, url, _ = hosted
    site_server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(
        QuietHandler, directory=str(root / "hosted-site")))
    threading.Thread(target=site_server.serve_forever, daemon=True).start()
    site_url = f"http://127.0.0.1:{site_server.server_address[1]}/"
    assert site_url.split("/")[2] != url.split("/")[2]  # another port: another origin
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page()
                page.goto(site_url + "stories/cfo-met-in-week-two/#clip-1")
                audio = page.locator("#clip-1 audio")
                played = audio.evaluate(
                    "a => new Promise((done, fail) => { a.muted = true;"
                    " a.addEventListener('timeupdate', () => { if (a.currentTime > 0.5)"
                    " done([a.currentSrc, a.currentTime]); });"
                    " a.play().catch(e => fail(String(e))); })")
                browser.close()
            except BaseException:
                browser.close()
                raise
    finally:
        site_server.shutdown()
    assert played[0] == url + "/cfo-met-in-week-two/clip-1.mp3"
    assert played[1] > 0.5
    assert "/clips/cfo-met-in-week-two/clip-1.mp3" in RangeHandler.ranges_served


def test_playbook_pages_writes_the_hosted_clips_beside_its_pages(hosted, tmp_path):
    root, url, _ = hosted
    (root / "build" / "clips" / "cfo-met-in-week-two" / "clip-1.mp3").unlink()
    result = playbook(root, "pages", "--out", str(tmp_path / "pages"))
    assert result.returncode == 0, result.stderr
    assert not list((tmp_path / "pages").rglob("*.mp3"))
    assert (root / "build" / "clips" / "cfo-met-in-week-two" / "clip-1.mp3").stat().st_size
    assert f"for upload to {url}/" in result.stdout
