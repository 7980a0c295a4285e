"""Helpers shared by tests: import them from here, not from conftest."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pydub import AudioSegment

from generator.audio import find_ffmpeg
from generator.load import LoadResult, load_library


def decode_as_is(path: Path) -> AudioSegment:
    """A published file decoded by the build's own ffmpeg, channels kept.

    pydub's `from_file` asks ffprobe about the file first, and a machine with
    only Python and make has no ffprobe; ffmpeg to WAV and pydub's WAV reader
    need nothing else.
    """
    result = subprocess.run(
        [find_ffmpeg().path, "-nostdin", "-v", "error", "-i", str(path), "-f", "wav", "-"],
        capture_output=True, check=True)
    return AudioSegment.from_file(io.BytesIO(result.stdout), format="wav")


def validate_json(*args: str, cwd: Path) -> tuple[int, list[dict]]:
    """`playbook validate --format json` as a user runs it: exit code and problems."""
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "validate", "--format", "json", *args],
        cwd=cwd, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, capture_output=True, text=True)
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)["problems"]


class _PageLinks(HTMLParser):
    """The links, sources and ids of one HTML page."""

    SOURCES = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
               ("audio", "src"), ("source", "src"), ("video", "src"), ("iframe", "src")}

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif value and (tag, name) in self.SOURCES:
                self.links.append(value)


def broken_links(site: Path) -> tuple[int, list[str]]:
    """Every internal link, anchor and source in a built site, checked.

    Returns how many were checked and the broken ones as "page: link (why)".
    A link must point at a file in the site (a folder means its index.html),
    and a #fragment must be an id on the page it points at. The search
    index's locations are checked the same way. 404.html is left out: it is
    served from any path, so MkDocs roots its links at site_url.
    """
    pages = {page: _parse(page) for page in sorted(site.rglob("*.html"))}
    checked, broken = 0, []

    def check(page: Path, base: Path, link: str) -> None:
        nonlocal checked
        parts = urlsplit(link)
        if parts.scheme or parts.netloc:
            return  # external
        checked += 1
        where = f"{page.relative_to(site)}: {link}"
        if parts.path.startswith("/"):
            broken.append(f"{where} (absolute: breaks when the site is under a sub-path)")
            return
        target = (base / unquote(parts.path)).resolve() if parts.path else page
        if target.is_dir() or parts.path.endswith("/"):
            target = target / "index.html"
        if not target.is_file() or not target.is_relative_to(site.resolve()):
            broken.append(f"{where} (no such file)")
            return
        fragment = unquote(parts.fragment)
        if fragment and target.suffix == ".html":
            ids = pages[target].ids if target in pages else _parse(target).ids
            if fragment not in ids:
                on = target.relative_to(site.resolve())
                broken.append(f"{where} (no id '{fragment}' on {on})")

    site = site.resolve()
    pages = {page.resolve(): parsed for page, parsed in pages.items()}
    for page, parsed in pages.items():
        if page.name == "404.html" and page.parent == site:
            continue
        for link in parsed.links:
            check(page, page.parent, link)
    index = site / "search" / "search_index.json"
    if index.is_file():
        for doc in json.loads(index.read_text(encoding="utf-8"))["docs"]:
            check(index, site, doc["location"] or "./")
    return checked, broken


def indexed_pages(site: Path) -> list[dict]:
    """Every page in a built site's Pagefind index (generator/search_index.py), as
    Pagefind stores it: url, content (the words), meta and filters."""
    import gzip

    pages = []
    for fragment in sorted((site / "pagefind" / "fragment").iterdir()):
        data = gzip.decompress(fragment.read_bytes())
        pages.append(json.loads(data[data.index(b"{"):]))
    return pages


def _parse(page: Path) -> _PageLinks:
    parser = _PageLinks()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def copy_of_the_sample(dest: Path) -> Path:
    """The sample playbook's sources in a new folder, so it has its own, cold clip cache."""
    import shutil

    for name in ("content", "docs", "theme"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "mkdocs.yml", dest)
    return dest


REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 6, 1)
# Builds of the sample are reproducible: "today" is 2026-11-01 (ISO week 44).
EPOCH = "1793491200"
EPOCH_DATE = date(2026, 11, 1)


def build(root: Path, site: Path, **env: str) -> subprocess.CompletedProcess:
    """`playbook build` as a user runs it, into `site`."""
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "--site-dir", str(site)],
        cwd=root, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **env},
        capture_output=True, text=True,
    )


TAXONOMY = """\
skills:
  discovery: {title: Discovery}
  stakeholder-engagement: {title: Stakeholder engagement, aliases: [multi-threading]}
competitors:
  globex: {title: Globex}
  northwind: {title: Northwind, aliases: [northwind-ap]}
roles:
  cfo: {title: CFO}
  it-security: {title: IT security lead}
objections:
  price: {title: Price, aliases: [pricing]}
  security: {title: Security}
stages:
  discovery: {title: Discovery, order: 1}
  security-review: {title: Security review, order: 2}
deal_sizes:
  mid-market: {title: Mid-market}
"""

CRITERION = """\
---
title: Surfaces the security review early
skill: discovery
stage: discovery
scale: 3
weight: 1.5
description: By the second call the rep has asked who reviews vendor security.
present: "Who on your side reviews new vendors for security?"
absent: "We can deal with security once you've picked us."
anchors:
  1: Security is not mentioned.
  2: Asked, but no owner or date.
  3: Names the reviewer, the documents and a date.
---
Coach it with the first-call checklist.
"""

