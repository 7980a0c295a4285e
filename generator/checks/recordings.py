"""Validation of clips against their recordings' real lengths.

A story's clip fields are checked on their own by validate.py; this checks
each clip that parses against the length of its recording, for every story,
valid or not, so all faults show in one run.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..audio import AudioCache, AudioError, clip_bounds
from ..problems import Code
from ..timecode import format_time

# The findings this check reports (listed by `playbook codes`).
CODES = (
    Code("clip.unreadable", "error", "a recording that cannot be decoded or read"),
    Code("clip.no-audio", "error", "a video recording (mp4, mov, webm) with no audio track"),
    Code("clip.start-past-end", "error", "a clip starts after its recording ends"),
    Code("clip.past-end", "error", "a clip ends after its recording ends"),
    Code("clip.length", "warning", "a clip under 5 s or over 90 s (coaching clips: 60-90 s)"),
)

if TYPE_CHECKING:
    from ..validate.clips import ClipSpec

MIN_CLIP_SECONDS = 5.0
MAX_CLIP_SECONDS = 90.0
END_TOLERANCE = 0.05  # decoders disagree on the last few milliseconds of a file


def check_clips(specs: list[ClipSpec], audio_dir: Path, cache: AudioCache):
    """Check each clip against its recording's real length.

    `specs` are the clips whose src, start and end parse, from every story,
    valid or not, so a clip past the recording's end is reported in the same
    run as its story's other faults. Returns the problems, located at the
    clips' lines, and, for each story whose clips all passed, their durations
    in clip order (see `with_durations`).
    """
    lengths = cache.lengths(sorted({audio_dir / spec.src for spec in specs}))
    problems = []
    durations: dict[str, list[float]] = {}
    failed: set[str] = set()
    for spec in specs:
        source, story_id = spec.source, spec.source.stem
        at = (*spec.at, "clips", spec.index)
        length = lengths[audio_dir / spec.src]
        if isinstance(length, AudioError):
            problems.append(source.problem((*at, "src"), length.message, length.hint,
                                           code=length.code or "clip.unreadable"))
            failed.add(story_id)
            continue
        start, end = clip_bounds(spec.start, spec.end, length)
        beyond = _beyond_the_end(start, spec.end, length)
        if beyond:
            key, value, hint, code = beyond
            problems.append(source.problem(
                (*at, key),
                f"'{key}' is {format_time(value)}, beyond the end of the recording "
                f"'{spec.src}' ({format_time(length)} long)", hint, code=code))
            failed.add(story_id)
            continue
        end = min(end, length)
        duration = end - start
        if duration > MAX_CLIP_SECONDS or duration < MIN_CLIP_SECONDS:
            problems.append(source.problem(
                at,
                f"the clip is {format_time(duration)} long ({duration:.1f} s); coaching "
                f"clips work best at 60-90 s, and never under "
                f"{MIN_CLIP_SECONDS:g} s or over {MAX_CLIP_SECONDS:g} s",
                "set 'start' and 'end' around the one decisive moment",
                severity="warning", code="clip.length"))
        durations.setdefault(story_id, []).append(round(duration, 3))
    measured = {story_id: tuple(found) for story_id, found in durations.items()
                if story_id not in failed}
    return problems, measured


def with_durations(stories: list, durations: dict[str, tuple[float, ...]]) -> list:
    """The stories whose clips all passed `check_clips`, each clip with its duration."""
    kept = []
    for story in stories:
        if not story.clips:
            kept.append(story)
        elif story.id in durations:  # else an audio problem was reported
            clips = tuple(replace(clip, duration=duration) for clip, duration
                          in zip(story.clips, durations[story.id], strict=True))
            kept.append(replace(story, clips=clips))
    return kept


def _beyond_the_end(start: float, end: float | None, length: float):
    """(field, value, hint, code) for a clip bound past the recording's end, or None."""
    if start >= length:
        return ("start", start, "check the time against the recording, or the recording "
                                "against the story", "clip.start-past-end")
    if end is not None and end > length + END_TOLERANCE:
        return ("end", end, "leave out 'end' to play to the end of the recording",
                "clip.past-end")
    return None
