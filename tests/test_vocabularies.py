"""Vocabularies a team declares in taxonomy.yml: every surface follows, with no code change.

A copy of the sample declares `industries` (one per story, the sample's own terms, with a
weight that outranks every other shared facet) and `regions` (a list, with aliases).
Expected values are counted by hand from the sample's stories: manufacturing is
approvers-on-the-shop-floor, cfo-met-in-week-two and security-questionnaire-sent-week-one
(wins), erp-native-module-good-enough and implementation-range-lost-to-fixed-fee (losses).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.links import RelatedIndex
from generator.load import load_library
from helpers import (
    EPOCH,
    EPOCH_DATE,
    REPO,
    TAXONOMY,
    build,
    copy_of_the_sample,
    launch_chromium,
    make_repo,
)

MANUFACTURING = ["approvers-on-the-shop-floor", "cfo-met-in-week-two",
                 "erp-native-module-good-enough", "implementation-range-lost-to-fixed-fee",
                 "security-questionnaire-sent-week-one"]
# The sample's declaration, and what the copy declares instead.
SAMPLE_DECLARATION = ("    related_weight: 0       # shared industry does not make stories "
                      "related here\n")
DECLARATIONS = """\
    related_weight: 50
  regions:
    field: regions
    title: Regions
    label: Regions
    multiple: true
"""
REGIONS = """
regions:
  emea: {title: EMEA, aliases: [europe]}
  north-america: {title: North America, aliases: [na]}
