"""Generated-file records: each page knows its source file and whether it is in the nav."""

from __future__ import annotations

from generator.load import load_library
from generator.pages import render_site
from helpers import REPO, build, make_repo


def test_every_generated_page_names_its_source_and_only_sections_are_in_the_nav():
    library = load_library(REPO / "content").library
    files = {f.path: f for f in render_site(library, library.stories[0].interviewed, {})}
    for story in library.stories:
        assert files[f"stories/{story.id}.md"].source == f"content/stories/{story.id}.md"
        assert not files[f"stories/{story.id}.md"].in_nav
    for criterion in library.criteria:
        assert files[f"criteria/{criterion.id}.md"].source == f"content/criteria/{criterion.id}.md"
    in_nav = sorted(path for path, f in files.items() if f.in_nav)
    skills = [f"skills/{t.id}.md" for t in library.taxonomy.terms["skills"]]
    assert set(skills) <= set(in_nav)
    assert not [p for p in in_nav if p.startswith(("stories/", "competitors/")) and
                not p.endswith("index.md")]


def test_mkdocs_yml_keeps_no_list_of_generated_pages():
    assert "not_in_nav" not in (REPO / "mkdocs.yml").read_text(encoding="utf-8")


def test_a_story_page_edit_link_opens_its_markdown_file(library, tmp_path):
    root = make_repo(library)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8")
                      + "repo_url: https://github.com/acme/playbook\nedit_uri: edit/main/docs/\n",
                      encoding="utf-8")
    site = tmp_path / "site"
    result = build(root, site)
    assert result.returncode == 0, result.stderr
    story = (site / "stories" / "globex-soc2" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/acme/playbook/edit/main/content/stories/globex-soc2.md"' \
        in story
    criterion = (site / "criteria" / "security-early" / "index.html").read_text(encoding="utf-8")
    assert "edit/main/content/criteria/security-early.md" in criterion
    # A page made from the whole library has no single file to edit.
    assert "/edit/" not in (site / "stories" / "index.html").read_text(encoding="utf-8")
    # Without repo_url there is no edit link at all.
    plain = tmp_path / "plain"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "repo_url: https://github.com/acme/playbook\n", ""), encoding="utf-8")
    assert build(root, plain).returncode == 0
    assert "/edit/" not in (plain / "stories" / "globex-soc2" / "index.html").read_text(
        encoding="utf-8")
