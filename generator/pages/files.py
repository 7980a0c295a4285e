"""The generated-file record, and writing a set of them to a folder."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GeneratedFile:
    """One file of the site that the generator makes (a page, a clip, a feed).

    `content` holds text or bytes; `copy_from` names a file to copy instead
    (an encoded clip in the cache). `source` is the content file it comes
    from, relative to the repository root, for "edit this page" links.
    """

    path: str  # docs-relative: "stories/acme.md", "stories/acme/clip-1.mp3"
    content: str | bytes | None = None
    copy_from: Path | None = None
    source: str | None = None
    in_nav: bool = False  # listed in the sidebar (the rest is reached by links)

    @property
    def is_page(self) -> bool:
        return self.path.endswith(".md")


def write_pages(files: list[GeneratedFile] | tuple[GeneratedFile, ...], out_dir: Path,
                extra_docs: Path | None = None) -> int:
    """Write the files (and copy hand-written docs) into a docs folder.

    Returns the number of files written. Files already in `out_dir` that the
    site no longer has are removed, so the folder mirrors the library.
    """
    out_dir = Path(out_dir)
    wanted: dict[Path, Callable[[Path], object]] = {}
    if extra_docs is not None and extra_docs.is_dir():
        for source in sorted(extra_docs.rglob("*")):
            if source.is_file():
                wanted[out_dir / source.relative_to(extra_docs)] = functools.partial(
                    _copy, source)
    for file in files:
        if file.copy_from is not None:
            wanted[out_dir / file.path] = functools.partial(_copy, file.copy_from)
        else:
            data = file.content.encode("utf-8") if isinstance(file.content, str) else \
                (file.content or b"")
            wanted[out_dir / file.path] = functools.partial(_write_if_changed, data)
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


def _copy(source: Path, dest: Path) -> None:
    shutil.copyfile(source, dest)


def _write_if_changed(data: bytes, dest: Path) -> None:
    # Leave unchanged files alone so a watching server rebuilds only on change.
    if dest.is_file() and dest.read_bytes() == data:
        return
    dest.write_bytes(data)
