"""Insights: gap and stale warnings at their lines, and the /insights/ page."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

from generator.build import Settings, run
from generator.load import load_library
from generator.options import InsightOptions
from helpers import STORY, TODAY


def _stories(library, count: int, **changes: str) -> None:
    """`count` copies of the fixture story (a loss), named s0.md, s1.md, ..."""
    text = STORY
    for old, new in changes.items():
        text = text.replace(old, new)
    for index in range(count):
        library.story(text, f"s{index}.md")


def test_a_stale_story_is_a_warning_at_its_interviewed_line(library):
    library.story(STORY.replace("interviewed: 2026-03-14", "interviewed: 2024-11-30"), "old.md")
    library.story(STORY.replace("interviewed: 2026-03-14", "interviewed: 2024-12-01"), "edge.md")
    library.story(STORY.replace("interviewed: 2026-03-14", "interviewed: 2026-06-01"), "new.md")
    result = library.load()  # the newest story 2026-06-01: 18 months back is 2024-12-01
    found = [(p.path, p.line, p.field, p.severity) for p in result.problems
             if p.code == "insights.stale"]
    assert found == [("content/stories/old.md", 5, "interviewed", "warning")]
    assert result.errors == []


def test_stale_after_months_is_configurable(library):
    library.story(STORY.replace("interviewed: 2026-03-14", "interviewed: 2025-11-30"), "old.md")
    library.story(STORY.replace("interviewed: 2026-03-14", "interviewed: 2026-06-01"), "new.md")
    result = load_library(library.content, today=TODAY,
                          options=InsightOptions(stale_after_months=6))
    assert [(p.path, p.line) for p in result.problems if p.code == "insights.stale"] == [
        ("content/stories/old.md", 5)]


def test_gaps_are_warnings_at_the_terms_lines_in_the_taxonomy(library):
    # Ten losses: discovery has no win, stakeholder-engagement no story at all,
    # northwind no story, the security objection only losses.
    _stories(library, 9)
    result = library.load()
    found = sorted((p.line, p.field, p.severity) for p in result.problems
                   if p.code == "insights.gap" and p.path == "content/taxonomy.yml")
    assert found == [
        (2, "skills.discovery", "warning"),
        (3, "skills.stakeholder-engagement", "warning"),
        (6, "competitors.northwind", "warning"),
        (12, "objections.security", "warning"),
    ]
    assert not [p for p in result.problems if p.code == "insights.gap"
                and p.path != "content/taxonomy.yml"]


def test_gaps_wait_for_a_library_large_enough_to_have_them(library):
    _stories(library, 3)  # four stories in all, under the default of ten
    assert [p for p in library.load().problems if p.code == "insights.gap"] == []


def test_a_win_closes_the_skill_gap_and_a_recent_story_the_competitor_gap(library):
    _stories(library, 8)
    library.story(STORY.replace("outcome: loss\nloss_reason: execution\n", "outcome: win\n")
                  .replace("competitor: globex", "competitor: northwind")
                  .replace("skills: [discovery]",
                           "skills: [discovery, stakeholder-engagement]"), "won.md")
    library.story(STORY.replace("skills: [discovery]", "skills: [stakeholder-engagement]"),
                  "lost.md")
    fields = [p.field for p in library.load().problems if p.code == "insights.gap"]
    assert fields == []


def test_validate_fails_on_gaps_only_with_strict(library):
    from helpers import REPO, validate_json

    _stories(library, 9)
    code, problems = validate_json("--content", str(library.content), "--no-audio", cwd=REPO)
    assert code == 0 and {p["code"] for p in problems} == {"insights.gap"}
    code, _ = validate_json("--content", str(library.content), "--no-audio", "--strict",
                            cwd=REPO)
    assert code == 1


def test_the_insights_page_has_coverage_charts_and_data_tables(sample_site):
    html = (sample_site / "insights" / "index.html").read_text(encoding="utf-8")
    article = html.split("<article")[1].split("</article>")[0]
    assert article.count('<svg viewBox="0 0 340') == 2 and "<script" not in article
    assert "<title id=\"chart-objections-title\">Objections raised, by quarter of interview" \
        in html
    assert html.count("<caption>") == 2  # each chart's figures as a table
    assert "ERP native AP module" in html
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert 'href="insights/"' in home


class _MarkedCells(HTMLParser):
    """(row's link, column) of every coverage cell marked as a gap."""

    COLUMNS = ("win", "loss", "no-decision")

    def __init__(self):
        super().__init__()
        self.marked: set[tuple[str, str]] = set()
        self.row = ""
        self.column = -1

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "tr":
            self.row, self.column = "", -1
        elif tag == "a" and not self.row and self.column == -1:
            self.row = (found.get("href") or "").strip("./")
        elif tag == "td" and self.row:
            self.column += 1
            if self.column < 3 and "pb-coverage__empty" in (found.get("class") or ""):
                self.marked.add((self.row, self.COLUMNS[self.column]))


def _marked(html: str) -> set[tuple[str, str]]:
    parser = _MarkedCells()
    parser.feed(html.split("pb-coverage", 1)[1] if "pb-coverage" in html else "")
    return parser.marked


def test_the_coverage_table_marks_exactly_the_gaps_it_lists(library):
    # Ten losses (as above): discovery lacks a win, stakeholder-engagement both; Globex
    # has losses only, which is no gap for a competitor (it needs a recent story), so
    # its empty win cell is not marked.
    _stories(library, 9)
    built = run(Settings(library.content, today=TODAY, check_audio=False))
    page = next(f.text for f in built.files if f.path == "insights.md")
    assert _marked(page) == {("skills/discovery", "win"),
                             ("skills/stakeholder-engagement", "win"),
                             ("skills/stakeholder-engagement", "loss")}
    assert "Discovery</a> (skill) has no win story" in page


def test_the_samples_insights_say_no_gaps_and_mark_no_cell(sample_site):
    html = (sample_site / "insights" / "index.html").read_text(encoding="utf-8")
    assert "No gaps:" in html
    assert _marked(html) == set()


def test_a_charts_series_title_sits_on_its_own_line_above_its_bars():
    """Titles never share a line with bars, so a long title cannot squeeze them on a phone."""
    from generator.analysis.insights import Chart, Series, layout

    chart = Chart("Objections", ((2026, 1), (2026, 2), (2026, 3), (2026, 4)),
                  (Series("price", "Implementation effort", (2, 1, 0, 0)),
                   Series("security", "Security", (0, 0, 0, 1))))
    shape = layout(chart)
    assert shape.width == 340
    first, second = shape.rows
    # 340 units in four columns of 85, each bar 3 units in from its column's edges.
    assert [(bar.x, bar.width) for bar in first.bars] == [(3, 79), (88, 79), (173, 79), (258, 79)]
    # The title's baseline at 13, the tallest bar (2 of 2) from 32 down to 54, its count
    # at 29: between the title and the bar; the row's base line at 54.5.
    assert first.title_y == 13
    assert (first.bars[0].y, first.bars[0].height, first.bars[0].count_y) == (32, 22, 29)
    assert (first.bars[1].y, first.bars[1].height) == (43, 11)
    assert first.base_y == 54.5
    # The next row starts 62 units down; the quarters' axis is under the last row.
    assert (second.y, second.title_y, second.base_y) == (62, 75, 116.5)
    assert shape.axis == ((42.5, "Q1 26"), (127.5, "Q2 26"), (212.5, "Q3 26"), (297.5, "Q4 26"))
    assert shape.axis_y > second.base_y + 12 and shape.height >= shape.axis_y


def _year_from_now() -> str:
    """SOURCE_DATE_EPOCH a year after the real today, so the check keeps its meaning
    however long after this commit it runs."""
    from datetime import UTC, datetime, timedelta

    return str(int((datetime.now(UTC) + timedelta(days=365)).timestamp()))


def _playbook(*args: str, cwd, epoch: str):
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd,
                          env={**os.environ, "SOURCE_DATE_EPOCH": epoch},
                          capture_output=True, text=True)


