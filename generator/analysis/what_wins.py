"""What wins: for each criterion, the win rate of stories that show it present against
those that show it absent, with 95% intervals; overall and broken down by any vocabulary.

Association in the stories collected, not proof of cause: the page says so. Only
wins and losses count; a story with another outcome (no decision) is left out and
counted, so the figures say what they leave out.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist

from ..library import Library
from ..model import Criterion, Story
from ..problems import json_text

# Fewer stories than this in either group: "too few stories to say", and not ranked.
ENOUGH_STORIES = 5
Z95 = NormalDist().inv_cdf(0.975)  # 1.959964...
COUNTED = ("win", "loss")


def wilson(wins: int, total: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of wins/total (Wilson 1927; Newcombe 1998, method 3),
    or None for no stories (there is no rate to bound)."""
    if total <= 0:
        return None
    share = wins / total
    scale = 1 + z * z / total
    centre = (share + z * z / (2 * total)) / scale
    half = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / scale
    # Clamped: at 0 or total wins the bound is exactly 0 or 1, whatever the rounding.
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(wins1: int, total1: int, wins2: int, total2: int,
             z: float = Z95) -> tuple[float, float] | None:
    """The hybrid score interval of wins1/total1 - wins2/total2 (Newcombe 1998,
    method 10, from the two Wilson intervals), or None when a group is empty."""
    first, second = wilson(wins1, total1, z), wilson(wins2, total2, z)
    if first is None or second is None:
        return None
    p1, p2 = wins1 / total1, wins2 / total2
    (l1, u1), (l2, u2) = first, second
    difference = p1 - p2
    return (difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


@dataclass(frozen=True)
class Rate:
    """Wins among the won and lost stories of one group."""

    wins: int
    total: int

    @property
    def share(self) -> float | None:
        return self.wins / self.total if self.total else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.wins, self.total)


@dataclass(frozen=True)
class CriterionWins:
    criterion: Criterion
    present: Rate
    absent: Rate
    left_out: int  # stories citing the criterion whose outcome is neither win nor loss

    @property
    def difference(self) -> float | None:
        if self.present.share is None or self.absent.share is None:
            return None
        return self.present.share - self.absent.share

    @property
    def interval(self) -> tuple[float, float] | None:
        return newcombe(self.present.wins, self.present.total,
                        self.absent.wins, self.absent.total)

    @property
    def enough(self) -> bool:
        """Both groups hold enough stories to rank it."""
        return min(self.present.total, self.absent.total) >= ENOUGH_STORIES


@dataclass(frozen=True)
class WhatWins:
    """The figures of one set of stories: ranked criteria first, then too few to say."""

    ranked: tuple[CriterionWins, ...]  # by difference, largest first
    too_few: tuple[CriterionWins, ...]  # in criterion order
    stories: int  # stories in the set
    left_out: int  # of them, stories citing a criterion with another outcome

    @property
    def rows(self) -> tuple[CriterionWins, ...]:
        return self.ranked + self.too_few


def what_wins(stories: Iterable[Story], criteria: Iterable[Criterion]) -> WhatWins:
    chosen = list(stories)
    # criterion id -> [present wins, present total, absent wins, absent total, left out];
    # each story adds to the criteria it cites, so a large library is one pass.
    counts: dict[str, list[int]] = {}
    left_out = 0
    for story in chosen:
        counted, won = story.outcome in COUNTED, story.outcome == "win"
        left_out += not counted and bool(story.criteria_present or story.criteria_absent)
        for offset, cited in ((0, story.criteria_present), (2, story.criteria_absent)):
            for criterion_id in cited:
                row = counts.setdefault(criterion_id, [0, 0, 0, 0, 0])
                if counted:
                    row[offset] += won
                    row[offset + 1] += 1
                else:
                    row[4] += 1
    rows = []
    for criterion in sorted(criteria, key=lambda c: c.id):
        p_wins, p_total, a_wins, a_total, others = counts.get(criterion.id, [0, 0, 0, 0, 0])
        rows.append(CriterionWins(criterion, Rate(p_wins, p_total), Rate(a_wins, a_total),
                                  others))
    ranked = sorted((r for r in rows if r.enough),
                    key=lambda r: (-(r.difference or 0.0), r.criterion.title, r.criterion.id))
    return WhatWins(tuple(ranked), tuple(r for r in rows if not r.enough), len(chosen),
                    left_out)


