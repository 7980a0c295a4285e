"""The site's search index: Pagefind run over the pages' HTML, for the header
search (every kind of page) and the story finder (its stories).

Pagefind (https://pagefind.app) is a static search engine: it reads the
built HTML and writes a chunked index and a small WebAssembly search into
`pagefind/` beside the pages, so a query downloads only the index chunks for
its words (well under 1 MB at 10,000 stories) and nothing loads from another
host. What a story page offers (the searchable text, the filters, the sort
key, the result fields) is marked up in story.md.j2 with data-pagefind-*
attributes; every other page is indexed whole, less its lists of stories,
with its title and its kind (`KINDS`), a filter the header search groups
its results by and the finder keeps to stories with. The binary comes from the `pagefind[bin]`
wheel, so `make site` installs it like any other dependency.

Pagefind numbers the pages in the order it finds them in the folder, and
writes each filter's values in hash-map order, which changes from run to
run: the filter files, and the metadata file and pagefind-entry.json that
name them, differ between two runs over the same pages (tests/test_pagefind.py).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from html import escape, unescape
from pathlib import Path

import cbor2
import markdown
import yaml

from . import atomic_dir
from .pages import GeneratedFile
from .urls import page_url
from .vocabularies import DEFAULTS, Vocabulary

# The folder, inside the site, that holds the index and pagefind.js.
BUNDLE_DIR = "pagefind"

# One Pagefind run over every story page, through its documented CLI options.
# Its Python API would take the pages straight from the build, but it reads
# one answer per 0.1 s (pagefind/service: sleep(0.1) before each read): 17
# minutes for 10,000 pages. Pagefind holds every page in memory until it
# writes the index, about 155 KB a story page (1.6 GB at 10,000 stories).


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed; the message says which and what to do."""


_MISSING = ("the story finder's search index needs Pagefind, which is not installed: "
            "run `make site` (or `pip install -e .`) to install it")


def story_documents(files: Iterable[GeneratedFile]) -> dict[str, str]:
    """What Pagefind reads of each story page, by its path in the site (the
    finder's part of the index; `site_documents` gives every page's)."""
    return {record.site_path: _document(record) for record in files if _is_story_page(record)}


def site_documents(files: Iterable[GeneratedFile],
                   docs_dir: Path | None = None) -> dict[str, str]:
    """What Pagefind reads of each page the site's search finds, by its path in the site.

    Pagefind indexes only the page's data-pagefind-* parts, which are all in
    the HTML we generate, so it reads that rather than the themed page: the
    same index (byte for byte), without parsing every page's navigation, and
    ready before the theme has rendered a page. The hand-written guides in
    `docs_dir` are rendered from their Markdown (`guide_documents`).
    """
    documents = {}
    for record in files:
        document = page_document(record)
        if document is not None:
            documents[record.site_path] = document
    return {**documents, **guide_documents(docs_dir)}


# The kinds of page the site's search groups its results by (a Pagefind
# filter, `kind`); the header search (playbook.js) shows them in this order.
# Stories are the finder's; every other kind is for the header search only.
KINDS = ("story", "skill", "criterion", "topic", "ramp", "scenario", "coaching", "guide")
STORY = "story"


def page_kind(path: str, vocabularies: tuple[Vocabulary, ...] = DEFAULTS) -> str | None:
    """The kind of a generated page by its docs path, or None if search leaves it out
    (the home page and the finder only list stories). A vocabulary's pages name their
    kind themselves (GeneratedFile.search_kind); `vocabularies` are the defaults'."""
    if path in ("index.md", "stories/index.md"):
        return None
    folder, _, name = path.partition("/")
    if _STORY_PAGE.fullmatch(path):
        return STORY
    if folder == "criteria" and "/" not in name and name != "index.md":
        return "criterion"
    if folder == "ramp" and "/" not in name and name != "index.md":
        return "ramp"
    if folder == "scenarios" and "/" not in name and name != "index.md":
        return "scenario"
    for vocabulary in vocabularies:
        if folder != vocabulary.folder or name == "index.md":
            continue
        if vocabulary.coaching and name.endswith("/coach.md"):
            return "coaching"
        if "/" not in name:
            return "skill" if vocabulary.coaching else "topic"
    return "guide"  # the scorecard, insights, calibration and overview pages


def page_document(record: GeneratedFile) -> str | None:
    """The document Pagefind reads of one generated file, or None if it is not searched."""
    if not record.is_page or not isinstance(record.content, str):
        return None
    kind = record.search_kind or page_kind(record.path)
    if kind is None:
        return None
    if kind == STORY:
        return _document(record)
    title = str(record.meta.get("title") or "")  # HTML already (render.front_matter_text)
    return _PAGE_DOCUMENT.format(
        kind=kind, title=title, body=_HEADERLINK.sub("", record.content),
        vocabulary=escape(record.search_label) if kind == "topic" else "")