STORY = """\
---
title: Globex sent their SOC 2 in week one
outcome: loss
loss_reason: execution
interviewed: 2026-03-14
buyer_role: it-security
stage: security-review
skills: [discovery]
competitor: globex
deal_size: mid-market
objections: [security]
criteria:
  absent: [security-early]
quote: By the time your security packet arrived we had finished Globex's review.
takeaway: Send the SOC 2 report in the first week.
clips:
  - src: interview.wav
    start: "0:01"
    end: "0:07"
    transcript: By the time your packet arrived we were done.
---
## Context

A mid-market deal that stalled in security review.
"""


# The smallest valid calibration session (two raters, two calls) and ramp (one phase),
# shared by the tests that change one field of them.
SESSION = """\
date: 2026-05-20
raters:
  dana: Dana Whitfield
  marco: Marco Ruiz
criteria: [security-early]
calls:
  - id: acme-discovery
    title: Acme, discovery
    scores:
      dana: {security-early: 3}
      marco: {security-early: 2}
  - id: beta-demo
    title: Beta, demo
    scores:
      dana: {security-early: 1}
      marco: {security-early: 1}
"""

RAMP = """\
---
title: First thirty days
audience: Account executive
summary: Hear the buyers, then run the plays.
phases:
  - name: Learn
    days: 1-30
    goal: Hear why buyers chose us.
    study: [discovery]
    gate: Can you find who reviews security?
---
Book the gate review in week one.
"""


class Library:
    """A content/ folder in a temporary repository."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"

    def write(self, rel: str, text: str) -> Path:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def story(self, text: str, name: str = "acme.md") -> str:
        self.write(f"stories/{name}", text)
        return f"content/stories/{name}"

    def load(self) -> LoadResult:
        return load_library(self.content, today=TODAY)

    def load_with_audio(self, cache) -> LoadResult:
        return load_library(self.content, today=TODAY, audio=cache)


def silent_wav(path: Path, seconds: float = 10.0) -> None:
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * int(8000 * seconds))


def make_repo(lib: Library) -> Path:
    """Give a test library the repository's site settings and theme, so it builds."""
    import shutil

    shutil.copy(REPO / "mkdocs.yml", lib.root)
    shutil.copytree(REPO / "theme", lib.root / "theme", dirs_exist_ok=True)
    (lib.root / "docs").mkdir(exist_ok=True)
    for page in ("contributing.md",):
        (lib.root / "docs" / page).write_text(f"# {page}\n")
    return lib.root


# -- Chromium on a served site (ramp, coaching pack and scorecard tests) --------

BROWSER_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def launch_chromium(playwright):
    """Debian's Chromium (or PLAYBOOK_CHROMIUM); skipped locally without one, failed in CI."""
    import os
    import shutil

    import pytest

    for candidate in (os.environ.get("PLAYBOOK_CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return playwright.chromium.launch(executable_path=candidate, args=BROWSER_FLAGS)
    message = ("no Chromium found for the browser tests: install Debian's chromium "
               "(sudo apt-get install chromium) or set PLAYBOOK_CHROMIUM")
    if os.environ.get("CI") or os.environ.get("PLAYBOOK_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


def require_git_lfs() -> str:
    """The path of git-lfs; skipped locally without one, failed in CI (CI,
    PLAYBOOK_REQUIRE_GIT_LFS or PLAYBOOK_REQUIRE_BROWSER set), as the browser tests are."""
    import shutil

    import pytest

    found = shutil.which("git-lfs")
    if found:
        return found
    message = ("no git-lfs found for the Git LFS tests: install Debian's git-lfs "
               "(sudo apt-get install git-lfs)")
    if any(os.environ.get(name) for name in ("CI", "PLAYBOOK_REQUIRE_GIT_LFS",
                                             "PLAYBOOK_REQUIRE_BROWSER")):
        pytest.fail(message)
    pytest.skip(message)


def serve_under_project_path(site: Path, tmp: Path):
    """Serve a built site at http://127.0.0.1:<port>/playbook/ (a GitHub Pages project
    path); returns (base URL, server) and the caller shuts the server down."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    (tmp / "playbook").symlink_to(site, target_is_directory=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/playbook/", server


# -- axe-core in Chromium (tests/test_accessibility.py, tests/test_zensical.py) --------

def blocking_violations(violations: list[dict]) -> list[dict]:
    """The axe violations a page must not have: serious or critical, and landmark-unique."""
    return [violation for violation in violations
            if violation["impact"] in ("serious", "critical")
            or violation["id"] == "landmark-unique"]


def axe_violations(page) -> list[dict]:
    """axe-core (bundled with axe-playwright-python, nothing fetched) on the page as it is."""
    from axe_playwright_python.sync_playwright import Axe

    return blocking_violations(Axe().run(page).response["violations"])


def axe_report(violations: list[dict], where: str) -> str:
    """Each violation's rule, impact and help, then each element's selector and what failed."""
    lines = []
    for violation in violations:
        lines.append(f"{where}: {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' > '.join(node['target'])}: {summary}")
    return "\n".join(lines)
