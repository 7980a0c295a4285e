"""Contributors and hosting: `playbook new`, `playbook audio`, permanent links, the feed,
a stable story of the week, the contributor docs and the workflows."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from test_browser import base_url, browser, page  # noqa: F401  (fixtures)

from generator.build import Settings, run
from generator.links import story_of_the_week
from generator.load import load_library
from helpers import (
    EPOCH,
    EPOCH_DATE,
    REPO,
    STORY,
    Library,
    decode_as_is,
    make_repo,
    silent_wav,
    validate_json,
)

ATOM = "{http://www.w3.org/2005/Atom}"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}


def playbook(*args: str, cwd: Path, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd, env=ENV,
                          stdin=stdin, capture_output=True, text=True, timeout=120)


def fill_story(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^quote:.*$", "quote: We picked the vendor whose packet came first.", text,
                  flags=re.M)
    text = re.sub(r"^takeaway:.*$", "takeaway: Send the security packet in week one.", text,
                  flags=re.M)
    # The narrative's placeholder sentences, each replaced with the author's own.
    text = re.sub(r"^(## .*\n\n).*$", r"\1Our own account of this part of the deal.", text,
                  flags=re.M)
    path.write_text(text, encoding="utf-8")


def problems_in(root: Path, rel: str) -> list[dict]:
    code, problems = validate_json("--no-audio", cwd=root)
    return [p for p in problems if p["path"] == rel]


# -- playbook new ---------------------------------------------------------------------------

def test_new_story_from_flags_only_validates_once_its_placeholders_are_filled(library):
    result = playbook("new", "story", "--title", "Northwind: the 'cheaper' quote?",
                      "--outcome", "loss", "--loss-reason", "competition",
                      "--interviewed", "2026-05-04", "--buyer-role", "cfo",
                      "--stage", "discovery", "--skills", "discovery,multi-threading",
                      "--competitor", "northwind-ap", "--objections", "pricing",
                      cwd=library.root)
    assert result.returncode == 0, result.stderr
    rel = "content/stories/northwind-the-cheaper-quote.md"  # apostrophes dropped
    written = library.root / rel
    assert written.is_file(), result.stdout
    # Unfilled, the check points at each placeholder line.
    unfilled = problems_in(library.root, rel)
    assert {(p["code"], p["field"]) for p in unfilled} == {
        ("field.required", "quote"), ("field.required", "takeaway"),
        ("scaffold.placeholder", "body")}
    assert sum(p["code"] == "scaffold.placeholder" for p in unfilled) == 3  # one a section
    assert all(p["line"] > 1 for p in unfilled)
    fill_story(written)
    assert problems_in(library.root, rel) == []
    story = load_library(library.content, today=EPOCH_DATE).library.story(
        "northwind-the-cheaper-quote")
    # Aliases were accepted and filed under their ids.
    assert story.title == "Northwind: the 'cheaper' quote?"
    assert story.single("competitors") == "northwind" and story.facet("objections") == ("price",)
    assert story.facet("skills") == ("discovery", "stakeholder-engagement")


def _answer_prompts(cwd: Path, args: list[str], answers: list[tuple[str, str]]) -> str:
    """Run the command on a pseudo-terminal, typing each answer after its prompt appears."""
    controller, terminal = os.openpty()
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", *args], cwd=cwd,
                               env=ENV, stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    seen = transcript = ""

    def read_until(marker: str) -> None:
        nonlocal seen, transcript
        deadline = time.monotonic() + 60  # a guard against hanging, not a timing check
        while marker not in seen:
            assert time.monotonic() < deadline, f"no prompt {marker!r}; got:\n{seen}"
            ready, _, _ = select.select([controller], [], [], 1)
            if ready:
                try:
                    chunk = os.read(controller, 4096).decode("utf-8", "replace")
                except OSError:  # the command exited
                    break
                seen += chunk
                transcript += chunk
    try:
        for prompt, answer in answers:
            read_until(prompt)
            assert prompt in seen, seen
            seen = seen[seen.index(prompt) + len(prompt):]
            os.write(controller, (answer + "\n").encode())
        assert process.wait(timeout=60) == 0, seen
        read_until("\x00")  # drain what is left
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    return transcript


def test_new_story_prompts_on_a_terminal_offer_choices_and_accept_aliases(library):
    out = _answer_prompts(library.root, ["new", "story"], [
        ("title: ", "The trust portal link closed the security review"),
        ("outcome: ", "win"),
        ("interviewed [", "2026-04-20"),
        ("buyer role: ", "it-security"),
        ("stage: ", "security-review"),
        ("skills (comma-separated): ", "discovery"),
        ("competitor (optional", "globx"),  # a typo: asked again, with a suggestion
        ("competitor (optional", "globex"),
        ("deal size (optional", ""),
        ("objections (comma-separated) (optional", "security"),
    ])
    assert "did you mean 'globex'" in out
    rel = "content/stories/the-trust-portal-link-closed-the-security-review.md"
    written = library.root / rel
    assert written.is_file(), out
    fill_story(written)
    assert problems_in(library.root, rel) == []
    story = load_library(library.content, today=EPOCH_DATE).library.story(written.stem)
    assert story.single("competitors") == "globex" and story.single("deal_sizes") is None
    assert story.interviewed == date(2026, 4, 20)


def test_without_a_terminal_missing_input_fails_at_once_and_writes_nothing(library):
    before = sorted(p.name for p in (library.content / "stories").iterdir())
    result = playbook("new", "story", "--title", "Half a story", cwd=library.root)
    assert result.returncode != 0
    assert "--outcome" in result.stderr and "no terminal" in result.stderr
    assert sorted(p.name for p in (library.content / "stories").iterdir()) == before


def test_new_refuses_an_existing_id_and_an_id_kept_as_a_redirect(library):
    args = ["new", "story", "--outcome", "win", "--interviewed", "2026-05-04",
            "--buyer-role", "cfo", "--stage", "discovery", "--skills", "discovery"]
    original = (library.content / "stories" / "globex-soc2.md").read_text()
    taken = playbook(*args, "--title", "Globex SOC2", cwd=library.root)
    assert taken.returncode != 0 and "already a story" in taken.stderr
    assert (library.content / "stories" / "globex-soc2.md").read_text() == original
    library.write("stories/globex-soc2.md", original.replace(
        "outcome: loss", "redirect_from: [old-soc2-story]\noutcome: loss"))
    kept = playbook(*args, "--title", "Old SOC2 story", cwd=library.root)
    assert kept.returncode != 0 and "redirects" in kept.stderr


def test_new_criterion_from_flags_validates_once_filled(library):
    result = playbook("new", "criterion", "--title", "Names the economic buyer",
                      "--skill", "multi-threading", "--scale", "3", cwd=library.root)
    assert result.returncode == 0, result.stderr
    rel = "content/criteria/names-the-economic-buyer.md"
    path = library.root / rel
    assert {p["field"] for p in problems_in(library.root, rel)} >= {
        "description", "present", "absent"}
    text = path.read_text()
    for key, value in (("description", "The rep names who signs."),
                       ("present", '"Who signs off on this?"'),
                       ("absent", '"We will figure out approvals later."')):
        text = re.sub(rf"^{key}:.*$", f"{key}: {value}", text, flags=re.M)
    for level in ("1", "2", "3"):
        text = re.sub(rf"^  {level}:$", f"  {level}: Level {level} behaviour.", text, flags=re.M)
    text = text.replace("Coaching notes: how to coach it, the usual failure, a drill.",
                        "Ask who signs before the demo.")
    path.write_text(text)
    assert problems_in(library.root, rel) == []


# -- playbook audio -------------------------------------------------------------------------

def test_playbook_audio_prints_the_length_and_writes_a_preview(library, tmp_path):
    silent_wav(library.content / "audio" / "long.wav", seconds=30)
    facts = playbook("audio", "content/audio/long.wav", cwd=library.root)
    assert facts.returncode == 0, facts.stderr
    assert "0:30 (30.0 s)" in facts.stdout and "8000 Hz" in facts.stdout
    preview = tmp_path / "preview.mp3"
    made = playbook("audio", "content/audio/long.wav", "--at", "0:10", "--for", "12",
                    "--out", str(preview), cwd=library.root)
    assert made.returncode == 0, made.stderr
    assert 'start: "0:10" end: "0:22"' in made.stdout
    assert abs(len(decode_as_is(preview)) - 12_000) < 200
    past = playbook("audio", "content/audio/long.wav", "--at", "1:00", cwd=library.root)
    assert past.returncode != 0 and "past the end" in past.stderr


# -- story of the week ----------------------------------------------------------------------

def test_adding_a_story_dated_this_week_leaves_the_story_of_the_week_unchanged(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    today = EPOCH_DATE + timedelta(days=3)  # a Wednesday
    before = story_of_the_week(load_library(tmp_path / "content", today=today).library.stories,
                               today)
    assert before is not None
    lib = Library(tmp_path)
    monday = today - timedelta(days=today.weekday())
    for number, name in enumerate(("aaa-first-by-id", "mmm-middle", "zzz-last-by-id")):
        lib.story(STORY.replace("interviewed: 2026-03-14",
                                f"interviewed: {monday + timedelta(days=number % 3)}")
                  .replace("src: interview.wav", "src: globex-security-lead-interview.mp3"),
                  name=f"{name}.md")
    after = load_library(tmp_path / "content", today=today).library
    assert len(after.stories) == 31
    assert story_of_the_week(after.stories, today) == before


# -- permanent links ------------------------------------------------------------------------

def test_redirects_refuse_a_shared_old_id_a_live_page_and_a_bad_id(library):
    library.write("stories/second.md", STORY.replace(
        "outcome: loss", "redirect_from: [old-soc2, globex-soc2]\noutcome: loss"))
    library.write("stories/third.md", STORY.replace(
        "outcome: loss", "redirect_from: [old-soc2, Old Name]\noutcome: loss"))
    found = {(p.path, p.line, p.code) for p in library.load().problems
             if p.code.startswith("redirect.")}
    assert found == {
        ("content/stories/second.md", 3, "redirect.shadows-page"),
        ("content/stories/third.md", 3, "redirect.duplicate"),
        ("content/stories/third.md", 3, "redirect.invalid"),
    }


def test_the_sample_keeps_the_renamed_storys_old_url(sample_site):
    moved = (sample_site / "stories" / "matched-reference-beat-globex" / "index.html").read_text()
    assert 'href="../reference-call-that-sounded-like-us/"' in moved
    assert "location.hash" in moved and 'http-equiv="refresh"' in moved


def test_a_renamed_storys_old_url_lands_on_the_new_page_under_a_sub_path(page, base_url):  # noqa: F811
    page.goto(base_url + "stories/matched-reference-beat-globex/#what-the-buyer-said")
    page.wait_for_url("**/stories/reference-call-that-sounded-like-us/#what-the-buyer-said")
    assert page.url == base_url + "stories/reference-call-that-sounded-like-us/#what-the-buyer-said"
    assert page.locator("h1").first.inner_text().startswith("The reference call that sounded")


# -- the feed -------------------------------------------------------------------------------

def test_the_feed_parses_newest_first_with_quotes_and_facets(sample_site):
    feed = ET.parse(sample_site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    # Newest added first (each file's first commit; its interview without git history).
    stories = load_library(REPO / "content", history=True).library.stories
    newest = max(stories, key=lambda s: (s.added, s.interviewed, [-ord(c) for c in s.id]))
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == newest.title
    assert first.findtext(f"{ATOM}summary") == newest.quote
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert updated == sorted(updated, reverse=True)
    # Every story, and the coaching calendar's one month begun by the build date.
    assert len([i for i in ids if i.startswith("urn:playbook:story:")]) == len(stories)
    assert [i for i in ids if not i.startswith("urn:playbook:story:")] == [
        "urn:playbook:calendar:2026-11"]
    terms = {c.get("term") for c in first.findall(f"{ATOM}category")}
    assert set(newest.facet("skills")) <= terms and newest.outcome in terms
    # Advertised in every page's head, and linked from home.
    for html in ("index.html", f"stories/{newest.id}/index.html", "skills/discovery/index.html"):
        assert 'rel="alternate" type="application/atom+xml"' in (sample_site / html).read_text()
    assert 'href="feed.xml"' in (sample_site / "index.html").read_text()


def test_feed_links_are_absolute_under_site_url_and_content_stays_escaped(library):
    hostile = '<script>alert(1)</script> & "quotes" ]]> <b>bold</b>'
    library.write("stories/globex-soc2.md", STORY.replace(
        "title: Globex sent their SOC 2 in week one", f"title: {json.dumps(hostile)}"
    ).replace("quote: By the time", "quote: <img src=x onerror=alert(1)> By the time"))
    result = run(Settings.at(library.content, today=EPOCH_DATE, check_audio=False,
                             site_url="https://org.github.io/playbook"))
    assert not result.errors, result.errors
    text = next(f.content for f in result.files if f.path == "feed.xml")
    assert isinstance(text, str)
    assert "<script>" not in text and "<img" not in text and "<b>" not in text
    entry = ET.fromstring(text).find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}title") == hostile
    assert entry.findtext(f"{ATOM}summary").startswith("<img src=x onerror=alert(1)>")
    link = entry.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == "https://org.github.io/playbook/stories/globex-soc2/"


# -- contributor docs and workflows ---------------------------------------------------------

def _clip_seconds(value: str) -> int:
    minutes, seconds = value.split(":")
    return int(minutes) * 60 + int(seconds)


@pytest.mark.parametrize("guide", ["CONTRIBUTING.md", "docs/contributing.md"])
def test_the_guides_example_clip_runs_60_to_90_seconds(guide):
    text = (REPO / guide).read_text(encoding="utf-8")
    starts = re.findall(r'start: "(\d+:\d\d)"', text)
    ends = re.findall(r'end: "(\d+:\d\d)"', text)
    assert starts and len(starts) == len(ends)
    for start, end in zip(starts, ends, strict=True):
        assert 60 <= _clip_seconds(end) - _clip_seconds(start) <= 90, (start, end)


def test_contributing_covers_preview_timestamps_and_new():
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for needed in ("make serve", "playbook audio", "--at", "playbook new story",
                   "make validate", "redirect_from", "Add file"):
        assert needed in text, needed


def test_the_pull_request_template_has_the_reviewers_checklist():
    text = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    boxes = re.findall(r"^- \[ \] (.+)$", text, flags=re.M)
    for needed in ("consent", "anonymised", "verbatim", "transcript"):
        assert any(needed in box for box in boxes), needed


def test_the_pre_commit_hook_runs_the_validator():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] if repo["repo"] == "local"
             for hook in repo["hooks"]]
    assert any("playbook validate" in hook["entry"] for hook in hooks)


WORKFLOWS = [REPO / ".github" / "workflows" / name
             for name in ("pull-request.yml", "deploy.yml", "latest-releases.yml")]


def _tool(name: str) -> str:
    path = Path(sys.executable).parent / name
    assert path.exists(), f"{name} is a test dependency: make .venv/.installed-test"
    return str(path)


def test_the_workflows_pass_githubs_schema_and_zizmor():
    schema = subprocess.run([_tool("check-jsonschema"), "--builtin-schema",
                             "vendor.github-workflows", *map(str, WORKFLOWS)],
                            capture_output=True, text=True)
    assert schema.returncode == 0, schema.stdout + schema.stderr
    audit = subprocess.run([_tool("zizmor"), "--offline", "--persona", "pedantic",
                            *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_the_workflows_check_pull_requests_and_deploy_main():
    pull, deploy, _ = (yaml.safe_load(path.read_text()) for path in WORKFLOWS)
    pull_steps = [step for job in pull["jobs"].values() for step in job["steps"]]
    deploy_steps = [step for job in deploy["jobs"].values() for step in job["steps"]]
    runs = " ".join(step.get("run", "") for step in pull_steps)
    assert "validate --format github" in runs and "make test" in runs and "make site" in runs
    assert any(step.get("uses", "").startswith("actions/upload-artifact@") for step in pull_steps)
    used = {step.get("uses", "").split("@")[0] for step in deploy_steps}
    assert {"actions/configure-pages", "actions/upload-pages-artifact",
            "actions/deploy-pages"} <= used
    assert deploy[True]["schedule"]  # YAML 1.1 reads the key 'on' as true
    # The feed dates stories by their first commit: the deploy needs the whole history.
    checkout = next(step for step in deploy_steps
                    if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    for steps in (pull_steps, deploy_steps):
        assert any(step.get("with", {}).get("cache") == "pip" for step in steps)
        assert any(step.get("with", {}).get("path") == ".cache/playbook" for step in steps)
        assert any("make " in step.get("run", "") for step in steps)


def test_a_story_added_by_the_guide_builds_onto_its_pages(library, tmp_path):
    """The guide's five-minute path: playbook new, fill in, build; the story is listed."""
    root = make_repo(library)
    made = playbook("new", "story", "--title", "Northwind priced per invoice",
                    "--outcome", "win", "--interviewed", "2026-05-04", "--buyer-role", "cfo",
                    "--stage", "discovery", "--skills", "discovery", "--competitor",
                    "northwind", cwd=root)
    assert made.returncode == 0, made.stderr
    fill_story(root / "content" / "stories" / "northwind-priced-per-invoice.md")
    site = tmp_path / "site"
    built = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--site-dir",
                            str(site)], cwd=root, env=ENV, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    for listing in ("skills/discovery", "competitors/northwind", "stories"):
        html = (site / listing / "index.html").read_text()
        assert "northwind-priced-per-invoice/" in html, listing
