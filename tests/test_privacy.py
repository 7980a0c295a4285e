"""Privacy: contact details in buyer texts, and confidential stories in public builds."""

from __future__ import annotations

import gzip
import json
import math
import os
import re
import struct
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from generator.privacy import find_contact_details
from helpers import EPOCH, STORY, make_repo

# -- contact details ---------------------------------------------------------------

PHONES = [
    "+44 20 7946 0958",
    "+1 (415) 555-0132",
    "+49 30 901820",
    "+14155550132",
    "(415) 555-0132",
    "(415)555-0132",
    "415-555-0132",
    "415.555.0132",
    "415 555 0132",
    "1-800-555-0132",
    "020 7946 0958",
    "4155550132",
    "004420794609581",
]
NOT_PHONES = [
    "2026-03-14",
    "2026-03-14T10:05:00+01:00",
    "20260314",
    "20260314100500",
    "1:05",
    "01:05:30",
    "$40,000",
    "$1,250,000",
    "€4.5m",
    "40%",
    "+20%",
    "a 12.5% discount",
    "version 2.10.3",
    "v10.4.2024",
    "ISO 27001:2022",
    "ISO 8601",
    "2019-2024",
    "FY2023-2024",
    "3-5 days",
    "1,200 invoices a month",
    "192.168.100.1",
    "a 30-60-90 day plan",
    "SOC 2 Type II",
    "PO 4471-2026",
    "$25k-$100k ARR",
]


@pytest.mark.parametrize("phone", PHONES)
def test_phone_numbers_are_found(phone):
    found = find_contact_details(f"Call me on {phone}, any time.")
    assert [(d.kind, d.text) for d in found] == [("phone", phone)]


@pytest.mark.parametrize("text", NOT_PHONES)
def test_numbers_that_are_not_phone_numbers_are_left_alone(text):
    assert find_contact_details(f"We said {text} in the call.") == []


@pytest.mark.parametrize("email", ["dana.reyes@acme-corp.com", "ap+invoices@acme.co.uk",
                                   "J_Smith@mail.example.org"])
def test_email_addresses_are_found(email):
    found = find_contact_details(f"Write to {email}.")
    assert [(d.kind, d.text) for d in found] == [("email", email)]


@pytest.mark.parametrize("text", ["@dana on Slack", "user@localhost", "the a@b rule",
                                  "support at acme dot com"])
def test_handles_and_partial_addresses_are_not_emails(text):
    assert find_contact_details(text) == []


def line_holding(file: Path, needle: str) -> int:
    lines = file.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def warnings_by_code(result, code: str) -> list[tuple[str, int, str]]:
    return [(p.path, p.line, p.field) for p in result.problems
            if p.code == code and p.severity == "warning"]


def test_contact_details_in_a_story_warn_at_their_lines(library):
    text = STORY.replace(
        "quote: By the time",
        "quote: Call me on 415-555-0132. By the time",
    ).replace(
        "takeaway: Send the SOC 2 report in the first week.",
        "takeaway: Send the SOC 2 report to dana.reyes@acme-corp.com in the first week.",
    ).replace(
        "transcript: By the time your packet arrived we were done.",
        "transcript: |\n      By the time your packet arrived\n"
        "      (ring me on +44 20 7946 0958) we were done.",
    ).replace(
        "A mid-market deal that stalled in security review.",
        "A mid-market deal that stalled in security review.\n\n"
        "On 2026-03-14 at 1:05 the $40,000 deal (40%) slipped to 2027.\n\n"
        "Dana (dana@acme-corp.com, (415) 555-0132) signed elsewhere.",
    )
    path = library.story(text, "globex-soc2.md")

    def line_of(needle: str) -> int:
        return line_holding(library.root / path, needle)

    result = library.load()
    assert not result.errors
    assert warnings_by_code(result, "privacy.phone") == sorted([
        (path, line_of("quote:"), "quote"),
        (path, line_of("transcript:"), "clips[0].transcript"),
        (path, line_of("Dana ("), "body"),
    ], key=lambda w: w[1])
    assert warnings_by_code(result, "privacy.email") == sorted([
        (path, line_of("takeaway:"), "takeaway"),
        (path, line_of("Dana ("), "body"),
    ], key=lambda w: w[1])
    # The hint says how to fix it; the message does not repeat the address in full.
    warning = next(p for p in result.problems if p.code == "privacy.email")
    assert "[the CFO]" in warning.hint
    assert "dana.reyes@acme-corp.com" not in warning.message


