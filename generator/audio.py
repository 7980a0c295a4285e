"""The audio stage: buyer recordings to published clips, with pydub.

Each clip is cut from its recording, downmixed to mono, brought to one loudness
target and encoded as MP3, the one format every current browser plays (Safari
included), at a bitrate suited to speech. Results live in a cache outside
site/, keyed on the recording's content hash plus the cut and encode settings,
so a warm build decodes and encodes nothing.

Decoding goes through ffmpeg directly (never ffprobe), so the ffmpeg binary
that the imageio-ffmpeg wheel ships is enough on a machine without one.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from stat import S_ISREG

with warnings.catch_warnings():
    # pydub warns at import when ffmpeg is not on PATH; we hand it one below.
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment

from .timecode import format_time

# Bump when the processing below changes, so cached clips are made again.
PIPELINE_VERSION = 1
TARGET_DBFS = -20.0  # average loudness of every clip (speech sits well here)
PEAK_CEILING_DBFS = -1.0  # never push peaks above this, whatever the target says
SAMPLE_RATE = 22050
BITRATE = "48k"
CLIP_FORMAT = "mp3"
CLIP_MIME = "audio/mpeg"
ENCODE_SETTINGS = f"v{PIPELINE_VERSION}:{TARGET_DBFS}:{PEAK_CEILING_DBFS}:{SAMPLE_RATE}:{BITRATE}"
SUPPORTED_SUFFIXES = (".wav", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac", ".webm")


class AudioError(Exception):
    """A recording that cannot be used, with a message for the author."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Ffmpeg:
    path: str
    source: str  # where it came from, for the build log

    def describe(self) -> str:
        return f"{self.path} ({self.source})"


def find_ffmpeg() -> Ffmpeg:
    """PLAYBOOK_FFMPEG if set, else a system ffmpeg, else imageio-ffmpeg's binary."""
    override = os.environ.get("PLAYBOOK_FFMPEG")
    if override:
        return Ffmpeg(override, "PLAYBOOK_FFMPEG")
    system = shutil.which("ffmpeg")
    if system:
        return Ffmpeg(system, "system")
    try:
        import imageio_ffmpeg
    except ImportError as error:  # pragma: no cover - it is a dependency
        raise AudioError("no ffmpeg found", "install ffmpeg or the imageio-ffmpeg package") \
            from error
    return Ffmpeg(imageio_ffmpeg.get_ffmpeg_exe(), f"imageio-ffmpeg {imageio_ffmpeg.__version__}")


@dataclass(frozen=True)
class ClipAudio:
    """What the pages need to know about one published clip."""

    duration: float  # seconds
    file: Path  # the encoded clip in the cache


@dataclass
class Counters:
    decoded: int = 0  # recordings decoded
    encoded: int = 0  # clips encoded
    hashed: int = 0  # recordings whose content was hashed
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)


def clip_bounds(start: float | None, end: float | None, length: float) -> tuple[float, float]:
    return (start or 0.0, length if end is None else end)