"""
# story -> its regions line, as an author writes it (an alias is its id)
TAGGED = {"cfo-met-in-week-two": "regions: [europe, north-america]",
          "approvers-on-the-shop-floor": "regions: [na]"}


def declare(root: Path) -> Path:
    """Declare regions in a copy of the sample, give industries a weight, tag two stories."""
    taxonomy = root / "content" / "taxonomy.yml"
    text = taxonomy.read_text(encoding="utf-8")
    assert SAMPLE_DECLARATION in text
    taxonomy.write_text(text.replace(SAMPLE_DECLARATION, DECLARATIONS) + REGIONS,
                        encoding="utf-8")
    for story_id, line in TAGGED.items():
        path = root / "content" / "stories" / f"{story_id}.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\nindustry:", f"\n{line}\nindustry:", 1), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def declared(tmp_path_factory) -> Path:
    return declare(copy_of_the_sample(tmp_path_factory.mktemp("declared")))


@pytest.fixture(scope="module")
def declared_site(declared, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("declared-site") / "site"
    result = build(declared, site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def read(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def test_an_unknown_declared_term_is_named_at_its_line_with_a_suggestion(declared, tmp_path):
    root = copy_of_the_sample(tmp_path / "typo")
    declare(root)
    story = root / "content" / "stories" / "cfo-met-in-week-two.md"
    text = story.read_text(encoding="utf-8")
    story.write_text(text.replace("industry: manufacturing", "industry: manufactoring")
                     .replace("regions: [europe, north-america]", "regions: [europa]"),
                     encoding="utf-8")
    lines = story.read_text(encoding="utf-8").splitlines()
    result = load_library(root / "content", today=EPOCH_DATE)
    found = {(p.field, p.line, p.code): p.message for p in result.errors}
    assert found == {
        ("industry", lines.index("industry: manufactoring") + 1, "term.unknown"):
            "unknown industry 'manufactoring'; did you mean 'manufacturing'?",
        ("regions[0]", lines.index("regions: [europa]") + 1, "term.unknown"):
            "unknown region 'europa'; did you mean 'europe'?",
    }


def test_a_declared_term_has_its_page_with_its_tally_and_an_overview(declared_site):
    page = read(declared_site, "industries/manufacturing")
    assert ('5 stories: <span class="pb-record"><span class="pb-record__win">3 wins</span> · '
            '<span class="pb-record__loss">2 losses</span></span> '
            '<a href="../../stories/?industry=manufacturing">') in page
    for story_id in MANUFACTURING:
        assert f'href="../../stories/{story_id}/"' in page
    assert 'href="../../stories/too-small-for-our-minimum/"' not in page
    overview = read(declared_site, "industries")
    assert '<a href="manufacturing/">Manufacturing</a>' in overview
    regions = read(declared_site, "regions/emea")
    assert "1 story: " in regions and 'href="../../stories/cfo-met-in-week-two/"' in regions


def test_the_story_page_and_the_cards_show_the_declared_values(declared_site):
    story = read(declared_site, "stories/cfo-met-in-week-two")
    assert ('<dt>Regions</dt><dd><a class="pb-facet" href="../../regions/emea/">EMEA</a>, '
            '<a class="pb-facet" href="../../regions/north-america/">North America</a></dd>'
            in story)
    assert ('<dt>Industry</dt><dd><a class="pb-facet" href="../../industries/manufacturing/">'
            'Manufacturing</a></dd>') in story
    # A card elsewhere, and the finder's result fields for this story.
    term_page = read(declared_site, "stages/discovery")
    # In taxonomy order: the built-ins, then the declared ones as declared.
    assert ("vs Umbrella Procure · CFO · Discovery · Manufacturing · EMEA, North America · "
            '<time datetime="2026-06-23">') in term_page
    assert ('<span data-pagefind-meta="facts">vs Umbrella Procure · CFO · Discovery · '
            "Manufacturing · EMEA, North America</span>") in story
    assert '<span data-pagefind-filter="industry">manufacturing</span>' in story
    assert '<span data-pagefind-filter="regions">north-america</span>' in story


def test_related_stories_use_the_declared_weight(declared):
    library = load_library(declared / "content", today=EPOCH_DATE).library
    story = library.story("cfo-met-in-week-two")
    related = RelatedIndex(library.stories, library.taxonomy.vocabularies).related(story)
    # Weight 50 outweighs every other shared facet: the four other manufacturers lead.
    assert sorted(s.id for s in related[:4]) == [s for s in MANUFACTURING if s != story.id]
    # The sample declares weight 0: related stories are what they were before industries.
    sample = load_library(REPO / "content", today=EPOCH_DATE).library
    before = RelatedIndex(sample.stories, sample.taxonomy.vocabularies).related(
        sample.story(story.id))
    assert [s.id for s in before][:2] == ["roi-model-in-their-spreadsheet",
                                          "new-cfo-brought-umbrella"]


def test_insights_list_the_declared_coverage(declared_site):
    insights = read(declared_site, "insights")
    assert ("Stories by outcome for each skill, each competitor, each industry and each "
            "region.") in insights
    assert ('<tr><th scope="row"><a href="../industries/manufacturing/">Manufacturing</a></th>'
            '<td><a href="../stories/?industry=manufacturing&amp;outcome=win">3</a></td>'
            '<td><a href="../stories/?industry=manufacturing&amp;outcome=loss">2</a></td>'
            "<td>none</td><td>60% wins</td></tr>") in insights
    assert '<a href="../regions/emea/">EMEA</a>' in insights


def test_playbook_new_story_asks_for_and_takes_a_declared_field(declared, tmp_path):
    env = {"SOURCE_DATE_EPOCH": EPOCH}
    args = [sys.executable, "-m", "generator.cli", "new", "story", "--title", "Plant visit won",
            "--outcome", "win", "--interviewed", "2026-05-04", "--buyer-role", "cfo",
            "--stage", "discovery", "--skills", "discovery", "--industry", "mfg-typo"]
    result = subprocess.run(args, cwd=declared, capture_output=True, text=True,
                            env={**os.environ, **env})
    assert result.returncode == 2
    assert result.stderr.startswith("playbook new story: unknown industry 'mfg-typo'")
    args[-1] = "Manufacturing"  # a title is taken as its id
    result = subprocess.run([*args, "--regions", "europe,na"], cwd=declared,
                            capture_output=True, text=True,
                            env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    written = declared / "content" / "stories" / "plant-visit-won.md"
    try:
        text = written.read_text(encoding="utf-8")
        assert "\nindustry: manufacturing\n" in text  # one value before the lists
        assert "\nregions: [emea, north-america]\n" in text
    finally:
        written.unlink()
    result = subprocess.run([*args[:-2], "--industri", "retail"], cwd=declared,
                            capture_output=True, text=True,
                            env={**os.environ, **env})
    assert result.returncode == 2
    assert result.stderr.startswith("playbook new story: unknown option --industri; did you "
                                    "mean --industry?")
    assert result.stderr.count("\n") == 1


def test_the_finder_filters_by_a_declared_parameter_in_chromium(declared_site):
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from playwright.sync_api import sync_playwright

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(declared_site))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/stories/?industry="
                      "manufacturing")
            page.wait_for_selector("[data-finder-list][data-finder-ready]")
            assert page.locator("select[name=industry]").input_value() == "manufacturing"
            assert page.locator("[data-finder-count]").inner_text() == \
                "5 of 28 stories, newest first"
            shown = page.locator("[data-finder-list] > li .pb-card__title").evaluate_all(
                "els => els.map(e => e.getAttribute('href'))")
            assert sorted(h.strip("/").split("/")[-1] for h in shown) == MANUFACTURING
            browser.close()
    finally:
        server.shutdown()


# -- the declaration itself, checked at its line ------------------------------------

BAD_DECLARATIONS = [
    ("  industries: {field: industry, title: Industries, label: Industry, multipel: true}\n",
     "vocabularies.industries.multipel", "field.unknown",
     "unknown field 'multipel' in the vocabulary 'industries'; did you mean 'multiple'?"),
    ("  industries: {field: title, title: Industries, label: Industry}\n",
     "vocabularies.industries.field", "taxonomy.field-clash",
     "the vocabulary 'industries' uses the field 'title', which stories (or the finder) "
     "already use for something else"),
    ("  industries: {field: competitor, title: Industries, label: Industry}\n",
     "vocabularies.industries.field", "taxonomy.field-clash",
     "the vocabulary 'industries' uses the field 'competitor', which the vocabulary "
     "'competitors' already uses"),
    ("  industries: {field: q, title: Industries, label: Industry}\n",
     "vocabularies.industries.field", "taxonomy.field-clash",
     "the vocabulary 'industries' uses the field 'q', which stories (or the finder) "
     "already use for something else"),
    ("  stories: {field: industry, title: Industries, label: Industry}\n",
     "vocabularies.stories", "taxonomy.folder-clash",
     "the vocabulary 'stories' would put its pages in /stories/, which generated pages "
     "already use"),
    ("  industries: {field: industry, title: Industries, label: Industry, "
     "related_weight: heavy}\n",
     "vocabularies.industries.related_weight", "field.type",
     "expected 'related_weight' to be a number from 0 to 100; found the text 'heavy'"),
    ("  industries: {title: Industries, label: Industry}\n",
     "vocabularies.industries", "field.required",
     "the vocabulary 'industries' needs 'field'; it is missing"),
    ("  industries: {field: industry, title: \"Industries\\a\", label: Industry}\n",
     "vocabularies.industries.title", "text.control-character", ""),
]


@pytest.mark.parametrize("line, field, code, message", BAD_DECLARATIONS)
def test_a_bad_declaration_is_reported_at_its_line(library, line, field, code, message):
    key = line.split(":")[0].strip()  # the declared vocabulary, with a term of its own
    library.write("taxonomy.yml", "vocabularies:\n" + line + TAXONOMY + f"{key}:\n"
                  "  fintech: {title: Fintech}\n")
    # One problem, at the declaration: its terms are not reported again as unknown.
    problems = [p for p in library.load().problems if p.path.endswith("taxonomy.yml")]
    assert [p.field for p in problems] == [field]
    if code == "text.control-character":  # hostile text is screened like any field's
        assert [(p.line, p.code) for p in problems] == [(2, code)], library.load().problems
        return
    assert [(p.line, p.code, p.message) for p in problems] == [(2, code, message)], \
        library.load().problems


def test_the_block_cannot_name_itself(library):
    library.write("taxonomy.yml", "vocabularies:\n"
                  "  vocabularies: {field: industry, title: Industries, label: Industry}\n"
                  + TAXONOMY)
    [problem] = [p for p in library.load().problems if p.path.endswith("taxonomy.yml")]
    assert (problem.line, problem.field, problem.code) == (
        2, "vocabularies.vocabularies", "id.not-slug")


def test_a_declared_vocabulary_without_terms_is_reported_at_its_declaration(library):
    library.write("taxonomy.yml", "vocabularies:\n"
                  "  industries: {field: industry, title: Industries, label: Industry}\n"
                  + TAXONOMY)
    [problem] = [p for p in library.load().problems if p.path.endswith("taxonomy.yml")]
    assert (problem.line, problem.code, problem.message) == (
        2, "taxonomy.vocabulary-missing", "the vocabulary 'industries' is missing its terms")


def test_a_declaration_retitles_a_built_in_vocabulary(library):
    library.write("taxonomy.yml", "vocabularies:\n"
                  "  competitors: {title: Rivals, related_weight: 2}\n" + TAXONOMY)
    result = library.load()
    assert result.problems == []
    rivals = result.library.taxonomy.vocabulary("competitors")
    assert (rivals.title, rivals.related_weight, rivals.field) == ("Rivals", 2.0, "competitor")


# -- no built-in vocabulary name outside the defaults --------------------------------

# What counts: the six built-ins' taxonomy keys, story fields and URL folder
# (skills, competitors, roles, objections, stages, deal_sizes, deal-sizes, competitor,
# buyer_role, deal_size) written as a whole string literal ("competitors") or read as an
# attribute (story.competitor), in generator/'s Python, its templates and the theme's
# JavaScript. Comments, docstrings and prose inside longer strings are not code. The
# finder parameters "skill", "stage", "role", "objection" are left out: "skill" and
# "stage" are also the criterion format's own fields and ramp item kinds (criteria name
# a skill and a stage), and "role" is an ARIA attribute; their use as vocabularies
# goes through Taxonomy.named_by, which the defaults map.
NAMES = ("skills", "competitors", "roles", "objections", "stages", "deal_sizes", "deal-sizes",
         "competitor", "buyer_role", "deal_size")
_ANY = "|".join(NAMES)
LITERAL = re.compile(rf"""["']({_ANY})["']|\.({_ANY})\b""")
ALLOWED = {
    "generator/vocabularies.py",  # the defaults
    "generator/stages.py",  # "stages" there are the pipeline's, the module's own name
}


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of the lines that are code: Python comments and docstrings,
    and Jinja and JavaScript comments, are left out."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        import ast
        import io
        import tokenize

        docstrings = set()
        for node in ast.walk(ast.parse(text)):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and \
                    isinstance(body[0].value, ast.Constant) and \
                    isinstance(body[0].value.value, str):
                docstrings |= set(range(body[0].lineno, (body[0].end_lineno or 0) + 1))
        lines = text.splitlines()
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                row, col = token.start
                lines[row - 1] = lines[row - 1][:col]
        return [(n, line) for n, line in enumerate(lines, 1) if n not in docstrings]
    text = re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group().count("\n"), text, flags=re.S)
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), text, flags=re.S)
    return [(n, re.sub(r"(^|\s)//.*", "", line)) for n, line in enumerate(text.splitlines(), 1)]


