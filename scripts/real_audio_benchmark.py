"""Figures at real size (issue 22): repository and site size with realistic audio.

    .venv/bin/python scripts/benchmark.py --real-audio [--sizes 1000,10000]

For each N, a copy of this repository with N stories (as benchmark.py makes
them), each with one clip as `playbook audio cut` leaves it:

1. One synthetic 45-minute recording is made (a sine tone as a 64 kbit/s mono
   mp3: the bitrate of a Zoom or Teams audio export, about 29 MB an hour; a
   tone encodes fast, and an mp3's size depends on its bitrate, not on what it
   holds). Its size is measured.
2. `playbook audio cut` cuts a 75-second moment (20:00-21:15) from it into the
   first story, with its margin, copying the mp3 stream. The excerpt's size is
   measured, and the recording is then removed: what is committed is the
   excerpt, not the interview.
3. Every story gets that clip entry with an excerpt file of its own
   (`content/audio/<story>-1.mp3`, the real excerpt's bytes), so the
   repository holds N excerpts. The copies have the same bytes, so the clip
   cache encodes the clip once; each story page still publishes its own
   75-second clip at the published bitrate (48 kbit/s), as a real library does.
4. `playbook build` as the sample is configured (clips in the site), then again
   with `clips_base_url` set (the site holds no clip; they go to build/clips/).
   Both with `site_budget_mb` raised out of the way so that the size is measured
   even where the default budget (1,000 MB) would fail the build; the table says
   what the default would have said.

Sizes are bytes of files (not disk blocks), in decimal MB (10^6 bytes), as
site_budget_mb counts them. The repository figure is content/, docs/, theme/
and mkdocs.yml: what a team commits; the whole recordings are not in it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import frontmatter

RECORDING_SECONDS = 45 * 60
RECORDING_BITRATE = "64k"  # a Zoom or Teams audio export: about 29 MB an hour
CUT_FROM, CUT_TO = "20:00", "21:15"  # a 75-second moment
RECORDING = "interview-45min.mp3"
MB = 1_000_000
BUDGET_MB = 1000  # the default site_budget_mb (GitHub Pages' 1 GB)


@dataclass
class RealAudioRun:
    stories: int
    recording_bytes: int  # one 45-minute recording
    excerpt_bytes: int  # one excerpt as `playbook audio cut` wrote it
    repo_bytes: int  # content/, docs/, theme/, mkdocs.yml
    audio_bytes: int  # content/audio/ of it
    site_bytes: int  # clips in the site
    site_clip_bytes: int
    hosted_site_bytes: int  # with clips_base_url
    hosted_clip_bytes: int  # build/clips/
    seconds: float  # the first build (clips in the site): each excerpt decoded once, cold
    hosted_seconds: float  # the second (clips_base_url), with the cache the first filled
    failure: str = ""


def make_recording(ffmpeg: str, dest: Path) -> None:
    subprocess.run([ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency=220:sample_rate=22050:duration={RECORDING_SECONDS}",
                    "-ac", "1", "-b:a", RECORDING_BITRATE, str(dest)], check=True)


def folder_bytes(*paths: Path) -> int:
    total = 0
    for path in paths:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        total += sum(p.stat().st_size for p in files)
    return total


def clips_block(entry: dict, src: str, transcript: str) -> str:
    """A story's `clips:` with one clip: `entry` as `playbook audio cut` wrote it."""
    cut = entry["cut_from"]
    return (f"clips:\n  - src: {src}\n    start: {json.dumps(str(entry['start']))}\n"
            f"    end: {json.dumps(str(entry['end']))}\n"
            f"    transcript: {json.dumps(transcript)}\n    cut_from:\n"
            f"      recording: {cut['recording']}\n      sha256: {cut['sha256']}\n"
            f"      start: {json.dumps(str(cut['start']))}\n"
            f"      end: {json.dumps(str(cut['end']))}\n")


_CLIPS = re.compile(r"^clips:\n(?:[ \t].*\n|\n)*", re.M)


def with_excerpts(content: Path, excerpt: Path, entry: dict) -> None:
    """Every story's clips: one, from an excerpt file of its own."""
    for story in sorted((content / "stories").glob("*.md")):
        text = story.read_text(encoding="utf-8")
        post = frontmatter.loads(text)
        transcript = str(post.metadata["quote"])  # some stories had no clip to take one from
        src = f"{story.stem}-1.mp3"
        if not (content / "audio" / src).exists():
            # A hard link: the same bytes as a copy to every size figure, but
            # 10,000 stories of excerpts do not fill the disk twice.
            os.link(excerpt, content / "audio" / src)
        block = clips_block(entry, src, transcript)
        head, sep, body = text.partition("\n---\n")  # the front matter, then the body
        found = _CLIPS.search(head + "\n")
        if found:
            head = (head + "\n")[:found.start()] + block + (head + "\n")[found.end():]
            head = head.rstrip("\n")
        else:
            head = head + "\n" + block.rstrip("\n")
        story.write_text(head + sep + body, encoding="utf-8")


def with_plugin_options(root: Path, **options: str) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"^(  - playbook:\n)((?:      .*\n)*)", lambda m: m[1] + "".join(
        f"      {name}: {value}\n" for name, value in options.items()), text, count=1,
        flags=re.M)
    config.write_text(text, encoding="utf-8")


