"""Stage 4: the linked library to site pages, as Markdown files in memory.

The result is plain data (path -> text, path -> file to copy) that the MkDocs
plugin feeds to `mkdocs build`, or that `write_pages` puts in a folder for any
builder that reads an mkdocs.yml docs folder. Nothing here imports MkDocs.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jinja2
import markdown
from markupsafe import Markup, escape

from .library import Library, newest_first
from .model import SCALE_LEVELS, Story
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
    """A link to `target` (a site path; directories end with /) from a page URL."""
    rel = posixpath.relpath(target.rstrip("/") or ".", from_url.rstrip("/") or ".")
    if target.endswith("/") or target == "":
        return "./" if rel == "." else rel + "/"
    return rel


def story_url(story_id: str) -> str:
    return f"stories/{story_id}/"


def criterion_url(criterion_id: str) -> str:
    return f"criteria/{criterion_id}/"


def audio_path(src: str) -> str:
    return f"audio/{src}"


# -- Markdown from content ----------------------------------------------------------

def _narrative_renderer() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "sane_lists", "fenced_code", "toc"],
                           extension_configs={"toc": {"permalink": False}})
    # Contributors write Markdown, not HTML: raw HTML is shown as text, so a
    # pull request cannot slip markup or scripts into the site.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def render_markdown(text: str, renderer: markdown.Markdown) -> Markup:
    renderer.reset()
    return Markup(renderer.convert(text))  # noqa: S704 - raw HTML is disabled above


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
    env.filters["newest_first"] = newest_first
    return env


OUTCOME_TITLES = {"win": "Win", "loss": "Loss", "no-decision": "No decision"}
LOSS_REASON_TITLES = {"qualification": "Qualification", "execution": "Execution",
                      "competition": "Competition"}
SCALE_TITLES = {"binary": "Yes / no", "3": "1-3", "5": "1-5"}


class _Renderer:
    def __init__(self, library: Library):
        self.library = library
        self.env = _environment()
        self.narrative = _narrative_renderer()

    def term_title(self, vocabulary: str, term_id: str | None) -> str:
        return self.library.taxonomy.term(vocabulary, term_id).title if term_id else ""

    def render(self, template: str, path: str, **context) -> str:
        url = page_url(path)
        link: Callable[[str], str] = lambda target: relative(target, url)  # noqa: E731
        return self.env.get_template(template).render(
            library=self.library,
            link=link,
            story_url=story_url,
            criterion_url=criterion_url,
            audio_path=audio_path,
            term=self.term_title,
            outcomes=OUTCOME_TITLES,
            loss_reasons=LOSS_REASON_TITLES,
            scales=SCALE_TITLES,
            levels=SCALE_LEVELS,
            markdown=lambda text: render_markdown(text, self.narrative),
            **context,
        )


def outcome_counts(stories: tuple[Story, ...] | list[Story]) -> dict[str, int]:
    counts = {outcome: 0 for outcome in OUTCOME_TITLES}
    for story in stories:
        counts[story.outcome] += 1
    return counts


def render_site(library: Library, audio_dir: Path) -> SitePages:
    """Every generated page of the playbook, plus the audio files it links to."""
    renderer = _Renderer(library)
    pages: dict[str, str] = {}

    def add(path: str, template: str, **context) -> None:
        pages[path] = renderer.render(template, path, **context)

    add("index.md", "home.md.j2", counts=outcome_counts(library.stories),
        newest=newest_first(library.stories)[:6])
    add("stories/index.md", "stories.md.j2", counts=outcome_counts(library.stories),
        stories=newest_first(library.stories))
    add("criteria/index.md", "criteria.md.j2")
    for story in library.stories:
        add(f"stories/{story.id}.md", "story.md.j2", story=story)
    for criterion in library.criteria:
        add(f"criteria/{criterion.id}.md", "criterion.md.j2", criterion=criterion,
            present=library.evidence(criterion.id, "present"),
            absent=library.evidence(criterion.id, "absent"))

    assets = {
        audio_path(src): audio_dir / src
        for src in sorted({clip.src for story in library.stories for clip in story.clips})
    }
    return SitePages(pages, assets)


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
