"""Public builds: no published link, text or clip reaches a confidential story."""

from __future__ import annotations

import gzip
import html
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EPOCH, STORY, TODAY, copy_of_the_sample, silent_wav

SECRET = STORY.replace("outcome: loss\n", "outcome: loss\nconfidential: true\n").replace(
    "src: interview.wav", "src: secret-interview.wav")
OTHER = STORY.replace("title: Globex sent their SOC 2 in week one",
                      "title: Globex asked for the pen test")
RAMP = """\
---
title: First sixty days
audience: Account executive
summary: Hear the buyers, then run the plays.
phases:
  - name: Learn
    days: 1-30
    goal: Hear why buyers chose us.
    study: [discovery, globex-secret]
    gate: Can you find who reviews security?
---
Book the gate reviews in week one.

Then read [the quiet deal](../../stories/globex-secret/).
"""
SESSION = """\
date: 2026-05-20
raters:
  dana: Dana Whitfield
  marco: Marco Ruiz
criteria: [security-early]
calls:
  - id: acme-discovery
    title: Acme, discovery
    clips:
      - src: secret-interview.wav
        start: "0:01"
        end: "0:07"
        transcript: The same moment the story hid.
    scores:
      dana: {security-early: 3}
      marco: {security-early: 2}
"""


@pytest.fixture
def secret(library):
    """The small library with a confidential story, cut from a recording of its own."""
    silent_wav(library.content / "audio" / "secret-interview.wav", seconds=9.0)
    library.write("stories/globex-secret.md", SECRET)
    return library


def public_problems(library, docs: Path | None = None) -> list[tuple]:
    from generator.build import Settings, run

    settings = Settings.at(library.content, docs_dir=docs, public=True, check_audio=False,
                           today=TODAY)
    return [(p.path, p.line, p.field, p.code) for p in run(settings, generate=False).problems]


def internal_problems(library, docs: Path | None = None) -> list[tuple]:
    from generator.build import Settings, run

    settings = Settings.at(library.content, docs_dir=docs, check_audio=False, today=TODAY)
    return [(p.path, p.line, p.field, p.code) for p in run(settings, generate=False).problems]


def test_a_link_in_a_ramp_body_to_a_confidential_story_fails_a_public_build(secret):
    secret.write("ramp/first-sixty.md", RAMP)
    assert internal_problems(secret) == []
    # Line 14 holds the link; the 'study' entry (line 9) is left out on its own.
    assert public_problems(secret) == [
        ("content/ramp/first-sixty.md", 14, "", "privacy.link-to-confidential")]


def test_a_link_in_docs_to_a_confidential_story_fails_a_public_build(secret):
    docs = secret.root / "docs"
    docs.mkdir()
    (docs / "contributing.md").write_text(
        "# Contributing\n\nA good story: [the quiet deal](stories/globex-secret.md).\n")
    assert internal_problems(secret, docs) == []
    assert public_problems(secret, docs) == [
        ("docs/contributing.md", 3, "", "privacy.link-to-confidential")]


@pytest.mark.parametrize("href", [
    "../stories/globex-secret/",  # its page by URL (guide.md is /guide/)
    "../stories/globex-secret/clip-1.mp3",  # its clip
    "../stories/quiet-deal/",  # its old id, which an internal build redirects
    "https://playbook.example/stories/globex-secret/#clip-1",
])
def test_every_link_in_docs_that_reaches_a_confidential_story_is_an_error(secret, href):
    secret.write("stories/globex-secret.md",
                 SECRET.replace("confidential: true\n",
                                "confidential: true\nredirect_from: [quiet-deal]\n"))
    docs = secret.root / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text(f"# Guide\n\n\nSee [this]({href}).\n")
    assert internal_problems(secret, docs) == []
    assert public_problems(secret, docs) == [
        ("docs/guide.md", 4, "", "privacy.link-to-confidential")]


def test_a_story_body_link_to_a_confidential_storys_old_id_fails_a_public_build(secret):
    secret.write("stories/globex-secret.md",
                 SECRET.replace("confidential: true\n",
                                "confidential: true\nredirect_from: [quiet-deal]\n"))
    secret.story(OTHER.replace("## Context\n", "## Context\n\nSee [it](../quiet-deal/).\n"),
                 "globex-pen-test.md")
    assert internal_problems(secret) == []
    assert public_problems(secret) == [
        ("content/stories/globex-pen-test.md", 24, "", "privacy.link-to-confidential")]