def test_a_newcomers_first_build_prints_no_warning_a_year_from_now(tmp_path):
    # The issue: the sample's stories aged past 18 months and `make site` printed five
    # "stale story" warnings. --strict fails on any warning, the validator's or MkDocs'.
    # The sample's coaching calendar ends in 2027-11: a year on, its months ahead are
    # unplanned, and measured from the newest story they are no gap (calendar.gap).
    from helpers import REPO

    result = _playbook("build", "--strict", "--site-dir", str(tmp_path / "site"), cwd=REPO,
                       epoch=_year_from_now())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower()
    assert b"BEGIN:VEVENT" in (tmp_path / "site" / "calendar.ics").read_bytes()
    validated = _playbook("validate", cwd=REPO, epoch=_year_from_now())
    assert validated.stdout.rstrip().endswith("0 errors, 0 warnings"), validated.stdout


def test_a_real_library_with_an_old_story_still_warns_a_year_from_now(library):
    # A team adds this week's story: the 2026-03-14 story it already had (the fixture) is
    # now more than 18 months older than the newest, so it is stale.
    library.story(STORY.replace("interviewed: 2026-03-14", "interviewed: 2027-12-01"),
                  "this-week.md")
    result = _playbook("validate", "--content", str(library.content), "--no-audio",
                       cwd=library.root, epoch="1828656000")  # 2027-12-13
    assert result.returncode == 0
    assert "content/stories/globex-soc2.md:5: warning [interviewed]: the story is stale: " \
           "interviewed 2026-03-14, more than 18 months before the newest story " \
           "(2027-12-01; before 2026-06-01) (insights.stale)" in result.stdout
    assert "this-week.md:5: warning" not in result.stdout


def test_the_insights_page_lists_stale_stories_against_the_newest_one(library):
    library.story(STORY.replace("interviewed: 2026-03-14", "interviewed: 2024-08-30"), "old.md")
    built = run(Settings(library.content, today=date(2027, 6, 1), check_audio=False))
    page = next(f.text for f in built.files if f.path == "insights.md")
    # The newest story is 2026-03-14, so only old.md (more than 18 months before it) is stale.
    assert "Stories interviewed more than 18 months before the newest story (2026-03-14)" \
        in page
    stale = page.split("Stale stories", 1)[1]
    assert "interviewed 2024-08-30" in stale and "interviewed 2026-03-14" not in stale
