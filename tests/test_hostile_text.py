"""Characters that YAML escapes produce, and the outputs with rules of their own (issue 19).

The raw file's control-character screen cannot see `"\\u0001"`, `"\\b"` or
`"\\u000b"` in a double-quoted value: they become control characters only when
YAML decodes them. One screen after parsing checks every key and text of every
content kind, and the feed, the CSV, JSON and the terminal stay safe even for
text that validation never saw.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

import generator.validate.criteria
import generator.validate.stories
from generator.build import Settings, run
from generator.problems import format_github, visible
from generator.source import SourceFile, load_yaml
from helpers import CRITERION, EPOCH, EPOCH_DATE, RAMP, STORY, TAXONOMY
from helpers import SESSION as BASE_SESSION

PLAYBOOK = [sys.executable, "-m", "generator.cli"]
ATOM = "{http://www.w3.org/2005/Atom}"
STORY_PATH = "content/stories/globex-soc2.md"
SESSION = "title: Round one\n" + BASE_SESSION




def command(root, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(PLAYBOOK + list(args), cwd=root, capture_output=True, text=True,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})


def validate_findings(root) -> tuple[int, list[tuple]]:
    result = command(root, "validate", "--no-audio", "--format", "json")
    assert result.stdout, result.stderr
    problems = json.loads(result.stdout)["problems"]
    return result.returncode, [(p["path"], p["line"], p["field"], p["code"], p["message"])
                               for p in problems]


# -- the examples ------------------------------------------------------------------

def test_a_title_with_an_escaped_control_character_is_refused_at_its_line(library):
    library.write("stories/globex-soc2.md", STORY.replace(
        "title: Globex sent their SOC 2 in week one",
        'title: "\\u0001Globex sent their SOC 2 in week one"'))
    code, found = validate_findings(library.root)
    assert code == 1
    assert found == [(STORY_PATH, 2, "title", "text.control-character",
                      "expected 'title' to hold text without control characters; found the "
                      "invisible control character '\\x01' (U+0001)")]
    # The build refuses it too, so no feed.xml is written with it.
    result = run(Settings.at(library.content, today=EPOCH_DATE, check_audio=False))
    assert [(p.line, p.code) for p in result.errors] == [(2, "text.control-character")]
    assert not result.files


def test_a_quote_holding_a_noncharacter_is_refused_at_its_line(library):
    library.write("stories/globex-soc2.md", STORY.replace(
        "quote: By the time your security packet arrived we had finished Globex's review.",
        'quote: "By the time your security packet arrived \\ufffe we had finished."'))
    code, found = validate_findings(library.root)
    assert code == 1
    assert found == [(STORY_PATH, 14, "quote", "text.noncharacter",
                      "expected 'quote' to hold only characters that text may use; found the "
                      "Unicode noncharacter '\\ufffe' (U+FFFE), which feeds and pages cannot "
                      "carry")]


def test_a_session_title_with_a_terminal_escape_never_reaches_the_terminal(library):
    library.write("calibration/round-one.yml",
                  SESSION.replace("title: Round one", 'title: "\\u001b[2JRound one"'))
    code, found = validate_findings(library.root)
    assert code == 1
    assert [f[:4] for f in found] == [
        ("content/calibration/round-one.yml", 1, "title", "text.control-character")]
    result = command(library.root, "calibrate")
    assert result.returncode != 0
    assert "\x1b" not in result.stdout + result.stderr
    assert "'\\x1b' (U+001B)" in result.stderr


# -- every content kind, every place a text can stand ----------------------------------------

@pytest.mark.parametrize("rel, text, line, field, code", [
    # escapes in a nested story field, and a key
    ("stories/globex-soc2.md", STORY.replace("transcript: By the time your packet arrived",
                                             'transcript: "By the \\b time your packet arrived'
                                             ).replace("we were done.", 'we were done."'),
     20, "clips[0].transcript", "text.control-character"),
    ("stories/globex-soc2.md", STORY.replace("redirect_from", "").replace(
        "outcome: loss", 'outcome: loss\nredirect_from: ["old\\x85id"]'),
     4, "redirect_from[0]", "text.control-character"),
    # the body, which YAML never decodes, holds C1 controls and noncharacters as typed
    ("stories/globex-soc2.md", STORY.replace("stalled in", "stalled\u009b in"),
     24, "body", "text.control-character"),
    ("stories/globex-soc2.md", STORY.replace("stalled in", "stalled\U0001fffe in"),
     24, "body", "text.noncharacter"),
    ("criteria/security-early.md", CRITERION.replace(
        "2: Asked, but no owner or date.", '2: "Asked, but\\u000bno owner or date."'),
     12, "anchors.2", "text.control-character"),
    ("criteria/security-early.md", CRITERION.replace(
        "title: Surfaces the security review early", 'title: "Surfaces \\uFDD0 early"'),
     2, "title", "text.noncharacter"),
    ("taxonomy.yml", TAXONOMY.replace("globex: {title: Globex}", 'globex: {title: "Glo\\ebex"}'),
     5, "competitors.globex.title", "text.control-character"),
    ("taxonomy.yml", TAXONOMY.replace("price: {title: Price, aliases: [pricing]}",
                                      'price: {title: Price, aliases: ["pri\\rcing"]}'),
     11, "objections.price.aliases[0]", "text.control-character"),
    ("ramp/first-thirty.md", RAMP.replace("goal: Hear why buyers chose us.",
                                          'goal: "Hear why\\x07 buyers chose us."'),
     8, "phases[0].goal", "text.control-character"),
    ("calibration/round-one.yml", SESSION.replace("dana: Dana Whitfield",
                                                  'dana: "Dana\\x9b2J Whitfield"'),
     4, "raters.dana", "text.control-character"),
    ("calibration/round-one.yml", SESSION.replace("  marco: Marco Ruiz\n",
                                                  '  marco: Marco Ruiz\n  "\\x1bx": Eve\n'),
     6, "raters.\x1bx", "text.control-character"),
])
def test_every_content_kind_screens_its_texts_after_parsing(library, rel, text, line, field,
                                                            code):
    library.write(rel, text)
    found = [(p.path, p.line, p.field, p.code) for p in library.load().problems
             if p.code.startswith("text.")]
    assert found == [(f"content/{rel}", line, field, code)]


def test_the_shortcut_finds_exactly_what_the_full_walk_finds():
    """Without a backslash in the YAML, the screen searches the raw text once instead
    of walking every value; both ways must give the same findings."""
    from generator.source import text_problems

    rng = random.Random(19)
    alphabet = ["a", " ", "\\", "\\u0001", "\\e", "\\N", "\\t", "\ufdd0", "\x85", "\U0002fffe",
                "\u00e9", "b"]
    checked = 0
    for _ in range(3000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        yaml_text = f'title: "{value}"\nlist: [x, "{value[::-1]}"]\n'
        try:
            meta, _ = load_yaml(yaml_text)
        except Exception:  # an escape cut in half: not YAML, reported elsewhere
            continue
        source = SourceFile("content/stories/x.md", "x", meta, "", 5, yaml_text, 2)
        assert text_problems(source, shortcut=True) == text_problems(source, shortcut=False)
        checked += 1
    assert checked > 1000


def test_the_fast_test_finds_the_first_character_the_plain_pattern_finds():
    from generator.source import HOSTILE_TEXT, first_hostile

    rng = random.Random(19)
    pool = [chr(code) for code in [*range(0x00, 0x300), *range(0xFDC0, 0x10000)]
            if not 0xD800 <= code <= 0xDFFF]
    pool += ["\ud800", "\udfff", "\U0001fffd", "\U0001fffe", "\U0001ffff", "\U0010fffe",
             "\U0010ffff", "\U0001f600", "\U000e0041", "\u2019", "\u00e9"]
    for _ in range(50000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 5)))
        plain = HOSTILE_TEXT.search(text)
        assert first_hostile(text) == (plain and plain.group()), repr(text)
    # written out by hand: the first of several, and the ones the plain class lists
    assert first_hostile("caf\u00e9 \U0001f600 \x85 \x01") == "\x85"
    assert first_hostile("a\U0003ffff") == "\U0003ffff"
    assert first_hostile("a\U0003fffd\t\n\u2028") is None


# -- outputs that have their own rules --------------------------------------------------------

def test_the_feed_stays_well_formed_xml_for_text_validation_never_saw(library, monkeypatch):
    # The site's name comes from mkdocs.yml, and a story's title here skips the screen,
    # as if validation had been bypassed: the feed must still parse.
    monkeypatch.setattr(generator.validate.stories, "check_text", lambda check: None,
                        raising=False)
    library.write("stories/globex-soc2.md", STORY.replace(
        "title: Globex sent their SOC 2 in week one", 'title: "Globex\\u0001 sent \\uFFFE"'))
    result = run(Settings.at(library.content, today=EPOCH_DATE, check_audio=False,
                             site_name="Play\x0bbook"))
    assert not result.errors, result.errors
    feed = ET.fromstring(next(f.content for f in result.files if f.path == "feed.xml"))
    assert feed.findtext(f"{ATOM}title") == "Play\ufffdbook: new stories"
    assert feed.findtext(f"{ATOM}entry/{ATOM}title") == "Globex\ufffd sent \ufffd"


def test_csv_cells_stay_readable_text_for_text_validation_never_saw(library, monkeypatch):
    monkeypatch.setattr(generator.validate.criteria, "check_text", lambda check: None,
                        raising=False)
    library.write("criteria/security-early.md", CRITERION.replace(
        "title: Surfaces the security review early", 'title: "\\r=1+1\\u0000"'))
    result = run(Settings.at(library.content, today=EPOCH_DATE, check_audio=False))
    assert not result.errors, result.errors
    text = next(f.content for f in result.files if f.path == "scorecard.csv")
    assert isinstance(text, str)
    header, row = list(csv.reader(io.StringIO(text, newline="")))
    # The title is stripped (the CR goes), and the formula gets its leading quote.
    assert row[header.index("title")] == "'=1+1\ufffd"


def test_json_output_loads_back_and_holds_nothing_a_terminal_acts_on():
    from generator.problems import json_text

    data = {"title": "x\x1b[2J \x9b31m \u202eevil \ufffe \U000e0041 caf\u00e9\n::error::x"}
    text = json_text(data)
    assert json.loads(text) == data
    assert text == ('{\n  "title": "x\\u001b[2J \\u009b31m \\u202eevil \\ufffe '
                    '\\udb40\\udc41 caf\u00e9\\n::error::x"\n}')


def test_visible_and_annotations_show_noncharacters_escaped():
    assert visible("a\ufffeb\ufdd0c\U0010ffff") == "a\\ufffeb\\ufdd0c\\U0010ffff"
    from generator.problems import Problem
    line = format_github(Problem("content/x.md", 3, "title", "found '\x1b'\n::error::x"))
    assert "\n" not in line and "\x1b" not in line


def test_calibrate_escapes_content_and_starts_no_line_with_it(library, monkeypatch):
    import generator.validate.calibration
    from generator.analysis.calibration import report_text, session_agreement

    monkeypatch.setattr(generator.validate.calibration, "check_text", lambda check: None,
                        raising=False)
    library.write("calibration/round-one.yml", SESSION
                  .replace("title: Round one", 'title: "::error::x\\e[2J\\nrm -rf"')
                  .replace("title: Acme, discovery", 'title: "Acme\\n::warning::y"'))
    result = library.load()
    (session,) = result.library.calibrations
    text = report_text(session, session_agreement(result.library, session, 0.99), 0.99)
    assert "\x1b" not in text
    assert not any(line.lstrip().startswith("::") for line in text.split("\n"))
    assert text.split("\n")[0] == ("Calibration session round-one: ::error::x\\x1b[2J\\nrm -rf "
                                   "(2026-05-20)")
    assert "  acme-discovery (Acme\\n::warning::y): Dana Whitfield 3, Marco Ruiz 2" in text