def test_contact_details_in_a_criterion_warn_at_their_lines(library):
    path = "content/criteria/security-early.md"
    criterion = (library.content / "criteria" / "security-early.md").read_text()
    criterion = criterion.replace(
        "  2: Asked, but no owner or date.",
        "  2: Asked, but only got infosec@acme-corp.com as the owner.",
    ).replace(
        "Coach it with the first-call checklist.",
        "Coach it with the first-call checklist.\nOr call the author on 020 7946 0958.",
    )
    library.write("criteria/security-early.md", criterion)
    result = library.load()
    assert not result.errors
    file = library.root / path
    assert warnings_by_code(result, "privacy.email") == [
        (path, line_holding(file, "infosec@"), "anchors.2")]
    assert warnings_by_code(result, "privacy.phone") == [
        (path, line_holding(file, "020 7946"), "body")]


def test_the_sample_playbook_has_no_contact_details():
    from generator.load import load_library
    from helpers import REPO

    result = load_library(REPO / "content")
    assert [p for p in result.problems if p.code.startswith("privacy.")] == []


# -- the confidential field --------------------------------------------------------

@pytest.mark.parametrize("value", ['"yes"', "internal", "1", "[true]", ""])
def test_confidential_must_be_true_or_false(library, value):
    text = STORY.replace("outcome: loss\n", f"outcome: loss\nconfidential: {value}\n")
    path = library.story(text, "globex-soc2.md")
    result = library.load()
    assert [(p.path, p.line, p.field, p.code) for p in result.errors] == [
        (path, 4, "confidential", "story.confidential-type")]
    assert result.library.stories == ()  # a story with errors is never published


@pytest.mark.parametrize("value, expected", [("true", True), ("false", False), ("yes", True)])
def test_confidential_is_read_as_a_boolean(library, value, expected):
    library.story(STORY.replace("outcome: loss\n", f"outcome: loss\nconfidential: {value}\n"),
                  "globex-soc2.md")
    result = library.load()
    assert not result.problems
    assert result.library.story("globex-soc2").confidential is expected


def test_a_public_load_leaves_confidential_stories_out_of_every_index(library):
    from generator.load import load_library
    from helpers import TODAY

    library.story(CONFIDENTIAL,
                  "globex-secret.md")
    internal = library.load().library
    public = load_library(library.content, today=TODAY, public=True).library
    assert [s.id for s in internal.stories] == ["globex-secret", "globex-soc2"]
    assert [s.id for s in public.stories] == ["globex-soc2"]
    assert [s.id for s in public.stories_by("competitors", "globex")] == ["globex-soc2"]
    assert [s.id for s in public.evidence("security-early", "absent")] == ["globex-soc2"]


# A confidential story without clips: a clip would share the other story's recording,
# which a public build refuses on its own (tests/test_public_reach.py).
CONFIDENTIAL = STORY.replace("outcome: loss\n", "outcome: loss\nconfidential: true\n").replace(
    """clips:
  - src: interview.wav
    start: "0:01"
    end: "0:07"
    transcript: By the time your packet arrived we were done.
""", "")


LINKS = [
    "See [the other deal](../globex-secret/).",
    "See [the other deal](../../stories/globex-secret/#clip-1).",
    "See <https://example.org/playbook/stories/globex-secret/>.",
    "See [the clip](../globex-secret/clip-1.mp3).",
    "[other]: ../globex-secret.md",
]


@pytest.mark.parametrize("link", LINKS)
def test_a_link_to_a_confidential_story_fails_a_public_build(library, link):
    from generator.load import load_library
    from helpers import TODAY

    library.story(CONFIDENTIAL,
                  "globex-secret.md")
    path = library.story(STORY.replace("## Context\n", f"## Context\n\n{link}\n"),
                         "globex-soc2.md")
    assert not library.load().problems  # an internal build publishes both
    result = load_library(library.content, today=TODAY, public=True)
    assert [(p.path, p.line, p.code) for p in result.errors] == [
        (path, line_holding(library.root / path, link), "privacy.link-to-confidential")]


def test_a_mention_that_is_not_a_link_is_not_a_link_to_a_confidential_story(library):
    from generator.load import load_library
    from helpers import TODAY

    library.story(CONFIDENTIAL,
                  "globex-secret.md")
    library.story(STORY.replace("## Context\n", "## Context\n\nA globex-secret deal, "
                                "see [Globex](https://globex.example/secret/).\n"),
                  "globex-soc2.md")
    result = load_library(library.content, today=TODAY, public=True)
    assert not result.problems


