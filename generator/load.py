"""Stages 1-3 in one call: read content/, validate it, link the library and run the
checks that need the recordings or the linked library (checks/)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

from .audio import AudioCache
from .checks.insights import check_insights
from .checks.reach import check_public_reach
from .checks.recordings import check_clips, with_durations
from .history import first_commits
from .library import Library, link
from .model import Story, Taxonomy
from .options import InsightOptions
from .privacy import public_stories, withheld_ids
from .problems import Problem, sort_problems
from .source import (
    list_documents,
    outside_link,
    outside_links_below,
    read_markdown,
    read_yaml,
)
from .validate import ClipSpec, case_collisions, check_criterion, check_story, check_taxonomy
from .validate.calendar import check_gaps, read_calendar, scenario_ids
from .validate.calibration import load_sessions
from .validate.ramps import read_ramps
from .validate.redirects import RedirectClaim, check_claims
from .validate.scenarios import read_scenarios
from .validate.taxonomy import check_featured
from .vocabularies import vocabularies


@dataclass(frozen=True)
class LoadResult:
    library: Library  # only the files that passed validation
    problems: list[Problem]  # sorted by file and line
    # What each story file gave, for the next load to reuse (`playbook serve`).
    stories_read: StoryMemo | None = field(default=None, repr=False, compare=False)
    # Story ids a public build left out (confidential ones and their old ids):
    # checks/docs.py treats their pages as missing.
    withheld: frozenset[str] = frozenset()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def build_date() -> date:
    """Today, or the date of SOURCE_DATE_EPOCH when it is set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


@dataclass(frozen=True)
class _StoryRead:
    """What reading and checking one story file gave."""

    file: tuple  # its size, times and inode when read
    problems: tuple[Problem, ...]
    story: Story | None
    clip_specs: tuple[ClipSpec, ...]
    redirects: tuple[RedirectClaim, ...]


@dataclass(frozen=True)
class StoryMemo:
    """Each story file's result, valid while what a story is checked against
    (taxonomy, criteria, the day, the recordings present) stays the same."""

    against: tuple
    files: dict[Path, _StoryRead]


def _file_state(path: Path) -> tuple:
    try:
        link = os.lstat(path)
        # Only a link leads elsewhere: a plain entry is its own target.
        target = os.stat(path) if stat.S_ISLNK(link.st_mode) else link
    except OSError:
        return ()
    return (link.st_mode, link.st_ino, link.st_mtime_ns, link.st_ctime_ns,
            target.st_ino, target.st_mtime_ns, target.st_ctime_ns, target.st_size)


def _folder_state(folder: Path) -> tuple:
    """Every entry under `folder` and its state: clips are checked against it."""
    if not folder.is_dir():
        return ()
    return tuple((str(path), _file_state(path)) for path in sorted(folder.rglob("*")))


