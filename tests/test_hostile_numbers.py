"""Numbers that are not finite or are too large, ids a Windows clone cannot check out, and
`playbook new` reading content through the safe reader: each is a located problem or a
one-line message, never a traceback, and `new` never leaves a half-written file."""

from __future__ import annotations

import math
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from generator.timecode import format_time, parse_time
from helpers import CRITERION, EPOCH, STORY
from helpers import SESSION as BASE_SESSION

STORY_PATH = "content/stories/acme.md"
CRITERION_PATH = "content/criteria/security-early.md"


def findings(library) -> list[tuple]:
    return [(p.path, p.line, p.field, p.code) for p in library.load().problems]


def messages(library, code: str) -> list[str]:
    return [p.message for p in library.load().problems if p.code == code]


# -- clip times: start, end and a moment's `at` ------------------------------------------------

@pytest.mark.parametrize("end, found", [
    (".inf", "the number .inf"),
    (".nan", "the number .nan"),
    ("-.inf", "the number -.inf"),
    ('"1e400"', "the text '1e400'"),  # text that float() reads as infinity
    ("100000", "the number 100000"),  # past 24 hours
    ('"' + "9" * 5000 + '"', "the text '999999999999"),
    ('"' + "9" * 5000 + ':00:00"', "the text '999999999999"),  # hours past the int limit
])
def test_a_clip_time_that_is_not_finite_or_too_large_is_located(library, end, found):
    library.story(STORY.replace('end: "0:07"', f"end: {end}"))
    assert (STORY_PATH, 19, "clips[0].end", "clip.time-invalid") in findings(library)
    (message,) = messages(library, "clip.time-invalid")
    assert "from 0 to 86,400" in message and f"found {found}" in message, message


def test_a_calibration_calls_clip_ending_at_inf_is_located(library):
    library.write("calibration/round-one.yml", SESSION.replace(
        "    title: Acme, discovery\n",
        "    title: Acme, discovery\n"
        "    clips:\n"
        "      - src: interview.wav\n"
        "        start: \"0:01\"\n"
        "        end: .inf\n"
        "        transcript: We would need the controller.\n"))
    assert ("content/calibration/round-one.yml", 12, "calls[0].clips[0].end",
            "clip.time-invalid") in findings(library)


@pytest.mark.parametrize("at", [".inf", ".nan", "90000"])
def test_a_moment_at_inf_is_refused_by_validate_not_left_to_crash_the_build(library, at):
    library.write("calibration/round-one.yml", SESSION + MOMENT.replace('"0:05"', at))
    assert ("content/calibration/round-one.yml", 14, "moments[0].at",
            "clip.time-invalid") in findings(library)
    assert library.load().library.calibrations == ()  # so no session page is rendered


def test_times_parse_only_finite_values_within_a_day():
    assert parse_time("1:05") == 65.0
    assert parse_time("1:00:00") == 3600.0
    assert parse_time(86400) == 86400.0
    for value in (math.inf, -math.inf, math.nan, 86400.5, "inf", "nan", "1e3", "-1",
                  "9" * 5000, "9" * 5000 + ":00:00", 10 ** 30, True):
        assert parse_time(value) is None, value


def test_format_time_never_raises():
    assert format_time(90.0) == "1:30"
    assert format_time(3723) == "1:02:03"
    assert format_time(math.inf) == "--:--"
    assert format_time(math.nan) == "--:--"
    assert format_time(1e300).endswith(":00")  # absurd, but text


# -- criterion weight --------------------------------------------------------------------------

@pytest.mark.parametrize("weight, found", [
    (".nan", "the number .nan"), (".inf", "the number .inf"), ("-1", "the number -1"),
    ("0", "the number 0"), ("101", "the number 101"),
    ("1.0e+400", "the number .inf"),  # YAML's own float syntax, past the largest float
])
def test_a_weight_that_is_not_finite_or_out_of_range_is_located(library, weight, found):
    library.write("criteria/security-early.md", CRITERION.replace("weight: 1.5",
                                                                  f"weight: {weight}"))
    assert (CRITERION_PATH, 6, "weight", "criterion.weight") in findings(library)
    (message,) = messages(library, "criterion.weight")
    assert "above 0 and at most 100" in message and f"found {found}" in message, message


@pytest.mark.parametrize("number", [
    "0x" + "f" * 5000,  # hexadecimal: no int-string limit while parsing
    ":".join(["59"] * 3000),  # YAML 1.1 base 60
    "9" * 5000,  # decimal, past Python's int-string limit
])
def test_an_enormous_yaml_integer_is_located_at_its_line(library, number):
    library.write("criteria/security-early.md", CRITERION.replace("weight: 1.5",
                                                                  f"weight: {number}"))
    assert (CRITERION_PATH, 6, "", "yaml.number-too-large") in findings(library)


# -- ramp days ---------------------------------------------------------------------------------

