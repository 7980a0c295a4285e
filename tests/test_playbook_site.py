"""The cross-linked playbook as managers and reps read it, in the built sample."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from markupsafe import escape

from generator.load import load_library
from generator.vocabularies import vocabularies
from helpers import REPO, TAXONOMY, build, indexed_pages, make_repo


def read(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def section(html: str, heading: str) -> str:
    """The HTML from an h2 with this text up to the next h2."""
    start = re.search(r"<h2[^>]*>" + re.escape(heading), html)
    assert start, f"no section {heading!r}"
    rest = html[start.end():]
    end = re.search(r"<h2[\s>]", rest)
    return rest[: end.start()] if end else rest


def test_every_taxonomy_term_has_its_page_and_every_vocabulary_an_overview(sample_site):
    library = load_library(REPO / "content").library
    for vocabulary, directory in ((v.id, v.folder) for v in library.taxonomy.vocabularies):
        overview = read(sample_site, directory)
        for term in library.taxonomy.terms[vocabulary]:
            html = read(sample_site, f"{directory}/{term.id}")
            assert f">{escape(term.title)}<" in html
            stories = library.stories_by(vocabulary, term.id)
            assert f'href="{term.id}/"' in overview
            if vocabulary == "skills":  # a balanced selection, and the rest in the finder
                assert f'href="../../stories/?skill={term.id}"' in html
            else:  # the newest 12, and all of them in the finder
                for story in stories[:12]:
                    assert f'href="../../stories/{story.id}/"' in html, (term.id, story.id)
                param = library.taxonomy.vocabulary(vocabulary).param
                if len(stories) > 12:
                    assert f'All {len(stories)} {escape(term.title)} stories in the finder' \
                        in html
                    assert f'href="../../stories/?{param}={term.id}"' in html
            wins = sum(s.outcome == "win" for s in stories)
            losses = sum(s.outcome == "loss" for s in stories)
            if stories:
                assert f"{wins} win" in html and f"{losses} loss" in html


def test_a_term_page_shows_its_newest_stories(sample_site):
    library = load_library(REPO / "content").library
    html = read(sample_site, "competitors/northwind")
    stories = library.stories_by("competitors", "northwind")
    part = section(html, f"Stories ({len(stories)})")
    assert re.findall(r'class="pb-card__title" href="../../stories/([a-z0-9-]+)/"', part) == \
        [s.id for s in stories]


def test_a_competitor_page_shows_objections_and_winning_takeaways(sample_site):
    library = load_library(REPO / "content").library
    html = read(sample_site, "competitors/globex")
    stories = library.stories_by("competitors", "globex")
    objections = section(html, "Objections raised in these deals")
    for story in stories:
        for objection in story.facet("objections"):
            assert f'href="../../objections/{objection}/"' in objections
    takeaways = section(html, "Takeaways that won")
    for story in stories:
        assert (str(escape(story.takeaway)) in takeaways) == (story.outcome == "win")


def test_other_term_pages_show_the_competitors_involved(sample_site):
    library = load_library(REPO / "content").library
    html = read(sample_site, "objections/security")
    involved = section(html, "Competitors involved")
    for story in library.stories_by("objections", "security"):
        if story.single("competitors"):
            assert f'href="../../competitors/{story.single("competitors")}/"' in involved


def test_a_skill_page_is_a_coaching_page(sample_site):
    library = load_library(REPO / "content").library
    html = read(sample_site, "skills/discovery")
    guide = section(html, "Scoring guide")
    for criterion in library.criteria_for("discovery"):
        assert str(escape(criterion.description)) in guide
        # The examples are dialogue, one turn a line (<br>): compare the words shown.
        shown = " ".join(unescape(re.sub(r"<[^>]+>", " ", guide)).split())
        for example in (criterion.present, criterion.absent):
            assert " ".join(example.split()) in shown, criterion.id
        for _, behaviour in criterion.anchors:
            assert str(escape(behaviour)) in guide
        assert f"Weight: <strong>{criterion.weight:g}</strong>" in guide
    said = section(html, "What buyers said")
    wins, losses = said.split('pb-side--loss', 1)
    assert 'pb-card--win' in wins and 'pb-card--loss' not in wins
    assert 'pb-card--loss' in losses and 'pb-card--win' not in losses
    assert wins.count('class="pb-card ') == losses.count('class="pb-card ')  # balanced
    assert "Try next time" in said and "<audio" in said
    comes_up = section(html, "What comes up")
    assert "../../objections/" in comes_up and "../../competitors/" in comes_up
    grow = section(html, "GROW questions for a 1:1")
    for step in ("Goal", "Reality", "Options", "Will"):
        assert f"<h3>{step}</h3>" in grow


def test_the_home_page_has_the_story_of_the_week_and_entry_points(sample_site):
    library = load_library(REPO / "content").library
    html = read(sample_site, "")
    week = section(html, "Story of the week")
    picked = re.findall(r'class="pb-card__title" href="stories/([a-z0-9-]+)/"', week)
    assert len(picked) == 1 and picked[0] in {s.id for s in library.stories}
    assert "Week 44 of 2026" in week
    assert f"<strong>{len(library.stories)}</strong><span>stories</span>" in html
    wins = sum(s.outcome == "win" for s in library.stories)
    assert f"<strong>{wins}</strong><span>wins</span>" in html
    for skill in library.taxonomy.terms["skills"]:
        assert f'href="skills/{skill.id}/"' in section(html, "Start with a skill")
    for competitor in library.taxonomy.terms["competitors"]:
        assert f'href="competitors/{competitor.id}/"' in section(html, "By competitor")
    newest = sorted(library.stories, key=lambda s: (s.interviewed, s.id), reverse=True)[0]
    assert f'href="stories/{newest.id}/"' in section(html, "Newest stories")


# The ranking the README documents, written out independently of generator.links:
# each shared competitor or objection 4, skill 2, role 1.5, stage 1; ties to the
# newer story, then the smaller id; five at most, never an unrelated story.
# (The sample's industries weigh 0.)
DOCUMENTED_WEIGHTS = (("competitors", 4.0), ("objections", 4.0), ("skills", 2.0),
                      ("roles", 1.5), ("stages", 1.0))


def documented_ranking(story, stories) -> list[str]:
    def terms(s, vocabulary):
        return set(s.facet(vocabulary))

    scored = []
    for other in stories:
        if other.id == story.id:
            continue
        score = sum(weight * len(terms(story, field) & terms(other, field))
                    for field, weight in DOCUMENTED_WEIGHTS)
        if score:
            scored.append((-score, -other.interviewed.toordinal(), other.id))
    return [story_id for _, _, story_id in sorted(scored)[:5]]


def test_a_story_page_links_its_facets_and_related_stories(sample_site):
    library = load_library(REPO / "content").library
    for story in library.stories:
        html = read(sample_site, f"stories/{story.id}")
        facets = html.split('class="pb-facets"', 1)[1].split("</dl>", 1)[0]
        assert f'href="../../roles/{story.single("roles")}/"' in facets
        assert f'href="../../stages/{story.single("stages")}/"' in facets
        for skill in story.facet("skills"):
            assert f'href="../../skills/{skill}/"' in facets
        for objection in story.facet("objections"):
            assert f'href="../../objections/{objection}/"' in facets
        if story.single("competitors"):
            assert f'href="../../competitors/{story.single("competitors")}/"' in facets
        related = section(html, "Related stories")
        assert re.findall(r'href="../([a-z0-9-]+)/"', related) == documented_ranking(
            story, library.stories)
        assert "data-copy-permalink" in html


def test_one_index_serves_the_header_search_and_the_finder(sample_site):
    library = load_library(REPO / "content").library
    # One engine (Pagefind) for every page: the finder keeps to the stories.
    found = indexed_pages(sample_site)
    stories = [p["url"] for p in found if p["filters"]["kind"] == ["story"]]
    assert sorted(stories) == sorted(f"/stories/{story.id}/" for story in library.stories)
    urls = [p["url"] for p in found]
    assert any(url.startswith("/criteria/") for url in urls)
    assert "/contributing/" in urls
    # Material's lunr search is gone: no second index, and no lunr in the pages.
    assert not (sample_site / "search").exists()
    assert 'data-md-component="search"' not in (sample_site / "index.html").read_text("utf-8")


def test_an_empty_term_still_gets_its_page(library, tmp_path):
    root = make_repo(library)
    site = tmp_path / "site"
    result = build(root, site)
    assert result.returncode == 0, result.stderr
    html = read(site, "competitors/northwind")
    assert "No stories are tagged with Northwind yet" in html
    overview = read(site, "competitors")
    assert re.search(r'href="northwind/">Northwind</a></td><td>0</td>', overview)


def test_grow_questions_come_from_the_taxonomy_when_given(library, tmp_path):
    library.write("taxonomy.yml", TAXONOMY.replace(
        "discovery: {title: Discovery}",
        "discovery:\n    title: Discovery\n    grow:\n      goal: [What does a perfect first call"
        " look like to you?]"))
    root = make_repo(library)
    site = tmp_path / "site"
    assert build(root, site).returncode == 0
    grow = section(read(site, "skills/discovery"), "GROW questions for a 1:1")
    assert "What does a perfect first call look like to you?" in grow
    # Steps the skill leaves out fall back to the defaults.
    assert "Which deal will you try it on, and by when?" in grow


def test_the_site_works_under_a_project_path(library, tmp_path):
    root = make_repo(library)
    site = tmp_path / "site"
    result = build(root, site, PLAYBOOK_SITE_URL="https://org.github.io/playbook/")
    assert result.returncode == 0, result.stderr
    not_found = (site / "404.html").read_text(encoding="utf-8")
    assert 'href="/playbook/assets/playbook.css"' in not_found
    story = read(site, "stories/globex-soc2")
    assert '<link rel="canonical" href="https://org.github.io/playbook/stories/globex-soc2/">' \
        in story
    assert 'href="../../competitors/globex/"' in story


def test_finder_page_holds_the_newest_stories_and_every_filter_with_aliases(sample_site):
    library = load_library(REPO / "content").library
    html = read(sample_site, "stories")
    # Readers without JavaScript get the newest stories; the script renders the rest.
    shown = re.findall(r'class="pb-card__title" href="([a-z0-9-]+)/"', html)
    assert shown == [s.id for s in sorted(library.stories,
                                          key=lambda s: (-s.interviewed.toordinal(), s.id))][:12]
    for registered in vocabularies():
        assert f'<select name="{registered.param}"' in html
    assert 'value="security" data-title="Security" data-aliases="infosec"' in html
    # Each story page carries its finder record: filters by term id, sort key, result fields.
    story = library.story("globex-security-review-came-too-late")
    page = read(sample_site, f"stories/{story.id}")
    assert '<span data-pagefind-filter="competitor">globex</span>' in page
    assert '<span data-pagefind-filter="objection">security</span>' in page
    assert f'data-pagefind-sort="date">{story.interviewed.isoformat()}<' in page
