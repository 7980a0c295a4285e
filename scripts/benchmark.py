"""Benchmark: how validation scales, against the cost of the YAML parse itself.

    .venv/bin/python scripts/benchmark.py [--sizes 100,1000,10000]

Makes a synthetic library of N stories (copies of the sample stories with new
ids) in a temporary folder and reports, for each N, the time to read and
parse the front matter with PyYAML's C loader alone, and the time of
`load_library` (read, parse, validate, link). Figures are the best of a few
runs; the ratio is what to watch.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.load import load_library  # noqa: E402
from generator.source import _BOUNDARY  # noqa: E402


def make_library(root: Path, count: int) -> Path:
    content = root / "content"
    shutil.copytree(REPO / "content", content, ignore=shutil.ignore_patterns("stories"))
    samples = sorted((REPO / "content" / "stories").glob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in samples]
    stories = content / "stories"
    stories.mkdir()
    for index in range(count):
        sample = samples[index % len(samples)]
        (stories / f"{sample.stem}-{index:05d}.md").write_text(texts[index % len(texts)],
                                                               encoding="utf-8")
    return content


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("| stories | YAML parse only | playbook validate | ratio |")
    print("| ---: | ---: | ---: | ---: |")
    for count in (int(n) for n in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            content = make_library(Path(tmp), count)
            floor = best_of(args.runs, lambda: yaml_only(content))
            result = load_library(content)
            assert not result.errors, result.errors[:3]
            assert len(result.library.stories) == count
            full = best_of(args.runs, lambda: load_library(content))
            print(f"| {count:,} | {floor:.2f} s | {full:.2f} s | {full / floor:.2f}x |")


if __name__ == "__main__":
    main()
