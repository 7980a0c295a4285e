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
import heapq
import itertools
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import cbor2

from . import atomic_dir
from .pages import GeneratedFile

# The folder, inside the site, that holds the index and pagefind.js.
BUNDLE_DIR = "pagefind"

# Pagefind holds every page it reads in memory until it has written the index:
# about 155 KB per story page (1.6 GB at 10,000 stories), driven by the words
# indexed, not by the HTML around them. Above this many story pages the index
# is made in parts, one Pagefind process after another (so the peak is one
# part's, about 170 MB), and the parts are merged into one bundle
# (merge_bundles): the finder searches one index, exactly as before.
PART_PAGES = 1000


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
    return {record.site_path: _document(record) for record in files if _is_story_page(record)}


def _document(record: GeneratedFile) -> str:
    return _DOCUMENT.format(body=record.content)


def _is_story_page(record: GeneratedFile) -> bool:
    return record.is_page and bool(_STORY_PAGE.fullmatch(record.path)) \
        and isinstance(record.content, str)


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


# -- an index in parts -------------------------------------------------------------------
# The parts are consecutive slices of the pages in sort order (the date), so
# the merged bundle numbers the pages part after part and each part's sort
# order follows the one before it. Pagefind's page numbers, word positions,
# filters and sort orders are all per page, so the merged index scores every
# page as one Pagefind run over them all would (the same page count, average
# length and pages per word): the same results, ranks and counts.

_SORT = re.compile(r'data-pagefind-sort="([^"]*)"[^>]*>([^<]*)<')


def _sort_value(document: str) -> tuple[str, str] | None:
    found = _SORT.search(document)
    return (found[1], unescape(found[2]).strip()) if found else None


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def split_documents(documents: dict[str, str],
                    size: int | None = None) -> list[dict[str, str]]:
    """The documents in parts of at most `size` (PART_PAGES), in Pagefind's sort order."""
    parts = split_pages({path: _sort_value(document) for path, document in documents.items()},
                        size)
    return [{path: documents[path] for path in part} for part in parts]


def split_pages(values: dict[str, tuple[str, str] | None],
                size: int | None = None) -> list[list[str]]:
    """Page paths in parts of at most `size` (PART_PAGES), in Pagefind's sort
    order, from each page's (sort key, value) (`_sort_value`)."""
    size = size or PART_PAGES
    if len(values) <= size:
        return [list(values)]
    keys = {value[0] for value in values.values() if value}
    if len(keys) > 1:
        raise SearchIndexError(f"the story pages have {len(keys)} sort keys "
                               f"({', '.join(sorted(keys))}); an index in parts takes one")
    # As Pagefind orders a sort: by number if every value is one, else as text.
    numbers = {path: _number(value[1]) for path, value in values.items() if value}
    numeric = all(number is not None for number in numbers.values())

    def order(path: str) -> tuple:
        value = values[path]
        if value is None:
            return (0, 0.0, "", path)
        return (1, numbers[path], "", path) if numeric else (1, 0.0, value[1], path)

    ordered = sorted(values, key=order)
    return [ordered[start:start + size] for start in range(0, len(ordered), size)]


def _read_sort_values(pages: Path) -> dict[str, tuple[str, str] | None]:
    return {path.relative_to(pages).as_posix(): _sort_value(path.read_text(encoding="utf-8"))
            for path in sorted(pages.rglob("*.html"))}


def _link_document(pages: Path, path: str, site: Path) -> None:
    """Put the document at `path` in `pages` into `site` (a link: nothing is copied)."""
    atomic_dir.link_file(pages / path, site / path)


def _write_document(record: GeneratedFile, site: Path) -> None:
    """Write a story page's document into `site`, at its path in the site."""
    output = site / record.site_path
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(_document(record), encoding="utf-8")


_MERGE = ("import sys; from pathlib import Path; from generator.search_index import merge_bundles; "
          "merge_bundles([Path(p) for p in sys.argv[2:]], Path(sys.argv[1]))")

# Words per index file, counted as Pagefind counts them (a position or a page each).
_CHUNK_SIZE = 20000


