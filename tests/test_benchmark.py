"""scripts/benchmark.py --quick runs end to end and prints a figure for every speed goal.

No timing is asserted: the figures depend on the machine. What is checked is
that one run measures every row, and leaves no temporary folder or server
behind.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

GOALS = [
    "build, 1,000 stories, vs plain mkdocs-material",
    "build, 10,000 stories, vs plain mkdocs-material",
    "peak memory at 10,000 stories (build process + largest child)",
    "edit-to-reload at 1,000 stories, vs plain Material --dirty",
    "validate, 10,000 stories, vs bare C-loader parse",
    "decodes per recording, cold build",
    "ffmpeg processes, warm build",
]


def table_rows(markdown: str) -> dict[str, list[str]]:
    """First cell -> the other cells, for every row of the Markdown tables given."""
    rows = {}
    for line in markdown.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    return rows


def processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            arguments = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # gone meanwhile
        if text in arguments:
            found.append(arguments)
    return found


def test_quick_benchmark_prints_a_figure_for_every_goal(tmp_path):
    finished = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "benchmark.py"), "--quick"],
        cwd=REPO, env={**os.environ, "TMPDIR": str(tmp_path)},
        capture_output=True, text=True, timeout=900)
    assert finished.returncode == 0, finished.stderr[-3000:]
    report = finished.stdout

    header = report.split("###")[0]
    assert re.search(r"\d{4}-\d\d-\d\d; .+, \d+ cores, [\d.]+ GB RAM, Python 3\.", header)
    rows = table_rows(report)
    # Each per-size table has its row for 100 stories, and no figure failed.
    for title in ("### Build", "### Edit to reload", "### Validate", "### Peak memory",
                  "### The second builder: Zensical"):
        assert title in report
    assert "| 100 |" in report
    assert "failed" not in report and not re.search(r"\bnan", report)

    summary = table_rows(report.split("### Summary")[1])
    assert list(summary) == ["figure", *GOALS]
    for goal in GOALS:
        measured, _, met = summary[goal]
        assert re.match(r"\d+(\.\d+)?x?\b", measured), (goal, measured)
        assert met in ("yes", "no", "n/a"), (goal, met)
    cold = next(cells for name, cells in rows.items() if name.startswith("playbook build, cold"))
    assert int(cold[1]) == len(list((REPO / "content" / "audio").glob("*.mp3")))

    # Nothing left behind: the temporary sites, MkDocs' serve folders, the servers.
    assert list(tmp_path.iterdir()) == []
    assert processes_mentioning(str(tmp_path)) == []
