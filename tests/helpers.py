"""Helpers shared by tests: import them from here, not from conftest."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from pydub import AudioSegment

from generator.audio import find_ffmpeg


def decode_as_is(path: Path) -> AudioSegment:
    """A published file decoded by the build's own ffmpeg, channels kept.

    pydub's `from_file` asks ffprobe about the file first, and a machine with
    only Python and make has no ffprobe; ffmpeg to WAV and pydub's WAV reader
    need nothing else.
    """
    result = subprocess.run(
        [find_ffmpeg().path, "-nostdin", "-v", "error", "-i", str(path), "-f", "wav", "-"],
        capture_output=True, check=True)
    return AudioSegment.from_file(io.BytesIO(result.stdout), format="wav")