def test_no_built_in_vocabulary_name_is_written_outside_the_defaults():
    files = [*(REPO / "generator").rglob("*.py"), *(REPO / "generator").rglob("*.j2"),
             *(REPO / "theme" / "assets").glob("*.js")]
    found = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
             for path in sorted(files) if path.relative_to(REPO).as_posix() not in ALLOWED
             for number, line in _code_lines(path) if LITERAL.search(line)]
    assert found == []


def test_the_name_check_sees_a_name_in_code_and_not_in_a_comment(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""About competitors."""\n# story.competitor\nx = story.competitor\n'
                      'y = by("skills")\nz = "the skills it teaches"\n', encoding="utf-8")
    assert [n for n, line in _code_lines(sample) if LITERAL.search(line)] == [3, 4]


def test_declared_names_are_text_on_every_page(library, tmp_path, monkeypatch):
    """A declaration's title, label and card prefix are shown as text, never as markup."""
    library.write("taxonomy.yml", "vocabularies:\n  segments: {field: segment, title: "
                  "'<script>alert(1)</script> & Co', label: '<i>Seg</i>', card_prefix: '<b>'}\n"
                  + TAXONOMY + "segments:\n  smb: {title: Small & <em>busy</em>}\n")
    story = library.content / "stories" / "globex-soc2.md"
    story.write_text(story.read_text(encoding="utf-8").replace(
        "\ndeal_size:", "\nsegment: smb\ndeal_size:"), encoding="utf-8")
    root = make_repo(library)
    site = tmp_path / "site"
    result = build(root, site)
    assert result.returncode == 0, result.stdout + result.stderr
    overview = read(site, "segments")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in overview
    page = read(site, "stories/globex-soc2")
    assert "<dt>&lt;i&gt;Seg&lt;/i&gt;</dt>" in page
    assert "&lt;b&gt;Small &amp; &lt;em&gt;busy&lt;/em&gt;" in page
    for text in (overview, page, read(site, "segments/smb"), read(site, "insights")):
        assert "<script>alert" not in text and "<i>Seg" not in text and "<em>busy" not in text
