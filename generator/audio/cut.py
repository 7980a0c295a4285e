"""An excerpt of a long recording: the moment (with a little margin) to commit instead of
the whole interview.

The audio stream is copied as it is where its codec has a container of its own
(MP3, AAC, Opus, Vorbis, FLAC), so the excerpt loses nothing; anything else
(WAV, PCM in a video) is written as Opus at 96 kbit/s, well above the 48 kbit/s
MP3 the build makes from it. Either way the excerpt is decoded again and its
length checked before it is kept.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..timecode import format_time
from .ffmpeg import (
    SUPPORTED_SUFFIXES,
    AudioError,
    Ffmpeg,
    check_not_lfs_pointer,
    decode,
    header,
    no_audio_track,
)

MARGIN_SECONDS = 2.0  # kept either side of the moment, so the clip can be moved a little
# codec (as ffmpeg names it) -> the suffix of a container that holds it unchanged
COPIED_CODECS = {"mp3": ".mp3", "aac": ".m4a", "opus": ".opus", "vorbis": ".ogg",
                 "flac": ".flac"}
ENCODED_SUFFIX = ".opus"
ENCODED_SETTINGS = ["-c:a", "libopus", "-b:a", "96k"]
# A copied excerpt starts and ends on the codec's frames (tens of ms); more than
# this off means the copy went wrong, and the excerpt is encoded instead.
COPY_TOLERANCE_SECONDS = 0.5

_AUDIO_CODEC = re.compile(r"^\s*Stream #\d+:\d+.*?: Audio: ([A-Za-z0-9_]+)", re.M)
_OUT_TIME = re.compile(r"^out_time_us=([0-9]+)$", re.M)


@dataclass(frozen=True)
class Source:
    """The whole recording: its first audio track's codec and length, and its SHA-256."""

    path: Path
    codec: str
    seconds: float
    sha256: str


@dataclass(frozen=True)
class Excerpt:
    path: Path  # where it was written
    offset: float  # where in the recording the excerpt starts (seconds)
    seconds: float  # its decoded length
    copied: bool  # the stream copied as it was (else encoded as Opus)


def inspect(ffmpeg: Ffmpeg, recording: Path) -> Source:
    """The recording's codec, length and hash, or an AudioError saying why it is not one."""
    if recording.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise AudioError(f"'{recording.name}' is not a recording: expected one of "
                         f"{', '.join(SUPPORTED_SUFFIXES)}")
    if not recording.is_file():
        raise AudioError(f"the recording '{recording}' does not exist or is not a file")
    check_not_lfs_pointer(recording)
    described = header(ffmpeg, recording)
    codec = _AUDIO_CODEC.search(described)
    if codec is None:
        if re.search(r"Stream #\d+:\d+.*?: Video:", described):
            raise no_audio_track(recording)
        raise AudioError(f"'{recording.name}' is not audio or video that ffmpeg can read")
    # Packets copied to nowhere: the track's exact length, without decoding an hour of it.
    result = subprocess.run(
        [ffmpeg.path, "-nostdin", "-v", "error", "-nostats", "-i", str(recording),
         "-map", "0:a:0", "-c", "copy", "-f", "null", "-progress", "pipe:1", "-"],
        capture_output=True, check=False)
    times = _OUT_TIME.findall(result.stdout.decode("ascii", "replace"))
    if result.returncode != 0 or not times or int(times[-1]) <= 0:
        raise AudioError(f"cannot read the audio of '{recording.name}'; it may be corrupt")
    return Source(recording, codec.group(1), int(times[-1]) / 1e6, sha256_of(recording))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_moment(source: Source, start: float, end: float) -> None:
    """An AudioError when [start, end) is not a moment of the recording."""
    length = format_time(source.seconds)
    if end <= start:
        raise AudioError(f"--to {format_time(end)} is not after --from {format_time(start)}")
    if start >= source.seconds:
        raise AudioError(f"--from {format_time(start)} is past the end of "
                         f"'{source.path.name}' ({length} long)")
    if end > source.seconds + COPY_TOLERANCE_SECONDS:
        raise AudioError(f"--to {format_time(end)} is past the end of "
                         f"'{source.path.name}' ({length} long)")


def excerpt_suffix(source: Source) -> str:
    return COPIED_CODECS.get(source.codec, ENCODED_SUFFIX)


def cut(ffmpeg: Ffmpeg, source: Source, start: float, end: float, dest_stem: Path) -> Excerpt:
    """Write [start - margin, end + margin) of the recording next to `dest_stem`
    (its suffix chosen by the codec), replacing any file of that name."""
    offset = max(0.0, float(int(start - MARGIN_SECONDS)))  # whole seconds: readable times
    stop = min(source.seconds, end + MARGIN_SECONDS)
    wanted = stop - offset
    if source.codec in COPIED_CODECS:
        dest = dest_stem.with_suffix(COPIED_CODECS[source.codec])
        seconds = _write(ffmpeg, source.path, offset, wanted, dest, ["-c:a", "copy"])
        if seconds is not None and abs(seconds - wanted) <= COPY_TOLERANCE_SECONDS:
            return Excerpt(dest, offset, seconds, True)
    dest = dest_stem.with_suffix(ENCODED_SUFFIX)
    seconds = _write(ffmpeg, source.path, offset, wanted, dest, ENCODED_SETTINGS)
    if seconds is None:
        raise AudioError(f"cannot write an excerpt of '{source.path.name}' with ffmpeg "
                         f"({ffmpeg.describe()})",
                         "check that this ffmpeg can encode Opus (libopus)")
    return Excerpt(dest, offset, seconds, False)


def _write(ffmpeg: Ffmpeg, recording: Path, offset: float, seconds: float, dest: Path,
           codec: list[str]) -> float | None:
    """Write the excerpt to `dest` through a temporary file; its decoded length, or None
    (and nothing written) when ffmpeg failed or the result does not decode."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=dest.parent, prefix=".partial-", suffix=dest.suffix)
    os.close(handle)
    try:
        result = subprocess.run(
            [ffmpeg.path, "-nostdin", "-v", "error", "-y", "-ss", f"{offset:.3f}",
             "-i", str(recording), "-t", f"{seconds:.3f}", "-map", "0:a:0", "-vn", "-sn",
             "-dn", *codec, "-map_metadata", "-1", "-map_chapters", "-1", temp],
            capture_output=True, check=False)
        if result.returncode != 0:
            return None
        try:
            length = len(decode(ffmpeg, Path(temp))) / 1000
        except AudioError:
            return None
        # mkstemp makes the file private (0600); an excerpt is shared like any content file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, dest)
        return length
    finally:
        Path(temp).unlink(missing_ok=True)
