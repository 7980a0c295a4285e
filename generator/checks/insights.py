"""Library-wide findings: coverage gaps and stale stories (warnings only).

They concern the library as a whole rather than a fault in one file, so each
is located where an author would act: a gap at the term's line in
content/taxonomy.yml, a stale story at its `interviewed:` line. `--strict`
makes them fail, like every warning. Both are measured from the newest story's
interview, not the clock (analysis.insights.measured_from).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..analysis.insights import gaps, measured_from, months_before, stale_stories
from ..library import Library
from ..options import InsightOptions
from ..problems import Code, Problem
from ..source import read_markdown, read_yaml

# The findings this module reports (listed by `playbook codes`).
CODES = (
    Code("insights.gap", "warning",
         "a coverage gap: a skill without a win or a loss story, a competitor without a "
         "recent story, an objection found only in losses"),
    Code("insights.stale", "warning", "a story interviewed more than "
                                      "'stale_after_months' (default 18) before the newest"),
)


def check_insights(library: Library, content_dir: Path, today: date,
                   options: InsightOptions) -> list[Problem]:
    root = content_dir.parent
    problems: list[Problem] = []
    found = gaps(library, today, options) \
        if len(library.stories) >= options.gaps_from_stories else []
    if found:
        taxonomy, _ = read_yaml(content_dir / "taxonomy.yml", root)
        for gap in found:
            line = taxonomy.line_of((gap.vocabulary, gap.term)) if taxonomy else 0
            what = library.taxonomy.singular(gap.vocabulary)
            problems.append(Problem(
                f"{content_dir.relative_to(root).as_posix()}/taxonomy.yml", line,
                f"{gap.vocabulary}.{gap.term}", f"coverage gap: the {what} '{gap.term}' "
                f"{gap.message}", gap.hint, "warning", "insights.gap"))
    newest = measured_from(library, today)
    cutoff = months_before(newest, options.stale_after_months)
    for story in stale_stories(library, today, options):
        source, _ = read_markdown(root / story.path, root)
        line = source.line_of(("interviewed",)) if source else 0
        problems.append(Problem(
            story.path, line, "interviewed",
            f"the story is stale: interviewed {story.interviewed.isoformat()}, more than "
            f"{options.stale_after_months} months before the newest story "
            f"({newest.isoformat()}; before {cutoff.isoformat()})",
            "re-interview a buyer on the same theme and replace the story, or retire it "
            "if what it teaches no longer holds", "warning", "insights.stale"))
    return problems
