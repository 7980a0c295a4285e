"""Validation's faster paths give exactly what the plain ones gave (issue 9).

Each shortcut in reading and checking a library is compared here with the
straightforward way it replaced, on inputs chosen to reach its edge cases:
the same values, the same duplicate keys, the same errors, the same findings.
No timings: the benchmark (scripts/benchmark.py) measures the speed.
"""

from __future__ import annotations

import gc
import os
import random
import re
import shutil

import pytest
import yaml

from generator.build import Settings, run
from generator.load import load_library
from generator.markdown_render import render_body
from generator.privacy import might_hold_contact
from generator.source import (
    _BOUNDARY,
    MAX_DOCUMENT_BYTES,
    ContentLoader,
    _closing_boundary,
    _may_be_hostile,
    _screen_yaml,
    list_documents,
    load_yaml,
    read_limited,
)
from generator.validate.fields import Checker
from helpers import EPOCH_DATE, REPO, STORY, TODAY, Library


def _generic(text: str):
    """The front matter as PyYAML's own constructor builds it, with the loader's notes."""
    _screen_yaml(text)
    loader = ContentLoader(text)
    try:
        return loader.get_single_data(), sorted(loader.duplicates)
    finally:
        loader.dispose()


def _outcome(load, text: str):
    try:
        data, duplicates = load(text)
    except Exception as error:  # the error a user would see, by type and message
        return "error", type(error).__name__, str(error)
    # repr tells 1 from 1.0 and True, and shows key order
    return "value", repr(data), sorted(duplicates)


FRONT_MATTERS = [
    "title: A\nskills: [discovery, pricing]\nclips:\n  - src: a.mp3\n    start: '0:03'\n",
    # repeated keys, at several depths and twice on one line
    "a: 1\nb: {a: 1, a: 2}\nc: [{x: 1, x: 2}, {x: 1, x: 2}]\nb: 2\n",
    "1: one\n1.0: float\ntrue: yes\n'1': text\n1: again\n",
    # every implicit scalar type the loader keeps
    "a: .inf\nb: -.NaN\nc: 1_000\nd: 0b101\ne: 1:30\nf: 0x1F\ng: 017\nh: ~\ni:\nj: Off\n",
    "interviewed: 2026-06-23\nwhen: 2026-13-01 10:00\n",
    "a: !!str 12\nb: ! 12\n",
    # left to PyYAML's generic constructor: merge keys, collections as keys,
    # values with no constructor, and broken numbers
    "<<: {a: 1}\nb: 2\n",
    "<<: [{a: 1}, {b: 2}]\nc: 3\n",
    "[a]: 1\n",
    "? [a]\n: 1\n",
    "a: =\n",
    "a: 0x_\nb: {c: 0x__}\n",
    "a: !!str [1]\n",
    "a: !!str {b: 1}\n",
    # not a mapping, or nothing at all
    "- a\n- b\n",
    "just text\n",
    "",
    "~\n",
    # refused before construction
    "a: &x 1\nb: *x\n",
    "a: !!python/object:os.system x\n",
    "a: " + "[" * 40 + "]" * 40 + "\n",
    # syntax errors
    "a: 'unterminated\n",
    "a: [1, 2\n",
    "\tbad: tab\n",
]


@pytest.mark.parametrize("text", FRONT_MATTERS)
def test_front_matter_is_built_as_pyyaml_builds_it(text):
    assert _outcome(load_yaml, text) == _outcome(_generic, text)


def test_front_matter_of_every_sample_document_is_built_as_pyyaml_builds_it():
    from helpers import REPO

    texts = [path.read_text(encoding="utf-8") for path in sorted(
        (REPO / "content").glob("*/*.md"))]
    assert len(texts) > 30
    for text in texts:
        opening = _BOUNDARY.match(text)
        closing = _BOUNDARY.search(text, opening.end())
        front = text[opening.end():closing.start()]
        assert _outcome(load_yaml, front) == _outcome(_generic, front)


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