RAMP = """\
---
title: First sixty days
audience: Account executive
summary: Hear the buyers, then run the plays.
phases:
  - name: Learn
    days: 1-30
    goal: Hear why buyers chose us.
    study: [discovery]
    gate: Can you find who reviews security?
  - name: Do
    days: 31-60
    goal: Run the calls.
    study: [stakeholder-engagement]
    gate: Did you reach the economic buyer?
---
Book the gate reviews in week one.
"""


@pytest.mark.parametrize("days", ['"31-' + "9" * 5000 + '"', "31-731", '"' + "9" * 5000 + '"'])
def test_ramp_days_past_the_range_are_located_without_unbounded_int(library, days):
    library.write("ramp/first-sixty.md", RAMP.replace("days: 31-60", f"days: {days}"))
    assert ("content/ramp/first-sixty.md", 12, "phases[1].days",
            "ramp.days-invalid") in findings(library)
    (message,) = messages(library, "ramp.days-invalid")
    assert "from 1 to 730" in message, message


# -- the command line: `playbook audio` and `playbook new criterion --weight` ------------------

@pytest.mark.parametrize("args, expected", [
    (["--at", "inf"], "--at takes"),
    (["--at", "nan"], "--at takes"),
    (["--at", "1e400"], "--at takes"),
    (["--at", "0:05", "--for", "nan"], "--for takes"),
    (["--at", "0:05", "--for", "inf"], "--for takes"),
    (["--at", "0:05", "--for", "0"], "--for takes"),
    (["--at", "0:05", "--for", "ten"], "--for takes"),
])
def test_audio_refuses_numbers_out_of_range_in_one_line(library, monkeypatch, capsys, args,
                                                        expected):
    monkeypatch.chdir(library.root)
    code = main(["audio", "content/audio/interview.wav", *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("playbook audio: ") and expected in err, err


@pytest.mark.parametrize("weight", ["nan", "inf", "-inf", "1e400", "0", "101", "1e2"])
def test_new_criterion_refuses_a_weight_validate_would_reject(library, monkeypatch, capsys,
                                                                weight):
    monkeypatch.chdir(library.root)
    code = main(["new", "criterion", "--title", "Names the economic buyer", "--skill",
                 "discovery", "--scale", "3", f"--weight={weight}"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert "--weight must be a number above 0 and at most 100" in err, err
    assert not (library.content / "criteria" / "names-the-economic-buyer.md").exists()


def test_new_criterion_writes_a_weight_validate_accepts(library, monkeypatch, capsys):
    monkeypatch.chdir(library.root)
    assert main(["new", "criterion", "--title", "Names the economic buyer", "--skill",
                 "discovery", "--scale", "3", "--weight", "2.5"]) == 0
    text = (library.content / "criteria" / "names-the-economic-buyer.md").read_text()
    assert "\nweight: 2.5\n" in text


# -- portable ids ------------------------------------------------------------------------------

# The shared session with its first call only.
SESSION = BASE_SESSION.split("  - id: beta-demo")[0]
MOMENT = """\
moments:
  - call: acme-discovery
    at: "0:05"
    criterion: security-early
    quote: We will loop in security later.
    split: Dana heard a plan; Marco heard a deferral.
"""


@pytest.mark.parametrize("name", ["con", "nul", "aux", "prn", "com1", "lpt9", "com0"])
def test_a_story_named_after_a_windows_device_is_refused(library, name):
    library.story(STORY, f"{name}.md")
    assert (f"content/stories/{name}.md", 2, "", "id.not-portable") in findings(library)


def test_every_kind_of_id_refuses_windows_device_names(library):
    library.write("criteria/nul.md", CRITERION)
    library.write("ramp/aux.md", RAMP)
    library.write("calibration/com1.yml", SESSION.replace("id: acme-discovery", "id: con"))
    library.write("taxonomy.yml", (library.content / "taxonomy.yml").read_text()
                  .replace("  globex: {title: Globex}\n",
                           "  globex: {title: Globex}\n  lpt1: {title: LPT One}\n"))
    library.story(STORY.replace("outcome: loss", "redirect_from: [prn]\noutcome: loss"))
    found = findings(library)
    for where in [("content/criteria/nul.md", 2, ""),
                  ("content/ramp/aux.md", 2, ""),
                  ("content/calibration/com1.yml", 1, ""),
                  ("content/calibration/com1.yml", 7, "calls[0].id"),
                  ("content/taxonomy.yml", 6, "competitors.lpt1"),
                  (STORY_PATH, 3, "redirect_from[0]")]:
        assert (*where, "id.not-portable") in found, (where, found)


@pytest.mark.parametrize("old_id", ['"old."', '"old "'])
def test_an_id_ending_in_a_dot_or_space_is_refused(library, old_id):
    library.story(STORY.replace("outcome: loss", f"redirect_from: [{old_id}]\noutcome: loss"))
    assert (STORY_PATH, 3, "redirect_from[0]", "redirect.invalid") in findings(library)


@pytest.mark.parametrize("story_id", ["con", "NUL", "com1", "aux", "old.", "old "])
def test_new_story_refuses_an_id_windows_cannot_check_out(library, monkeypatch, capsys,
                                                            story_id):
    monkeypatch.chdir(library.root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    before = sorted(p.name for p in (library.content / "stories").iterdir())
    code = main(["new", "story", *STORY_FLAGS, "--title", "Any title", "--id", story_id])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert sorted(p.name for p in (library.content / "stories").iterdir()) == before


# -- `playbook new` reads through the safe reader and writes whole files ----------------------

STORY_FLAGS = ["--outcome", "win", "--interviewed", "2026-05-04", "--buyer-role", "cfo",
               "--stage", "discovery", "--skills", "discovery"]
MEMORY_CAP = 1 << 30  # a runaway read fails here, rather than taking the machine's memory


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def new_story(root: Path, *args: str | bytes) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", "new", "story", *STORY_FLAGS,
                           *args], cwd=root, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=30,
                          preexec_fn=_limited)


def test_new_does_not_read_a_story_that_links_to_dev_zero(library):
    (library.content / "stories" / "zero.md").symlink_to("/dev/zero")
    result = new_story(library.root, "--title", "Northwind priced per invoice")
    assert result.returncode == 0, result.stderr
    assert (library.content / "stories" / "northwind-priced-per-invoice.md").is_file()


def test_new_does_not_expand_a_story_of_nested_yaml_aliases(library):
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 12)]
    library.story("---\n" + "\n".join(levels) + "\nredirect_from: *a11\n---\n", "bomb.md")
    result = new_story(library.root, "--title", "Northwind priced per invoice")
    assert result.returncode == 0, result.stderr
    assert (library.content / "stories" / "northwind-priced-per-invoice.md").is_file()


def test_new_refuses_an_argument_that_is_not_utf8_and_leaves_nothing_behind(library):
    before = sorted(p.name for p in (library.content / "stories").iterdir())
    refused = new_story(library.root, "--title", b"Caf\xe9")
    err = refused.stderr.decode()
    assert refused.returncode == 2 and err.count("\n") == 1, err
    assert "--title is not UTF-8 text" in err and "Traceback" not in err, err
    assert sorted(p.name for p in (library.content / "stories").iterdir()) == before
    # Nothing blocks the next attempt.
    again = new_story(library.root, "--title", "Caf\u00e9".encode())
    assert again.returncode == 0, again.stderr
    assert (library.content / "stories" / "caf.md").is_file()


def test_a_prompt_answer_that_is_not_utf8_is_asked_again(library):
    from generator.scaffold import STORY_OWN_FIELDS, Answers, load_taxonomy

    typed = iter([b"Caf\xe9", "Caf\udce9", "Caf\u00e9"])
    said: list[str] = []

    def ask(prompt: str) -> str:
        answer = next(typed)
        if isinstance(answer, bytes):  # a terminal that is not set to UTF-8
            raise UnicodeDecodeError("utf-8", answer, 3, 4, "invalid continuation byte")
        return answer

    answers = Answers({}, load_taxonomy(library.content), True, ask=ask, say=said.append)
    assert answers.value(STORY_OWN_FIELDS[0], prompting=True) == "Caf\u00e9"
    assert said == ["  --title is not UTF-8 text; type it again",
                    "  --title is not UTF-8 text (byte 0xe9); type it again"]


# -- levels: scores and gates are choices, and a number that is no level is located -----------

@pytest.mark.parametrize("score", [".nan", ".inf", "1.0e+400", "3.5"])
def test_a_calibration_score_that_is_not_finite_is_no_level(library, score):
    library.write("calibration/round-one.yml", SESSION.replace("{security-early: 3}",
                                                               f"{{security-early: {score}}}"))
    assert ("content/calibration/round-one.yml", 10, "calls[0].scores.dana.security-early",
            "calibration.level") in findings(library)


@pytest.mark.parametrize("level", [".nan", ".inf"])
def test_a_gate_level_that_is_not_finite_is_no_level(library, level):
    library.write("ramp/first-sixty.md", RAMP.replace(
        "    gate: Can you find who reviews security?\n",
        "    gate: Can you find who reviews security?\n"
        f"    gate_criteria: {{security-early: {level}}}\n"))
    assert ("content/ramp/first-sixty.md", 11, "phases[0].gate_criteria.security-early",
            "ramp.gate-level") in findings(library)


def test_new_writes_its_file_where_hard_links_are_not_supported(library, monkeypatch, capsys):
    def no_hard_links(source, target):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.chdir(library.root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(os, "link", no_hard_links)
    assert main(["new", "story", *STORY_FLAGS, "--title", "Northwind priced per invoice"]) == 0
    written = library.content / "stories" / "northwind-priced-per-invoice.md"
    assert written.read_text(encoding="utf-8").startswith('---\ntitle: "Northwind priced')
    # No temporary file is left beside it.
    assert sorted(p.name for p in (library.content / "stories").iterdir()) == [
        "globex-soc2.md", "northwind-priced-per-invoice.md"]
