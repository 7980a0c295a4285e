"""One clip: cut, downmixed to mono, brought to one loudness, encoded as MP3.

MP3 is the one format every current browser plays (Safari included); the
bitrate suits speech.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydub import AudioSegment
from pydub.exceptions import CouldntEncodeError

from ..urls import CLIP_FORMAT
from .ffmpeg import SAMPLE_RATE, AudioError, Ffmpeg

# Bump when the processing below changes, so cached clips are made again.
PIPELINE_VERSION = 1
TARGET_DBFS = -20.0  # average loudness of every clip (speech sits well here)
PEAK_CEILING_DBFS = -1.0  # never push peaks above this, whatever the target says
BITRATE = "48k"
CLIP_MIME = "audio/mpeg"
# Part of every cached clip's key: a change here makes every clip anew.
ENCODE_SETTINGS = f"v{PIPELINE_VERSION}:{TARGET_DBFS}:{PEAK_CEILING_DBFS}:{SAMPLE_RATE}:{BITRATE}"


def make_clip(ffmpeg: Ffmpeg, segment: AudioSegment, start: float, end: float,
              dest: Path) -> None:
    """Cut [start, end) seconds of `segment`, level it and encode it to `dest`."""
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
        AudioSegment.converter = ffmpeg.path
        try:
            clip.export(temp, format=CLIP_FORMAT, bitrate=BITRATE,
                        parameters=["-ar", str(SAMPLE_RATE), "-ac", "1",
                                    "-map_metadata", "-1", "-fflags", "+bitexact"])
        except (CouldntEncodeError, OSError) as error:
            lines = [line for line in str(error).splitlines() if line.strip()]
            raise AudioError(
                f"cannot encode a clip as {CLIP_FORMAT} with ffmpeg "
                f"({ffmpeg.describe()}): {lines[-1].strip() if lines else error}",
                "check that this ffmpeg runs and can encode MP3 (libmp3lame); unset "
                "PLAYBOOK_FFMPEG to use the one the imageio-ffmpeg package ships") from error
        os.replace(temp, dest)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
