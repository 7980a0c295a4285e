"""`serve`: a content error shows in the browser, over the page, instead of hanging it.

MkDocs' live-reload server holds every request while a rebuild that raised
is outstanding, so a plugin that refuses to build leaves the browser waiting
and the error only in the terminal. In `serve`, the plugin builds anyway (the
last good pages, or none yet) and writes the failing problems as JSON at
PROBLEMS_PATH; every page carries a small script that reads it and, when it
lists problems, lays them over the page (file:line, field, message, code and
hint, as `playbook validate` prints them, set as text, never as HTML). The
next build that succeeds empties the list, and the page reloads by itself.

Nothing here is in a `playbook build`: the plugin adds it only while serving.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from .problems import Problem, format_json

PROBLEMS_PATH = "playbook-serve/problems.json"
SCRIPT_ID = "playbook-serve-problems"
_SCRIPT = Path(__file__).parent / "templates" / "serve" / "problems.js"


def report(failing: list[Problem], last_good: bool) -> str:
    """The JSON the pages read: the failing problems (validate's JSON shape) and
    whether the site shows the last good build under them."""
    return (f'{{"last_good": {json.dumps(last_good)},\n'
            f'"report": {format_json(failing)}}}\n')


@cache
def _script_text() -> str:
    # Inside <script>, only "</" could end the element early; the file has none.
    text = _SCRIPT.read_text(encoding="utf-8")
    assert "</" not in text, f"{_SCRIPT} must not contain '</'"
    return text


def script_tag(site_url: str) -> str:
    """The script every served page carries, reading the report from the site's root
    (absolute: 404.html is served at any address)."""
    root = urlsplit(site_url or "/").path or "/"
    source = root.rstrip("/") + "/" + PROBLEMS_PATH
    return (f'<script id="{SCRIPT_ID}" data-problems="{html.escape(source)}">'
            f"{_script_text()}</script>")


def inject(page: str, tag: str) -> str:
    """`page` with `tag` before its closing </body> (at the end when it has none)."""
    at = page.rfind("</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


def nav_of_files(nav: list, exists: Callable[[str], bool]) -> list:
    """mkdocs.yml's nav without the entries for pages that do not exist (links to
    other sites stay), and without sections left empty: what a build that has
    only the hand-written pages can show."""
    kept: list = []
    for item in nav:
        title, target = next(iter(item.items())) if isinstance(item, dict) else (None, item)
        if isinstance(target, list):
            target = nav_of_files(target, exists)
            if not target:
                continue
        elif not isinstance(target, str) or not ("://" in target or exists(target)):
            continue
        kept.append(target if title is None else {title: target})
    return kept