def test_a_criterion_linking_to_a_confidential_story_fails_a_public_build(library):
    from generator.load import load_library
    from helpers import TODAY

    library.story(CONFIDENTIAL,
                  "globex-secret.md")
    criterion = library.content / "criteria" / "security-early.md"
    criterion.write_text(criterion.read_text() + "Example: [here](../../stories/globex-secret/)\n")
    result = load_library(library.content, today=TODAY, public=True)
    assert [(p.path, p.line, p.code) for p in result.errors] == [
        ("content/criteria/security-early.md", line_holding(criterion, "Example:"),
         "privacy.link-to-confidential")]


def test_playbook_public_env_is_a_yes_or_no(library):
    run = lambda value: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "generator.cli", "validate", "--no-audio", "--format", "json"],
        cwd=library.root, env={**os.environ, "PLAYBOOK_PUBLIC": value},
        capture_output=True, text=True)
    library.story(CONFIDENTIAL,
                  "globex-secret.md")
    library.story(STORY.replace("## Context\n", "## Context\n\n[x](../globex-secret/)\n"),
                  "globex-soc2.md")
    assert run("0").returncode == 0
    public = run("1")
    assert public.returncode == 1
    assert [p["code"] for p in json.loads(public.stdout)["problems"]] == [
        "privacy.link-to-confidential"]
    typo = run("ture")
    assert typo.returncode != 0 and "PLAYBOOK_PUBLIC" in typo.stderr


# -- the public build, for real ----------------------------------------------------

SECRET = """\
---
title: Zanzibar quokka procurement saga
outcome: win
interviewed: 2026-04-02
buyer_role: cfo
stage: discovery
skills: [discovery]
competitor: globex
objections: [price]
confidential: true
criteria:
  present: [security-early]
quote: Quixotic flamingo budgets sank the Globex bid.
takeaway: Play the xylophone cadence in week one.
clips:
  - src: zebra-tone-interview.wav
    start: "0:00"
    end: "0:06"
    transcript: The marmalade vortex closed it for you.
---
## Context

The periwinkle harpsichord renewal, told in confidence.
"""
# Every string that only the confidential story carries.
DISTINCTIVE = ["confidential-zebra", "zanzibar", "quokka", "quixotic flamingo", "xylophone",
               "marmalade vortex", "periwinkle harpsichord", "zebra-tone-interview"]

PUBLIC_STORY = STORY.replace(
    "title: Globex sent their SOC 2 in week one", "title: Northwind priced per invoice"
).replace("competitor: globex", "competitor: northwind").replace(
    "objections: [security]", "objections: [price]")


def tone_wav(path: Path, seconds: float = 8.0, hz: float = 440.0) -> None:
    """A recording that sounds like nothing else in the library, so its clip is unique."""
    rate = 8000
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(
            struct.pack("<h", int(12000 * math.sin(2 * math.pi * hz * i / rate)))
            for i in range(int(rate * seconds))))