def test_a_calibration_clip_cut_from_a_confidential_recording_fails_a_public_build(secret):
    secret.write("calibration/round-one.yml", SESSION)
    assert internal_problems(secret) == []
    assert public_problems(secret) == [
        ("content/calibration/round-one.yml", 10, "calls[0].clips[0].src",
         "privacy.confidential-recording")]


def test_another_storys_clip_of_a_confidential_recording_fails_unless_it_is_public(secret):
    shared = OTHER.replace("src: interview.wav", "src: secret-interview.wav")
    secret.story(shared, "globex-pen-test.md")
    assert internal_problems(secret) == []
    assert public_problems(secret) == [
        ("content/stories/globex-pen-test.md", 17, "clips[0].src",
         "privacy.confidential-recording")]
    secret.story(shared.replace("outcome: loss\n", "outcome: loss\nrecording_public: true\n"),
                 "globex-pen-test.md")
    assert public_problems(secret) == []


def test_a_copy_of_a_confidential_recording_is_the_same_recording(secret):
    audio = secret.content / "audio"
    shutil.copy(audio / "secret-interview.wav", audio / "renamed-copy.wav")
    secret.story(OTHER.replace("src: interview.wav", "src: renamed-copy.wav"),
                 "globex-pen-test.md")
    assert public_problems(secret) == [
        ("content/stories/globex-pen-test.md", 17, "clips[0].src",
         "privacy.confidential-recording")]


def test_recording_public_must_be_true_or_false(secret):
    secret.story(OTHER.replace("outcome: loss\n", "outcome: loss\nrecording_public: yes please\n"),
                 "globex-pen-test.md")
    assert internal_problems(secret) == [
        ("content/stories/globex-pen-test.md", 4, "recording_public", "field.type")]


# -- the sample playbook, as the done-when describes it ----------------------

HIDDEN = "globex-intacct-dimensions-trap"  # the one story cut from its recording
HIDDEN_TITLE = "One question about Intacct dimensions ended the Globex evaluation"
HIDDEN_QUOTE = "Show a bill syncing to Sage Intacct"
HIDDEN_RECORDING = "vp-finance-globex-interview.mp3"