def load_library(content_dir: Path, today: date | None = None,
                 audio: AudioCache | None = None, public: bool = False,
                 options: InsightOptions | None = None,
                 previous: StoryMemo | None = None, render_bodies: bool = True,
                 history: bool = False) -> LoadResult:
    """Read, validate and link the library; with `audio`, check clips against recordings.

    With the `previous` load's `stories_read`, a story file that has not
    changed is not read and checked again (the cross-file checks still run).
    `render_bodies=False` (`playbook validate`) renders only the story bodies
    that could hold a link or HTML (see markdown_render.body_findings). With
    `history`, each story gets its file's first commit (for the feed), from git.
    """
    # Not resolved: a content/ that is itself a link must lead inside the repository.
    content_dir = Path(os.path.abspath(content_dir))
    root = content_dir.parent  # problems name paths from the repository root
    outside = outside_link(content_dir, root, content_dir.name)
    if outside is not None:
        names = [v.id for v in vocabularies()]
        nothing = Taxonomy({v: () for v in names}, {}, frozenset(names))
        return LoadResult(link(nothing, [], []), [outside])
    today = today or build_date()
    problems: list[Problem] = []

    taxonomy_source, found = read_yaml(content_dir / "taxonomy.yml", root)
    problems += found
    if taxonomy_source is None:
        # Already reported; check the rest against empty vocabularies.
        names = [v.id for v in vocabularies()]
        taxonomy = Taxonomy({v: () for v in names}, {}, frozenset(names))
    else:
        taxonomy, found = check_taxonomy(taxonomy_source)
        problems += found

    criteria = []
    criterion_sources = []
    criterion_paths, found = list_documents(content_dir / "criteria", root, "criterion")
    problems += found + case_collisions(criterion_paths, root, "criterion")
    for path in criterion_paths:
        source, found = read_markdown(path, root)
        problems += found
        if source is not None:
            criterion_sources.append(source)
    # Stories may name any criterion that has a file, even one with errors,
    # so one broken criterion does not cascade into every story citing it.
    criterion_ids = {path.stem for path in criterion_paths}
    criterion_redirects: list[RedirectClaim] = []
    for source in criterion_sources:
        criterion, found = check_criterion(source, taxonomy, criterion_redirects)
        problems += found
        if criterion is not None:
            criteria.append(criterion)

    stories = []
    # Every clip that parses, from valid stories and failing ones alike.
    clip_specs: list[ClipSpec] = []
    audio_dir = content_dir / "audio"
    story_paths, found = list_documents(content_dir / "stories", root, "story")
    problems += found + case_collisions(story_paths, root, "story")
    problems += outside_links_below(audio_dir, root)
    story_redirects: list[RedirectClaim] = []
    against = (taxonomy, frozenset(criterion_ids), today, _folder_state(audio_dir),
               render_bodies)
    reused = previous.files if previous is not None and previous.against == against else {}
    memo = StoryMemo(against, {})
    for path in story_paths:
        state = _file_state(path)
        read = reused.get(path)
        if read is None or read.file != state:
            read = _read_story(path, root, state, taxonomy, criterion_ids, audio_dir, today,
                               render_bodies)
        memo.files[path] = read
        problems += read.problems
        clip_specs += read.clip_specs
        story_redirects += read.redirects
        if read.story is not None:
            stories.append(read.story)

    story_ids = {p.stem for p in story_paths}
    problems += check_claims(story_redirects, story_ids, "story", "stories")
    problems += check_claims(criterion_redirects, criterion_ids, "criterion", "criteria")

    if audio is not None:
        found, durations = check_clips(clip_specs, audio_dir, audio)
        problems += found
        stories = with_durations(stories, durations)

    if history:
        committed = first_commits(content_dir / "stories")
        stories = [replace(story, committed=committed.get(Path(story.path).name))
                   for story in stories]

    # Scenarios quote stories and score criteria; ramps name all three: checked after them.
    scenario_paths, _ = list_documents(content_dir / "scenarios", root, "scenario")
    scenarios, found = read_scenarios(content_dir / "scenarios", root, taxonomy, stories,
                                      story_ids, criteria, criterion_ids)
    problems += found
    ramps, found = read_ramps(content_dir / "ramp", root, taxonomy, stories, story_paths,
                              criteria, criterion_ids, {p.stem for p in scenario_paths})
    problems += found
    if taxonomy_source is not None:
        problems += check_featured(taxonomy_source, taxonomy, story_ids, stories)

    confidential: list[Story] = []
    if public:  # confidential stories go before linking, so no index or page sees them
        stories, confidential = public_stories(stories)
    sessions, found, session_clips = load_sessions(content_dir, root, criteria, criterion_ids,
                                                   today)
    problems += found
    problems += check_public_reach(confidential, stories, criteria, ramps, sessions,
                                   clip_specs, session_clips, audio_dir, root, scenarios)
    if audio is not None and session_clips:
        found, measured = check_clips(session_clips, audio_dir, audio)
        problems += found
        sessions = [s for s in sessions
                    if s.id in measured or not any(call.clips for call in s.calls)]
    if public:  # a confidential story's quote is not published as a scenario's line either
        shown = {story.id for story in stories}
        scenarios = [replace(s, lines=tuple(line for line in s.lines
                                            if line.story is None or line.story in shown))
                     for s in scenarios]
    calendar, calendar_source, found = read_calendar(
        content_dir, root, taxonomy, criterion_ids, scenario_ids(content_dir),
        {criterion.id: criterion.skill for criterion in criteria})
    problems += found
    newest = max((story.interviewed for story in stories), default=None)
    problems += check_gaps(calendar, calendar_source, today, newest)
    library = link(taxonomy, stories, criteria, sessions, ramps, scenarios, calendar)
    problems += check_insights(library, content_dir, today, options or InsightOptions())
    return LoadResult(library, sort_problems(problems), memo, withheld_ids(confidential))


def _read_story(path: Path, root: Path, state: tuple, taxonomy: Taxonomy,
                criterion_ids: set[str], audio_dir: Path, today: date,
                render_body: bool) -> _StoryRead:
    source, problems = read_markdown(path, root)
    if source is None:
        return _StoryRead(state, tuple(problems), None, (), ())
    clip_specs: list[ClipSpec] = []
    redirects: list[RedirectClaim] = []
    story, found = check_story(source, taxonomy, criterion_ids, audio_dir, today,
                               clip_specs, redirects, render_body)
    return _StoryRead(state, tuple(problems + found), story, tuple(clip_specs),
                      tuple(redirects))

