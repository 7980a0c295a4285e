"""The `playbook` command as a contributor and CI meet it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import REPO, STORY

PLAYBOOK = [sys.executable, "-m", "generator.cli"]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1780272000"}  # 2026-06-01
    return subprocess.run(PLAYBOOK + args, cwd=cwd, env=env, capture_output=True, text=True)


def seed_faults(library) -> None:
    """One fault of each kind, each in its own file."""
    library.story(STORY.replace("quote: By the time", "quote: He said: by the time"), "yaml.md")
    library.story(STORY.replace("competitor: globex", "competitor: globx"), "typo.md")
    library.story(STORY.replace("outcome: loss", "outcome: won"), "outcome.md")
    library.story(STORY.replace("interviewed: 2026-03-14", "interviewed: 2031-01-01"), "future.md")
    library.story(STORY.replace("src: interview.wav", "src: ../../secret.wav"), "escape.md")


def test_validate_prints_one_located_problem_per_fault(library):
    seed_faults(library)
    result = run(["validate"], library.root)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if ": error" in line]
    assert lines == [
        "content/stories/escape.md:17: error [clips[0].src]: expected 'src' to be a path inside "
        "content/audio/; found '../../secret.wav', which points outside it (clip.src-outside)",
        "content/stories/future.md:5: error [interviewed]: 'interviewed' is 2031-01-01, which is "
        "in the future (today is 2026-06-01) (date.future)",
        "content/stories/outcome.md:3: error [outcome]: expected 'outcome' to be one of win, loss, "
        "no-decision; found the text 'won'; did you mean 'win'? (field.choice)",
        "content/stories/typo.md:9: error [competitor]: unknown competitor 'globx'; "
        "did you mean 'globex'? (term.unknown)",
        "content/stories/yaml.md:14: error: the front matter is not valid YAML: mapping values "
        "are not allowed in this context (yaml.syntax)",
    ]
    assert result.stdout.rstrip().endswith("5 errors, 0 warnings")


def test_validate_passes_a_clean_library(library):
    result = run(["validate"], library.root)
    assert result.returncode == 0, result.stdout
    assert "1 story and 1 criterion valid; 0 errors, 0 warnings" in result.stdout


def test_warnings_fail_only_with_strict(library):
    library.story(STORY.split("## Context")[0])  # no narrative: a warning
    assert run(["validate"], library.root).returncode == 0
    strict = run(["validate", "--strict"], library.root)
    assert strict.returncode == 1
    assert "warning" in strict.stdout


def test_github_format_prints_annotations(library):
    library.story(STORY.replace("competitor: globex", "competitor: globx"))
    result = run(["validate", "--format", "github"], library.root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=content/stories/acme.md,line=9,title=competitor (term.unknown)::"
        "unknown competitor "
        "'globx'; did you mean 'globex'? (hint: use one of: globex, northwind, northwind-ap; "
        "or add 'globx' to 'competitors' in content/taxonomy.yml)"
    ]


def test_json_format_is_machine_readable(library):
    seed_faults(library)
    result = run(["validate", "--format", "json"], library.root)
    report = json.loads(result.stdout)
    assert report["errors"] == 5 and report["warnings"] == 0
    first = report["problems"][0]
    assert set(first) == {"path", "line", "field", "message", "hint", "severity", "code"}
    assert (first["path"], first["line"], first["field"]) == (
        "content/stories/escape.md", 17, "clips[0].src")


def test_validate_never_shows_a_traceback_on_odd_files(library):
    library.write("stories/binary.md", "")
    (library.content / "stories" / "binary.md").write_bytes(b"---\ntitle: \xff\xfe\n---\n")
    library.story("---\n- just\n- a list\n---\n", "list.md")
    library.story("---\ntitle: [unclosed\n", "unclosed.md")
    library.story("---\ntitle: x\nquote: !!binary not-base64\n---\n", "tagged.md")
    library.story("---\n---\nOnly a body.\n", "empty.md")
    result = run(["validate"], library.root)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "content/stories/binary.md:2: error: the file is not UTF-8 text" in result.stdout
    assert "content/stories/list.md:2: error: expected the front matter to be a mapping" \
        in result.stdout
    assert "content/stories/unclosed.md:1: error: expected front matter between two '---' " \
        "lines at the top of the file; found no closing '---' line" in result.stdout
    assert "content/stories/empty.md:1: error [title]: 'title' is required" in result.stdout


def test_build_refuses_bad_content_without_a_traceback(library, tmp_path):
    shutil.copy(REPO / "mkdocs.yml", library.root)
    shutil.copytree(REPO / "theme", library.root / "theme")
    (library.root / "docs").mkdir()
    library.story(STORY.replace("competitor: globex", "competitor: globx"))
    result = run(["build"], library.root)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert "content/stories/acme.md:9: error [competitor]: unknown competitor 'globx'" in output
    assert not (library.root / "site" / "index.html").exists()
