"""The scorecard: every criterion by skill at /scorecard/, and /scorecard.csv for
loading into a call-scoring tool."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

from ..library import Library
from ..model import Criterion, Term
from ..source import HOSTILE_TEXT
from ..urls import SCORECARD_CSV
from .files import GeneratedFile
from .render import Renderer

# Anchor columns of the CSV: every level of every scale, one column each.
LEVEL_COLUMNS = ("1", "2", "3", "4", "5", "yes", "no")
COLUMNS = ("id", "title", "skill", "stage", "scale", "weight", "definition",
           *(f"anchor_{level}" for level in LEVEL_COLUMNS))
# A spreadsheet runs a cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet shows rather than runs: a leading quote
    before a formula character, as OWASP advises; a control character or
    noncharacter (which validation refuses) becomes U+FFFD, as in the feed."""
    cell = HOSTILE_TEXT.sub("\ufffd", cell)
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def by_skill(library: Library) -> list[tuple[Term, tuple[Criterion, ...]]]:
    """Skills in taxonomy order with their criteria; skills without criteria left out."""
    groups = [(skill, library.criteria_for(skill.id))
              for skill in library.taxonomy.terms[library.taxonomy.named_by("skill")]]
    return [(skill, criteria) for skill, criteria in groups if criteria]


def scorecard_csv(library: Library) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for skill, criteria in by_skill(library):
        for criterion in criteria:
            anchors = dict(criterion.anchors)
            row = [criterion.id, criterion.title, skill.id, criterion.stage or "",
                   criterion.scale, f"{criterion.weight:g}", criterion.description,
                   *(anchors.get(level, "") for level in LEVEL_COLUMNS)]
            writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library = renderer.library
    yield renderer.page("scorecard.md.j2", "scorecard.md", in_nav=True,
                        groups=by_skill(library), csv_path=SCORECARD_CSV)
    yield GeneratedFile(SCORECARD_CSV, scorecard_csv(library))
