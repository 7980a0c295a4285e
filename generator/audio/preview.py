"""`playbook audio`: a recording's length and format, and short previews of a moment.

So a contributor can find a clip's start and end without other tools: listen
to a preview around where they remember the moment, move it, and copy the
times into the story.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..timecode import format_time
from .encode import make_clip
from .ffmpeg import AudioError, Ffmpeg, decode

_STREAM = re.compile(r"Audio: ([^,\s]+)(?: \([^)]*\))*, (\d+) Hz, ([^,]+)")


@dataclass(frozen=True)
class RecordingFacts:
    name: str
    seconds: float
    codec: str  # "mp3", "pcm_s16le", or "" when ffmpeg did not say
    sample_rate: int | None
    channels: str  # "mono", "stereo", ...

    def describe(self) -> str:
        parts = [f"{self.name}: {format_time(self.seconds)} ({self.seconds:.1f} s)"]
        if self.codec:
            parts.append(self.codec)
        if self.sample_rate:
            parts.append(f"{self.sample_rate} Hz")
        if self.channels:
            parts.append(self.channels)
        return ", ".join(parts)


def recording_facts(ffmpeg: Ffmpeg, recording: Path) -> RecordingFacts:
    """Length (decoded, so exact) and the first audio stream's format (ffmpeg's header read)."""
    segment = decode(ffmpeg, recording)
    # `ffmpeg -i FILE` with no output describes the input and exits 1; no ffprobe needed.
    header = subprocess.run([ffmpeg.path, "-nostdin", "-hide_banner", "-i", str(recording)],
                            capture_output=True, check=False)
    found = _STREAM.search(header.stderr.decode("utf-8", "replace"))
    codec, rate, channels = (found.group(1), int(found.group(2)), found.group(3).strip()) \
        if found else ("", None, "")
    return RecordingFacts(recording.name, len(segment) / 1000, codec, rate, channels)


def write_preview(ffmpeg: Ffmpeg, recording: Path, start: float, seconds: float,
                  dest: Path) -> tuple[float, float]:
    """Encode [start, start + seconds) of the recording to `dest` as the build would.

    Returns the (start, end) actually written: the end stops at the recording's end.
    """
    segment = decode(ffmpeg, recording)
    length = len(segment) / 1000
    if start >= length:
        raise AudioError(f"--at {format_time(start)} is past the end of '{recording.name}' "
                         f"({format_time(length)})",
                         f"choose a time before {format_time(length)}")
    end = min(start + seconds, length)
    make_clip(ffmpeg, segment, start, end, dest)
    return start, end