def _document(record: GeneratedFile) -> str:
    return _DOCUMENT.format(body=record.content)


def _is_story_page(record: GeneratedFile) -> bool:
    return record.is_page and bool(_STORY_PAGE.fullmatch(record.path)) \
        and isinstance(record.content, str)


# A heading's permalink (macros.html.j2 `heading`): a pilcrow in no one's words.
_HEADERLINK = re.compile(r'<a class="headerlink" href="#[^"]*" title="Permanent link">&para;</a>')
_STORY_PAGE = re.compile(r"stories/(?!index\.md)[^/]+\.md")  # not the finder
_DOCUMENT = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"></head>'
             '<body>\n{body}<div data-pagefind-body><div hidden data-pagefind-ignore>'
             '<span data-pagefind-filter="kind">story</span></div></div>\n</body></html>\n')
# Every other page: its title (as the result shows it; the page's own <h1>
# holds it as words), its kind and, for a facet page, its vocabulary's label
# ("Competitor"), then the page's HTML. Lists of stories on those pages are
# marked data-pagefind-ignore="all" in the templates, so a result for a
# story's words leads to the story itself.
_PAGE_DOCUMENT = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"></head>'
                  '<body>\n<div data-pagefind-body>\n'
                  '<div hidden data-pagefind-ignore><span data-pagefind-meta="title">{title}'
                  '</span><span data-pagefind-filter="kind">{kind}</span>'
                  '<span data-pagefind-meta="kind">{kind}</span>'
                  '<span data-pagefind-meta="vocabulary">{vocabulary}</span></div>\n'
                  '{body}</div>\n</body></html>\n')


def guide_documents(docs_dir: Path | None) -> dict[str, str]:
    """The hand-written pages in `docs_dir` (kind "guide"), rendered from their
    Markdown as MkDocs renders them, by their path in the site.

    A page that cannot be read is left out: `checks.docs` reports it, and a
    build with errors makes no index. A page whose front matter says
    `search: exclude: true` is left out too, as Material's search left it.
    """
    if docs_dir is None or not docs_dir.is_dir():
        return {}
    documents = {}
    for path in sorted(docs_dir.rglob("*.md")):
        name = path.relative_to(docs_dir).as_posix()
        if path.is_symlink() or not path.is_file() \
                or any(part.startswith(".") for part in name.split("/")):
            continue
        try:
            text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
            meta, body = _split_front_matter(text)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        search = meta.get("search")
        if isinstance(search, dict) and search.get("exclude"):
            continue
        html = markdown.markdown(body, extensions=_GUIDE_EXTENSIONS)
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL)
        title = meta.get("title")
        if not isinstance(title, str) or not title.strip():
            title = unescape(re.sub(r"<[^>]*>", "", heading.group(1))) if heading \
                else path.stem.replace("-", " ").capitalize()
        if heading is None:  # the title's words are searched, as a page's <h1> is
            html = f"<h1>{escape(title)}</h1>\n{html}"
        site_path = f"{page_url(name)}index.html"
        documents[site_path] = _PAGE_DOCUMENT.format(kind="guide", title=escape(title),
                                                     body=html, vocabulary="")
    return documents


# mkdocs.yml's markdown_extensions, less the permalinks nobody searches for.
_GUIDE_EXTENSIONS = ["attr_list", "tables", "fenced_code"]


def _split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter, body) of a hand-written page; a page need not have front matter."""
    if not text.startswith("---\n"):
        return {}, text
    end = re.search(r"^---[ \t]*$", text[4:], re.MULTILINE)
    if end is None:
        return {}, text
    meta = yaml.safe_load(text[4:4 + end.start()]) or {}
    return (meta if isinstance(meta, dict) else {}), text[4 + end.end():]


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


def _write_document(site_path: str, document: str, folder: Path) -> None:
    """Write a page's document into `folder`, at its path in the site."""
    output = folder / site_path
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(document, encoding="utf-8")


_WORK_PREFIX = "playbook-finder-pid"


