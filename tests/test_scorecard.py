"""The scorecard: every criterion by skill at /scorecard/, and scorecard.csv for a
call-scoring tool, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import date

from generator.load import load_library
from generator.pages import render_site
from helpers import CRITERION, REPO, TODAY

COLUMNS = ["id", "title", "skill", "stage", "scale", "weight", "definition",
           "anchor_1", "anchor_2", "anchor_3", "anchor_4", "anchor_5", "anchor_yes", "anchor_no"]


def test_the_sample_scorecard_csv_has_one_row_per_criterion(sample_site):
    library = load_library(REPO / "content", today=date(2026, 11, 1)).library
    with open(sample_site / "scorecard.csv", newline="", encoding="utf-8") as file:
        header, *rows = list(csv.reader(file))
    assert header == COLUMNS
    assert sorted(row[0] for row in rows) == sorted(c.id for c in library.criteria)
    for row in rows:
        criterion = library.criterion(row[0])
        assert len(row) == len(COLUMNS)
        assert row[1:7] == [criterion.title, criterion.skill, criterion.stage or "",
                            criterion.scale, f"{criterion.weight:g}", criterion.description]
        anchors = dict(zip(COLUMNS[7:], row[7:], strict=True))
        assert {k: v for k, v in anchors.items() if v} == {
            f"anchor_{level}": text for level, text in criterion.anchors}


def test_the_scorecard_page_groups_criteria_by_skill_and_links_the_csv(sample_site):
    html = (sample_site / "scorecard" / "index.html").read_text("utf-8")
    assert 'href="../scorecard.csv" download' in html
    library = load_library(REPO / "content", today=date(2026, 11, 1)).library
    for criterion in library.criteria:
        assert f'id="criterion-{criterion.id}"' in html
    positions = [html.index(f'id="criterion-{c.id}"') for skill in
                 library.taxonomy.terms["skills"] for c in library.criteria_for(skill.id)]
    assert positions == sorted(positions)  # in skill order, each skill's criteria together
    assert "Present: what it sounds like" in html and "Absent: what it sounds like" in html


def _csv_rows(library) -> list[list[str]]:
    result = library.load()
    assert result.errors == []
    (file,) = [f for f in render_site(result.library, TODAY, {}) if f.path == "scorecard.csv"]
    return list(csv.reader(io.StringIO(str(file.content), newline="")))


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(library):
    library.write("criteria/formula.md", CRITERION
                  .replace("title: Surfaces the security review early",
                           "title: '=HYPERLINK(\"https://evil.example\",\"Click\")'")
                  .replace("description: By the second call",
                           "description: +1 if by the second call")
                  .replace("1: Security is not mentioned.", "1: '@SUM(A1:A9) -- not mentioned'")
                  .replace("2: Asked, but no owner or date.", "2: '-2 owners, no date'"))
    header, *rows = _csv_rows(library)
    row = next(r for r in rows if r[0] == "formula")
    title, definition = row[1], row[6]
    anchors = dict(zip(header[7:], row[7:], strict=True))
    assert title == "'=HYPERLINK(\"https://evil.example\",\"Click\")"
    assert definition.startswith("'+1 if by the second call")
    assert anchors["anchor_1"] == "'@SUM(A1:A9) -- not mentioned"
    assert anchors["anchor_2"] == "'-2 owners, no date"
    # Nothing else is touched, and no cell of any row starts with a formula character.
    assert next(r for r in rows if r[0] == "security-early")[1] == \
        "Surfaces the security review early"
    assert not [cell for r in rows for cell in r if cell[:1] in ("=", "+", "-", "@")]
