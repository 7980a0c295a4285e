"""Benchmark: how validation and the site build scale with the number of stories.

    .venv/bin/python scripts/benchmark.py [--sizes 100,1000,10000] [--runs 2] > bench.md

For each N, makes a temporary copy of the repository (mkdocs.yml, theme/,
docs/ and a content/ whose stories are N copies of the sample stories with new
ids) and reports two Markdown tables on stdout:

1. Validation and build. Reading and parsing the front matter with PyYAML's C
   loader alone (the floor) against `load_library` (read, parse, validate,
   link; without the checks against the recordings), and their ratio; then
   `playbook build` run as a subprocess: its wall time, the size of the built
   site and of its search index, and the build process's peak memory (max RSS).
2. Against a baseline. A plain mkdocs-material build of the same pages,
   written beforehand with `playbook pages` and built by `mkdocs build` from a
   copy of mkdocs.yml without the playbook plugin; its time, site, index and
   peak memory, and the ratio of our build time to it.

Times are wall-clock, the best of --runs runs up to 1,000 stories and a single
run above (10,000 takes minutes). `playbook pages` runs first, untimed, and
fills the clip cache, so both builds are warm ones that encode no audio. Every
build runs with SOURCE_DATE_EPOCH set, so interview dates validate the same on
any day. Progress goes to stderr.

3. Audio: a cold (empty cache) and a warm (unchanged library) audio build of
   100 clips cut from 20 recordings, with the recordings decoded and clips
   encoded, from the cache's own counters (scripts/audio_benchmark.py).

Absolute figures depend on the machine; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / ".venv" / "bin"
sys.path.insert(0, str(REPO))

import audio_benchmark  # noqa: E402  (scripts/audio_benchmark.py, beside this file)
from generator.load import load_library  # noqa: E402
from generator.source import _BOUNDARY  # noqa: E402

SOURCE_DATE_EPOCH = "1793491200"
# Above this many stories a measure runs once: a 10,000-story build takes minutes.
REPEAT_UP_TO = 1000
MB = 1024 * 1024

# Runs the command given as arguments and prints its wall time and peak RSS as
# JSON. A fresh wrapper per build, so RUSAGE_CHILDREN holds that build alone;
# timing inside it leaves the wrapper's own start-up out. The build's output
# goes to stderr, keeping stdout for the result.
WRAPPER = """\
import json, resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=sys.stderr).returncode
seconds = time.perf_counter() - started
rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"code": code, "seconds": seconds, "rss_kib": rss_kib}))
"""


# -- the synthetic repository -------------------------------------------------------

def make_library(root: Path, count: int) -> Path:
    content = root / "content"
    shutil.copytree(REPO / "content", content, ignore=shutil.ignore_patterns("stories"))
    samples = sorted((REPO / "content" / "stories").glob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in samples]
    stories = content / "stories"
    stories.mkdir()
    for index in range(count):
        sample = samples[index % len(samples)]
        # The first copy of each sample story keeps its id, so the ramp, the
        # calibration session and the taxonomy's featured stories still resolve.
        text = texts[index % len(texts)]
        name = sample.stem
        if index >= len(samples):  # a copy: a new id, and no claim on the original's old ids
            name = f"{sample.stem}-{index:05d}"
            text = "".join(line for line in text.splitlines(keepends=True)
                           if not line.startswith("redirect_from:"))
        (stories / f"{name}.md").write_text(text, encoding="utf-8")
    return content


def make_repo(root: Path, count: int) -> Path:
    """A copy of the repository's site sources around a library of `count` stories."""
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "theme", root / "theme")
    shutil.copytree(REPO / "docs", root / "docs")
    return make_library(root, count)


