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


def validate_json(*args: str, cwd: Path) -> tuple[int, list[dict]]:
    """`playbook validate --format json` as a user runs it: exit code and problems."""
    import json
    import os
    import sys

    from conftest import EPOCH

    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "validate", "--format", "json", *args],
        cwd=cwd, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, capture_output=True, text=True)
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)["problems"]