def test_the_collector_runs_again_after_a_load(library: Library):
    assert gc.isenabled()
    library.load()
    assert gc.isenabled()
    gc.disable()
    try:
        library.load()
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_the_pages_render_no_body_that_validation_did_not(library: Library, tmp_path):
    """Validation renders each body to find unsafe links; the pages reuse that HTML."""
    render_body.cache_clear()
    load_library(library.content, today=TODAY)
    rendered = render_body.cache_info().misses
    assert rendered >= 2  # the story's and the criterion's bodies
    built = run(Settings.at(library.content, today=TODAY, cache_dir=tmp_path / "cache"))
    assert not built.errors and built.files
    assert render_body.cache_info().misses == rendered


def test_validate_renders_only_bodies_that_could_hold_a_link_and_finds_the_same(
        library: Library, monkeypatch):
    """`playbook validate` measures a body with no '[' or '<' instead of rendering
    it (no URL can come out of it); a build renders every body. Same findings."""
    import generator.markdown_render as markdown_render

    library.story(STORY.replace("A mid-market deal that stalled in security review.",
                                "See [the portal](javascript:alert(1)) for the packet."),
                  name="linked.md")
    rendered: list[str] = []
    real = markdown_render.render_body

    def spy(text: str):
        rendered.append(text)
        return real(text)

    monkeypatch.setattr(markdown_render, "render_body", spy)
    checked = run(Settings.at(library.content, today=TODAY, check_audio=False), generate=False)
    story_bodies = [text for text in rendered if "mid-market deal" in text or "portal" in text]
    assert story_bodies == ["## Context\n\nSee [the portal](javascript:alert(1)) for the packet.\n"]
    assert [(p.path, p.code) for p in checked.errors] == [
        ("content/stories/linked.md", "markdown.unsafe-url")]
    rendered.clear()
    full = load_library(library.content, today=TODAY)  # as a build checks: every body
    assert len([t for t in rendered if "mid-market deal" in t or "portal" in t]) == 2
    assert full.problems == checked.problems


def test_the_body_prescan_finds_what_the_exhaustive_scan_finds():
    """prescan skips the checks a body cannot fail; it must report what running them all does."""
    from generator.markdown_render import MAX_BLOCK_WORK, MAX_BRACKET_WORK, prescan

    pieces = ["word ", "[", "]", "(x)", "\n", "\n\n", "> ", "- ", "  ", "\t", "1. ", "# ",
              "---", "```", "~~~", "*", "_", "=", "|", "<b>", "&amp;", "é"]
    generator = random.Random(9)
    bodies = ["", "plain prose\n", "- " * 30 + "x\n", "```\n" + "- " * 30 + "x\n```\n",
              "[" * 2000 + "a" * 600, ("# h\n" * 6000), "    " * 25 + "deep\n"]
    for _ in range(3000):
        size = generator.choice((5, 40, 400))
        bodies.append("".join(generator.choice(pieces) for _ in range(size)))
    # Near the work limits: the shortcut must not skip a body that breaks them.
    side = int(MAX_BRACKET_WORK ** 0.5) + 10
    bodies.append("[" * side + "\n" + "a" * side)
    bodies.append(("#\n" * 3000) + "x" * (MAX_BLOCK_WORK // 6000))
    for body in bodies:
        assert prescan(body) == prescan(body, exhaustive=True), body[:80]


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


def test_plain_scalars_get_the_tags_pyyaml_resolver_gives_them():
    """ContentLoader.resolve remembers tags by text; each is PyYAML's own, cold or remembered."""
    rng = random.Random(9)
    values = ["", "~", "null", "Null", "NULL", "nULL", "yes", "No", "on", "OFF", "y", "n", "true",
              "True", "1", "1.0", "-1", "+1", "0x1F", "0o17", "017", "0b101", "1_000", "1:30",
              "190:20:30", ".inf", "-.Inf", ".nan", ".NaN", "2026-01-01", "2026-13-01 10:00",
              "=", "<<", "1e3", "1.5e+3", "6.8523015e+5", "abc", "é", "\u0663", "discovery"]
    values += ["".join(rng.choice("0123456789.:_+-eExabnoyNTF") for _ in range(rng.randint(1, 8)))
               for _ in range(5000)]
    loader = ContentLoader("")
    try:
        for implicit in ((True, False), (False, True), (False, False)):
            for value in values + values:  # the second time from what was remembered
                expected = yaml.resolver.BaseResolver.resolve(loader, yaml.ScalarNode, value,
                                                              implicit)
                assert loader.resolve(yaml.ScalarNode, value, implicit) == expected, value
    finally:
        loader.dispose()


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
