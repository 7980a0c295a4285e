"""Property tests (issue 19): for every content kind and each of its text and number
fields, a hostile value either gets a located error from validation, or the site is
generated with a feed that parses as XML, a scorecard CSV that reads back, problems
that load as JSON, and pages that show the text literally.

Values come from hypothesis: any character (controls, noncharacters and lone
surrogates included) written through YAML's double-quoted escapes, HTML and
Markdown markup, and numbers including NaN, infinities and huge ones. The
examples are derived from a fixed seed, so CI runs the same ones every time.
"""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import Settings, run
from generator.problems import format_json
from helpers import CRITERION, RAMP, STORY, TAXONOMY, TODAY, silent_wav
from helpers import SESSION as BASE_SESSION

# The shared session, with a title and a moment for the fields below to change.
SESSION = "title: Round one\n" + BASE_SESSION + """\
moments:
  - call: acme-discovery
    at: "0:03"
    criterion: security-early
    quote: Who reviews vendors here?
    split: Dana heard an owner named; Marco heard no date.
"""

FILES = {"taxonomy.yml": TAXONOMY, "criteria/security-early.md": CRITERION,
         "stories/globex-soc2.md": STORY, "ramp/first-thirty.md": RAMP,
         "calibration/round-one.yml": SESSION}

# (file, the field's path in its YAML, the page whose HTML shows it, or None)
TEXT_FIELDS = [
    ("stories/globex-soc2.md", ("title",), "stories/globex-soc2.md"),
    ("stories/globex-soc2.md", ("quote",), "stories/globex-soc2.md"),
    ("stories/globex-soc2.md", ("takeaway",), "stories/globex-soc2.md"),
    ("stories/globex-soc2.md", ("clips", 0, "transcript"), "stories/globex-soc2.md"),
    ("criteria/security-early.md", ("title",), "criteria/security-early.md"),
    ("criteria/security-early.md", ("description",), "criteria/security-early.md"),
    ("criteria/security-early.md", ("present",), "criteria/security-early.md"),
    ("criteria/security-early.md", ("anchors", 1), "criteria/security-early.md"),
    ("taxonomy.yml", ("competitors", "globex", "title"), "competitors/globex.md"),
    ("taxonomy.yml", ("skills", "discovery", "title"), "skills/discovery.md"),
    ("ramp/first-thirty.md", ("title",), "ramp/first-thirty.md"),
    ("ramp/first-thirty.md", ("phases", 0, "goal"), "ramp/first-thirty.md"),
    ("calibration/round-one.yml", ("title",), None),
    ("calibration/round-one.yml", ("moments", 0, "quote"), None),
]
# (file, the field's path, a value it takes)
NUMBER_FIELDS = [
    ("stories/globex-soc2.md", ("clips", 0, "end"), "7"),
    ("criteria/security-early.md", ("weight",), "2.5"),
    ("calibration/round-one.yml", ("moments", 0, "at"), "3"),
    ("calibration/round-one.yml", ("calls", 0, "scores", "dana", "security-early"), "1"),
    ("ramp/first-thirty.md", ("phases", 0, "days"), "1-30"),
]

PROPERTY = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

# Any code point, with the classes that break outputs drawn often: C0 and C1
# controls, DEL, noncharacters, lone surrogates, bidi and zero-width marks.
HOSTILE_CHARACTERS = st.sampled_from(
    [*map(chr, range(0x00, 0x20)), "\x7f", *map(chr, range(0x80, 0xa0)), "\ufffe", "\uffff",
     "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff", "\ud800", "\udfff", "\u202e", "\u200b",
     "\u2028", "\u0085", "\ufeff"])
ANY_TEXT = st.text(st.one_of(HOSTILE_CHARACTERS, st.characters(codec=None, categories=None)),
                   min_size=1, max_size=12)
MARKUP = st.sampled_from(["<script>alert(1)</script>", "&amp;", "]]>", "<!--", "**b**",
                          "[x](javascript:alert(1))", "{{ config }}", "{% raw %}", "'\"<>&"])