def merge_bundles(parts: list[Path], bundle: Path) -> None:
    """One bundle in `bundle` from the bundles Pagefind wrote for consecutive parts."""
    entries = [json.loads((part / "pagefind-entry.json").read_text(encoding="utf-8"))
               for part in parts]
    languages = {tuple(entry["languages"]) for entry in entries}
    if len(languages) != 1 or len(next(iter(languages))) != 1:
        raise SearchIndexError(f"the parts of the story finder's index are in different "
                               f"languages: {sorted(languages)}")
    language = next(iter(languages))[0]
    metas = [_read(part / f"pagefind.{entry['languages'][language]['hash']}.pf_meta")
             for part, entry in zip(parts, entries, strict=True)]
    for meta in metas:
        if len(meta) != 6:
            raise SearchIndexError("the story finder's index has a layout this version of "
                                   "playbook does not merge; pin pagefind to 1.5")
    shutil.rmtree(bundle, ignore_errors=True)
    shutil.copytree(parts[0], bundle, ignore=shutil.ignore_patterns(
        "fragment", "filter", "index", "*.pf_meta", "pagefind-entry.json"))
    for folder in ("fragment", "filter", "index"):
        (bundle / folder).mkdir()
    offsets = list(itertools.accumulate((len(meta[1]) for meta in metas[:-1]), initial=0))
    # [version, pages, index chunks, filters, sorts, meta fields]
    fields = sorted(set().union(*(meta[5] for meta in metas)))
    pages = [[_move_fragment(part, bundle, name, language), word_count]
             for part, meta in zip(parts, metas, strict=True) for name, word_count in meta[1]]
    filters: dict[str, dict[str, list[int]]] = {}
    for part, meta, offset in zip(parts, metas, offsets, strict=True):
        for _, name in meta[3]:
            filter_name, values = _read(part / "filter" / f"{name}.pf_filter")
            merged = filters.setdefault(filter_name, {})
            for value, numbers in values:
                merged.setdefault(value, []).extend(number + offset for number in numbers)
    sorts: dict[str, list[int]] = {}
    for meta, offset in zip(metas, offsets, strict=True):
        for name, numbers in meta[4]:
            sorts.setdefault(name, []).extend(number + offset for number in numbers)
    merged_meta = [
        metas[0][0], pages,
        _merge_words(parts, metas, offsets, fields, bundle, language),
        [[name, _write([name, [[value, numbers] for value, numbers in values.items()]],
                       bundle / "filter", f"{language}_", ".pf_filter", 7)]
         for name, values in sorted(filters.items())],
        [[name, numbers] for name, numbers in sorted(sorts.items())],
        fields]
    entry = entries[0]
    entry["languages"][language]["page_count"] = len(pages)
    name = _write(merged_meta, bundle, f"pagefind.{language}_", ".pf_meta", 10)
    entry["languages"][language]["hash"] = name.removeprefix("pagefind.")
    (bundle / "pagefind-entry.json").write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _move_fragment(part: Path, bundle: Path, name: str, language: str) -> str:
    """Move a page's fragment into the bundle; its name there (another if that one is taken)."""
    source = part / "fragment" / f"{name}.pf_fragment"
    target = bundle / "fragment" / f"{name}.pf_fragment"
    if target.exists():
        data = source.read_bytes()
        if target.read_bytes() == data:
            return name  # the same fragment: pages may share one
        digest = hashlib.sha256(data).hexdigest()
        for digits in range(8, len(digest) + 1):
            name = f"{language}_{digest[:digits]}"
            target = bundle / "fragment" / f"{name}.pf_fragment"
            if not target.exists() or target.read_bytes() == data:
                break
    shutil.move(source, target)
    return name


def _merge_words(parts: list[Path], metas: list, offsets: list[int], fields: list[str],
                 bundle: Path, language: str) -> list[list[str]]:
    """Write the parts' words as one index, a word at a time; return its chunk list."""
    def words(number: int):
        for _, _, name in metas[number][2]:
            for word in _read(parts[number] / "index" / f"{name}.pf_index")[0]:
                yield word[0], number, word

    # A meta field is named by its place in the field list, as -(place + 1).
    places = [{-1 - old: -1 - fields.index(field) for old, field in enumerate(meta[5])
               if fields.index(field) != old} for meta in metas]
    chunks: list[list[str]] = []
    chunk: list = []
    size = 0
    for word, found in itertools.groupby(
            heapq.merge(*(words(number) for number in range(len(parts)))),
            key=lambda item: item[0]):
        merged, previous = [], 0
        for _, number, entry in found:
            if len(entry) != 3 or entry[2]:
                raise SearchIndexError("the story finder's index has a layout this version "
                                       "of playbook does not merge; pin pagefind to 1.5")
            # [page number step, positions, meta field positions] per page: only
            # the part's first step changes, unless the meta fields moved.
            steps = entry[1]
            if places[number]:
                steps = [[step, at, [places[number].get(place, place) for place in meta]]
                         for step, at, meta in steps]
            first = offsets[number] + steps[0][0]
            merged.append([first - previous, *steps[0][1:]])
            merged.extend(steps[1:])
            previous = offsets[number] + sum(step[0] for step in steps)
        chunk.append([word, merged, []])
        size += sum(len(page[1]) + 1 for page in merged)
        if size >= _CHUNK_SIZE:
            chunks.append(_write_chunk(chunk, bundle, language))
            chunk, size = [], 0
    if chunk:
        chunks.append(_write_chunk(chunk, bundle, language))
    for first, second in itertools.pairwise(chunks):
        # As Pagefind names chunks: the shortest prefixes that tell neighbours apart.
        common = len(os.path.commonprefix([first[1], second[0]]))
        first[1], second[0] = first[1][:common + 1], second[0][:common + 1]
    return chunks