class AudioCache:
    """Decoded facts and encoded clips, keyed on content, kept between builds."""

    def __init__(self, cache_dir: Path, ffmpeg: Ffmpeg | None = None, workers: int | None = None):
        self.dir = Path(cache_dir)
        self.ffmpeg = ffmpeg or find_ffmpeg()
        self.workers = workers or os.cpu_count() or 2
        self.counters = Counters()
        self._index_path = self.dir / "recordings.json"
        self._index: dict[str, dict] = self._load_index()
        self._lock = threading.Lock()

    # -- the recording index: path, size and mtime -> content hash and length --

    def _load_index(self) -> dict[str, dict]:
        try:
            return json.loads(self._index_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def save(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        with self._lock:
            text = json.dumps(self._index, indent=1, sort_keys=True)
        _write_atomically(self._index_path, text.encode("utf-8"))

    def _fingerprint(self, recording: Path) -> tuple[str, dict]:
        stat = recording.stat()
        if not S_ISREG(stat.st_mode):  # opening a FIFO or device could block forever
            raise OSError(errno.EINVAL, "not a regular file")
        key = str(recording.resolve())
        with self._lock:
            entry = self._index.get(key)
        if entry and entry["size"] == stat.st_size and entry["mtime_ns"] == stat.st_mtime_ns:
            return key, entry
        digest = hashlib.sha256()
        with recording.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        self.counters.add("hashed")
        entry = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest.hexdigest()}
        with self._lock:
            self._index[key] = entry
        return key, entry

    # -- decoding ---------------------------------------------------------------------

    def decode(self, recording: Path) -> AudioSegment:
        """The whole recording as mono PCM, via ffmpeg (no ffprobe needed)."""
        if recording.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise AudioError(
                f"'{recording.name}' is not a supported recording format",
                f"use one of {', '.join(SUPPORTED_SUFFIXES)}; convert it with "
                f"ffmpeg -i {recording.name} {recording.stem}.mp3")
        try:
            regular = S_ISREG(os.stat(recording).st_mode)
        except OSError:
            regular = False
        if not regular:  # ffmpeg would wait forever on a FIFO
            raise AudioError(f"the recording '{recording.name}' is missing or not a file")
        command = [self.ffmpeg.path, "-nostdin", "-v", "error", "-i", str(recording),
                   "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "wav", "-"]
        try:
            result = subprocess.run(command, capture_output=True, check=False)
        except OSError as error:
            raise AudioError(f"cannot run ffmpeg ({self.ffmpeg.describe()}): {error}") from error
        self.counters.add("decoded")
        if result.returncode != 0 or len(result.stdout) <= 44:
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = detail[-1] if detail else "ffmpeg produced no audio"
            raise AudioError(
                f"cannot decode the recording '{recording.name}': {reason}",
                "the file may be corrupt or not audio; open it in a player, or export it "
                "again as mp3 or wav")
        try:
            segment = AudioSegment.from_file(io.BytesIO(result.stdout), format="wav")
        except Exception as error:  # pydub raises plain exceptions on bad WAV data
            raise AudioError(f"cannot read the decoded audio of '{recording.name}': {error}") \
                from error
        if len(segment) == 0:
            raise AudioError(f"the recording '{recording.name}' has no audio in it")
        return segment

    def length(self, recording: Path, segment: AudioSegment | None = None) -> float:
        """The recording's length in seconds; decoded only the first time it is seen.

        Pass the decoded `segment` when there is one, to save a decode.
        """
        if not recording.is_file():
            raise AudioError(f"the recording '{recording.name}' is missing or not a file")
        try:
            key, entry = self._fingerprint(recording)
        except OSError as error:
            raise AudioError(f"cannot read the recording '{recording.name}': {error.strerror}",
                             "check the file's permissions") from error
        if "seconds" not in entry:
            segment = segment if segment is not None else self.decode(recording)
            with self._lock:
                self._index[key] = {**entry, "seconds": len(segment) / 1000.0}
                entry = self._index[key]
        return entry["seconds"]

    def _known_length(self, recording: Path) -> bool:
        try:
            _, entry = self._fingerprint(recording)
        except OSError:
            return False
        return "seconds" in entry

    # -- clips ----------------------------------------------------------------------------

    def clip_path(self, recording: Path, start: float, end: float) -> Path:
        _, entry = self._fingerprint(recording)
        key = hashlib.sha256(
            f"{entry['sha256']}:{start:.3f}:{end:.3f}:{ENCODE_SETTINGS}".encode()).hexdigest()
        return self.dir / "clips" / f"{key}.{CLIP_FORMAT}"

    def make_clip(self, segment: AudioSegment, start: float, end: float, dest: Path) -> None:
        clip = segment[int(round(start * 1000)):int(round(end * 1000))].set_channels(1)
        if clip.dBFS != float("-inf"):
            gain = TARGET_DBFS - clip.dBFS
            # Quiet recordings with loud peaks get less gain rather than clipping.
            gain = min(gain, PEAK_CEILING_DBFS - clip.max_dBFS)
            clip = clip.apply_gain(gain)
        dest.parent.mkdir(parents=True, exist_ok=True)
        # Encode next to the destination and rename: an interrupted or failed
        # encode never leaves a half-written clip behind.
        handle, temp = tempfile.mkstemp(dir=dest.parent, prefix=".partial-", suffix=dest.suffix)
        os.close(handle)
        try:
            AudioSegment.converter = self.ffmpeg.path
            clip.export(temp, format=CLIP_FORMAT, bitrate=BITRATE,
                        parameters=["-ar", str(SAMPLE_RATE), "-ac", "1",
                                    "-map_metadata", "-1", "-fflags", "+bitexact"])
            os.replace(temp, dest)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        self.counters.add("encoded")

    def publish(self, jobs: list[tuple[Path, float | None, float | None]]) -> list[
            ClipAudio | AudioError]:
        """Encoded clips for (recording, start, end) jobs, in order; cached ones are reused.

        Recordings are decoded once each, in parallel, and only when one of
        their clips is missing from the cache.
        """
        results: list[ClipAudio | AudioError | None] = [None] * len(jobs)
        by_recording: dict[Path, list[int]] = {}
        for index, (recording, _, _) in enumerate(jobs):
            by_recording.setdefault(recording, []).append(index)

        def work(recording: Path) -> None:
            indexes = by_recording[recording]
            try:
                segment = None
                if recording.is_file() and not self._known_length(recording):
                    segment = self.decode(recording)  # once, for its length and its clips
                length = self.length(recording, segment)
                wanted = {}
                for i in indexes:
                    start, end = clip_bounds(jobs[i][1], jobs[i][2], length)
                    wanted[i] = (start, end, self.clip_path(recording, start, end))
                missing = {i: w for i, w in wanted.items() if not w[2].is_file()}
                if missing and segment is None:
                    segment = self.decode(recording)
                if missing:
                    for start, end, dest in {w[2]: w for w in missing.values()}.values():
                        self.make_clip(segment, start, end, dest)
                for i, (start, end, dest) in wanted.items():
                    results[i] = ClipAudio(round(end - start, 3), dest)
            except AudioError as error:
                for i in indexes:
                    results[i] = error

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            list(pool.map(work, sorted(by_recording)))
        self.save()
        return results  # type: ignore[return-value]

    def lengths(self, recordings: list[Path]) -> dict[Path, float | AudioError]:
        """Each recording's length (decoding, in parallel, only those not seen before)."""

        def work(recording: Path) -> tuple[Path, float | AudioError]:
            try:
                return recording, self.length(recording)
            except AudioError as error:
                return recording, error

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            found = dict(pool.map(work, sorted(set(recordings))))
        self.save()
        return found


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# -- the stage: check every clip against its recording, then publish ----------------

MIN_CLIP_SECONDS = 5.0
MAX_CLIP_SECONDS = 90.0
END_TOLERANCE = 0.05  # decoders disagree on the last few milliseconds of a file


def check_clips(stories: list, sources: dict, audio_dir: Path, cache: AudioCache):
    """Check each clip against its recording's real length.

    Returns the stories (each clip now carrying its duration; stories with an
    audio error left out) and the problems, located at the clip's lines.
    """
    recordings = {audio_dir / clip.src for story in stories for clip in story.clips}
    lengths = cache.lengths(sorted(recordings))
    checked, problems = [], []
    for story in stories:
        source = sources.get(story.id)
        failed = False
        clips = []
        for index, clip in enumerate(story.clips):
            at = ("clips", index)
            length = lengths[audio_dir / clip.src]
            if isinstance(length, AudioError):
                problems.append(source.problem((*at, "src"), length.message, length.hint))
                failed = True
                continue
            start, end = clip_bounds(clip.start, clip.end, length)
            beyond = _beyond_the_end(start, clip.end, length)
            if beyond:
                key, value, hint = beyond
                problems.append(source.problem(
                    (*at, key),
                    f"'{key}' is {format_time(value)}, beyond the end of the recording "
                    f"'{clip.src}' ({format_time(length)} long)", hint))
                failed = True
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
                    severity="warning"))
            clips.append(replace(clip, duration=round(duration, 3)))
        if not failed:
            checked.append(replace(story, clips=tuple(clips)) if story.clips else story)
    return checked, problems


def _beyond_the_end(start: float, end: float | None, length: float):
    """(field, value, hint) for a clip bound past the recording's end, or None."""
    if start >= length:
        return "start", start, "check the time against the recording, or the recording " \
                               "against the story"
    if end is not None and end > length + END_TOLERANCE:
        return "end", end, "leave out 'end' to play to the end of the recording"
    return None


def clip_site_path(story_id: str, number: int) -> str:
    """The published clip's permanent path: next to its story's page."""
    return f"stories/{story_id}/clip-{number}.{CLIP_FORMAT}"


def publish_clips(stories, audio_dir: Path, cache: AudioCache) -> dict[str, Path]:
    """Encode (or reuse) every clip; site path -> encoded file in the cache."""
    jobs, paths = [], []
    for story in stories:
        for number, clip in enumerate(story.clips, start=1):
            jobs.append((audio_dir / clip.src, clip.start, clip.end))
            paths.append(clip_site_path(story.id, number))
    published = {}
    for path, result in zip(paths, cache.publish(jobs), strict=True):
        if isinstance(result, AudioError):  # checked before; a file changed mid-build
            raise result
        published[path] = result.file
    return published