def playbook_build(root: Path, site: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "--site-dir", str(site), *args],
        cwd=root, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **env},
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site, with .gz files decompressed."""
    files = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        files[path.relative_to(site).as_posix()] = data
    return files


def figure(html: str, label: str) -> int:
    return int(re.search(rf"<strong>(\d+)</strong><span>{label}</span>", html).group(1))


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """An internal and a public build of a library with one confidential story.

    The public build goes into the internal build's folder, as a CI job that
    reuses a workspace would, so nothing may be left behind from before.
    """
    from helpers import CRITERION, TAXONOMY, Library, silent_wav

    root = tmp_path_factory.mktemp("privacy")
    lib = Library(root)
    lib.write("taxonomy.yml", TAXONOMY)
    lib.write("criteria/security-early.md", CRITERION)
    lib.write("stories/globex-soc2.md", STORY)
    lib.write("stories/northwind-per-invoice.md", PUBLIC_STORY)
    lib.write("stories/confidential-zebra.md", SECRET)
    (lib.content / "audio").mkdir()
    silent_wav(lib.content / "audio" / "interview.wav")
    tone_wav(lib.content / "audio" / "zebra-tone-interview.wav")
    make_repo(lib)

    site = root / "site"
    playbook_build(root, site)
    internal = site_files(site)
    public_log = playbook_build(root, site, "--public")
    public = site_files(site)
    return dict(root=root, site=site, internal=internal, public=public, log=public_log,
                recording=(lib.content / "audio" / "zebra-tone-interview.wav").read_bytes())


def test_an_internal_build_shows_the_confidential_story_with_its_marker(builds):
    internal = builds["internal"]
    page = internal["stories/confidential-zebra/index.html"].decode()
    assert "Confidential: internal only" in page
    assert "Quixotic flamingo budgets" in page
    assert "stories/confidential-zebra/clip-1.mp3" in internal
    other = internal["stories/globex-soc2/index.html"].decode()
    assert "Confidential: internal only" not in other


def test_a_public_build_leaves_no_byte_of_the_confidential_story(builds):
    public = builds["public"]
    assert "stories/globex-soc2/index.html" in public  # the public stories are there
    assert "pagefind/pagefind-entry.json" in public and "sitemap.xml" in public
    for name, data in public.items():
        if name.startswith("pagefind/") and name.endswith((".pf_fragment", ".pf_index")):
            data = gzip.decompress(data)  # the search index's words, as the browser reads them
        lowered = data.lower()
        for secret in DISTINCTIVE:
            assert secret.encode() not in lowered, f"{name} holds '{secret}'"
        assert "confidential-zebra" not in name
    # (The internal build's index does hold it: the check above reads the index.)
    assert any(DISTINCTIVE[0].encode() in gzip.decompress(data).lower()
               for name, data in builds["internal"].items()
               if name.startswith("pagefind/fragment/"))
    # The clip's audio is not anywhere under another name, nor is the recording.
    clip = builds["internal"]["stories/confidential-zebra/clip-1.mp3"]
    assert all(data != clip for data in public.values())
    assert all(builds["recording"] not in data for data in public.values())
    # Its clip is the only one cut from the tone; the public clips are still there.
    assert sorted(n for n in public if n.endswith(".mp3")) == [
        "stories/globex-soc2/clip-1.mp3", "stories/northwind-per-invoice/clip-1.mp3"]


def test_a_public_build_counts_one_story_fewer_everywhere(builds):
    internal, public = builds["internal"], builds["public"]
    home_before, home_after = (b["index.html"].decode() for b in (internal, public))
    assert (figure(home_before, "stories"), figure(home_after, "stories")) == (3, 2)
    assert (figure(home_before, "wins"), figure(home_after, "wins")) == (1, 0)
    finder_before, finder_after = (b["stories/index.html"].decode() for b in (internal, public))
    assert ">3 stories, newest first</output>" in finder_before
    assert ">2 stories, newest first</output>" in finder_after
    globex_before, globex_after = (b["competitors/globex/index.html"].decode()
                                   for b in (internal, public))
    assert "2 stories:" in globex_before and "1 story:" in globex_after
    # The search index holds one page fewer: the story's (every other page stays).
    entries = [json.loads(b["pagefind/pagefind-entry.json"]) for b in (internal, public)]
    internal_count, public_count = (e["languages"]["en"]["page_count"] for e in entries)
    assert internal_count - public_count == 1 and public_count > 2
    assert "public build" in builds["log"].stderr


def test_the_plugin_option_and_the_environment_make_a_public_build(builds, tmp_path):
    root = builds["root"]
    by_env = tmp_path / "env"
    playbook_build(root, by_env, PLAYBOOK_PUBLIC="1")
    assert not (by_env / "stories" / "confidential-zebra").exists()
    assert (by_env / "stories" / "globex-soc2" / "index.html").is_file()

    config = (root / "mkdocs.yml").read_text()
    option = root / "mkdocs-public.yml"
    option.write_text(config.replace("content_dir: content",
                                     "content_dir: content\n      public: true"))
    by_option = tmp_path / "option"
    playbook_build(root, by_option, "--config-file", str(option))
    assert not (by_option / "stories" / "confidential-zebra").exists()
    assert (by_option / "stories" / "globex-soc2" / "index.html").is_file()


@pytest.mark.parametrize("command", ["build", "pages", "validate"])
def test_the_help_names_the_public_flag(command):
    result = subprocess.run([sys.executable, "-m", "generator.cli", command, "--help"],
                            capture_output=True, text=True, check=True)
    assert "--public" in result.stdout and "confidential" in result.stdout
