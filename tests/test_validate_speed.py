"""Validation's faster paths give exactly what the plain ones gave (issue 9).

Each shortcut in reading and checking a library is compared here with the
straightforward way it replaced, on inputs chosen to reach its edge cases:
the same values, the same duplicate keys, the same errors, the same findings.
No timings: the benchmark (scripts/benchmark.py) measures the speed.
"""

from __future__ import annotations

import os
import random
import re
import shutil

import pytest

from generator.load import load_library
from generator.privacy import might_hold_contact
from generator.source import (
    _BOUNDARY,
    MAX_DOCUMENT_BYTES,
    _closing_boundary,
    _may_be_hostile,
    list_documents,
    load_yaml,
    read_limited,
)
from generator.validate.fields import Checker
from helpers import EPOCH_DATE, REPO


def test_dates_stay_text_and_repeated_keys_are_noted_at_their_lines():
    """What the content loader adds to PyYAML's safe loader, with values written out by hand."""
    data, duplicates = load_yaml("interviewed: 2026-06-23\nwhen: 2026-13-01 10:00\n"
                                 "a: 1\nb: {c: 1, c: 2}\na: 3\n")
    assert data == {"interviewed": "2026-06-23", "when": "2026-13-01 10:00", "a": 3,
                    "b": {"c": 2}}
    assert sorted(duplicates) == [("a", 2, 4), ("c", 3, 3)]


def test_the_closing_line_is_found_where_the_pattern_search_finds_it():
    rng = random.Random(9)
    texts = ["---\na: 1\n---\nbody", "---  \n\n---\n", "---\n----  \t\n", "---\n- a\n---x\n---",
             "---\n", "--- \n---", "x\n---\n"]
    texts += ["".join(rng.choice(["-", "---", "\n", " ", "\t", "x", "\u2028"])
                      for _ in range(rng.randint(0, 20))) for _ in range(3000)]
    for text in texts:
        for start in range(len(text) + 1):
            expected = _BOUNDARY.search(text, start)
            found = _closing_boundary(text, start)
            assert (found and found.span()) == (expected and expected.span()), (text, start)


PLAIN_CONTACT_FILTER = re.compile(r"@|\d(?:[^\n\d]{0,3}\d){6}")


def test_the_privacy_pre_filter_passes_exactly_what_the_plain_pattern_passes():
    rng = random.Random(9)
    texts = ["call 415-555-0132", "since 2019-2024", "+44 20 7946 0958", "a@b", "12 34 56 7",
             "1234 56\n7", "\u0661\u0662\u0663-\u0664\u0665\u0666\u0667", "caf\u00e9 4155550132",
             "no digits at all", ""]
    alphabet = "0123456789 -\n()+.x\t\u0663\u00e9@"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
              for _ in range(20000)]
    for text in texts:
        assert might_hold_contact(text) == (PLAIN_CONTACT_FILTER.search(text) is not None), text


PLAIN_HOSTILE_SEQUENCE = re.compile(r"-[ \t]+-|\?[ \t]")


def test_the_yaml_screen_looks_at_exactly_what_the_plain_test_sends_it():
    rng = random.Random(9)
    alphabet = ["-", " ", "\t", "?", "x", "\n", ":", "[", "{", "- -", "-  \t-", "? ", "*", "&",
                "!"]
    texts = ["", "a: [" * 33, "a: {" * 33, "x - - y", "x -\t\t- y", "who?\n", "? k\n: v\n"]
    texts += ["".join(rng.choice(alphabet[:9]) for _ in range(rng.randint(0, 60)))
              for _ in range(20000)]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
              for _ in range(5000)]
    for text in texts:
        plain = bool("*" in text or "&" in text or "!" in text
                     or PLAIN_HOSTILE_SEQUENCE.search(text)
                     or text.count("[") + text.count("{") > 32)
        assert _may_be_hostile(text) == plain, text


