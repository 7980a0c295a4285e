"""Authors: `playbook new` asks again instead of quitting, takes a term as it is named,
and its placeholder text never reaches the site (issue 20, "A preview that shows errors")."""

from __future__ import annotations

import io
import sys

from generator.cli import main
from helpers import EPOCH, STORY, Library, validate_json


class Terminal(io.StringIO):
    """stdin holding what an author types, one answer a line, as a terminal gives it."""

    def isatty(self) -> bool:
        return True


class Interrupted(Terminal):
    """A terminal where the author presses Ctrl-C once the typed lines run out."""

    def readline(self, *args) -> str:  # type: ignore[override]
        line = super().readline(*args)
        if not line:
            raise KeyboardInterrupt
        return line


def new_on_terminal(library: Library, monkeypatch, capsys, kind: str, typed: list[str],
                    stdin: type[Terminal] = Terminal, flags: tuple[str, ...] = ()
                    ) -> tuple[int, str]:
    """`playbook new KIND` answering the prompts from `typed`: (exit code, stderr)."""
    monkeypatch.chdir(library.root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # today is 2026-11-01
    monkeypatch.setattr(sys, "stdin", stdin("".join(line + "\n" for line in typed)))
    code = main(["new", kind, *flags])
    return code, capsys.readouterr().err


def stories(library: Library) -> list[str]:
    return sorted(p.name for p in (library.content / "stories").iterdir())


WIN = ["Trust portal closed the review", "win"]  # title, outcome
AFTER_DATE = ["it-security", "security-review", "discovery", "", "", ""]


def test_a_bad_date_is_asked_again_and_the_answers_before_it_are_kept(
        library, monkeypatch, capsys):
    code, err = new_on_terminal(library, monkeypatch, capsys, "story", [
        *WIN, "14/03/2026", "2026-12-24", "2026-03-14", *AFTER_DATE])
    assert code == 0, err
    assert "--interviewed must be a date as YYYY-MM-DD, like 2026-11-01; found '14/03/2026'" \
        in err
    assert "--interviewed 2026-12-24 is in the future (today is 2026-11-01)" in err
    text = (library.content / "stories/trust-portal-closed-the-review.md").read_text()
    assert text.startswith('---\ntitle: "Trust portal closed the review"\noutcome: win\n'
                           "interviewed: 2026-03-14\nbuyer_role: it-security\n")


def test_a_term_is_taken_by_its_title_id_or_alias_in_any_case(library, monkeypatch, capsys):
    code, err = new_on_terminal(library, monkeypatch, capsys, "story", [
        *WIN, "2026-03-14",
        "it security lead",  # the role's title, in other case
        "Security Review",  # the stage's title
        "DISCOVERY, Multi Threading",  # an id in capitals; an alias with a space
        "NORTHWIND-AP", "mid market", "Pricing"])
    assert code == 0, err
    text = (library.content / "stories/trust-portal-closed-the-review.md").read_text()
    assert ("buyer_role: it-security\nstage: security-review\n"
            "skills: [discovery, stakeholder-engagement]\ncompetitor: northwind\n"
            "deal_size: mid-market\nobjections: [price]\n") in text


def test_the_issue_example_chief_financial_officer_is_the_cfo(monkeypatch, capsys, tmp_path):
    # The sample's cfo has the alias chief-financial-officer; typed as words it is taken.
    import shutil

    from helpers import REPO
    library = Library(tmp_path)
    shutil.copytree(REPO / "content", library.content)
    code, err = new_on_terminal(library, monkeypatch, capsys, "story", [
        *WIN, "2026-03-14", "chief financial officer", "security-review", "discovery",
        "", "", ""])
    assert code == 0, err
    assert "did you mean" not in err
    assert "buyer_role: cfo\n" in (
        library.content / "stories/trust-portal-closed-the-review.md").read_text()


def test_an_unknown_term_is_asked_again_with_a_suggestion(library, monkeypatch, capsys):
    code, err = new_on_terminal(library, monkeypatch, capsys, "story", [
        *WIN, "2026-03-14", "it securty lead", "it-security", *AFTER_DATE[1:]])
    assert code == 0, err
    assert "unknown buyer role 'it securty lead'; did you mean 'it security lead'?" in err


def test_a_title_whose_id_is_taken_is_asked_again(library, monkeypatch, capsys):
    original = (library.content / "stories/globex-soc2.md").read_text()
    code, err = new_on_terminal(library, monkeypatch, capsys, "story", [
        "Globex SOC2", "Globex SOC2 again", "loss", "2026-03-14", *AFTER_DATE, "execution"])
    assert code == 0, err
    assert "the id 'globex-soc2' is already a story: stories/globex-soc2.md" in err
    assert (library.content / "stories/globex-soc2.md").read_text() == original
    assert stories(library) == ["globex-soc2-again.md", "globex-soc2.md"]


def test_end_of_input_stops_cleanly_and_writes_nothing(library, monkeypatch, capsys):
    code, err = new_on_terminal(library, monkeypatch, capsys, "story", [*WIN, "bad date"])
    assert code == 1
    assert err.splitlines()[-1] == ("playbook new story: no answer for --interviewed "
                                    "(end of input); nothing was written")
    assert "Traceback" not in err
    assert stories(library) == ["globex-soc2.md"]


def test_ctrl_c_stops_cleanly_and_writes_nothing(library, monkeypatch, capsys):
    code, err = new_on_terminal(library, monkeypatch, capsys, "criterion",
                                ["Names the economic buyer"], stdin=Interrupted)
    assert code == 130
    assert err.splitlines()[-1] == ("playbook new criterion: stopped at --skill; nothing was "
                                    "written")
    assert not (library.content / "criteria/names-the-economic-buyer.md").exists()


def test_a_bad_flag_still_fails_at_once(library, monkeypatch, capsys):
    # Flags are not typed answers: a script gets its error, not a question.
    code, err = new_on_terminal(library, monkeypatch, capsys, "story", [],
                                flags=("--title", "Trust portal", "--outcome", "win",
                                       "--interviewed", "yesterday", "--buyer-role", "cfo",
                                       "--stage", "discovery", "--skills", "discovery"))
    assert code == 2
    assert "--interviewed must be a date as YYYY-MM-DD" in err
    assert stories(library) == ["globex-soc2.md"]


# -- placeholders: what `playbook new` wrote for the author to replace ------------------------

def placeholder_findings(library: Library) -> list[tuple[str, int, str, str]]:
    code, problems = validate_json("--no-audio", cwd=library.root)
    return [(p["path"], p["line"], p["field"], p["message"]) for p in problems
            if p["code"] == "scaffold.placeholder"]


def test_the_narrative_placeholders_of_a_new_story_are_located_errors(library):
    body = ("## Context\n\nWhat the deal was, who was involved, and where it stood.\n\n"
            "## What happened\n\nThe decisive moment, in order. Then Globex sent its SOC 2.\n")
    library.story(STORY.split("## Context")[0] + body)  # the body starts at line 22
    code, problems = validate_json("--no-audio", cwd=library.root)
    assert code == 1
    found = [(p["path"], p["line"], p["field"], p["severity"], p["message"], p["hint"])
             for p in problems if p["code"] == "scaffold.placeholder"]
    assert found == [
        ("content/stories/acme.md", 24, "body", "error",
         "'What the deal was, who was involved, and where it stood.' is the placeholder "
         "`playbook new` wrote below the front matter; it would be published as it is",
         "replace it with your own text, or delete the line"),
        ("content/stories/acme.md", 28, "body", "error",
         "'The decisive moment, in order.' is the placeholder `playbook new` wrote below the "
         "front matter; it would be published as it is",
         "replace it with your own text, or delete the line")]


def test_an_uncommented_example_transcript_is_a_placeholder_at_its_field(library):
    library.story(STORY.replace("transcript: By the time your packet arrived we were done.",
                                "transcript: >-\n      What the buyer says in the clip, word "
                                "for word."))
    assert placeholder_findings(library) == [(
        "content/stories/acme.md", 20, "clips[0].transcript",
        "'What the buyer says in the clip, word for word.' is the placeholder `playbook new` "
        "wrote; it would be published as it is")]


def test_a_new_criterions_coaching_notes_placeholder_is_an_error(library, monkeypatch, capsys):
    code, err = new_on_terminal(library, monkeypatch, capsys, "criterion", [],
                                flags=("--title", "Names the economic buyer", "--skill",
                                       "discovery", "--scale", "binary"))
    assert code == 0, err
    findings = placeholder_findings(library)
    assert [(path, field) for path, _, field, _ in findings] == [
        ("content/criteria/names-the-economic-buyer.md", "body")]
    assert "'Coaching notes: how to coach it, the usual failure, a drill.'" in findings[0][3]


def test_a_new_story_lists_each_placeholder_until_replaced(library, monkeypatch, capsys):
    code, err = new_on_terminal(library, monkeypatch, capsys, "story", [
        *WIN, "2026-03-14", *AFTER_DATE])
    assert code == 0, err
    path = library.content / "stories/trust-portal-closed-the-review.md"
    text = path.read_text()
    lines = text.splitlines()
    placeholder_lines = [lines.index("The decisive moment, in order.") + 1,
                         lines.index("What the deal was, who was involved, and where it stood.")
                         + 1]
    assert sorted(line for _, line, _, _ in placeholder_findings(library)) == sorted(
        [*placeholder_lines, lines.index("The buyer's account in their words; name people by "
                                         "role, never by contact details.") + 1])
    # The author's own words pass.
    for placeholder in ("What the deal was, who was involved, and where it stood.",
                        "The decisive moment, in order.",
                        "The buyer's account in their words; name people by role, never by "
                        "contact details."):
        text = text.replace(placeholder, "Our own account of the deal.")
    path.write_text(text)
    assert placeholder_findings(library) == []
