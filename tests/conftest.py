"""A small, valid library that each test changes in one place."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from generator.load import LoadResult, load_library

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


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample playbook, built once for every test that reads it."""
    site = tmp_path_factory.mktemp("sample") / "site"
    result = build(REPO, site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site

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


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library(tmp_path)
    lib.write("taxonomy.yml", TAXONOMY)
    lib.write("criteria/security-early.md", CRITERION)
    lib.write("stories/globex-soc2.md", STORY)
    (lib.content / "audio").mkdir()
    silent_wav(lib.content / "audio" / "interview.wav")
    return lib


def make_repo(lib: Library) -> Path:
    """Give a test library the repository's site settings and theme, so it builds."""
    import shutil

    shutil.copy(REPO / "mkdocs.yml", lib.root)
    shutil.copytree(REPO / "theme", lib.root / "theme", dirs_exist_ok=True)
    (lib.root / "docs").mkdir(exist_ok=True)
    for page in ("contributing.md",):
        (lib.root / "docs" / page).write_text(f"# {page}\n")
    return lib.root
