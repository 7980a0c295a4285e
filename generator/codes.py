"""Every kind of finding, by its stable code.

Each checking module documents the codes it reports in a CODES tuple at its
top, next to its checks; this gathers them for `playbook codes`, for the
contributor guide and for checking configured severities.

A configuration can change a code's severity or turn it off, in mkdocs.yml:

    plugins:
      - playbook:
          problems:
            story.no-narrative: off
            clip.length: error
"""

from __future__ import annotations

from . import markdown_render, privacy, source
from .checks import docs, reach, recordings
from .checks import insights as insight_checks
from .problems import SEVERITY_CHOICES, Code
from .validate import (
    calendar,
    calibration,
    clips,
    criteria,
    fields,
    placeholders,
    ramps,
    redirects,
    scenarios,
    stories,
    taxonomy,
)

_MODULES = (source, fields, taxonomy, stories, clips, criteria, recordings, docs,
            markdown_render, privacy, reach, redirects, calibration, insight_checks, ramps,
            placeholders, scenarios, calendar)


def all_codes() -> dict[str, Code]:
    """Every code, sorted by name."""
    found = {code.name: code for module in _MODULES for code in module.CODES}
    return dict(sorted(found.items()))


def check_overrides(overrides: dict[str, str]) -> list[str]:
    """What is wrong with a `problems:` setting, one message per fault."""
    known = all_codes()
    faults = []
    for name, severity in sorted(overrides.items()):
        if name not in known:
            faults.append(f"unknown problem code '{name}' in 'problems'; `playbook codes` "
                          "lists them all")
        if severity not in SEVERITY_CHOICES:
            faults.append(f"'problems: {name}' must be one of {', '.join(SEVERITY_CHOICES)}; "
                          f"found '{severity}'")
    return faults


def as_markdown() -> str:
    """The table of codes, as the contributor guide shows it."""
    rows = ["| Code | Default | What it means |", "| --- | --- | --- |"]
    rows += [f"| `{c.name}` | {c.severity} | {c.summary} |" for c in all_codes().values()]
    return "\n".join(rows) + "\n"