def test_the_joined_privacy_pre_filter_passes_when_one_of_the_texts_passes():
    rng = random.Random(9)
    alphabet = "0123456789 -\n()+.x\t\u0663\u00e9@"
    for _ in range(5000):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
                 for _ in range(rng.randint(1, 5))]
        assert might_hold_contact("\n".join(texts)) == any(map(might_hold_contact, texts)), texts


def test_the_body_prescan_skips_no_line_that_nests_too_deep():
    """prescan's line loop is skipped when no line starts with more than 20 nesting
    characters; deep lines anywhere (first, last, after a fence) are still found."""
    from generator.markdown_render import prescan

    rng = random.Random(9)
    nesting = ["> ", ">", "- ", "* ", "+ ", "1. ", "12) ", "    ", "\t", " ", "-", "1."]
    prose = ["word word", "", "```", "~~~", "- item", "> quote", "# Heading"]
    # One character a level (a leading tab, '>') is the fewest a deep line can have.
    edges = [start + ">" * levels for levels in range(17, 24) for start in ("", "\t", "\t\t\t")]
    for _ in range(3000):
        lines = [rng.choice(prose) for _ in range(rng.randint(0, 6))]
        pieces = nesting if rng.random() < 0.5 else [">", "\t", ">", "- "]
        deep = rng.choice(edges) if rng.random() < 0.3 else \
            "".join(rng.choice(pieces) for _ in range(rng.randint(15, 30)))
        deep += rng.choice(["x", "", " x"])
        lines.insert(rng.randint(0, len(lines)), deep)
        body = "\n".join(lines)
        assert prescan(body) == prescan(body, exhaustive=True), body


def _mutated_library(content, count: int) -> None:
    """Copies of the sample stories with faults put in, as contributors make them."""
    snippets = [
        "title: again", "outcome: draw", "outcome: Win", "interviewed: 2026-13-01",
        "interviewed: 2099-01-01", "competitor: [a, b]", "competitor: northwnd",
        "skills: discovery",
        "skills: []", "skills: [discovery, discovery]", "skills: [Discovery, 12, true, ~]",
        "skills: {a: 1}", "buyer_role: 12", "buyer_role: true", "stage: ~", "stage: ''",
        "objections: [pricee, status-quo]", "deal_size: huge", "loss_reason: price",
        "loss_reason: nope", "confidential: maybe", "criteria: [a]", "other_field: 1",
        "Title: x", "criteria: {present: [nope, quantified-pain], absent: [x], extra: 1}",
        "quote: call me at 415-555-0132", "takeaway: mail jo@example.com now", "title: [x]",
        "clips:\n  - src: missing.mp3\n    start: '0:05'\n    transcript: hi\n    extra: 1",
        "redirect_from: [Old_Id, index]",
    ]
    rng = random.Random(9)
    samples = sorted((content / "stories").glob("*.md"))
    texts = [path.read_text(encoding="utf-8") for path in samples]
    for index in range(count):
        head, boundary, body = rng.choice(texts).partition("\n---\n")
        lines = head.split("\n")
        for _ in range(rng.randint(1, 3)):
            spot = rng.randrange(1, len(lines) + 1)
            if rng.random() < 0.7:
                lines.insert(spot, rng.choice(snippets))
            elif len(lines) > 2:
                del lines[min(spot, len(lines) - 1)]
        if rng.random() < 0.2:
            body += rng.choice(["\nCall +1 (415) 555-0132 today.\n",
                                "\nMail a.b@corp.example.com\n",
                                "\nSince 2019-2024, 40,000 invoices.\n"])
        (content / "stories" / f"m{index:03d}.md").write_text(
            "\n".join(lines) + boundary + body, encoding="utf-8")


def test_the_field_shortcuts_find_what_the_step_by_step_checks_find(tmp_path, monkeypatch):
    """Checker's one-step checks of the usual valid value (a known term, a listed
    choice, known keys, no contact detail anywhere) against the full checks."""
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    _mutated_library(content, 400)
    fast = load_library(content, today=EPOCH_DATE, render_bodies=False)
    monkeypatch.setattr(Checker, "shortcuts", False)
    plain = load_library(content, today=EPOCH_DATE, render_bodies=False)
    assert fast.problems == plain.problems
    assert fast.library.stories == plain.library.stories
    codes = {problem.code for problem in fast.problems}
    assert len(fast.problems) > 400 and len(fast.library.stories) > 60
    assert {"term.unknown", "term.type", "field.choice", "field.unknown", "privacy.phone",
            "privacy.email", "term.listed-twice", "criterion.unknown"} <= codes


