"""Audio figures for scripts/benchmark.py: real ffmpeg processes, cold and warm.

Every ffmpeg process is counted, not only the clip cache's own counters: the
build is pointed (through PLAYBOOK_FFMPEG, and a PATH whose first `ffmpeg` is
the same script) at a wrapper named ffmpeg that appends its arguments to a log
and execs the real binary. A process decodes a recording when the recording is
its `-i` input and an output follows (`ffmpeg -i recording` alone only reads
the header); clip encodes read a temporary WAV file, not a recording.

Two measures:

- `measure_build`: `playbook build` of a repository, cold (empty clip cache)
  then warm (the same cache, nothing changed), as `make site` twice would be.
  This is the figure that counts: it includes validation's clip checks.
- `measure_publish`: the publishing stage alone on 100 clips cut from 20
  distinct recordings (the samples at different gains), cold then warm.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.audio import AudioCache, ClipJob, Ffmpeg, decode, find_ffmpeg, publish  # noqa: E402

# One write per line (O_APPEND), so lines of parallel processes do not interleave.
WRAPPER = """\
#!/bin/sh
line=$(printf '%s\\t' "$@")
printf '%s\\n' "$line" >> {log}
exec {real} "$@"
"""


class FfmpegLog:
    """A wrapper named ffmpeg in `folder` that logs every process it starts."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.log = folder / "ffmpeg.log"
        self.log.touch()
        self.path = folder / "ffmpeg"
        real = find_ffmpeg().path
        self.path.write_text(WRAPPER.format(log=shlex.quote(str(self.log)),
                                            real=shlex.quote(real)), encoding="utf-8")
        self.path.chmod(0o755)

    def env(self) -> dict[str, str]:
        """Environment changes that make a build run this wrapper for every ffmpeg."""
        return {"PLAYBOOK_FFMPEG": str(self.path),
                "PATH": f"{self.path.parent}{os.pathsep}{os.environ.get('PATH', '')}"}

    def ffmpeg(self) -> Ffmpeg:
        return Ffmpeg(str(self.path), "benchmark wrapper")

    def take(self) -> list[list[str]]:
        """The argument lists of the processes started since the last take."""
        lines = self.log.read_text(encoding="utf-8").splitlines()
        self.log.write_text("", encoding="utf-8")
        return [line.rstrip("\t").split("\t") for line in lines if line]


def decoded_input(arguments: list[str], cwd: Path) -> Path | None:
    """The recording a process decodes: its `-i` input, when an output follows."""
    for index, argument in enumerate(arguments[:-1]):
        if argument == "-i" and index + 2 < len(arguments):
            return (cwd / arguments[index + 1]).resolve()
    return None


@dataclass
class AudioRun:
    name: str
    seconds: float
    recordings: int
    processes: int  # every ffmpeg process started
    decodes: dict[Path, int]  # decoding processes per recording
    failure: str = ""

    @property
    def max_decodes(self) -> int:
        return max(self.decodes.values(), default=0)

    @property
    def mean_decodes(self) -> float:
        return sum(self.decodes.values()) / self.recordings if self.recordings else float("nan")


def count(name: str, seconds: float, calls: list[list[str]], recordings: list[Path],
          cwd: Path, failure: str = "") -> AudioRun:
    decodes = {path.resolve(): 0 for path in recordings}
    for arguments in calls:
        source = decoded_input(arguments, cwd)
        if source in decodes:
            decodes[source] += 1
    return AudioRun(name, seconds, len(recordings), len(calls), decodes, failure)


def measure_build(root: Path, playbook: Path, env: dict[str, str]) -> list[AudioRun]:
    """A cold then a warm `playbook build` of the repository at `root`, counted."""
    ffmpeg = FfmpegLog(root / "ffmpeg-wrapper")
    recordings = sorted(p for p in (root / "content" / "audio").iterdir() if p.is_file())
    runs = []
    for name in ("cold (empty clip cache)", "warm (nothing changed)"):
        started = time.perf_counter()
        finished = subprocess.run([str(playbook), "build", "--site-dir", str(root / "site")],
                                  cwd=root, env={**env, **ffmpeg.env()},
                                  capture_output=True, text=True)
        seconds = time.perf_counter() - started
        failure = "" if finished.returncode == 0 else f"exit {finished.returncode}"
        if failure:
            print(finished.stderr[-2000:], file=sys.stderr)
        runs.append(count(f"playbook build, {name}", seconds, ffmpeg.take(), recordings, root,
                          failure))
    return runs


def make_recordings(folder: Path, count: int = 20) -> list[Path]:
    from pydub import AudioSegment  # after generator.audio, which silences pydub's warning

    AudioSegment.converter = find_ffmpeg().path
    samples = sorted((REPO / "content" / "audio").glob("*.mp3"))
    recordings = []
    for index in range(count):
        segment = decode(find_ffmpeg(), samples[index % len(samples)])  # no ffprobe needed
        path = folder / f"interview-{index:02d}.mp3"
        segment.apply_gain(-index * 0.5).export(str(path), format="mp3", bitrate="32k")
        recordings.append(path)
    return recordings


def measure_publish(clips_per_recording: int = 5, recordings: int = 20) -> list[AudioRun]:
    """The publishing stage alone, cold then warm, on clips cut from new recordings."""
    with tempfile.TemporaryDirectory(prefix="playbook-bench-audio-") as tmp:
        folder = Path(tmp)
        sources = make_recordings(folder, recordings)
        jobs = [ClipJob(source, float(i * 6), float(i * 6 + 5 + i)) for source in sources
                for i in range(clips_per_recording)]
        ffmpeg = FfmpegLog(folder / "ffmpeg-wrapper")
        runs = []
        for name in ("cold", "warm"):
            cache = AudioCache(folder / "cache", ffmpeg=ffmpeg.ffmpeg())
            started = time.perf_counter()
            publish(cache, jobs)
            seconds = time.perf_counter() - started
            runs.append(count(f"publish {len(jobs)} clips from {len(sources)} recordings "
                              f"({cache.workers} workers), {name}",
                              seconds, ffmpeg.take(), sources, folder))
        return runs


def table(runs: list[AudioRun]) -> str:
    rows = [
        "| audio | time | recordings | decodes per recording (max / mean) "
        "| ffmpeg processes |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        if run.failure:
            rows.append(f"| {run.name} | failed ({run.failure}) | {run.recordings} | - | - |")
            continue
        rows.append(f"| {run.name} | {run.seconds:.2f} s | {run.recordings} "
                    f"| {run.max_decodes} / {run.mean_decodes:.2f} | {run.processes} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table(measure_publish()))
