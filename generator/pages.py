"""Stage 4: the linked library to site pages, as Markdown files in memory.

The result is plain data (path -> text, path -> file to copy) that the MkDocs
plugin feeds to `mkdocs build`, or that `write_pages` puts in a folder for any
builder that reads an mkdocs.yml docs folder. Nothing here imports MkDocs.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

import jinja2
from markupsafe import Markup, escape

from .audio import clip_site_path
from .library import Library, newest_first
from .links import RelatedIndex, balanced, story_of_the_week, tally
from .markdown_render import render_markdown
from .model import Story, Term
from .timecode import format_time


@dataclass(frozen=True)
class SitePages:
    pages: dict[str, str]  # docs-relative path ("stories/acme.md") -> Markdown
    assets: dict[str, Path]  # docs-relative path ("audio/x.mp3") -> source file


# -- URLs -------------------------------------------------------------------------
# Every page lives at a directory URL (MkDocs' use_directory_urls), and every
# link is written relative to the page it is on, so the site works from any
# subfolder, such as a GitHub Pages project path.

def page_url(path: str) -> str:
    """"stories/acme.md" -> "stories/acme/", "index.md" -> ""."""
    stem = path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
        return stem
    return stem + "/"


def relative(target: str, from_url: str) -> str:
    """A link to `target` (a site path; directories end with /) from a page URL.

    A query or fragment on the target is kept: "stories/?skill=discovery".
    Both are site paths, so this is string work, not os.path (which would ask
    the operating system for the working directory on every call).
    """
    cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
    path, suffix = target[:cut], target[cut:]
    to_parts = [p for p in path.split("/") if p]
    from_parts = [p for p in from_url.split("/") if p]
    common = 0
    while (common < len(to_parts) and common < len(from_parts)
           and to_parts[common] == from_parts[common]):
        common += 1
    parts = [".."] * (len(from_parts) - common) + to_parts[common:]
    rel = "/".join(parts)
    if path.endswith("/") or path == "":
        rel = rel + "/" if rel else "./"
    return rel + suffix


# Where each vocabulary's pages live.
FACET_PATHS = {
    "skills": "skills", "competitors": "competitors", "roles": "roles",
    "objections": "objections", "stages": "stages", "deal_sizes": "deal-sizes",
}
# Finder query parameter for each vocabulary (?competitor=globex).
FINDER_PARAMS = {
    "competitors": "competitor", "roles": "role", "objections": "objection",
    "skills": "skill", "stages": "stage", "deal_sizes": "deal_size",
}


def story_url(story_id: str) -> str:
    return f"stories/{story_id}/"


def criterion_url(criterion_id: str) -> str:
    return f"criteria/{criterion_id}/"


def term_url(vocabulary: str, term_id: str | None = None) -> str:
    """The page of a taxonomy term, or of its vocabulary's overview."""
    base = FACET_PATHS[vocabulary]
    return f"{base}/{term_id}/" if term_id else f"{base}/"


def finder_url(**filters: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in sorted(filters.items()) if value)
    return "stories/" + (f"?{query}" if query else "")


# -- Markdown from content ----------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|])")


def front_matter_text(text: str) -> Markup:
    """A YAML value for a generated page's front matter, HTML-escaped.

    MkDocs themes print page titles and descriptions into HTML unescaped, so
    they must already be escaped when they leave us.
    """
    return Markup(json.dumps(str(escape(text)), ensure_ascii=False))


