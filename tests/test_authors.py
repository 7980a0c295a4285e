"""Authors: `playbook new` asks again instead of quitting, takes a term as it is named,
and its placeholder text never reaches the site (issue 20, "A preview that shows errors")."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

from test_browser import browser  # noqa: F401  (fixture)
from test_serve import edit, free_port, wait_for

from generator.cli import main
from helpers import EPOCH, REPO, STORY, Library, copy_of_the_sample, validate_json


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
    library = Library(tmp_path)
    library.write("taxonomy.yml", (REPO / "content/taxonomy.yml").read_text(encoding="utf-8"))
    (library.content / "stories").mkdir()
    code, err = new_on_terminal(library, monkeypatch, capsys, "story", [
        *WIN, "2026-03-14", "chief financial officer", "security-review", "discovery",
        "", "", "", ""])  # no competitor, deal size, industry or objections
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


# -- serve: a content error shows in the browser, and the page recovers on the fix ------------

SERVED_STORY = "globex-security-review-came-too-late"
SHOTS = Path(os.environ.get("PLAYBOOK_SHOTS", "/tmp/shots-authors"))


def _start_serve(root: Path, port: int, log: Path) -> subprocess.Popen:
    env = {"SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1",
           "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    with log.open("w") as out:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"],
            cwd=root, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def test_serve_shows_a_content_error_over_the_page_and_recovers_on_the_fix(
        tmp_path, browser):  # noqa: F811  (fixture)
    from playwright.sync_api import expect

    root = copy_of_the_sample(tmp_path / "repo")
    story = root / f"content/stories/{SERVED_STORY}.md"
    good = story.read_text(encoding="utf-8")
    # Broken from the start: no build has worked yet, so the page is serve's 404.
    edit(story, r"^interviewed: .*$", 'interviewed: "<b>2026-13-45</b>"')
    port, log = free_port(), tmp_path / "serve.log"
    server = _start_serve(root, port, log)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    overlay = page.locator("#pb-serve-problems")
    heading = page.locator("h1").first
    try:
        # Before the fix, a first build with an error ended `mkdocs serve` at once.
        wait_for(lambda: "Serving on" in log.read_text() or server.poll() is not None, log)
        assert server.poll() is None, log.read_text()
        page.goto(f"http://127.0.0.1:{port}/stories/{SERVED_STORY}/")
        expect(overlay).to_be_visible(timeout=10_000)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "serve-error-first-build-1280.png"))
        text = overlay.inner_text()
        assert "The content has 1 error; nothing new was built" in text
        assert "No build has worked yet." in text
        # The problem as validate prints it, the content's text shown as text.
        assert f"content/stories/{SERVED_STORY}.md:5 error [interviewed]" in text
        assert ("expected 'interviewed' to be a date as YYYY-MM-DD; found the text "
                "'<b>2026-13-45</b>' (date.invalid)") in text
        assert "hint: write the interview date like 2026-03-14" in text
        assert overlay.locator("b").count() == 0
        # The fix: the page becomes the story by itself (the 404 has no live reload).
        story.write_text(good, encoding="utf-8")
        expect(heading).to_contain_text("The security lead heard about us in week nine",
                                     timeout=60_000)  # the first good build is a cold one
        expect(overlay).to_have_count(0)

        # How long this machine takes to show any save, for the error's time limit.
        started = time.monotonic()
        edit(story, r"^title: .*$", "title: Week nine was too late")
        expect(heading).to_contain_text("Week nine was too late", timeout=30_000)
        a_save = time.monotonic() - started

        started = time.monotonic()
        edit(story, r"^interviewed: .*$", "interviewed: 2026-02-30")
        expect(overlay).to_be_visible(timeout=30_000)
        an_error = time.monotonic() - started
        text = overlay.inner_text()
        assert "The page behind this is from the last build that worked." in text
        assert (f"content/stories/{SERVED_STORY}.md:5 error [interviewed]" in text
                and "(date.invalid)" in text), text
        # Within a couple of seconds; on a loaded machine, no slower than a save that works.
        assert an_error < max(3.0, a_save + 1.0), (an_error, a_save)
        page.screenshot(path=str(SHOTS / "serve-error-1280.png"))
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SHOTS / "serve-error-390.png"))

        edit(story, r"^interviewed: .*$", "interviewed: 2025-06-17")
        expect(overlay).to_have_count(0, timeout=30_000)
        expect(heading).to_contain_text("Week nine was too late")
    finally:
        page.close()
        server.terminate()
        server.wait(timeout=30)
    printed = log.read_text()
    assert "Traceback" not in printed
    assert "The server will appear stuck" not in printed  # MkDocs' words for a hung reload
    assert f"content/stories/{SERVED_STORY}.md:5: error [interviewed]" in printed
    # Before any good build, the nav's generated pages are left out, not each warned about.
    assert "in the 'nav' configuration" not in printed


def test_before_any_good_build_the_nav_keeps_only_pages_that_exist():
    from generator.serve_problems import nav_of_files

    nav = [{"Home": "index.md"}, {"Skills": [{"Overview": "skills/index.md"}]},
           {"Guides": [{"Contributing": "contributing.md"}, "skills/x.md"]},
           {"Elsewhere": "https://example.com/"}, "plain.md"]
    assert nav_of_files(nav, {"contributing.md", "plain.md"}.__contains__) == [
        {"Guides": [{"Contributing": "contributing.md"}]},
        {"Elsewhere": "https://example.com/"}, "plain.md"]


def test_a_built_site_carries_no_serve_script(sample_site):
    for page in ("index.html", "404.html", f"stories/{SERVED_STORY}/index.html"):
        assert "playbook-serve" not in (sample_site / page).read_text(encoding="utf-8"), page
    assert not (sample_site / "playbook-serve").exists()