def playbook(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=root,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def sample_with_a_secret(tmp_path_factory) -> Path:
    root = copy_of_the_sample(tmp_path_factory.mktemp("public-sample"))
    story = root / "content" / "stories" / f"{HIDDEN}.md"
    story.write_text(story.read_text().replace("outcome: win\n",
                                               "outcome: win\nconfidential: true\n", 1))
    return root


def test_the_sample_with_three_links_to_a_confidential_story_fails_with_three_errors(
        sample_with_a_secret, tmp_path):
    root = copy_of_the_sample(tmp_path / "linked")
    shutil.copy(sample_with_a_secret / "content" / "stories" / f"{HIDDEN}.md",
                root / "content" / "stories")
    ramp = root / "content" / "ramp" / "new-account-executive.md"
    ramp_lines = len(ramp.read_text().splitlines())
    ramp.write_text(ramp.read_text() + f"\nRead [the quiet deal](../../stories/{HIDDEN}/).\n")
    guide = root / "docs" / "contributing.md"
    guide_lines = len(guide.read_text().splitlines())
    guide.write_text(guide.read_text() + f"\nSee [a deal](stories/{HIDDEN}.md).\n")
    session = root / "content" / "calibration" / "2026-q3-discovery-round-one.yml"
    call = "    title: Orbit Logistics, tailored demo\n"
    session.write_text(session.read_text().replace(call, call + (
        f"    clips:\n      - src: {HIDDEN_RECORDING}\n        start: \"0:03\"\n"
        "        end: \"0:16\"\n        transcript: The same moment.\n")))

    result = playbook(root, "validate", "--public", "--format", "json")
    assert result.returncode == 1
    found = [(p["path"], p["line"], p["code"]) for p in json.loads(result.stdout)["problems"]]
    assert found == [
        # the third call ("orbit-logistics-demo") is on line 34, its clip's src on 37
        ("content/calibration/2026-q3-discovery-round-one.yml", 37,
         "privacy.confidential-recording"),
        ("content/ramp/new-account-executive.md", ramp_lines + 2,
         "privacy.link-to-confidential"),
        ("docs/contributing.md", guide_lines + 2, "privacy.link-to-confidential"),
    ]
    build = playbook(root, "build", "--public", "--site-dir", str(tmp_path / "site"))
    assert build.returncode != 0
    assert not (tmp_path / "site").exists()


def _readable(data: bytes) -> bytes:
    """A file's bytes, gunzipped when compressed (sitemap.xml.gz, Pagefind's index)."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def test_without_the_links_the_public_sample_holds_no_byte_of_the_story(sample_with_a_secret):
    from generator.audio import AudioCache, publish_clips
    from generator.load import load_library

    root = sample_with_a_secret
    site = root / "site"
    result = playbook(root, "build", "--public", "--site-dir", str(site))
    assert result.returncode == 0, result.stderr
    files = {p.relative_to(site).as_posix(): p.read_bytes()
             for p in sorted(site.rglob("*")) if p.is_file()}
    for must in ("index.html", "feed.xml", "sitemap.xml", "scorecard.csv",
                 "pagefind/pagefind-entry.json", "stories/cfo-met-in-week-two/index.html"):
        assert must in files
    secrets = [HIDDEN, HIDDEN_TITLE, HIDDEN_QUOTE, html.escape(HIDDEN_TITLE),
               HIDDEN_RECORDING]
    for name, data in files.items():
        readable = _readable(data)
        for secret in secrets:
            assert secret.encode() not in readable, f"{name} holds '{secret}'"
        assert HIDDEN not in name
    entry = json.loads(files["pagefind/pagefind-entry.json"])
    # The sample's indexed pages (107: tests/test_pagefind.py), less the confidential story.
    assert entry["languages"]["en"]["page_count"] == 107 - 1

    # The story's clip, as an internal build makes it, is nowhere in the public site.
    internal = load_library(root / "content", public=False, render_bodies=False).library
    clips = publish_clips([internal.story(HIDDEN)], root / "content" / "audio",
                          AudioCache(root / ".cache" / "playbook"))
    (clip,) = clips.values()
    secret_clip = clip.read_bytes()
    assert len(secret_clip) > 1000
    assert all(data != secret_clip for data in files.values())
    assert sorted(n for n in files if n.endswith(".mp3")) == [
        "calibration/2026-q3-discovery-round-one/harbor-freight-discovery-clip-1.mp3",
        "calibration/2026-q3-discovery-round-one/pinecrest-clinics-discovery-clip-1.mp3",
        "stories/cfo-met-in-week-two/clip-1.mp3",
        "stories/champion-left-deal-stalled/clip-1.mp3",
        "stories/globex-security-review-came-too-late/clip-1.mp3",
        "stories/globex-trust-package-before-we-asked/clip-1.mp3",
        "stories/northwind-discounts-chased-not-value/clip-1.mp3",
        "stories/northwind-undercut-by-forty-percent/clip-1.mp3",
        "stories/security-questionnaire-sent-week-one/clip-1.mp3",
    ]



# -- a hand-written page at the address of a generated one ---------------------------

@pytest.mark.parametrize(("name", "address"), [
    ("ramp.md", "ramp/"),  # the example: docs/ramp.md is /ramp/
    ("ramp/index.md", "ramp/"),
    ("stories/globex-soc2.md", "stories/globex-soc2/"),
    ("index.md", "/"),
])
def test_a_hand_written_page_at_a_generated_address_is_an_error(library, name, address):
    docs = library.root / "docs"
    (docs / name).parent.mkdir(parents=True, exist_ok=True)
    (docs / name).write_text("# Mine\n")
    from generator.build import Settings, run

    result = run(Settings.at(library.content, docs_dir=docs, check_audio=False, today=TODAY),
                 generate=False)
    assert [(p.path, p.line, p.code) for p in result.problems] == [
        (f"docs/{name}", 0, "docs.collides-with-generated")]
    assert f"'{address}'" in result.problems[0].message


def test_the_plugin_and_playbook_pages_both_refuse_a_colliding_page(library, tmp_path):
    from helpers import make_repo

    make_repo(library)
    (library.root / "docs" / "ramp.md").write_text("# My ramp\n")
    (library.root / "docs" / "feed.xml").write_text("<feed/>\n")
    built = playbook(library.root, "build", "--site-dir", str(tmp_path / "site"))
    pages = playbook(library.root, "pages", "--docs", "docs", "--out", str(tmp_path / "out"))
    for result in (built, pages):
        assert result.returncode != 0
        assert "docs/ramp.md" in result.stderr + result.stdout
        assert "docs/feed.xml" in result.stderr + result.stdout
        assert "docs.collides-with-generated" in result.stderr + result.stdout
    assert not (tmp_path / "site").exists() and not (tmp_path / "out").exists()