def measure(root: Path, count: int, make_repo, build_env, bin_dir: Path, ffmpeg: str,
            recording: Path, progress) -> RealAudioRun:
    """Build `count` stories with realistic audio under `root` (see the module's text)."""
    content = make_repo(root, count)
    recording_bytes = recording.stat().st_size
    first = sorted((content / "stories").glob("*.md"))[0].stem
    shutil.copyfile(recording, content / "audio" / RECORDING)
    env = build_env()
    playbook = str(bin_dir / "playbook")
    cut = subprocess.run([playbook, "audio", "cut", f"content/audio/{RECORDING}", "--from",
                          CUT_FROM, "--to", CUT_TO, "--story", first],
                         cwd=root, env=env, capture_output=True, text=True)
    if cut.returncode != 0:
        raise RuntimeError(f"playbook audio cut failed: {cut.stderr[-2000:]}")
    entry = frontmatter.loads((content / "stories" / f"{first}.md").read_text(
        encoding="utf-8")).metadata["clips"][-1]
    excerpt = content / "audio" / entry["src"]
    excerpt_bytes = excerpt.stat().st_size
    kept = root / "excerpt.mp3"
    shutil.move(excerpt, kept)
    (content / "audio" / RECORDING).unlink()  # committed: the excerpts, not the interview
    with_excerpts(content, kept, entry)
    repo_bytes = folder_bytes(content, root / "docs", root / "theme", root / "mkdocs.yml")
    audio_bytes = folder_bytes(content / "audio")
    progress(f"    {count:,} stories: repository {repo_bytes / MB:,.1f} MB "
             f"({audio_bytes / MB:,.1f} MB of excerpts and the sample's recordings)")

    def build(site: str) -> tuple[float, str]:
        started = time.perf_counter()
        done = subprocess.run([playbook, "build", "--site-dir", site], cwd=root, env=env,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            progress(f"      FAILED (exit {done.returncode}):\n{done.stderr[-2000:]}")
        for line in done.stderr.splitlines():
            if "the site is" in line:
                progress(f"      {line.strip()}")
        return seconds, "" if done.returncode == 0 else done.stderr[-2000:]

    # The budget out of the way: the size is what is measured here.
    with_plugin_options(root, content_dir="content", site_budget_mb="1000000")
    seconds, failure = build("site")
    site_bytes = folder_bytes(root / "site")
    site_clip_bytes = sum(p.stat().st_size for p in (root / "site").rglob("*.mp3"))
    shutil.rmtree(root / "site", ignore_errors=True)
    with_plugin_options(root, content_dir="content", site_budget_mb="1000000",
                        clips_base_url="https://clips.example.com/playbook")
    hosted_seconds, hosted_failure = build("site")
    hosted_site = folder_bytes(root / "site")
    hosted_clips = folder_bytes(root / "build" / "clips") if (root / "build" / "clips").is_dir() \
        else 0
    return RealAudioRun(count, recording_bytes, excerpt_bytes, repo_bytes, audio_bytes,
                        site_bytes, site_clip_bytes, hosted_site, hosted_clips, seconds,
                        hosted_seconds, failure or hosted_failure)


def verdict(site_bytes: int) -> str:
    """What the default budget (1,000 MB) says of a site this size."""
    if site_bytes > BUDGET_MB * MB:
        return "fails"
    return "warns" if site_bytes >= 0.8 * BUDGET_MB * MB else "passes"


def table(runs: list[RealAudioRun]) -> str:
    def mb(size: int) -> str:
        return f"{size / MB:,.1f} MB"

    lines = [
        "### Figures at real size: 75-second clips, 45-minute recordings",
        "",
        (f"One 45-minute recording ({RECORDING_BITRATE}bit/s mp3): "
         f"{mb(runs[0].recording_bytes)}; its 75-second excerpt from `playbook audio cut` "
         f"(with margin, stream copied): {mb(runs[0].excerpt_bytes)}. The repository holds "
         f"one excerpt per story, not the recordings.") if runs else "",
        "",
        "| stories | repository (excerpts) | site, clips in it | of it clips | default budget "
        "| site with clips_base_url | build/clips/ | first build, cold cache | hosted, warm |",
        "| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        if run.failure:
            lines.append(f"| {run.stories:,} | {mb(run.repo_bytes)} | FAILED | | | | | | |")
            continue
        lines.append(
            f"| {run.stories:,} | {mb(run.repo_bytes)} | {mb(run.site_bytes)} | "
            f"{mb(run.site_clip_bytes)} | {verdict(run.site_bytes)} | "
            f"{mb(run.hosted_site_bytes)} ({verdict(run.hosted_site_bytes)}) | "
            f"{mb(run.hosted_clip_bytes)} | {run.seconds:.0f} s | {run.hosted_seconds:.0f} s |")
    return "\n".join(lines) + "\n"


def main(sizes: list[int], tmp: Path, make_repo, build_env, bin_dir: Path, progress) -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from generator.audio.ffmpeg import find_ffmpeg

    ffmpeg = find_ffmpeg().path
    recording = tmp / RECORDING
    started = time.perf_counter()
    make_recording(ffmpeg, recording)
    progress(f"  a 45-minute recording in {time.perf_counter() - started:.0f} s: "
             f"{recording.stat().st_size / MB:,.1f} MB")
    runs = []
    for count in sizes:
        progress(f"real audio: {count:,} stories")
        root = tmp / f"real-{count}"
        try:
            runs.append(measure(root, count, make_repo, build_env, bin_dir, ffmpeg, recording,
                                progress))
        finally:
            shutil.rmtree(root, ignore_errors=True)  # GBs at 10,000 stories
    return table(runs)
