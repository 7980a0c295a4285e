"""The story finder's search index: Pagefind run over the built story pages.

Pagefind (https://pagefind.app) is a static search engine: it reads the
built HTML and writes a chunked index and a small WebAssembly search into
`pagefind/` beside the pages, so a query downloads only the index chunks for
its words (well under 1 MB at 10,000 stories) and nothing loads from another
host. Only story pages are indexed; what a page offers (the searchable text,
the filters, the sort key, the result fields) is marked up in story.md.j2
with data-pagefind-* attributes. The binary comes from the `pagefind[bin]`
wheel, so `make site` installs it like any other dependency.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

# The folder, inside the site, that holds the index and pagefind.js.
BUNDLE_DIR = "pagefind"
# Story pages only: stories/<id>/index.html (the finder itself is stories/index.html).
STORY_PAGES = "stories/*/index.html"


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed; the message says which and what to do."""


def executable() -> Path:
    try:
        import pagefind_bin
    except ImportError as error:
        raise SearchIndexError(
            "the story finder's search index needs Pagefind, which is not installed: "
            "run `make site` (or `pip install -e .`) to install it") from error
    return Path(pagefind_bin.get_executable())


def build_index(site_dir: Path) -> None:
    """Index the built story pages under `site_dir` into `site_dir/pagefind/`."""
    command = [str(executable()), "--site", str(site_dir), "--glob", STORY_PAGES,
               "--output-subdir", BUNDLE_DIR, "--force-language", "en", "--silent"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexError(
            f"Pagefind could not index the story pages in {site_dir} "
            f"(exit {result.returncode}): {(result.stderr or result.stdout).strip()}")
