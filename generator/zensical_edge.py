"""The Zensical edge: `playbook build --builder zensical`.

Material for MkDocs reaches end of life in May 2027, and Zensical, its
successor, runs no MkDocs plugins. So this edge does what the plugin does
without MkDocs: the pipeline's pages and the finder's index go to a docs
folder (as `playbook pages` writes them), and Zensical builds that folder
with a copy of the site's own mkdocs.yml that changes only where the pages
are, where the site goes, the nav (expanded as the plugin expands it) and
Zensical's own search (turned off: the header's search is the playbook's).
The copy keeps MkDocs' tags (`!ENV`, `!!python/name:`) for Zensical to read;
it is not an INHERIT of mkdocs.yml, because Zensical appends an inheriting
file's nav to the inherited one rather than replacing it.
The site is written beside site/ and swapped in only when Zensical succeeds.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml

from . import atomic_dir
from .pages import GeneratedFile, expand_nav

# Where the pages are written for Zensical, under the repository root.
PAGES_DIR = Path("build") / "zensical" / "docs"
# The copy of mkdocs.yml. Zensical wants the config, the docs and the site
# inside one project folder, so it sits beside mkdocs.yml.
CONFIG_NAME = ".playbook-zensical.yml"


class _Tagged:
    """A value under a tag that is MkDocs' to read (`!ENV [...]`), kept as written."""

    def __init__(self, tag: str, node: yaml.Node, value: object):
        self.tag, self.kind, self.value = tag, type(node), value


def _keep(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    if isinstance(node, yaml.SequenceNode):
        return _Tagged(node.tag, node, loader.construct_sequence(node, deep=True))
    if isinstance(node, yaml.MappingNode):
        return _Tagged(node.tag, node, loader.construct_mapping(node, deep=True))
    return _Tagged(node.tag, node, loader.construct_scalar(node))  # type: ignore[arg-type]


def _write_tagged(dumper: yaml.SafeDumper, tagged: _Tagged) -> yaml.Node:
    if tagged.kind is yaml.SequenceNode:
        return dumper.represent_sequence(tagged.tag, tagged.value)  # type: ignore[arg-type]
    if tagged.kind is yaml.MappingNode:
        return dumper.represent_mapping(tagged.tag, tagged.value)  # type: ignore[arg-type]
    return dumper.represent_scalar(tagged.tag, str(tagged.value))


class _KeepTags(yaml.SafeLoader):
    pass


class _TagDumper(yaml.SafeDumper):
    pass


_KeepTags.add_multi_constructor("!", _keep)
_KeepTags.add_multi_constructor("tag:yaml.org,2002:python/", _keep)
_TagDumper.add_representer(_Tagged, _write_tagged)


class ZensicalError(RuntimeError):
    """Zensical is missing or failed; the message says which and what to do."""


def installed() -> bool:
    return importlib.util.find_spec("zensical") is not None


def _without_search(plugins) -> list:
    """mkdocs.yml's plugins as a list, less any `search` entry."""
    if isinstance(plugins, dict):
        plugins = [{name: value} for name, value in plugins.items()]
    return [entry for entry in plugins or []
            if not (entry == "search" or isinstance(entry, dict) and "search" in entry)]


def build_site(config_file: Path, nav: list | None, files: Iterable[GeneratedFile],
               pages_dir: Path, site_dir: Path, strict: bool = False,
               before_swap: Callable[[Path], None] | None = None) -> str:
    """Build `pages_dir` into `site_dir` with Zensical; returns what Zensical printed.

    Raises ZensicalError with Zensical's own output when it fails; the
    previous site is then left as it was. `before_swap` is given the built
    folder before it replaces the site; if it raises, the site stays as it was.
    """
    if not installed():
        raise ZensicalError("the Zensical builder is not installed: run "
                            "`make site BUILDER=zensical`, or `pip install -e '.[zensical]'`")
    project = config_file.resolve().parent
    try:
        settings = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_KeepTags) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ZensicalError(f"cannot read {config_file}: {error}") from None
    building = atomic_dir.start(site_dir.resolve())
    config = project / CONFIG_NAME
    # Relative paths: Zensical resolves them against the project folder.
    settings["docs_dir"] = os.path.relpath(pages_dir.resolve(), project)
    settings["site_dir"] = os.path.relpath(building, project)
    if nav:
        settings["nav"] = expand_nav(nav, files)
    # Zensical runs its own search unless told not to; the header's search is
    # the playbook's (theme/partials/playbook-search.html, on Pagefind).
    # Zensical 0.0.73 still writes its search.json, which no page then loads.
    settings["plugins"] = [*_without_search(settings.get("plugins")),
                           {"search": {"enabled": False}}]
    config.write_text("# Written by `playbook build --builder zensical` from "
                      f"{config_file.name}; safe to delete.\n"
                      + yaml.dump(settings, Dumper=_TagDumper, sort_keys=False,
                                  allow_unicode=True),
                      encoding="utf-8")
    command = [sys.executable, "-m", "zensical", "build", "--config-file", CONFIG_NAME]
    try:
        done = subprocess.run(command + (["--strict"] if strict else []), cwd=project,
                              capture_output=True, text=True)
    finally:
        config.unlink(missing_ok=True)
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0 or not (building / "index.html").is_file():
        atomic_dir.discard(building)
        raise ZensicalError(f"Zensical could not build the site (exit {done.returncode}):\n"
                            f"{output}")
    try:
        if before_swap is not None:
            before_swap(building)
    except BaseException:
        atomic_dir.discard(building)
        raise
    atomic_dir.swap_in(building, site_dir.resolve())
    return output