class _EnvTagLoader(yaml.SafeLoader):
    """SafeLoader that reads MkDocs' `!ENV [NAME, ..., default]` like MkDocs does."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node):
    if isinstance(node, yaml.SequenceNode):
        *names, default = loader.construct_sequence(node)
    else:
        names, default = [loader.construct_scalar(node)], None
    return next((os.environ[name] for name in names if name in os.environ), default)


_EnvTagLoader.add_constructor("!ENV", _env_tag)


def write_plain_config(root: Path, docs_dir: str) -> Path:
    """The repository's mkdocs.yml without the playbook plugin, reading `docs_dir`.

    The nav keeps `Skills: skills/index.md` as written: only the plugin expands it.
    """
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_EnvTagLoader)
    config["docs_dir"] = docs_dir
    config["plugins"] = [
        plugin for plugin in config["plugins"]
        if not (plugin == "playbook" or isinstance(plugin, dict) and "playbook" in plugin)
    ]
    path = root / "mkdocs-plain.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# -- measures --------------------------------------------------------------------------

def yaml_only(content: Path) -> int:
    """The floor: read every story and parse its front matter, nothing else."""
    parsed = 0
    for path in sorted((content / "stories").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        opening = _BOUNDARY.match(text)
        closing = _BOUNDARY.search(text, opening.end())
        yaml.load(text[opening.end():closing.start()], Loader=yaml.CSafeLoader)
        parsed += 1
    return parsed


def best_of(runs: int, func) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best


@dataclass
class Build:
    seconds: float = float("nan")  # best of the runs
    peak_mb: float = float("nan")  # highest of the runs
    site_mb: float = float("nan")
    index_mb: float = float("nan")
    failure: str = ""


def build_env() -> dict[str, str]:
    # NO_MKDOCS_2_WARNING: Material's end-of-life banner is not a build warning.
    return {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}


def run_build(command: list[str], cwd: Path, site: Path, runs: int) -> Build:
    """Run a site build `runs` times, each from an empty site folder, and measure it."""
    result = Build(seconds=float("inf"), peak_mb=0.0)
    for run in range(1, runs + 1):
        # Start empty so no run pays for cleaning the previous one's site.
        shutil.rmtree(site, ignore_errors=True)
        finished = subprocess.run([sys.executable, "-c", WRAPPER, *command], cwd=cwd,
                                  env=build_env(), capture_output=True, text=True)
        log = finished.stderr.strip().splitlines()
        try:
            measured = json.loads(finished.stdout)
        except json.JSONDecodeError:
            measured = {"code": finished.returncode, "seconds": float("nan"), "rss_kib": 0}
        result.peak_mb = max(result.peak_mb, measured["rss_kib"] / 1024)
        if measured["code"] != 0:
            # Report the failure in the table rather than hide it; -9 is usually the OOM killer.
            result.failure = f"exit {measured['code']}"
            progress(f"    run {run}: FAILED ({result.failure}) after {measured['seconds']:.1f} s, "
                     f"peak {result.peak_mb:.0f} MB; last output:")
            for line in log[-10:]:
                progress(f"      {line}")
            return result
        result.seconds = min(result.seconds, measured["seconds"])
        progress(f"    run {run}: {measured['seconds']:.1f} s, "
                 f"peak {measured['rss_kib'] / 1024:.0f} MB")
        # Warnings are worth seeing; "built ... in Xs" is not.
        noise = [line for line in log if not line.startswith("built ")]
        for line in noise[:5]:
            progress(f"      {line}")
        if len(noise) > 5:
            progress(f"      ... and {len(noise) - 5} more lines")
    result.site_mb = folder_bytes(site) / MB
    result.index_mb = (site / "search" / "search_index.json").stat().st_size / MB
    return result


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- report ----------------------------------------------------------------------------

def seconds(value: float) -> str:
    return f"{value:.2f} s"


def megabytes(value: float) -> str:
    return f"{value:.1f} MB"


def cell(build: Build, value: str) -> str:
    return f"failed ({build.failure})" if build.failure else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000",
                        help="comma-separated story counts (default: 100,1000,10000)")
    parser.add_argument("--runs", type=int, default=2,
                        help=f"runs per measure up to {REPEAT_UP_TO:,} stories, best kept "
                             "(default: 2); larger sizes run once")
    parser.add_argument("--no-audio", action="store_true",
                        help="skip the cold and warm audio builds of 100 clips")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    started = time.perf_counter()
    ours_rows, baseline_rows = [], []
    for count in sizes:
        runs = args.runs if count <= REPEAT_UP_TO else 1
        with tempfile.TemporaryDirectory(prefix=f"playbook-bench-{count}-") as tmp:
            root = Path(tmp)
            progress(f"{count:,} stories ({runs} run{'s' if runs > 1 else ''} per measure)")
            content = make_repo(root, count)

            # First, and untimed: the pages for the baseline. This also fills the
            # temporary repo's clip cache, so no timed build pays for encoding audio.
            progress("  playbook pages, for the baseline (not timed; encodes the clips)")
            pages_started = time.perf_counter()
            pages_written = subprocess.run(
                [str(BIN / "playbook"), "pages", "--out", str(root / "prewritten")],
                cwd=root, env=build_env(), capture_output=True, text=True)
            progress(f"    {time.perf_counter() - pages_started:.1f} s")

            progress("  validate")
            # Validation is cheap; more runs steady its floor-to-cost ratio.
            validate_runs = 5 if count <= REPEAT_UP_TO else 1
            floor = best_of(validate_runs, lambda content=content: yaml_only(content))
            loaded = load_library(content)
            assert not loaded.errors, loaded.errors[:3]
            assert len(loaded.library.stories) == count
            full = best_of(validate_runs, lambda content=content: load_library(content))

            progress("  playbook build")
            ours = run_build([str(BIN / "playbook"), "build", "--site-dir", str(root / "site")],
                             root, root / "site", runs)

            progress("  baseline: mkdocs build of the pages")
            if pages_written.returncode != 0:
                baseline = Build(failure=f"playbook pages exit {pages_written.returncode}")
                progress(pages_written.stderr[-2000:])
            else:
                plain = write_plain_config(root, "prewritten")
                baseline = run_build([str(BIN / "mkdocs"), "build", "-q", "-f", str(plain),
                                      "-d", str(root / "baseline-site")],
                                     root, root / "baseline-site", runs)

            ratio = ("n/a" if ours.failure or baseline.failure
                     else f"{ours.seconds / baseline.seconds:.2f}x")
            ours_rows.append(
                f"| {count:,} | {seconds(floor)} | {seconds(full)} | {full / floor:.2f}x "
                f"| {cell(ours, seconds(ours.seconds))} | {cell(ours, megabytes(ours.site_mb))} "
                f"| {cell(ours, megabytes(ours.index_mb))} | {megabytes(ours.peak_mb)} |")
            baseline_rows.append(
                f"| {count:,} | {cell(ours, seconds(ours.seconds))} "
                f"| {cell(baseline, seconds(baseline.seconds))} | {ratio} "
                f"| {cell(baseline, megabytes(baseline.site_mb))} "
                f"| {cell(baseline, megabytes(baseline.index_mb))} "
                f"| {megabytes(baseline.peak_mb)} |")
            progress(f"  done; {time.perf_counter() - started:.0f} s so far")

    print("| stories | YAML parse only | playbook validate | ratio | playbook build "
          "| site | search index | peak memory |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(ours_rows))
    print()
    print("| stories | playbook build | mkdocs-material baseline | ratio | baseline site "
          "| baseline search index | baseline peak memory |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(baseline_rows))
    if not args.no_audio:
        progress("audio: cold and warm builds of 100 clips")
        print()
        print(audio_benchmark.table(audio_benchmark.measure()))
    progress(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
