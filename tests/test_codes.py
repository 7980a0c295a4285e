"""Problem codes: every finding has a documented code, and mkdocs.yml can tune severities."""

from __future__ import annotations

import re
import subprocess
import sys

from generator.codes import all_codes
from helpers import REPO, STORY, build, make_repo, validate_json

CODE_LITERAL = re.compile(r'"((?:file|yaml|frontmatter|id|clip|field|term|taxonomy|date|story|'
                          r'criterion|markdown|privacy|docs|ramp|scaffold)\.[a-z-]+)"')


def test_every_code_the_generator_reports_is_documented_in_its_module_and_the_guide():
    used = set()
    for path in (REPO / "generator").rglob("*.py"):
        used |= set(CODE_LITERAL.findall(path.read_text(encoding="utf-8")))
    used |= {"privacy.email", "privacy.phone"}  # made as f"privacy.{kind}"
    registered = set(all_codes())
    assert used - {"taxonomy.yml"} <= registered, sorted(used - registered)
    guide = (REPO / "docs" / "contributing.md").read_text(encoding="utf-8")
    assert [name for name in registered if f"`{name}`" not in guide] == []


def test_codes_lists_every_code_with_its_severity():
    result = subprocess.run([sys.executable, "-m", "generator.cli", "codes"],
                            capture_output=True, text=True, check=True)
    lines = result.stdout.splitlines()
    assert len(lines) == len(all_codes())
    assert any(line.split()[:2] == ["story.no-narrative", "warning"] for line in lines)


def _with_problems_setting(library, setting: str) -> None:
    make_repo(library)
    config = library.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - playbook:\n", "  - playbook:\n" + setting),
                      encoding="utf-8")


def test_a_problems_setting_changes_validate_build_and_pages_alike(library, tmp_path):
    library.story(STORY.split("## Context")[0], "bare.md")  # no narrative: a warning
    library.story(STORY.replace("skills: [discovery]", "skills: [discovery, discovery]"),
                  "twice.md")  # a term listed twice: a warning
    code, problems = validate_json("--no-audio", cwd=library.root)
    assert code == 0
    assert sorted((p["code"], p["severity"]) for p in problems) == [
        ("story.no-narrative", "warning"), ("term.listed-twice", "warning")]

    _with_problems_setting(library, "      problems:\n"
                                    "        story.no-narrative: off\n"
                                    "        term.listed-twice: error\n")
    code, problems = validate_json("--no-audio", cwd=library.root)
    assert code == 1
    assert [(p["path"], p["code"], p["severity"]) for p in problems] == [
        ("content/stories/twice.md", "term.listed-twice", "error")]
    # The build follows the same setting: it refuses the now-error.
    result = build(library.root, tmp_path / "site")
    assert result.returncode == 1
    assert "term.listed-twice" in result.stderr and "story.no-narrative" not in result.stderr
    # So does `playbook pages`, the route to other builders.
    pages = subprocess.run([sys.executable, "-m", "generator.cli", "pages", "--out",
                            str(tmp_path / "pages")], cwd=library.root, capture_output=True,
                           text=True)
    assert pages.returncode == 1, pages.stdout + pages.stderr
    assert "term.listed-twice" in pages.stderr and "story.no-narrative" not in pages.stderr
    assert not (tmp_path / "pages").exists()


def test_an_unknown_code_in_the_setting_is_named(library, tmp_path):
    _with_problems_setting(library, "      problems:\n        story.no-narrativ: off\n")
    result = subprocess.run([sys.executable, "-m", "generator.cli", "validate", "--no-audio"],
                            cwd=library.root, capture_output=True, text=True)
    assert result.returncode == 1
    assert "unknown problem code 'story.no-narrativ'" in result.stderr
    assert "Traceback" not in result.stderr
    built = build(library.root, tmp_path / "site")
    assert built.returncode == 1 and "story.no-narrativ" in built.stderr