def md_inline(text: str) -> str:
    """Escape Markdown syntax so content shows as typed in a Markdown heading."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


# -- rendering -------------------------------------------------------------------------

def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        autoescape=True,  # every template emits HTML inside Markdown
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md_inline"] = md_inline
    env.filters["front_matter"] = front_matter_text
    env.filters["time"] = format_time
    return env


OUTCOME_TITLES = {"win": "Win", "loss": "Loss", "no-decision": "No decision"}
LOSS_REASON_TITLES = {"qualification": "Qualification", "execution": "Execution",
                      "competition": "Competition"}
SCALE_TITLES = {"binary": "Yes / no", "3": "1-3", "5": "1-5"}
VOCABULARY_TITLES = {
    "skills": "Skills", "competitors": "Competitors", "roles": "Buyer roles",
    "objections": "Objections", "stages": "Stages", "deal_sizes": "Deal sizes",
}
# Questions for a 1:1 on a skill whose taxonomy entry has no `grow` of its own.
DEFAULT_GROW = (
    ("goal", ("What would a great {skill} conversation on your next call sound like?",
              "Which of the scoring criteria below do you want to move up one level this month?")),
    ("reality", ("Think of your last deal that stalled: where did {skill} break down?",
                 "Which buyer quote on this page sounds most like your own calls?")),
    ("options", ("What could you say differently, word for word, in that moment?",
                 "Which winning takeaway on this page could you try on a live deal this week?")),
    ("will", ("Which deal will you try it on, and by when?",
              "How will we know it worked: what will the buyer say or do?")),
)
GROW_TITLES = {"goal": "Goal", "reality": "Reality", "options": "Options", "will": "Will"}


class _Renderer:
    def __init__(self, library: Library):
        self.library = library
        self.env = _environment()
        self.related = RelatedIndex(library.stories)
        self._cards: dict[tuple, Markup] = {}

    def term_title(self, vocabulary: str, term_id: str | None) -> str:
        return self.library.taxonomy.term(vocabulary, term_id).title if term_id else ""

    def _globals(self, url: str) -> dict:
        """What every template sees, with links made relative to the page at `url`."""
        link: Callable[[str], str] = lambda target: relative(target, url)  # noqa: E731
        return dict(
            library=self.library,
            link=link,
            card_html=lambda story, full=False, filterable=False: self.card(
                story, url, full, filterable),
            story_url=story_url,
            criterion_url=criterion_url,
            term_url=term_url,
            finder_url=finder_url,
            clip_url=clip_site_path,
            term=self.term_title,
            outcomes=OUTCOME_TITLES,
            loss_reasons=LOSS_REASON_TITLES,
            scales=SCALE_TITLES,
            vocabularies=VOCABULARY_TITLES,
            finder_params=FINDER_PARAMS,
            outcome_counts=outcome_counts,
            markdown=render_markdown,  # the content-safety policy: see markdown_render
        )

    def card(self, story: Story, url: str, full: bool, filterable: bool) -> Markup:
        # A story's card appears on many pages; every link in it points under
        # stories/, so pages at the same distance from stories/ share one.
        key = (story.id, full, filterable, relative("stories/", url))
        if key not in self._cards:
            self._cards[key] = Markup(self.env.get_template("_card.html.j2").render(
                **self._globals(url), story=story, full=full, filterable=filterable))
        return self._cards[key]

    def render(self, template: str, path: str, **context) -> str:
        return self.env.get_template(template).render(**self._globals(page_url(path)), **context)


def outcome_counts(stories) -> dict[str, int]:
    counts = {outcome: 0 for outcome in OUTCOME_TITLES}
    for story in stories:
        counts[story.outcome] += 1
    return counts


def grow_questions(term: Term) -> list[tuple[str, tuple[str, ...]]]:
    """The skill's own GROW questions, with defaults for any step it leaves out."""
    own = dict(term.grow)
    skill = term.title.lower()
    return [(GROW_TITLES[step], own.get(step) or tuple(q.format(skill=skill) for q in defaults))
            for step, defaults in DEFAULT_GROW]


