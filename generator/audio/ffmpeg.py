"""Finding ffmpeg, and decoding a recording with it (never ffprobe).

Decoding goes through ffmpeg directly, so the ffmpeg binary that the
imageio-ffmpeg wheel ships is enough on a machine without one.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from pydub import AudioSegment

from ..source import lfs_pointer_size, size_text

SAMPLE_RATE = 22050  # speech needs no more; every clip is made at this rate
AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac")
# Zoom, Teams and call recorders export video; their audio track is what is used.
VIDEO_SUFFIXES = (".mp4", ".mov", ".webm")
SUPPORTED_SUFFIXES = AUDIO_SUFFIXES + VIDEO_SUFFIXES


class AudioError(Exception):
    """A recording that cannot be used, with a message for the author."""

    def __init__(self, message: str, hint: str = "", code: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code  # the problem code validation reports it under; "" for the usual


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


def version_of(ffmpeg: Ffmpeg) -> str:
    """What `ffmpeg -version` prints: the version line, the build configuration and
    the library versions, which decide the bytes an encode gives."""
    hint = ("check that this ffmpeg runs; unset PLAYBOOK_FFMPEG to use the one the "
            "imageio-ffmpeg package ships")
    try:
        result = subprocess.run([ffmpeg.path, "-nostdin", "-version"], capture_output=True,
                                check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise AudioError(f"cannot run ffmpeg ({ffmpeg.describe()}): {error}", hint) from error
    text = result.stdout.decode("utf-8", "replace").strip()
    if result.returncode != 0 or not text:
        raise AudioError(f"ffmpeg ({ffmpeg.describe()}) did not say its version", hint)
    return text


def decode(ffmpeg: Ffmpeg, recording: Path) -> AudioSegment:
    """The whole recording as mono PCM at SAMPLE_RATE."""
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
    check_not_lfs_pointer(recording)
    command = [ffmpeg.path, "-nostdin", "-v", "error", "-i", str(recording),
               "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "wav", "-"]
    try:
        result = subprocess.run(command, capture_output=True, check=False)
    except OSError as error:
        raise AudioError(f"cannot run ffmpeg ({ffmpeg.describe()}): {error}") from error
    if result.returncode != 0 or len(result.stdout) <= 44:
        if stream_kinds(ffmpeg, recording) == {"Video"}:
            raise no_audio_track(recording)
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


_STREAM_KIND = re.compile(r"^\s*Stream #\d+:\d+.*?: (Audio|Video|Subtitle|Data|Attachment):",
                          re.M)


def header(ffmpeg: Ffmpeg, recording: Path) -> str:
    """What `ffmpeg -i FILE` says about the input (with no output it describes the input
    and exits 1; no ffprobe needed)."""
    try:
        result = subprocess.run([ffmpeg.path, "-nostdin", "-hide_banner", "-i", str(recording)],
                                capture_output=True, check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise AudioError(f"cannot run ffmpeg ({ffmpeg.describe()}): {error}") from error
    return result.stderr.decode("utf-8", "replace")


def stream_kinds(ffmpeg: Ffmpeg, recording: Path) -> set[str]:
    """The kinds of stream the file holds: {"Audio", "Video"}; empty when ffmpeg cannot
    read it at all."""
    try:
        return set(_STREAM_KIND.findall(header(ffmpeg, recording)))
    except AudioError:
        return set()


def no_audio_track(recording: Path) -> AudioError:
    return AudioError(
        f"the video '{recording.name}' has no audio track, so it holds no buyer's voice",
        "export the call again with its audio (in Zoom: record to the cloud or computer "
        "with audio; or use the separate audio file the recorder saved)",
        code="clip.no-audio")


def check_not_lfs_pointer(recording: Path) -> None:
    """An AudioError saying what to do when the file is a Git LFS pointer, not a recording."""
    pointed = lfs_pointer_size(recording)
    if pointed is not None:
        raise AudioError(
            f"'{recording.name}' is a Git LFS pointer: the recording ({size_text(pointed)}) "
            "was not downloaded", "run `git lfs pull`", code="clip.lfs-pointer")
