"""Cold and warm audio builds of 100 clips (used by scripts/benchmark.py).

Twenty distinct interview recordings, made from the sample recordings with a
different gain each (so their content hashes differ), with five clips cut from
each: 100 clips. A cold build starts from an empty cache; a warm build is a new
AudioCache on the same cache, as the next `make site` would be.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from pydub import AudioSegment

from generator.audio import AudioCache, ClipJob, decode, find_ffmpeg, publish

REPO = Path(__file__).resolve().parent.parent


def make_recordings(folder: Path, count: int = 20) -> list[Path]:
    AudioSegment.converter = find_ffmpeg().path
    samples = sorted((REPO / "content" / "audio").glob("*.mp3"))
    recordings = []
    for index in range(count):
        segment = decode(find_ffmpeg(), samples[index % len(samples)])  # no ffprobe needed
        path = folder / f"interview-{index:02d}.mp3"
        segment.apply_gain(-index * 0.5).export(str(path), format="mp3", bitrate="32k")
        recordings.append(path)
    return recordings


def measure(clips_per_recording: int = 5, recordings: int = 20) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sources = make_recordings(folder, recordings)
        jobs = [ClipJob(source, float(i * 6), float(i * 6 + 5 + i)) for source in sources
                for i in range(clips_per_recording)]
        cold = AudioCache(folder / "cache")
        started = time.perf_counter()
        publish(cold, jobs)
        cold_seconds = time.perf_counter() - started
        warm = AudioCache(folder / "cache")
        started = time.perf_counter()
        publish(warm, jobs)
        warm_seconds = time.perf_counter() - started
        return {
            "clips": len(jobs), "recordings": len(sources), "workers": cold.workers,
            "ffmpeg": cold.ffmpeg.describe(),
            "cold_seconds": cold_seconds, "cold_decoded": cold.counters.decoded,
            "cold_encoded": cold.counters.encoded,
            "warm_seconds": warm_seconds, "warm_decoded": warm.counters.decoded,
            "warm_encoded": warm.counters.encoded,
        }


def table(result: dict) -> str:
    return "\n".join([
        f"| audio build, {result['clips']} clips from {result['recordings']} recordings "
        f"({result['workers']} workers) | time | recordings decoded | clips encoded |",
        "| --- | ---: | ---: | ---: |",
        f"| cold (empty cache) | {result['cold_seconds']:.2f} s | {result['cold_decoded']} "
        f"| {result['cold_encoded']} |",
        f"| warm (unchanged library) | {result['warm_seconds']:.3f} s | "
        f"{result['warm_decoded']} | {result['warm_encoded']} |",
    ])


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(REPO))
    print(table(measure()))