TEXT = st.builds(lambda a, b, c: f"Said {a}{b}{c} here", ANY_TEXT, MARKUP, ANY_TEXT)
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
    st.sampled_from([".nan", ".inf", "-.inf", "1e400", "9" * 40, "0x" + "f" * 30, "1-99999"]))


def double_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar, every non-ASCII or control character escaped."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif " " <= char <= "~":
            out.append(char)
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def yaml_number(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return ".nan"
    if isinstance(value, float) and math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    return repr(value)


# Stands for the hostile value while the document is dumped, then is replaced.
MARK = "__HOSTILE_VALUE__"


def write_library(root: Path, target: str, path: tuple, scalar: str) -> Path:
    content = root / "content"
    for name, text in FILES.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    (content / "audio").mkdir()
    silent_wav(content / "audio" / "interview.wav")
    text = FILES[target]
    front, body = (text.split("---\n")[1], text.split("---\n", 2)[2]) \
        if target.endswith(".md") else (text, None)
    meta = yaml.safe_load(front)
    node = meta
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = MARK
    dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).replace(
        f"{MARK}", scalar, 1).replace(f"'{scalar}'", scalar)
    (content / target).write_text(
        f"---\n{dumped}---\n{body}" if body is not None else dumped, encoding="utf-8")
    return content


def check(target: str, path: tuple, scalar: str, page: str | None, shown: str | None):
    with tempfile.TemporaryDirectory() as tmp:
        content = write_library(Path(tmp), target, path, scalar)
        built = run(Settings(content, today=TODAY, check_audio=False))
        json.loads(format_json(list(built.problems)))  # problems always load as JSON
        errors = built.errors
        if errors:  # refused: each error is located in a file, at a line
            for problem in errors:
                assert problem.path.startswith("content/") and problem.line >= 1, problem
            return
        files = {record.path: record for record in built.files}
        ElementTree.fromstring(files["feed.xml"].text.encode("utf-8"))
        rows = list(csv.reader(io.StringIO(files["scorecard.csv"].text)))
        assert len(rows) == 2 and len(set(map(len, rows))) == 1
        if page is not None and shown is not None and shown.strip():
            text = _text_of(files[page].text)
            assert " ".join(shown.split()) in " ".join(text.split()), (shown, page)
        shutil.rmtree(tmp, ignore_errors=True)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def _text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def test_the_library_builds_and_shows_a_plain_value_in_every_field():
    """The base the properties change: clean, so a refusal below is the value's doing."""
    for target, path, page in TEXT_FIELDS:
        with tempfile.TemporaryDirectory() as tmp:
            content = write_library(Path(tmp), target, path, double_quoted("Plain words"))
            built = run(Settings(content, today=TODAY, check_audio=False))
            assert list(built.problems) == [], (target, path, built.problems)
            if page is not None:
                files = {record.path: record for record in built.files}
                assert "Plain words" in _text_of(files[page].text), (target, path)
    for target, path, plain in NUMBER_FIELDS:
        with tempfile.TemporaryDirectory() as tmp:
            content = write_library(Path(tmp), target, path, plain)
            built = run(Settings(content, today=TODAY, check_audio=False))
            assert list(built.problems) == [], (target, path, built.problems)


@pytest.mark.parametrize(("target", "path", "page"), TEXT_FIELDS,
                         ids=[f"{t.split('/')[0]}:{'.'.join(map(str, p))}"
                              for t, p, _ in TEXT_FIELDS])
@PROPERTY
@given(text=TEXT)
def test_a_hostile_text_is_refused_at_its_line_or_shown_literally(target, path, page, text):
    check(target, path, double_quoted(text), page, text)


@pytest.mark.parametrize(("target", "path", "plain"), NUMBER_FIELDS,
                         ids=[f"{t.split('/')[0]}:{'.'.join(map(str, p))}"
                              for t, p, _ in NUMBER_FIELDS])
@PROPERTY
@given(value=NUMBER)
def test_a_hostile_number_is_refused_at_its_line_or_builds(target, path, plain, value):
    check(target, path, yaml_number(value), None, None)
