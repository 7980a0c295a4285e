"""The hand-written pages in docs/: front matter that parses, links that lead somewhere."""

from __future__ import annotations

from datetime import date

from generator.checks.docs import generated_pages
from generator.load import load_library
from generator.pages import render_site
from helpers import REPO, STORY, build, indexed_pages, make_repo, validate_json

GUIDE = """\
---
title: Guide
description: Start here: the stories to read first.
---

# Guide
"""

LINKS = """\
# Where to look

Read [Discovery](skills/discovery.md) and [the finder](stories/index.md#filters).
Then [the SOC 2 story](../stories/globex-soc2/), [home](../) and
[Stakeholder engagement](skills/stakeholder-engagmnt.md), a typo.
A story that does not exist: [gone](../stories/acme-gone/).
A URL read from this page's own URL, guide/: [finder](stories/).
[ref]: criteria/security-erly.md
[elsewhere](https://example.com/x.md), [mail](mailto:a@example.com), [top](#where-to-look),
[the contributing page](contributing.md), ![a picture](picture.png)

```
[not a link](skills/in-a-code-block.md)
```
Inline code is not a link either: `[x](skills/in-code.md)`.
"""


def findings(root, *args: str) -> list[tuple]:
    _, problems = validate_json("--content", str(root / "content"), *args, cwd=REPO)
    return [(p["path"], p["line"], p["code"]) for p in problems]


def test_a_yaml_error_in_a_docs_page_is_reported_at_its_line(library):
    docs = library.root / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text(GUIDE, encoding="utf-8")
    (docs / "plain.md").write_text("# No front matter at all\n\nThat is fine.\n",
                                   encoding="utf-8")
    code, problems = validate_json("--content", str(library.content), cwd=REPO)
    assert code == 1
    assert [(p["path"], p["line"], p["code"], p["severity"]) for p in problems] == [
        ("docs/guide.md", 3, "yaml.syntax", "error")]
    assert "not valid YAML" in problems[0]["message"] and problems[0]["hint"]


def test_broken_links_to_generated_pages_are_reported_at_their_lines(library):
    docs = library.root / "docs"
    docs.mkdir()
    (docs / "contributing.md").write_text("# Contributing\n", encoding="utf-8")
    (docs / "guide.md").write_text(LINKS, encoding="utf-8")
    assert findings(library.root) == [
        ("docs/guide.md", 5, "docs.broken-link"),  # skills/stakeholder-engagmnt.md
        ("docs/guide.md", 6, "docs.broken-link"),  # ../stories/acme-gone/
        ("docs/guide.md", 7, "docs.broken-link"),  # stories/ from guide/
        ("docs/guide.md", 8, "docs.broken-link"),  # the reference definition
    ]
    _, problems = validate_json("--content", str(library.content), cwd=REPO)
    assert problems[0]["hint"] == "did you mean 'skills/stakeholder-engagement.md'?"
    assert problems[2]["hint"] == "did you mean '../stories/'?"


def test_the_docs_option_names_another_folder(library):
    handbook = library.root / "handbook"
    handbook.mkdir()
    (handbook / "guide.md").write_text("See [the story](stories/globex-soc3.md).\n",
                                       encoding="utf-8")
    assert findings(library.root) == []  # no docs/ next to content/
    assert findings(library.root, "--docs", str(handbook)) == [
        ("handbook/guide.md", 1, "docs.broken-link")]


def test_a_link_to_a_story_with_errors_blames_only_the_story(library):
    library.story(STORY.replace("competitor: globex", "competitor: globx"))
    docs = library.root / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("See [Acme](stories/acme.md).\n", encoding="utf-8")
    assert findings(library.root) == [("content/stories/acme.md", 9, "term.unknown")]


def test_the_sample_docs_validate_clean():
    code, problems = validate_json("--no-audio", cwd=REPO)
    assert (code, problems) == (0, [])


def test_generated_pages_are_the_pages_the_site_renders():
    library = load_library(REPO / "content", today=date(2026, 11, 1)).library
    assert generated_pages(library) == {
        f.path for f in render_site(library, date(2026, 11, 1), {}) if f.is_page}


def test_the_ramp_page_shows_its_text_not_its_front_matter(sample_site):
    html = (sample_site / "ramp" / "new-account-executive" / "index.html").read_text("utf-8")
    assert "title: " not in html and "summary: " not in html
    assert '<meta name="description" content="Your first ninety days: hear what buyers' in html
    ramp = [found for found in indexed_pages(sample_site) if found["url"].startswith("/ramp/")]
    assert ramp and not any("title: " in found["content"] for found in ramp)


def test_the_build_refuses_a_broken_docs_link_as_validate_does(library, tmp_path):
    root = make_repo(library)
    (root / "docs" / "guide.md").write_text(
        "# Ramp\n\nRead [Discovery](skills/discovery.md), then\n"
        "[Negotiation](skills/negotiation.md).\n", encoding="utf-8")
    result = build(root, tmp_path / "site")
    assert result.returncode == 1
    assert "docs/guide.md:4: error: the link 'skills/negotiation.md'" in result.stderr
    assert "(docs.broken-link)" in result.stderr
    assert findings(root) == [("docs/guide.md", 4, "docs.broken-link")]
