"""Publishing: every story's clips, encoded (or taken from the cache) for the site."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pydub import AudioSegment

from ..urls import calibration_clip_url, clip_url
from .cache import AudioCache
from .ffmpeg import AudioError


@dataclass(frozen=True)
class ClipJob:
    """One clip to publish: a stretch of a recording (None = its start or end)."""

    recording: Path
    start: float | None = None
    end: float | None = None


@dataclass(frozen=True)
class ClipAudio:
    """What the pages need to know about one published clip."""

    duration: float  # seconds
    file: Path  # the encoded clip in the cache


def clip_bounds(start: float | None, end: float | None, length: float) -> tuple[float, float]:
    return (start or 0.0, length if end is None else end)


def publish(cache: AudioCache, jobs: list[ClipJob]) -> list[ClipAudio | AudioError]:
    """Encoded clips for the jobs, in order; cached ones are reused.

    Recordings are decoded once each, in parallel, and only when one of
    their clips is missing from the cache.
    """
    results: list[ClipAudio | AudioError | None] = [None] * len(jobs)
    by_recording: dict[Path, list[int]] = {}
    for index, job in enumerate(jobs):
        by_recording.setdefault(job.recording, []).append(index)

    def work(recording: Path) -> None:
        indexes = by_recording[recording]
        try:
            segment: AudioSegment | None = None
            if recording.is_file() and not cache.knows_length(recording):
                segment = cache.decode(recording)  # once, for its length and its clips
            length = cache.length(recording, segment)
            wanted = {}
            for i in indexes:
                start, end = clip_bounds(jobs[i].start, jobs[i].end, length)
                wanted[i] = (start, end, cache.clip_path(recording, start, end))
            missing = {dest: (start, end) for start, end, dest in wanted.values()
                       if not dest.is_file()}
            if missing and segment is None:
                segment = cache.decoded(recording)
            for dest, (start, end) in missing.items():
                assert segment is not None
                cache.make_clip(segment, start, end, dest)
            for i, (start, end, dest) in wanted.items():
                results[i] = ClipAudio(round(end - start, 3), dest)
        except AudioError as error:
            for i in indexes:
                results[i] = error

    with ThreadPoolExecutor(max_workers=cache.workers) as pool:
        list(pool.map(work, sorted(by_recording)))
    cache.save()
    return [result for result in results if result is not None]


def story_clip_jobs(stories, audio_dir: Path) -> list[tuple[str, ClipJob]]:
    """(site path, job) for every clip of every story."""
    return [(clip_url(story.id, number), ClipJob(audio_dir / clip.src, clip.start, clip.end))
            for story in stories for number, clip in enumerate(story.clips, start=1)]


def calibration_clip_jobs(library, audio_dir: Path) -> list[tuple[str, ClipJob]]:
    """(site path, job) for every clip of every calibration call."""
    return [(calibration_clip_url(session.id, call.id, number),
             ClipJob(audio_dir / clip.src, clip.start, clip.end))
            for session in library.calibrations for call in session.calls
            for number, clip in enumerate(call.clips, start=1)]


def publish_jobs(cache: AudioCache, jobs: list[tuple[str, ClipJob]]) -> dict[str, Path]:
    """Encode (or reuse) the clips, all in one pass so each recording is decoded
    at most once; site path -> encoded file in the cache."""
    published = {}
    results = publish(cache, [job for _, job in jobs]) if jobs else []
    for (path, _), result in zip(jobs, results, strict=True):
        if isinstance(result, AudioError):  # checked before; a file changed mid-build
            raise result
        published[path] = result.file
    return published


def publish_clips(stories, audio_dir: Path, cache: AudioCache) -> dict[str, Path]:
    """Encode (or reuse) every story's clips; site path -> encoded file in the cache."""
    return publish_jobs(cache, story_clip_jobs(stories, audio_dir))