@pytest.mark.parametrize("size_seen", ["as is", "smaller"])
def test_a_file_is_read_whole_at_every_size_up_to_the_limit(tmp_path, monkeypatch, size_seen):
    """read_limited asks for the size the open file has, then reads on to the end
    (a file may grow after it is measured), never past the limit."""
    if size_seen == "smaller":  # as if the file grew after it was measured
        real_fstat = os.fstat

        def fstat(handle):
            info = real_fstat(handle)
            return os.stat_result((*info[:6], info.st_size // 3, *info[7:]))

        monkeypatch.setattr(os, "fstat", fstat)
    for size in (0, 1, 65535, 65536, 65537, MAX_DOCUMENT_BYTES - 1, MAX_DOCUMENT_BYTES):
        path = tmp_path / f"{size}.md"
        data = bytes(random.Random(size).randrange(256) for _ in range(size))
        path.write_bytes(data)
        assert read_limited(path, tmp_path, path.name, MAX_DOCUMENT_BYTES, "a story") \
            == (data, None)
    path = tmp_path / "over.md"
    path.write_bytes(b"x" * (MAX_DOCUMENT_BYTES + 1))
    data, problem = read_limited(path, tmp_path, path.name, MAX_DOCUMENT_BYTES, "a story")
    assert data is None and problem.code == "file.too-large"


def test_listed_documents_are_the_paths_the_folder_holds(tmp_path):
    folder = tmp_path / "content" / "stories"
    folder.mkdir(parents=True)
    names = ["a.md", "b-c.md", "Z.md", "\u00e9t\u00e9.md", "x.txt"]
    for name in names:
        (folder / name).write_text("---\ntitle: x\n---\n")
    paths, _ = list_documents(folder, tmp_path, "story")
    assert paths == sorted(folder.glob("*.md"), key=lambda p: p.name)
    assert [str(p) for p in paths] == [os.path.join(folder, p.name) for p in paths]


def test_a_recording_is_looked_at_once_and_found_as_the_two_plain_checks_find_it(tmp_path):
    """A clip's recording: one lstat answers 'a link out of the repository?' and 'what
    is it?' for a plain entry; links, folders and missing files get the plain checks."""
    from generator.validate.clips import _file_mode, _linked_outside, _recording_state

    repo = tmp_path / "repo"
    audio = repo / "content" / "audio"
    (audio / "sub").mkdir(parents=True)
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "a.mp3").write_bytes(b"x")
    (audio / "a.mp3").write_bytes(b"x")
    (audio / "sub" / "b.mp3").write_bytes(b"x")
    os.symlink(audio / "a.mp3", audio / "inside.mp3")
    os.symlink(outside / "a.mp3", audio / "outside.mp3")
    os.symlink(tmp_path / "nowhere.mp3", audio / "dangling.mp3")
    os.symlink(audio / "sub", audio / "linked-sub")
    os.symlink(outside / "folder", audio / "outside-sub")
    (outside / "folder" / "c.mp3").write_bytes(b"x")
    os.mkfifo(audio / "pipe.mp3")
    names = ["a.mp3", "sub/b.mp3", "sub", "missing.mp3", "sub/missing.mp3", "inside.mp3",
             "outside.mp3", "dangling.mp3", "linked-sub/b.mp3", "outside-sub/c.mp3",
             "outside-sub/none.mp3", "pipe.mp3", "a.mp3/x", "."]
    for name in names:
        recording = audio / name
        linked, mode = _recording_state(recording, audio)
        assert linked == _linked_outside(recording, audio), name
        if not linked:
            assert mode == _file_mode(recording), name
