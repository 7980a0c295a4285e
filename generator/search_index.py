"""The story finder's search index: Pagefind run over the story pages' HTML.

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

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from . import atomic_dir
from .pages import GeneratedFile

# The folder, inside the site, that holds the index and pagefind.js.
BUNDLE_DIR = "pagefind"


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed; the message says which and what to do."""


_MISSING = ("the story finder's search index needs Pagefind, which is not installed: "
            "run `make site` (or `pip install -e .`) to install it")


def story_documents(files: Iterable[GeneratedFile]) -> dict[str, str]:
    """What Pagefind reads of each story page, by its path in the site.

    Pagefind indexes only the page's data-pagefind-* parts, which are all in
    the HTML we generate, so it reads that rather than the themed page: the
    same index (byte for byte), without parsing every page's navigation, and
    ready before the theme has rendered a page.
    """
    return {record.site_path: _DOCUMENT.format(body=record.content)
            for record in files
            if record.is_page and _STORY_PAGE.fullmatch(record.path)
            and isinstance(record.content, str)}


_STORY_PAGE = re.compile(r"stories/(?!index\.md)[^/]+\.md")  # not the finder
_DOCUMENT = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"></head>'
             '<body>\n{body}</body></html>\n')


def write_documents(documents: dict[str, str], folder: Path,
                    previous: dict[str, str] | None = None) -> None:
    """Write the documents into `folder`; with what it held `previous`ly, only
    the ones that changed, and remove the ones that are gone."""
    previous = previous or {}
    folder.mkdir(parents=True, exist_ok=True)
    for path, html in documents.items():
        if previous.get(path) != html:
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(html, encoding="utf-8")
    for path in previous.keys() - documents.keys():
        (folder / path).unlink(missing_ok=True)


class IndexJob:
    """Pagefind indexing the story pages in its own process while MkDocs themes the site.

    Writing the documents for Pagefind happens in a thread too, so the build
    goes on at once (at 10,000 stories that is 10,000 files).
    """

    def __init__(self, files: Iterable[GeneratedFile] | None, work_dir: Path,
                 pages: Path | None = None):
        """Index `files`' story pages; or, with `pages`, the documents already there."""
        try:
            import pagefind_bin
        except ImportError as error:
            raise SearchIndexError(_MISSING) from error
        self.work_dir = work_dir
        self.bundle = work_dir / BUNDLE_DIR
        self._process: subprocess.Popen | None = None
        self._error: OSError | None = None
        self._cancelled = threading.Event()
        documents = story_documents(files or ()) if pages is None else None
        command = [str(pagefind_bin.get_executable()), "--site", str(pages or work_dir / "pages"),
                   "--output-path", str(self.bundle), "--force-language", "en", "--silent"]
        self._starting = threading.Thread(target=self._start, args=(command, documents),
                                          daemon=True)
        self._starting.start()

    def _start(self, command: list[str], documents: dict[str, str] | None) -> None:
        try:
            if documents is not None:
                write_documents(documents, self.work_dir / "pages")
            if not self._cancelled.is_set():
                self._process = subprocess.Popen(command, stdout=subprocess.PIPE,
                                                 stderr=subprocess.STDOUT, text=True)
        except OSError as error:  # reported by wait(), in the build's thread
            self._error = error

    def wait(self) -> Path:
        """The finished bundle (raises SearchIndexError if Pagefind failed)."""
        self._starting.join()
        if self._error is not None:
            raise SearchIndexError(f"Pagefind could not be started on the story pages: "
                                   f"{self._error}") from self._error
        if self._process is None:
            raise SearchIndexError("the story finder's index was cancelled")
        printed, _ = self._process.communicate()
        if self._process.returncode != 0:
            raise SearchIndexError(
                f"Pagefind could not index the story pages (exit {self._process.returncode}): "
                f"{(printed or '').strip()}")
        canonical_bundle(self.bundle)
        return self.bundle

    def cancel(self) -> None:
        self._cancelled.set()
        self._starting.join()
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()  # a thread may be in wait(); it returns now

    def publish(self, site_dir: Path) -> None:
        """Wait, then move the bundle to `site_dir/pagefind/`."""
        bundle = self.wait()
        shutil.rmtree(site_dir / BUNDLE_DIR, ignore_errors=True)
        shutil.move(bundle, site_dir / BUNDLE_DIR)  # a rename on the same disk