def _write_chunk(chunk: list, bundle: Path, language: str) -> list[str]:
    return [chunk[0][0], chunk[-1][0], _write([chunk], bundle / "index", f"{language}_",
                                               ".pf_index", 7)]


@dataclass(frozen=True)
class Child:
    """A process the index job started, and the file its output goes to."""
    process: subprocess.Popen
    log: Path


class IndexJob:
    """Pagefind indexing the story pages in its own processes while the site is built.

    A build hands it each page as it is rendered (`add`): story pages are
    written into parts of PART_PAGES, and a thread runs Pagefind on each full
    part in turn, then merges the parts (one part: one Pagefind run, no merge).
    """

    def __init__(self, files: Iterable[GeneratedFile] | None, work_dir: Path,
                 pages: Path | None = None, documents: dict[str, str] | None = None,
                 *, stream: bool = False):
        """Index `files`' story pages; or, with `pages`, the `documents` already
        there; or, with `stream`, the records given to `add` until `close`."""
        try:
            import pagefind_bin
        except ImportError as error:
            raise SearchIndexError(_MISSING) from error
        self.work_dir = work_dir
        self.bundle = work_dir / BUNDLE_DIR
        self.parts = 0  # how many Pagefind runs the index took (1: not split)
        self._executable = str(pagefind_bin.get_executable())
        self._process: subprocess.Popen | None = None
        self._children = 0  # processes started, to name their logs
        self._error: Exception | None = None
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        # Story pages are written as they come, in parts of PART_PAGES; the
        # thread hears of each full part (its number; None: no more).
        self._folder = work_dir / "parts"
        self._values: dict[str, tuple[str, str] | None] = {}
        self._parts: list[list[str]] = [[]]
        self._full: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._documents = documents
        if pages is None and not stream:
            for record in files or ():
                self.add(record)
            self.close()
        self._starting = threading.Thread(target=self._run, args=(pages,), daemon=True)
        self._starting.start()

    def add(self, record: GeneratedFile) -> None:
        """The next record of the site (only story pages are indexed).

        Written here, in the caller's thread: a thread of ours writing 10,000
        files would wait for the interpreter's lock at every step while the
        build renders, and fall behind it."""
        if not _is_story_page(record):
            return
        if len(self._parts[-1]) == PART_PAGES:  # another page: the full part can go
            self._full.put(len(self._parts))
            self._parts.append([])
        path = record.site_path
        _write_document(record, self._folder / str(len(self._parts)))
        self._values[path] = _sort_value(str(record.content))
        self._parts[-1].append(path)

    def close(self) -> None:
        """No more records: the last part is indexed, then the parts merged."""
        self._full.put(None)

    def _run(self, pages: Path | None) -> None:
        try:
            self.work_dir.mkdir(parents=True, exist_ok=True)
            if pages is None:
                self._index_records()
            else:
                documents, self._documents = self._documents, None
                values = ({path: _sort_value(document) for path, document in documents.items()}
                          if documents is not None else _read_sort_values(pages))
                del documents
                self._index_parts(split_pages(values), pages)
        except (OSError, SearchIndexError) as error:  # reported by wait(), in the build's thread
            self._error = error

    def _index_records(self) -> None:
        """Index the parts `add` wrote: when the pages came in the index's sort
        order (the build renders story pages by date), Pagefind indexes each
        full part while the next is written."""
        folder = self._folder
        running: Child | None = None
        bundles: list[Path] = []
        while (full := self._full.get()) is not None:
            running = self._next_part(running, folder, full, bundles)
        if self._cancelled.is_set():
            raise SearchIndexError("the story finder's index was cancelled")
        parts, values = self._parts, self._values
        if split_pages(values) == parts:
            if len(parts) == 1:
                (folder / "1").mkdir(parents=True, exist_ok=True)
                self.parts = 1
                self._finish(self._pagefind(folder / "1", self.bundle))
                return
            self.parts = len(parts)
            running = self._next_part(running, folder, len(parts), bundles)
            self._finish(running)
            self._merge(bundles)
            shutil.rmtree(folder)
            return
        # Not in the index's order: the parts made so far are not the index's.
        if running is not None:
            self._finish(running)
        pages = self.work_dir / "pages"
        for number in range(1, len(parts) + 1):
            for path in parts[number - 1]:
                (pages / path).parent.mkdir(parents=True, exist_ok=True)
                os.replace(folder / str(number) / path, pages / path)
        shutil.rmtree(folder)
        self._index_parts(split_pages(values), pages)

    def _next_part(self, running: Child | None, folder: Path, number: int,
                   bundles: list[Path]) -> Child | None:
        """Start Pagefind on part `number` once the one before is done."""
        if running is not None:
            self._finish(running)
        bundles.append(folder / f"{number}-{BUNDLE_DIR}")
        return self._pagefind(folder / str(number), bundles[-1])

    def _index_parts(self, parts: list[list[str]], pages: Path) -> None:
        """Index the documents in `pages`, in these parts (one: the folder as it is)."""
        self.parts = len(parts)
        if len(parts) == 1:
            self._finish(self._pagefind(pages, self.bundle))
            return
        folder = self.work_dir / "parts"
        bundles: list[Path] = []
        running: Child | None = None
        for number, part in enumerate(parts, 1):
            for path in part:
                _link_document(pages, path, folder / str(number))
            running = self._next_part(running, folder, number, bundles)
        self._finish(running)
        self._merge(bundles)
        shutil.rmtree(folder)

    def _merge(self, bundles: list[Path]) -> None:
        # In a process of its own, so the build's Python is not held up.
        self._finish(self._start([sys.executable, "-c", _MERGE, str(self.bundle),
                                  *map(str, bundles)]),
                     "could not merge the parts of the story finder's index")
        for bundle in bundles:
            shutil.rmtree(bundle)

    def _pagefind(self, site: Path, bundle: Path) -> Child | None:
        return self._start([self._executable, "--site", str(site), "--output-path", str(bundle),
                            "--force-language", "en", "--silent"])

    def _start(self, command: list[str]) -> Child | None:
        """The child started, or None once the job is cancelled."""
        with self._lock:  # cancel() either sees this process or stops it starting
            if self._cancelled.is_set():
                return None
            # Its output goes to a file: nothing reads a pipe while it runs.
            self._children += 1
            log = self.work_dir / f"child-{self._children}.log"
            with log.open("wb") as output:
                self._process = subprocess.Popen(command, stdout=output,
                                                 stderr=subprocess.STDOUT)
            return Child(self._process, log)

    def _finish(self, child: Child | None,
                failure: str = "Pagefind could not index the story pages") -> None:
        if child is not None:
            child.process.wait()
        if child is None or self._cancelled.is_set():
            raise SearchIndexError("the story finder's index was cancelled")
        if child.process.returncode != 0:
            printed = child.log.read_text(encoding="utf-8", errors="replace").strip()
            raise SearchIndexError(f"{failure} (exit {child.process.returncode}): {printed}")

    def wait(self) -> Path:
        """The finished bundle (raises SearchIndexError if Pagefind failed)."""
        self._starting.join()
        if isinstance(self._error, SearchIndexError):
            raise self._error
        if self._error is not None:
            raise SearchIndexError(f"Pagefind could not be started on the story pages: "
                                   f"{self._error}") from self._error
        if self._cancelled.is_set():
            raise SearchIndexError("the story finder's index was cancelled")
        canonical_bundle(self.bundle)
        return self.bundle

    def cancel(self) -> None:
        with self._lock:
            self._cancelled.set()
            if self._process is not None and self._process.poll() is None:
                self._process.kill()
        self._full.put(None)  # a stream waiting for parts ends
        self._starting.join()  # a thread may be in wait(); it returns now

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
                                 pages=self.work_dir / "pages", documents=self._written)
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
# The files are gzipped CBOR behind a "pagefind_dcd" signature, read and written
# with cbor2 (integers in their shortest form, as Pagefind writes them).

_SIGNATURE = b"pagefind_dcd"


def _read(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        raise SearchIndexError(f"{path} is not a Pagefind file this version of playbook reads")
    return cbor2.loads(data[len(_SIGNATURE):])


def _write(value, folder: Path, prefix: str, suffix: str, digits: int) -> str:
    """Write `value` as a Pagefind file named by its hash; return the hash part of the name."""
    data = _SIGNATURE + cbor2.dumps(value)
    name = f"{prefix}{hashlib.sha256(data).hexdigest()[:digits]}"
    # Level 6, not 9: the merge writes the whole index, and 9 gains little on it.
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(data, compresslevel=6, mtime=0))
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
