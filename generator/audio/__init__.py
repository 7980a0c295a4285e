"""The audio stage: buyer recordings to published clips, with pydub and ffmpeg.

    ffmpeg   finding ffmpeg (system, PLAYBOOK_FFMPEG or the imageio-ffmpeg wheel), decoding
    encode   one clip: cut, mono, one loudness, MP3
    cache    recording facts and encoded clips, kept between builds
    publish  every story's clips for the site, as ClipJob records

Checking clips against their recordings is validation's job
(generator/checks/recordings.py); it asks the cache for lengths.
"""

import warnings

with warnings.catch_warnings():
    # pydub warns at import when ffmpeg is not on PATH; we hand it one ourselves.
    warnings.simplefilter("ignore", RuntimeWarning)
    import pydub  # noqa: F401

from .cache import AudioCache, Counters
from .encode import BITRATE, CLIP_MIME, PEAK_CEILING_DBFS, TARGET_DBFS
from .ffmpeg import SAMPLE_RATE, AudioError, Ffmpeg, decode, find_ffmpeg
from .publish import ClipAudio, ClipJob, clip_bounds, publish, publish_clips

__all__ = [
    "BITRATE", "CLIP_MIME", "PEAK_CEILING_DBFS", "SAMPLE_RATE", "TARGET_DBFS", "AudioCache",
    "AudioError", "ClipAudio", "ClipJob", "Counters", "Ffmpeg", "clip_bounds", "decode",
    "find_ffmpeg", "publish", "publish_clips",
]