class BackgroundIndex:
    """`serve`: the finder's index is rebuilt behind the reload, never holding it up.

    Each build gets the last finished index at once (a copy), so the finder
    always works; the new index replaces it when Pagefind is done, a moment
    after the page reloads. A new build stops an index still under way.
    """

    def __init__(self, work_dir: Path, on_done: Callable[[str], None] = lambda message: None):
        self.work_dir = work_dir
        self.on_done = on_done
        self.latest: Path | None = None  # the newest finished bundle
        self._written: dict[str, str] = {}  # the documents in work_dir/pages
        self._runs = 0
        self._pending = False  # documents written, not indexed yet
        self._job: IndexJob | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    def start(self, files: Iterable[GeneratedFile]) -> None:
        """Write the new build's story documents (from on_files); `publish` indexes them."""
        self.stop()
        self._runs += 1
        self._stopped.clear()
        # The documents stay between builds: only the changed ones are written.
        documents = story_documents(files)
        write_documents(documents, self.work_dir / "pages", self._written)
        self._written = documents
        self._pending = True

    def publish(self, site_dir: Path) -> None:
        """Give the site the last index now, and start the new one.

        Pagefind starts only once the pages are written: on two cores it would
        otherwise take the CPU from the rebuild the browser is waiting for.
        The site's pagefind/ is a link to the newest finished index, outside
        the site: nothing is copied, and a new index is one link away.
        """
        if self.latest is not None:
            atomic_dir.link_folder(site_dir / BUNDLE_DIR, self.latest)
        if self._pending:
            self._pending = False
            self._job = IndexJob(None, self.work_dir / f"run-{self._runs}",
                                 pages=self.work_dir / "pages")
            self._thread = threading.Thread(target=self._finish, daemon=True,
                                            args=(self._job, site_dir))
            self._thread.start()

    def stop(self) -> None:
        """Stop an index under way (the next build is about to replace the pages)."""
        self._stopped.set()
        if self._job is not None:
            self._job.cancel()
        if self._thread is not None:
            self._thread.join()
        self._job = self._thread = None

    def _finish(self, job: IndexJob, site_dir: Path) -> None:
        started = time.perf_counter()
        try:
            bundle = job.wait()
        except SearchIndexError as error:
            if not self._stopped.is_set():
                self.on_done(str(error))
            return
        if self._stopped.is_set():
            return
        atomic_dir.link_folder(site_dir / BUNDLE_DIR, bundle)  # in one step: never half an index
        if self.latest is not None:
            shutil.rmtree(self.latest.parent, ignore_errors=True)
        self.latest = bundle
        self.on_done(f"the story finder's index is up to date "
                     f"({time.perf_counter() - started:.1f}s after the pages)")


# -- same input, same bytes ------------------------------------------------------------
# Pagefind writes each filter's values in hash-map order, which changes from run
# to run, and names files by a hash of their bytes. canonical_bundle() sorts
# every filter's values, renames the filter files by the hash of their sorted
# content, and rewrites the metadata file and pagefind-entry.json that name them.
# The files are gzipped CBOR behind a "pagefind_dcd" signature; the small CBOR
# codec below reads and writes the types these files use.

_SIGNATURE = b"pagefind_dcd"


def _cbor_head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | extra]) + value.to_bytes(size, "big")
    raise ValueError(value)


def _cbor_encode(value) -> bytes:
    if isinstance(value, bool) or value is None:
        return bytes([0xF5 if value is True else 0xF4 if value is False else 0xF6])
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, bytes):
        return _cbor_head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _cbor_head(3, len(data)) + data
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(_cbor_encode(v) for v in value)
    if isinstance(value, dict):
        return _cbor_head(5, len(value)) + b"".join(
            _cbor_encode(k) + _cbor_encode(v) for k, v in value.items())
    raise TypeError(type(value))


def _cbor_decode(data: bytes, at: int = 0):
    """(value, next offset) of the CBOR item at `at`."""
    first = data[at]
    major, extra = first >> 5, first & 31
    at += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if extra in simple:
            return simple[extra], at
        raise ValueError(f"unsupported CBOR simple value {extra}")
    if extra < 24:
        number = extra
    else:
        size = {24: 1, 25: 2, 26: 4, 27: 8}[extra]
        number, at = int.from_bytes(data[at:at + size], "big"), at + size
    if major == 0:
        return number, at
    if major == 1:
        return -1 - number, at
    if major in (2, 3):
        raw = data[at:at + number]
        return (raw if major == 2 else raw.decode("utf-8")), at + number
    if major == 4:
        items = []
        for _ in range(number):
            item, at = _cbor_decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping = {}
        for _ in range(number):
            key, at = _cbor_decode(data, at)
            mapping[key], at = _cbor_decode(data, at)
        return mapping, at
    raise ValueError(f"unsupported CBOR major type {major}")


def _read(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        raise SearchIndexError(f"{path} is not a Pagefind file this version of playbook reads")
    return _cbor_decode(data, len(_SIGNATURE))[0]


def _write(value, folder: Path, prefix: str, suffix: str, digits: int) -> str:
    """Write `value` as a Pagefind file named by its hash; return the hash part of the name."""
    data = _SIGNATURE + _cbor_encode(value)
    name = f"{prefix}{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return name


def canonical_bundle(bundle: Path) -> None:
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, details in sorted(entry["languages"].items()):
        meta_path = bundle / f"pagefind.{details['hash']}.pf_meta"
        meta = _read(meta_path)
        # [version, pages, index chunks, filters: [[name, file hash], ...], sorts]
        meta[3] = filters = sorted(meta[3], key=lambda pair: pair[0])
        meta[4] = sorted(meta[4], key=lambda pair: pair[0])
        for pair in filters:
            old = bundle / "filter" / f"{pair[1]}.pf_filter"
            name, values = _read(old)
            old.unlink()
            pair[1] = _write([name, sorted(values, key=lambda v: v[0])], bundle / "filter",
                             f"{language}_", ".pf_filter", 7)
        meta_path.unlink()
        details["hash"] = _write(meta, bundle, f"pagefind.{language}_", ".pf_meta", 10)
        details["hash"] = details["hash"].removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")