def work_folder() -> Path:
    """A new temporary folder for an index job, named by this process.

    A build killed outside Python's control (kill -9) cannot remove its
    folder, so the next one removes the folders of processes that are gone.
    """
    base = Path(tempfile.gettempdir())
    for old in base.glob(f"{_WORK_PREFIX}*-*"):
        pid = old.name.removeprefix(_WORK_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{_WORK_PREFIX}{os.getpid()}-"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


class IndexJob:
    """One Pagefind run over the story pages, in a process of its own while the site is built.

    A build hands it each page as it is rendered (`add`): story pages are
    written as documents into a folder, and `close` starts Pagefind on it,
    so the index is made while MkDocs themes the pages.
    """

    def __init__(self, files: Iterable[GeneratedFile] | None, work_dir: Path,
                 pages: Path | None = None, *, stream: bool = False, canonical: bool = True):
        """Index `files`' story pages; or, with `pages`, the documents already
        there; or, with `stream`, the records given to `add` until `close`."""
        try:
            import pagefind_bin
        except ImportError as error:
            raise SearchIndexError(_MISSING) from error
        self._executable = str(pagefind_bin.get_executable())
        self.work_dir = work_dir
        self.bundle = work_dir / BUNDLE_DIR
        self.pages = pages if pages is not None else work_dir / "pages"
        self._log = work_dir / "pagefind.log"
        self._process: subprocess.Popen | None = None
        self._error: OSError | None = None
        self._cancelled = False
        self._canonical = canonical  # rewrite the bundle byte-stable (canonical_bundle)
        self._lock = threading.Lock()
        work_dir.mkdir(parents=True, exist_ok=True)
        self.pages.mkdir(parents=True, exist_ok=True)
        if pages is None and not stream:
            for record in files or ():
                self.add(record)
        if not stream:
            self.close()

    def add(self, record: GeneratedFile) -> None:
        """The next record of the site (pages that search finds are indexed)."""
        document = page_document(record)
        if document is not None:
            _write_document(record.site_path, document, self.pages)

    def add_guides(self, docs_dir: Path | None) -> None:
        """The hand-written pages in `docs_dir` (see `guide_documents`)."""
        for site_path, document in guide_documents(docs_dir).items():
            _write_document(site_path, document, self.pages)

    def close(self) -> None:
        """No more records: Pagefind starts on the documents."""
        with self._lock:  # cancel() either sees this process or stops it starting
            if self._cancelled or self._process is not None:
                return
            # Its output goes to a file: nothing reads a pipe while it runs.
            try:
                with self._log.open("wb") as output:
                    self._process = subprocess.Popen(
                        [self._executable, "--site", str(self.pages),
                         "--output-path", str(self.bundle), "--force-language", "en",
                         "--silent"],
                        stdout=output, stderr=subprocess.STDOUT)
            except OSError as error:  # reported by wait(), in the build's thread
                self._error = error

    def wait(self) -> Path:
        """The finished bundle (raises SearchIndexError if Pagefind failed)."""
        if self._error is not None:
            raise SearchIndexError(f"Pagefind could not be started on the story pages: "
                                   f"{self._error}") from self._error
        process = self._process
        if process is None:
            raise SearchIndexError("the story finder's index was cancelled" if self._cancelled
                                   else "the story finder's index was never started")
        process.wait()
        if self._cancelled:
            raise SearchIndexError("the story finder's index was cancelled")
        if process.returncode != 0:
            printed = " ".join(self._log.read_text(encoding="utf-8", errors="replace").split())
            raise SearchIndexError(f"Pagefind could not index the story pages "
                                   f"(exit {process.returncode}): {printed}")
        if self._canonical:
            self._canonical = False  # once
            canonical_bundle(self.bundle)
        return self.bundle

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            process = self._process
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()

    def publish(self, site_dir: Path) -> None:
        """Wait, then move the bundle to `site_dir/pagefind/`; the work folder goes."""
        try:
            bundle = self.wait()
            shutil.rmtree(site_dir / BUNDLE_DIR, ignore_errors=True)
            shutil.move(bundle, site_dir / BUNDLE_DIR)  # a rename on the same disk
        finally:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    def discard(self) -> None:
        """Stop Pagefind if it runs, and remove the work folder."""
        self.cancel()
        shutil.rmtree(self.work_dir, ignore_errors=True)


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

    def start(self, files: Iterable[GeneratedFile], docs_dir: Path | None = None) -> None:
        """Write the new build's documents (from on_files); `publish` indexes them."""
        self.stop()
        self._runs += 1
        self._stopped.clear()
        # The documents stay between builds: only the changed ones are written.
        documents = site_documents(files, docs_dir)
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


# -- the one reach into Pagefind's files: for byte-identical builds, not speed ---------
# Pagefind 1.5 writes each filter's values in the order of a hash map seeded
# afresh in every run, so the filter files, the meta file naming them and
# pagefind-entry.json differ between builds of the same pages. This rewrites
# those three with their lists sorted (the same values), named by the new
# contents' hash as Pagefind names them. It reads Pagefind's file layout, so
# pagefind is pinned to 1.5.x; tests/test_pagefind.py pins both the upstream
# behaviour (raw runs differ) and this fix (two builds are the same bytes).
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
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return name


def canonical_bundle(bundle: Path) -> None:
    """Sort the filter lists of a Pagefind bundle, so the same pages give the same bytes."""
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
