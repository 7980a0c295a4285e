"""The pipeline's stages, in order: the one list the README's diagram and the
import rule (tests/test_stages.py) are read from.

A module imports modules of its own stage and of earlier ones, never of a
later one, so each stage can be read, tested and replaced on its own.
"""

from __future__ import annotations

# (stage, what it does, its modules: top-level modules or packages of generator/)
STAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("records", "plain records and helpers that every stage shares",
     ("problems", "model", "vocabularies", "options", "numbers", "timecode", "urls", "atomic_dir",
      "stages")),
    ("files", "read files safely and parse front matter", ("source",)),
    ("history", "when each story file was first committed, from one git log", ("history",)),
    ("validate", "each document checked on its own", ("validate", "markdown_render", "privacy")),
    ("library", "the linked library: indexes, related stories", ("library", "links")),
    ("analysis", "figures from the linked library", ("analysis",)),
    ("audio", "clips cut, encoded and cached", ("audio",)),
    ("checks", "checks that need the recordings or the linked library", ("checks",)),
    ("load", "read, validate, link and check in one call; the list of codes",
     ("load", "codes")),
    ("pages", "one module per page family, yielding GeneratedFile records", ("pages",)),
    ("index", "the site's Pagefind index, for the header search and the finder",
     ("search_index",)),
    ("build", "the pipeline: settings in, checked library and files out", ("build",)),
    ("edges", "the commands, MkDocs and other builders",
     ("cli", "scaffold", "clip_cut", "mkdocs_plugin", "mkdocs_pages", "zensical_edge",
      "serve_problems")),
)


def stage_of(module: str) -> int:
    """The position in STAGES of a top-level module of generator/ (ValueError if none)."""
    for number, (_, _, modules) in enumerate(STAGES):
        if module in modules:
            return number
    raise ValueError(f"generator/{module} is in no stage of generator/stages.py")