def render_site(library: Library, today: date, clips: dict[str, Path]) -> SitePages:
    """Every generated page of the playbook, plus the clips it plays.

    `clips` maps each clip's site path (see audio.clip_site_path) to its
    encoded file, as the audio stage published it.
    """
    renderer = _Renderer(library)
    taxonomy = library.taxonomy
    pages: dict[str, str] = {}

    def add(path: str, template: str, **context) -> None:
        pages[path] = renderer.render(template, path, **context)

    newest = newest_first(library.stories)
    add("index.md", "home.md.j2", counts=outcome_counts(library.stories), newest=newest[:5],
        week=story_of_the_week(library.stories, today), week_of=today.isocalendar(),
        competitors_covered=sum(1 for t in taxonomy.terms["competitors"]
                                if library.stories_by("competitors", t.id)))
    add("stories/index.md", "finder.md.j2", stories=newest, counts=outcome_counts(newest))
    for story in library.stories:
        add(f"stories/{story.id}.md", "story.md.j2", story=story,
            related=renderer.related.related(story))

    add("criteria/index.md", "criteria.md.j2")
    for criterion in library.criteria:
        add(f"criteria/{criterion.id}.md", "criterion.md.j2", criterion=criterion,
            present=library.evidence(criterion.id, "present"),
            absent=library.evidence(criterion.id, "absent"))

    for vocabulary, directory in FACET_PATHS.items():
        add(f"{directory}/index.md", "overview.md.j2", vocabulary=vocabulary)
        for term in taxonomy.terms[vocabulary]:
            stories = library.stories_by(vocabulary, term.id)
            wins = [s for s in stories if s.outcome == "win"]
            losses = [s for s in stories if s.outcome == "loss"]
            context = dict(vocabulary=vocabulary, term_=term, stories=stories,
                           counts=outcome_counts(stories))
            if vocabulary == "skills":
                shown_wins, shown_losses = balanced(wins, losses, limit=6)
                add(f"{directory}/{term.id}.md", "skill.md.j2", **context,
                    criteria=library.criteria_for(term.id), wins=shown_wins, losses=shown_losses,
                    objections=tally(stories, "objections")[:5],
                    competitors=tally(stories, "competitors")[:5],
                    grow=grow_questions(term))
            else:
                add(f"{directory}/{term.id}.md", "term.md.j2", **context,
                    objections=tally(stories, "objections"),
                    competitors=tally(stories, "competitors"),
                    winning_takeaways=newest_first(wins))

    return SitePages(pages, dict(sorted(clips.items())))


def section_pages(library: Library, vocabulary: str) -> list[str]:
    """The page paths of one vocabulary's terms, in display order (for a nav)."""
    return [f"{FACET_PATHS[vocabulary]}/{term.id}.md"
            for term in library.taxonomy.terms[vocabulary]]


def write_pages(site: SitePages, out_dir: Path, extra_docs: Path | None = None) -> int:
    """Write the pages (and copy audio and hand-written docs) into a docs folder.

    Returns the number of files written. Files already in `out_dir` that the
    site no longer has are removed, so the folder mirrors the library.
    """
    out_dir = Path(out_dir)
    wanted: dict[Path, Callable[[Path], None]] = {}
    if extra_docs is not None and extra_docs.is_dir():
        for source in sorted(extra_docs.rglob("*")):
            if source.is_file():
                wanted[out_dir / source.relative_to(extra_docs)] = (
                    lambda dest, source=source: shutil.copyfile(source, dest))
    for rel, text in site.pages.items():
        wanted[out_dir / rel] = lambda dest, text=text: _write_if_changed(dest, text)
    for rel, source in site.assets.items():
        wanted[out_dir / rel] = lambda dest, source=source: shutil.copyfile(source, dest)
    for dest, write in sorted(wanted.items()):
        dest.parent.mkdir(parents=True, exist_ok=True)
        write(dest)
    if out_dir.is_dir():
        for stale in sorted(out_dir.rglob("*"), reverse=True):
            if stale.is_file() and stale not in wanted:
                stale.unlink()
            elif stale.is_dir() and not any(stale.iterdir()):
                stale.rmdir()
    return len(wanted)


def _write_if_changed(dest: Path, text: str) -> None:
    # Leave unchanged files alone so a watching server rebuilds only on change.
    if dest.is_file() and dest.read_text(encoding="utf-8") == text:
        return
    dest.write_text(text, encoding="utf-8")
