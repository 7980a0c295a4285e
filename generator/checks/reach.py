"""Public builds: nothing published may reach a confidential story.

A public build leaves confidential stories out (privacy.public_stories). A
link to one, or to its clips or its old ids (redirect_from), would be a
broken link whose URL often names the customer; and any other clip cut from
a recording that a confidential story uses may publish the very moment the
story hid. Both are errors at the line that does it, in stories, criteria,
ramps and calibration sessions (docs/ is checked by checks/docs.py with the
same ids).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from ..model import CalibrationSession, Criterion, Ramp, Scenario, Story
from ..privacy import line_linking, link_to_confidential, linked_story_ids, withheld_ids
from ..problems import Code, Problem
from ..validate.clips import ClipSpec

# The findings this check reports (listed by `playbook codes`); links to a
# confidential story are privacy.link-to-confidential (generator/privacy.py).
CODES = (
    Code("privacy.confidential-recording", "error",
         "a published clip is cut from a recording that a confidential story uses "
         "(in a public build)"),
)


def _texts(item: Story | Criterion | Ramp | CalibrationSession | Scenario) -> Iterable[str]:
    """Every text of a published item that reaches a page, escaped or rendered."""
    if isinstance(item, Story):
        return [item.title, item.quote, item.takeaway,
                *(clip.transcript for clip in item.clips), item.body]
    if isinstance(item, Criterion):
        return [item.title, item.description, item.present, item.absent,
                *(text for _, text in item.anchors), item.body]
    if isinstance(item, Ramp):
        return [item.title, item.audience, item.summary, item.body,
                *(text for phase in item.phases
                  for text in (phase.name, phase.goal, phase.gate,
                               *(text for kind, text in phase.practice if kind == "text")))]
    if isinstance(item, Scenario):  # lines quoted from stories are left out (load.py)
        return [item.title, item.situation, item.buyer, *item.debrief, item.body,
                *(line.text for line in item.lines if line.story is None)]
    return [item.title, *(call.title for call in item.calls),
            *(clip.transcript for call in item.calls for clip in call.clips),
            *(text for moment in item.moments for text in (moment.quote, moment.split))]


_HINTS = {
    Story: "remove the link, or mark this story 'confidential: true' as well",
    Criterion: "remove the link from the criterion",
    Ramp: "remove the link from the ramp; a confidential story in 'study' or 'listen' "
          "is left out of a public build on its own",
    CalibrationSession: "remove the link from the calibration session",
    Scenario: "remove the link from the scenario; a line quoted from a confidential story "
              "is left out of a public build on its own",
}


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def check_links(items: Iterable[Story | Criterion | Ramp | CalibrationSession | Scenario],
                withheld: frozenset[str], root: Path) -> list[Problem]:
    """An error for each published item whose text links to a withheld story id."""
    problems = []
    for item in items:
        linked = set().union(*(linked_story_ids(text) for text in _texts(item) if text))
        found = sorted(linked & withheld)
        if not found:
            continue
        lines = _read_lines(root / item.path)
        for story_id in found:
            problems.append(link_to_confidential(item.path, line_linking(lines, story_id),
                                                 story_id, _HINTS[type(item)]))
    return problems


class _Recordings:
    """The recordings confidential stories use, recognised however another clip names
    them: the same path, a link to it, a hard link or a byte-for-byte copy."""

    def __init__(self, paths: Iterable[Path]):
        self._stats: dict[Path, os.stat_result] = {}
        for path in paths:
            try:
                self._stats[path] = os.stat(path)
            except OSError:
                continue  # a missing recording is reported by the clip checks
        self._digests: dict[Path, str] = {}

    def _digest(self, path: Path) -> str:
        if path not in self._digests:
            digest = hashlib.sha256()
            with path.open("rb") as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(block)
            self._digests[path] = digest.hexdigest()
        return self._digests[path]

    def holding(self, path: Path) -> Path | None:
        """The confidential recording that `path` is, or None."""
        try:
            info = os.stat(path)
        except OSError:
            return None
        for known, known_info in self._stats.items():
            if (info.st_dev, info.st_ino) == (known_info.st_dev, known_info.st_ino):
                return known
        for known, known_info in self._stats.items():
            if info.st_size == known_info.st_size and os.path.isfile(path):
                try:
                    if self._digest(path) == self._digest(known):
                        return known
                except OSError:
                    return None
        return None


def check_recordings(confidential: list[Story], published: list[ClipSpec],
                     allowed: set[str], audio_dir: Path) -> list[Problem]:
    """An error at each published clip cut from a recording a confidential story uses.

    `published` are the clips of the stories and calibration sessions a public
    build publishes; a story whose id is in `allowed` (recording_public: true)
    may use such a recording.
    """
    used = {audio_dir / clip.src: story.id for story in confidential for clip in story.clips}
    if not used:
        return []
    recordings = _Recordings(used)
    problems = []
    for spec in published:
        if spec.source.stem in allowed and not spec.at:
            continue
        held = recordings.holding(audio_dir / spec.src)
        if held is None:
            continue
        is_story = not spec.at
        problems.append(spec.source.problem(
            (*spec.at, "clips", spec.index, "src"),
            f"the recording '{spec.src}' is also used by the confidential story "
            f"'{used[held]}', so a public build may not publish a clip of it"
            + ("" if spec.src == held.relative_to(audio_dir).as_posix()
               else f" (it is the same recording as '{held.relative_to(audio_dir).as_posix()}')"),
            "cut this clip from another recording, or leave it out"
            + (", or add 'recording_public: true' to this story if the whole recording "
               "may be heard publicly" if is_story else ""),
            code="privacy.confidential-recording"))
    return problems


def check_public_reach(confidential: list[Story], kept: list[Story],
                       criteria: list[Criterion], ramps: list[Ramp],
                       sessions: list[CalibrationSession], story_clips: list[ClipSpec],
                       session_clips: list[ClipSpec], audio_dir: Path,
                       root: Path, scenarios: list[Scenario] | None = None) -> list[Problem]:
    """Every way a public build's published content would reach a confidential story."""
    if not confidential:
        return []
    withheld = withheld_ids(confidential)
    problems = check_links([*kept, *criteria, *ramps, *sessions, *(scenarios or ())], withheld,
                           root)
    kept_ids = {story.id for story in kept}
    published = [spec for spec in story_clips if spec.source.stem in kept_ids] + session_clips
    allowed = {story.id for story in kept if story.recording_public}
    problems += check_recordings(confidential, published, allowed, audio_dir)
    return problems
