"""Library insights: coverage, trends by quarter, win/loss balance, gaps and stale stories.

Plain computations on the linked library, shared by the /insights/ page and
by validation (which warns about gaps and stale stories).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..library import Library, newest_first
from ..model import LOSS_REASONS, OUTCOMES, Story
from ..options import InsightOptions
from ..vocabularies import Vocabulary


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def measured_from(library: Library, today: date) -> date:
    """The day staleness and competitor recency are measured from: the newest story's
    interview. Warnings reach an author when a story is added, and that story moves
    the day forward, so an active library is measured from about today while a
    library nobody adds to (the sample) never ages into warnings."""
    return max((story.interviewed for story in library.stories), default=today)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarters(stories: tuple[Story, ...] | list[Story]) -> list[tuple[int, int]]:
    """Every quarter from the first interview to the last, empty ones included."""
    if not stories:
        return []
    first = quarter_of(min(s.interviewed for s in stories))
    last = quarter_of(max(s.interviewed for s in stories))
    found = []
    year, q = first
    while (year, q) <= last:
        found.append((year, q))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return found


@dataclass(frozen=True)
class Series:
    """One row of a chart: a term's count in each quarter."""

    id: str
    title: str
    counts: tuple[int, ...]  # one per quarter

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Chart:
    title: str
    quarters: tuple[tuple[int, int], ...]
    series: tuple[Series, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(f"Q{q} {year % 100:02d}" for year, q in self.quarters)

    @property
    def peak(self) -> int:
        return max((c for s in self.series for c in s.counts), default=0)


def terms_by_quarter(library: Library, vocabulary: Vocabulary) -> Chart:
    """How often each term of a vocabulary (objections) comes up, by quarter."""
    spans = quarters(library.stories)
    rows = []
    for term in library.taxonomy.terms[vocabulary.id]:
        counts = [0] * len(spans)
        for story in library.stories_by(vocabulary.id, term.id):
            counts[spans.index(quarter_of(story.interviewed))] += 1
        rows.append(Series(term.id, term.title, tuple(counts)))
    rows.sort(key=lambda s: (-s.total, s.title))
    return Chart(f"{vocabulary.title} raised, by quarter of interview", tuple(spans),
                 tuple(rows))


def loss_reasons_by_quarter(library: Library, titles: dict[str, str]) -> Chart:
    spans = quarters(library.stories)
    rows = []
    for reason in LOSS_REASONS:
        counts = [0] * len(spans)
        for story in library.stories:
            if story.outcome == "loss" and story.loss_reason == reason:
                counts[spans.index(quarter_of(story.interviewed))] += 1
        rows.append(Series(reason, titles.get(reason, reason), tuple(counts)))
    return Chart("Why we lost, by quarter of interview", tuple(spans), tuple(rows))


def coverage(library: Library, vocabulary: str) -> list[tuple[str, str, dict[str, int]]]:
    """(term id, title, outcome -> count) for every term, in taxonomy order."""
    table = []
    for term in library.taxonomy.terms[vocabulary]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for story in library.stories_by(vocabulary, term.id):
            counts[story.outcome] += 1
        table.append((term.id, term.title, counts))
    return table


@dataclass(frozen=True)
class Gap:
    """A place where the library is thin: a taxonomy term coaching cannot draw on."""

    vocabulary: str  # where the term is: its line in taxonomy.yml locates the warning
    term: str
    title: str
    message: str  # what is missing
    hint: str  # what story would close it
    # The outcomes the term has no story for, when that is the gap: the coverage
    # table marks those cells, so table and list say the same.
    missing: tuple[str, ...] = ()


def gaps(library: Library, today: date, options: InsightOptions) -> list[Gap]:
    """The gaps each vocabulary is checked for (its gap_* properties), in taxonomy order
    of the checks: both sides, then recency, then losses only."""
    found = []
    taxonomy = library.taxonomy
    for vocabulary in taxonomy.having("gap_both_sides"):
        what = vocabulary.singular
        for term in taxonomy.terms[vocabulary.id]:
            stories = library.stories_by(vocabulary.id, term.id)
            wins = sum(s.outcome == "win" for s in stories)
            losses = sum(s.outcome == "loss" for s in stories)
            if not stories:
                found.append(Gap(vocabulary.id, term.id, term.title, "has no story at all",
                                 f"add a win and a loss where this {what} decided the deal",
                                 ("win", "loss")))
            elif not wins or not losses:
                missing = "win" if not wins else "loss"
                found.append(Gap(vocabulary.id, term.id, term.title,
                                 f"has no {missing} story ({wins} win{'s' * (wins != 1)}, "
                                 f"{losses} loss{'es' * (losses != 1)})",
                                 f"coaching needs both sides: add a {missing} story tagged "
                                 f"with this {what}", (missing,)))
    since = months_before(measured_from(library, today), options.competitor_months)
    for vocabulary in taxonomy.having("gap_recent"):
        for term in taxonomy.terms[vocabulary.id]:
            stories = library.stories_by(vocabulary.id, term.id)
            if not any(s.interviewed >= since for s in stories):
                last = (f"the newest is from {stories[0].interviewed.isoformat()}" if stories
                        else "there is none")
                found.append(Gap(vocabulary.id, term.id, term.title,
                                 f"has no story from the {options.competitor_months} months "
                                 f"before the newest story ({last})",
                                 "interview a buyer from a recent deal against this "
                                 f"{vocabulary.singular}"))
    for vocabulary in taxonomy.having("gap_only_losses"):
        for term in taxonomy.terms[vocabulary.id]:
            stories = library.stories_by(vocabulary.id, term.id)
            if stories and all(s.outcome == "loss" for s in stories):
                found.append(Gap(vocabulary.id, term.id, term.title,
                                 f"appears only in losses ({len(stories)})",
                                 f"find a win where this {vocabulary.singular} was answered, "
                                 "so reps hear what worked"))
    return found


def stale_stories(library: Library, today: date, options: InsightOptions) -> tuple[Story, ...]:
    """Stories interviewed more than `stale_after_months` before the newest story,
    oldest first."""
    cutoff = months_before(measured_from(library, today), options.stale_after_months)
    return tuple(reversed(newest_first([s for s in library.stories
                                        if s.interviewed < cutoff])))


# -- chart geometry: the SVG templates only draw what this lays out ----------------

# Small multiples in a column: each series' title on its own line, its bars
# below at the chart's full width, so a long title never squeezes the bars and
# 13-unit titles and 12-unit figures stay 12 px or larger on a 390 px phone
# (where the chart is drawn about 358 px wide: a little above 1:1).
CHART_WIDTH = 340  # viewBox units
TITLE_SIZE = 13  # font sizes in viewBox units; playbook.css sets the same
FIGURE_SIZE = 12
COUNT_SPACE = 15  # above the tallest bar, for its count
BAR_SPACE = 22  # tallest bar
ROW_HEIGHT = TITLE_SIZE + 4 + COUNT_SPACE + BAR_SPACE + 8
AXIS_HEIGHT = FIGURE_SIZE + 6


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    quarter: str

    @property
    def count_y(self) -> float:
        """The baseline of the bar's count, just above the bar."""
        return round(self.y - 3, 2)


@dataclass(frozen=True)
class ChartRow:
    title: str
    total: int
    y: float  # top of the row
    bars: tuple[Bar, ...]

    @property
    def title_y(self) -> float:
        return self.y + TITLE_SIZE

    @property
    def base_y(self) -> float:
        """Where every bar of the row stands (a half unit: a crisp 1-unit line)."""
        return self.y + TITLE_SIZE + 4 + COUNT_SPACE + BAR_SPACE + 0.5


@dataclass(frozen=True)
class ChartLayout:
    chart: Chart
    width: int
    height: int
    rows: tuple[ChartRow, ...]
    axis: tuple[tuple[float, str], ...]  # (x centre, quarter label)
    axis_y: float


def layout(chart: Chart) -> ChartLayout:
    """Small multiples: one row of bars per series, one bar per quarter."""
    columns = max(len(chart.quarters), 1)
    column = CHART_WIDTH / columns
    peak = max(chart.peak, 1)
    rows = []
    for index, series in enumerate(chart.series):
        top = index * ROW_HEIGHT
        bars_top = top + TITLE_SIZE + 4 + COUNT_SPACE
        bars = []
        for q, count in enumerate(series.counts):
            height = round(BAR_SPACE * count / peak, 2) if count else 0.0
            bars.append(Bar(round(q * column + 3, 2), round(bars_top + BAR_SPACE - height, 2),
                            round(column - 6, 2), height, count, chart.labels[q]))
        rows.append(ChartRow(series.title, series.total, top, tuple(bars)))
    axis_y = len(rows) * ROW_HEIGHT + FIGURE_SIZE - 2
    axis = tuple((round((q + 0.5) * column, 2), label) for q, label in enumerate(chart.labels))
    return ChartLayout(chart, CHART_WIDTH, len(rows) * ROW_HEIGHT + AXIS_HEIGHT - 4, tuple(rows),
                       axis, axis_y)