def criterion_wins(library: Library, criterion: Criterion) -> CriterionWins:
    """One criterion's figures, from the stories citing it (its page shows them)."""
    cited = library.evidence(criterion.id, "present") + library.evidence(criterion.id, "absent")
    return what_wins(cited, (criterion,)).rows[0]


@dataclass(frozen=True)
class Breakdown:
    """The figures for the stories of one term of a vocabulary."""

    vocabulary: str
    vocabulary_title: str
    term: str
    title: str
    figures: WhatWins

    @property
    def key(self) -> str:
        return f"{self.vocabulary}.{self.term}"


def breakdowns(library: Library) -> tuple[Breakdown, ...]:
    """Every term of every vocabulary that has a story, in registry and taxonomy order."""
    found = []
    for entry in library.taxonomy.vocabularies:
        for term in library.taxonomy.terms.get(entry.id, ()):
            stories = library.stories_by(entry.id, term.id)
            if stories:
                found.append(Breakdown(entry.id, entry.title, term.id, term.title,
                                       what_wins(stories, library.criteria)))
    return tuple(found)


# -- output for other tools (`playbook insights`) -------------------------------------

def _number(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _pair(pair: tuple[float, float] | None) -> list[float | None] | None:
    return None if pair is None else [_number(pair[0]), _number(pair[1])]


def _rate_data(rate: Rate) -> dict:
    return {"wins": rate.wins, "stories": rate.total, "win_rate": _number(rate.share),
            "interval": _pair(rate.interval)}


def figures_data(figures: WhatWins) -> dict:
    return {
        "stories": figures.stories,
        "left_out": figures.left_out,
        "criteria": [{
            "criterion": row.criterion.id,
            "title": row.criterion.title,
            "skill": row.criterion.skill,
            "rank": rank + 1 if rank < len(figures.ranked) else None,
            "too_few_stories": not row.enough,
            "present": _rate_data(row.present),
            "absent": _rate_data(row.absent),
            "difference": _number(row.difference),
            "difference_interval": _pair(row.interval),
            "left_out": row.left_out,
        } for rank, row in enumerate(figures.rows)],
    }


def report_data(library: Library) -> dict:
    """The what-wins figures as plain data: the whole library, then each term's stories."""
    data = figures_data(what_wins(library.stories, library.criteria))
    terms = breakdowns(library)
    data["breakdowns"] = {b.vocabulary: {} for b in terms}
    for breakdown in terms:
        data["breakdowns"][breakdown.vocabulary][breakdown.term] = figures_data(breakdown.figures)
    return {"what_wins": {"confidence": 0.95, "enough_stories": ENOUGH_STORIES, **data}}


def report_json(library: Library) -> str:
    return json_text(report_data(library))


def percent(share: float | None) -> str:
    return "no stories" if share is None else f"{share * 100:.0f}%"


def points(value: float | None, unit: str = " pts") -> str:
    """A difference of rates in percentage points, signed: "+35 pts"."""
    if value is None:
        return "no stories"
    rounded = round(value * 100)
    return f"{'+' if rounded > 0 else '−' if rounded < 0 else '±'}{abs(rounded)}{unit}"


def rate_text(rate: Rate) -> str:
    if rate.interval is None:
        return "no stories"
    low, high = rate.interval
    return (f"{percent(rate.share)} ({rate.wins} of {rate.total} won; "
            f"{percent(low)}–{percent(high)})")


def difference_text(row: CriterionWins) -> str:
    if row.interval is None:
        return "no stories"
    low, high = row.interval
    return f"{points(row.difference)} ({points(low, '')} to {points(high, '')})"


def report_text(library: Library) -> str:
    """`playbook insights`: the what-wins table for the whole library."""
    figures = what_wins(library.stories, library.criteria)
    lines = [f"What wins: win rate with each criterion present and absent, "
             f"from {figures.stories} stories (95% intervals)"]
    for row in figures.rows:
        verdict = difference_text(row) if row.enough else "too few stories to say"
        lines.append(f"  {row.criterion.id}: present {rate_text(row.present)}; "
                     f"absent {rate_text(row.absent)}; difference {verdict}")
    if figures.left_out:
        lines.append(f"{figures.left_out} stor{'y' if figures.left_out == 1 else 'ies'} "
                     "with other outcomes left out")
    lines.append("Association in the stories collected, not proof of cause.")
    return "\n".join(lines)


# -- chart geometry: the SVG template only draws what this lays out -------------------

# As the insights charts (analysis/insights.py): 340 units wide, each row's title on
# lines of its own, so 13-unit titles and 12-unit figures stay 12 px or more on a phone.
CHART_WIDTH = 340
TITLE_SIZE = 13
TITLE_LINE = TITLE_SIZE + 3
# SVG text does not wrap: a title is broken at words into lines this long, which fit
# 340 units at 13 units a character's em (about 0.55 em a character, with room to spare).
TITLE_CHARACTERS = 44
FIGURE_SIZE = 12
MARGIN = 12  # the scale's ends sit in from the edges, so a dot at ±100 is whole
ROW_GAP = 16  # below a row's figures, so they are not read as the next row's
AXIS_HEIGHT = FIGURE_SIZE + 8


def chart_x(value: float) -> float:
    """A difference from -1 to +1 across the chart."""
    return round(MARGIN + (max(-1.0, min(1.0, value)) + 1) / 2 * (CHART_WIDTH - 2 * MARGIN), 2)


@dataclass(frozen=True)
class DifferenceRow:
    row: CriterionWins
    y: float  # top of the row
    title_lines: tuple[str, ...]

    @property
    def title_ys(self) -> tuple[tuple[float, str], ...]:
        return tuple((self.y + TITLE_SIZE + i * TITLE_LINE, line)
                     for i, line in enumerate(self.title_lines))

    @property
    def mark_y(self) -> float:
        """The interval's line, just under the title's last line."""
        return self.y + TITLE_SIZE + (len(self.title_lines) - 1) * TITLE_LINE + 12

    @property
    def figure_y(self) -> float:
        """The figures' baseline, just under the line: they read as one with the title."""
        return self.mark_y + 5 + FIGURE_SIZE + 1

    @property
    def height(self) -> float:
        return self.figure_y - self.y + ROW_GAP

    @property
    def x(self) -> float:
        return chart_x(self.row.difference or 0.0)

    @property
    def low_x(self) -> float:
        return chart_x(self.row.interval[0]) if self.row.interval else self.x

    @property
    def high_x(self) -> float:
        return chart_x(self.row.interval[1]) if self.row.interval else self.x

    @property
    def text(self) -> str:
        if self.row.enough:
            return difference_text(self.row)
        return (f"too few stories to say ({self.row.present.total} present, "
                f"{self.row.absent.total} absent)")


@dataclass(frozen=True)
class DifferenceChart:
    width: int
    height: float
    rows: tuple[DifferenceRow, ...]
    zero_x: float
    axis: tuple[tuple[float, str, str], ...]  # (x, label, text-anchor)
    axis_y: float


def difference_chart(figures: WhatWins) -> DifferenceChart:
    """Each criterion's difference with its interval, one row each: the ranked ones,
    then the rest, which the template draws muted and without a point estimate."""
    rows = []
    top = 0.0
    for row in figures.rows:
        lines = tuple(textwrap.wrap(row.criterion.title, TITLE_CHARACTERS)) or ("",)
        shape = DifferenceRow(row, top, lines)
        rows.append(shape)
        top += shape.height
    # The end labels start and end at the chart's edges, not at the scale's ends.
    axis = ((0.0, "−100", "start"), (chart_x(-0.5), "−50", "middle"),
            (chart_x(0), "0", "middle"), (chart_x(0.5), "+50", "middle"),
            (float(CHART_WIDTH), "+100 pts", "end"))
    return DifferenceChart(CHART_WIDTH, top + AXIS_HEIGHT, tuple(rows), chart_x(0), axis,
                           top + FIGURE_SIZE + 2)
