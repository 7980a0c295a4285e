"""The Atom feed: entries dated by when their story was added (a `published` field, else
the file's first commit), newest first, with ids that do not depend on site_url."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from generator.build import Settings, run
from generator.history import first_commits
from helpers import STORY, TODAY, make_repo

ATOM = "{http://www.w3.org/2005/Atom}"


def _git(root, *args: str, when: str = "2026-01-01T09:00:00+00:00") -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
                    "-c", "commit.gpgsign=false", *args], cwd=root, check=True,
                   capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})


def _commit(root, message: str, when: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message, when=when)


def _story(interviewed: str, title: str) -> str:
    return STORY.replace("interviewed: 2026-03-14", f"interviewed: {interviewed}") \
        .replace("title: Globex sent their SOC 2 in week one", f"title: {title}")


def _entries(library, **settings) -> list[tuple[str, str, str]]:
    """(title, updated, id) of each feed entry, in feed order."""
    result = run(Settings.at(library.content, today=TODAY, check_audio=False, **settings))
    assert not result.errors, result.errors
    feed = ET.fromstring(next(f.content for f in result.files if f.path == "feed.xml"))
    return [(e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}updated"), e.findtext(f"{ATOM}id"))
            for e in feed.findall(f"{ATOM}entry")]


def test_a_story_added_today_about_an_older_interview_is_the_first_entry(library):
    # The issue: entries were dated by interview, so this story landed deep in the feed.
    _git(library.root, "init", "-q")
    _commit(library.root, "SOC 2 story", "2026-03-20T09:00:00+00:00")  # interviewed 03-14
    library.story(_story("2026-05-01", "Recent interview"), "recent-interview.md")
    _commit(library.root, "A recent interview", "2026-05-02T10:30:00+02:00")
    library.story(_story("2025-12-01", "Old interview added today"), "old-interview.md")
    _commit(library.root, "An old interview, added today", "2026-06-01T08:15:00+00:00")
    assert _entries(library) == [
        ("Old interview added today", "2026-06-01T08:15:00Z", "urn:playbook:story:old-interview"),
        ("Recent interview", "2026-05-02T08:30:00Z", "urn:playbook:story:recent-interview"),
        ("Globex sent their SOC 2 in week one", "2026-03-20T09:00:00Z",
         "urn:playbook:story:globex-soc2"),
    ]


def test_a_published_field_dates_the_entry_and_a_story_outside_git_its_interview(library):
    library.story(_story("2026-01-10", "Moved in from the old wiki").replace(
        "interviewed: 2026-01-10\n", "interviewed: 2026-01-10\npublished: 2026-05-20\n"),
        "moved-in.md")
    # No git here: the SOC 2 story (interviewed 2026-03-14) is dated by its interview.
    assert [(title, updated) for title, updated, _ in _entries(library)] == [
        ("Moved in from the old wiki", "2026-05-20T00:00:00Z"),
        ("Globex sent their SOC 2 in week one", "2026-03-14T00:00:00Z"),
    ]


def test_a_bad_published_date_is_a_located_error(library):
    def problems(published: str) -> list[tuple[int, str, str, str]]:
        library.story(STORY.replace("interviewed: 2026-03-14\n",
                                    f"interviewed: 2026-03-14\npublished: {published}\n"))
        return [(p.line, p.field, p.code, p.message) for p in library.load().errors]

    assert problems("2026-03-01") == [
        (6, "published", "story.published-before-interview",
         "'published' is 2026-03-01, before the interview on 2026-03-14")]
    assert problems("2026-07-01") == [
        (6, "published", "date.future",
         "'published' is 2026-07-01, which is in the future (today is 2026-06-01)")]
    assert problems("last spring") == [
        (6, "published", "date.invalid",
         "expected 'published' to be a date as YYYY-MM-DD; found the text 'last spring'")]
    assert problems("2026-03-14") == []  # added the day of the interview


def test_entry_ids_are_the_same_with_and_without_playbook_site_url(library, tmp_path):
    # The issue: ids were the story's URL once site_url was set, so setting it made every
    # entry new again for subscribers. mkdocs.yml reads site_url from PLAYBOOK_SITE_URL.
    root = make_repo(library)

    def feed(site_url: str) -> ET.Element:
        out = tmp_path / f"pages-{len(site_url)}"
        result = subprocess.run(
            [sys.executable, "-m", "generator.cli", "pages", "--out", str(out)],
            cwd=root, capture_output=True, text=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": "1780272000", "PLAYBOOK_SITE_URL": site_url})
        assert result.returncode == 0, result.stderr
        return ET.parse(out / "feed.xml").getroot()

    plain, hosted = feed(""), feed("https://org.github.io/playbook/")
    ids = [e.findtext(f"{ATOM}id") for e in plain.findall(f"{ATOM}entry")]
    assert ids == ["urn:playbook:story:globex-soc2"]
    assert [e.findtext(f"{ATOM}id") for e in hosted.findall(f"{ATOM}entry")] == ids
    assert plain.findtext(f"{ATOM}id") == hosted.findtext(f"{ATOM}id") == "urn:playbook:feed"
    link = hosted.find(f"{ATOM}entry/{ATOM}link")
    assert link is not None and link.get("href") == \
        "https://org.github.io/playbook/stories/globex-soc2/"


def test_a_renamed_story_keeps_its_first_commit_and_a_shallow_clone_claims_none(library,
                                                                                tmp_path):
    stories = library.content / "stories"
    _git(library.root, "init", "-q")
    _commit(library.root, "SOC 2 story", "2026-02-01T12:00:00+00:00")
    _git(library.root, "mv", "content/stories/globex-soc2.md", "content/stories/soc2-late.md")
    _commit(library.root, "Rename", "2026-04-01T12:00:00+00:00")
    library.story(_story("2026-03-01", "Another"), "another.md")
    _commit(library.root, "Another", "2026-05-01T12:00:00+00:00")
    assert {name: moment.isoformat() for name, moment in first_commits(stories).items()} == {
        "soc2-late.md": "2026-02-01T12:00:00+00:00",
        "another.md": "2026-05-01T12:00:00+00:00",
    }
    # A clone with only the last commit cannot know when the older file was added.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", library.root.as_uri(), str(clone)],
                   check=True, capture_output=True)
    assert first_commits(clone / "content" / "stories") == {}
