"""Benchmark: the speed goals (issues 9 and 18), side by side, in one run.

    .venv/bin/python scripts/benchmark.py [--sizes 100,1000,10000] [--runs 3] > bench.md
    .venv/bin/python scripts/benchmark.py --quick   # 100 stories, one run: a smoke test
    .venv/bin/python scripts/benchmark.py --real-audio --sizes 1000   # sizes at real audio

Markdown tables go to stdout, progress to stderr, under a header naming the
machine (CPU, cores, RAM, Python) and the date. For each N, a temporary folder
holds two sites of the same N stories (copies of the sample stories under new
ids):

- ours: a copy of this repository (mkdocs.yml with the playbook plugin, theme/,
  docs/, content/);
- plain: a plain mkdocs-material site of the same stories as simple pages
  (title heading, the quote as a blockquote, the takeaway, the body), a short
  nav (Home and a Stories index linking every story), search on, font: false,
  no playbook plugin.

What is measured, and how:

1. Build. `playbook build` against `mkdocs build` of the plain site: wall
   time, best of --runs (default 3) up to 1,000 stories and a single run above,
   each from an empty site folder; the size of each built site. A `playbook
   pages` run first (untimed) fills the clip cache, so our timed builds are
   warm ones that encode no audio.
2. Edit to reload (at each size up to 1,000 by default; --reload-sizes). Our
   `mkdocs serve` (livereload on) against the plain site's `mkdocs serve
   --dirty`. Once the site answers, one story's title is changed in its file
   (written beside it and renamed into place, as editors save) and the story's
   page is fetched every 20 ms until the new title is in it; the time from the
   write to that answer is one sample. Seven edits, with a pause between them
   so the watcher (MkDocs polls files every 0.5 s) sees each one; min and
   median. Servers run in their own process group and are stopped even when a
   measure fails.
3. Validate. Reading every story and parsing its front matter with PyYAML's C
   loader alone (the floor) against `load_library` as `playbook validate`
   runs it (read, parse, validate, link; without the checks against the
   recordings; each run with no body rendered yet): best of 5 up to 1,000
   stories, else best of 3. Each synthetic story has a narrative of its own.
4. Peak memory: the highest max RSS of a build process or any of its children,
   from row 1's builds, ours against plain; and the build's own process apart
   from the processes it starts (Pagefind). The goal (under 2.5 GB at 10,000
   stories) is checked on the build's process plus its largest child, an
   upper bound of what both hold at once.
6. Zensical: `playbook build --builder zensical` of the same stories, each run
   from an empty site, pages folder and Zensical cache, beside our MkDocs build.
5. Audio (scripts/audio_benchmark.py): a cold (empty clip cache) then a warm
   `playbook build` of the sample library, counting real ffmpeg processes
   through a wrapper script; and (not with --quick) the publishing stage alone
   on 100 clips cut from 20 recordings.

With --real-audio, only the figures at real size are measured instead
(scripts/real_audio_benchmark.py): repository and site size with 75-second
clips cut from 45-minute recordings, with and without clips_base_url.

Then a summary: each goal of the issue, the figure measured, and whether it is
met. A goal set at a size that was not run shows the largest size that was,
with "n/a" as met.

Every build, and the validation in this process, runs with
SOURCE_DATE_EPOCH=1793491200, so interview dates validate the same on any day
(without it, stories that have gone stale since then add a warning each).
Absolute figures depend on the machine; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import frontmatter
import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # playbook and mkdocs, beside the Python running this
sys.path.insert(0, str(REPO))

import real_audio_benchmark  # noqa: E402

import audio_benchmark  # noqa: E402  (scripts/audio_benchmark.py, beside this file)
from generator.load import load_library  # noqa: E402
from generator.markdown_render import render_body  # noqa: E402

SOURCE_DATE_EPOCH = "1793491200"
# Above this many stories a measure runs once: a 10,000-story build takes minutes.
REPEAT_UP_TO = 1000
VALIDATE_RUNS = 5  # up to REPEAT_UP_TO; 3 above (a few seconds each at 10,000)
MB = 1024 * 1024
EDITS = 7  # MkDocs polls for changes every 0.5 s: each sample lands somewhere in that cycle
POLL_SECONDS = 0.02
SETTLE_SECONDS = 2.0  # before each edit: the watcher's 0.5 s poll sees the last one settled
BOUNDARY = frontmatter.YAMLHandler.FM_BOUNDARY  # a "---" line, as the front matter reader

# Runs the command given as arguments and prints its wall time and peak RSS as
# JSON. A fresh wrapper per build, so RUSAGE_CHILDREN holds that build alone;
# timing inside it leaves the wrapper's own start-up out. The build's output
# goes to stderr, keeping stdout for the result.
WRAPPER = """\
import json, resource, runpy, sys, time
# Runs the build's own script (playbook or mkdocs) in this process, so the
# process's peak (RUSAGE_SELF) is the build's, apart from the processes it
# starts (RUSAGE_CHILDREN: Pagefind, ffmpeg). Its output goes to stderr.
out, sys.stdout = sys.stdout, sys.stderr
sys.argv = sys.argv[1:]
started = time.perf_counter()
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
    code = 0
except SystemExit as exit:
    code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
seconds = time.perf_counter() - started
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": code, "seconds": seconds, "rss_kib": max(own, children),
                  "own_kib": own, "children_kib": children}), file=out)
"""


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the two sites ---------------------------------------------------------------------

def sample_stories() -> list[Path]:
    return sorted((REPO / "content" / "stories").glob("*.md"))


def make_library(root: Path, count: int) -> Path:
    content = root / "content"
    shutil.copytree(REPO / "content", content, ignore=shutil.ignore_patterns("stories"))
    samples = sample_stories()
    texts = [p.read_text(encoding="utf-8") for p in samples]
    stories = content / "stories"
    stories.mkdir()
    for index in range(count):
        sample = samples[index % len(samples)]
        # The first copy of each sample story keeps its id, so the ramp, the
        # calibration session and the taxonomy's featured stories still resolve.
        text = texts[index % len(texts)]
        name = sample.stem
        if index >= len(samples):  # a copy: a new id, and no claim on the original's old ids
            name = f"{sample.stem}-{index:05d}"
            text = "".join(line for line in text.splitlines(keepends=True)
                           if not line.startswith("redirect_from:"))
            # A narrative of its own, as real stories have: rendered bodies are
            # cached by their text, and 28 repeated bodies would hide that cost.
            text = text.rstrip("\n") + f"\n\nInterview {index:05d}, notes of the call.\n"
        (stories / f"{name}.md").write_text(text, encoding="utf-8")
    return content


def make_repo(root: Path, count: int) -> Path:
    """A copy of the repository's site sources around a library of `count` stories."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "theme", root / "theme")
    shutil.copytree(REPO / "docs", root / "docs")
    return make_library(root, count)


def simple_page(meta: dict, body: str) -> str:
    """One story as a plain page: title, quote as a blockquote, takeaway, body."""
    quote = "\n".join(f"> {line}" for line in str(meta.get("quote", "")).splitlines())
    return f"# {meta['title']}\n\n{quote}\n\n{meta.get('takeaway', '')}\n\n{body.strip()}\n"


PLAIN_CONFIG = {
    "site_name": "Plain stories",
    "theme": {"name": "material", "font": False, "features": ["navigation.indexes"]},
    "plugins": ["search"],
    "markdown_extensions": ["attr_list", "tables", {"toc": {"permalink": True}}],
    "nav": [{"Home": "index.md"}, {"Stories": "stories/index.md"}],
}


def make_plain_site(root: Path, content: Path) -> None:
    """A plain mkdocs-material site of the stories in `content` as simple pages."""
    stories = root / "docs" / "stories"
    stories.mkdir(parents=True)
    parsed: dict[str, tuple[dict, str]] = {}  # the copies repeat the samples: parse each once
    links = []
    for path in sorted((content / "stories").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text not in parsed:
            post = frontmatter.loads(text)
            parsed[text] = (post.metadata, post.content)
        meta, body = parsed[text]
        (stories / path.name).write_text(simple_page(meta, body), encoding="utf-8")
        links.append(f"- [{meta['title']}]({path.name})")
    (stories / "index.md").write_text("# Stories\n\n" + "\n".join(links) + "\n",
                                      encoding="utf-8")
    (root / "docs" / "index.md").write_text(
        f"# Plain stories\n\n{len(links):,} [stories](stories/index.md).\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(yaml.safe_dump(PLAIN_CONFIG, sort_keys=False),
                                     encoding="utf-8")


def build_env(root: Path | None = None) -> dict[str, str]:
    # NO_MKDOCS_2_WARNING: Material's end-of-life banner is not a build warning.
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PLAYBOOK_SITE_URL", None)  # serve at /, not under a sub-path
    if root is not None:  # what a killed server leaves in its TMPDIR goes with our folder
        (root / "tmp").mkdir(exist_ok=True)
        env["TMPDIR"] = str(root / "tmp")
    return env


# -- 1 and 4: builds -------------------------------------------------------------------

@dataclass
class Build:
    seconds: float = float("nan")  # best of the runs
    peak_mb: float = float("nan")  # highest of the runs, of any process
    own_mb: float = 0.0  # the build process alone
    children_mb: float = 0.0  # the largest process it started (Pagefind)
    site_mb: float = float("nan")
    failure: str = ""


def run_build(command: list[str], cwd: Path, site: Path, runs: int,
              cold: tuple[Path, ...] = ()) -> Build:
    """Run a site build `runs` times, each from an empty site folder (and empty `cold`
    folders), and measure it."""
    result = Build(seconds=float("inf"), peak_mb=0.0)
    for run in range(1, runs + 1):
        # Start empty so no run pays for cleaning the previous one's site.
        for folder in (site, *cold):
            shutil.rmtree(folder, ignore_errors=True)
        finished = subprocess.run([sys.executable, "-c", WRAPPER, *command], cwd=cwd,
                                  env=build_env(), capture_output=True, text=True)
        log = finished.stderr.strip().splitlines()
        try:
            measured = json.loads(finished.stdout)
        except json.JSONDecodeError:
            measured = {"code": finished.returncode, "seconds": float("nan"), "rss_kib": 0}
        result.peak_mb = max(result.peak_mb, measured["rss_kib"] / 1024)
        result.own_mb = max(result.own_mb, measured.get("own_kib", 0) / 1024)
        result.children_mb = max(result.children_mb, measured.get("children_kib", 0) / 1024)
        if measured["code"] != 0:
            # Report the failure in the table rather than hide it; -9 is usually the OOM killer.
            result.failure = f"exit {measured['code']}"
            progress(f"    run {run}: FAILED ({result.failure}) after {measured['seconds']:.1f} s"
                     f", peak {result.peak_mb:.0f} MB; last output:")
            for line in log[-10:]:
                progress(f"      {line}")
            return result
        result.seconds = min(result.seconds, measured["seconds"])
        progress(f"    run {run}: {measured['seconds']:.2f} s, "
                 f"peak {measured['rss_kib'] / 1024:.0f} MB")
        # Warnings are worth seeing, once; "built ... in Xs" is not.
        noise = [line for line in log if not line.startswith("built ")] if run == 1 else []
        for line in noise[:5]:
            progress(f"      {line}")
        if len(noise) > 5:
            progress(f"      ... and {len(noise) - 5} more lines")
    result.site_mb = folder_bytes(site) / MB
    return result


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def warm_clip_cache(ours: Path) -> None:
    """`playbook pages` publishes every clip into the repository's cache; not timed."""
    started = time.perf_counter()
    out = ours / "warm-up-pages"
    finished = subprocess.run([str(BIN / "playbook"), "pages", "--out", str(out)],
                              cwd=ours, env=build_env(), capture_output=True, text=True)
    shutil.rmtree(out, ignore_errors=True)
    if finished.returncode != 0:
        progress(f"    playbook pages failed (exit {finished.returncode}); the builds below "
                 f"may be cold:\n{finished.stderr[-2000:]}")
    clips = list((ours / ".cache").rglob("*.mp3")) if (ours / ".cache").is_dir() else []
    progress(f"    {time.perf_counter() - started:.1f} s; {len(clips)} clips in the cache")


# -- 2: edit to reload -----------------------------------------------------------------

class ReloadError(Exception):
    pass


@dataclass
class Reload:
    samples: list[float] = field(default_factory=list)
    failure: str = ""

    @property
    def best(self) -> float:
        return min(self.samples) if self.samples else float("nan")

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def fetch(url: str, timeout: float) -> str | None:
    """The page's text, or None while the server does not answer it."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def interruptible() -> None:
    """In the server's process: Ctrl-C stops it even when we were started ignoring it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop_server(process: subprocess.Popen, port: int) -> None:
    """Interrupt the server's process group (MkDocs then removes its temporary site)."""
    for sent in (signal.SIGINT, signal.SIGKILL):
        try:
            os.killpg(process.pid, sent)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=15)
            break
        except subprocess.TimeoutExpired:
            continue
    for _ in range(100):
        if port_is_free(port):
            return
        time.sleep(0.1)
    progress(f"    port {port} is still taken after the server stopped")


@dataclass
class Server:
    base: str  # http://127.0.0.1:PORT/
    log: Path  # the server's output

    def rebuilds(self) -> int:
        """How many rebuilds MkDocs has started on a change it detected."""
        return self.log.read_text(encoding="utf-8", errors="replace").count(
            "Detected file changes")


@contextmanager
def serving(command: list[str], cwd: Path, root: Path, timeout: float) -> Iterator[Server]:
    """Run `command -a 127.0.0.1:PORT` until the site answers."""
    port = free_port()
    log_path = root / f"serve-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([*command, "-a", f"127.0.0.1:{port}"], cwd=cwd,
                                   env=build_env(root), stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True, preexec_fn=interruptible)
    base = f"http://127.0.0.1:{port}/"
    try:
        started = time.perf_counter()
        while fetch(base, timeout=5) is None:
            if process.poll() is not None:
                raise ReloadError(f"the server exited ({process.returncode}): "
                                  + log_tail(log_path))
            if time.perf_counter() - started > timeout:
                raise ReloadError(f"the site did not answer within {timeout:.0f} s")
            time.sleep(0.2)
        progress(f"    serving after {time.perf_counter() - started:.1f} s")
        yield Server(base, log_path)
    finally:
        stop_server(process, port)


def log_tail(path: Path, lines: int = 10) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def save_as_editor(path: Path, text: str, scratch: Path) -> None:
    """Write beside the watched folder and rename into place: one change, never half a file."""
    temporary = scratch / f"{path.name}.saving"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def time_edits(server: Server, page: str, edited: Path, retitle: Callable[[str, str], str],
               scratch: Path, timeout: float) -> Reload:
    """Change the title EDITS times; each sample runs from the write to the page showing it."""
    page_url = server.base + page
    original = edited.read_text(encoding="utf-8")
    if fetch(page_url, timeout=timeout) is None:
        raise ReloadError(f"{page_url} does not answer")
    result = Reload()
    try:
        for number in range(1, EDITS + 1):
            time.sleep(SETTLE_SECONDS)
            rebuilds = server.rebuilds()
            title = f"Reload probe {number} {os.getpid()}"
            save_as_editor(edited, retitle(original, title), scratch)
            written = time.perf_counter()
            while True:
                elapsed = time.perf_counter() - written
                if elapsed > timeout:
                    raise ReloadError(f"edit {number} did not show within {timeout:.0f} s")
                answer = fetch(page_url, timeout=max(1.0, timeout - elapsed))
                if answer is not None and title in answer:
                    break
                time.sleep(POLL_SECONDS)
            result.samples.append(time.perf_counter() - written)
            # One rebuild per edit, or the sample holds another one as well.
            rebuilt = server.rebuilds() - rebuilds
            progress(f"    edit {number}: {result.samples[-1]:.2f} s, {rebuilt} rebuild(s) seen")
    finally:
        save_as_editor(edited, original, scratch)
    return result


def retitle_story(text: str, title: str) -> str:
    """A story file with a new one-line title in its front matter."""
    changed, found = re.subn(r"^title:[^\n]*$", f"title: {title}", text, count=1, flags=re.M)
    if not found:
        raise ReloadError("the story has no one-line title: field")
    return changed


def retitle_page(text: str, title: str) -> str:
    """A plain page with a new first heading."""
    return re.sub(r"\A# [^\n]*", f"# {title}", text, count=1)


def measure_reload(command: list[str], cwd: Path, root: Path, page: str, edited: Path,
                   retitle: Callable[[str, str], str], count: int) -> Reload:
    timeout = 60 + count * 0.05  # a 10,000-story site takes minutes to build
    try:
        with serving(command, cwd, root, timeout) as server:
            return time_edits(server, page, edited, retitle, root / "tmp", timeout)
    except ReloadError as error:
        progress(f"    FAILED: {error}")
        return Reload(failure=str(error).splitlines()[0])


def edited_story(content: Path) -> Path:
    """A copy rather than an original sample story, when there are copies."""
    stories = sorted((content / "stories").glob("*.md"))
    copies = [path for path in stories if re.search(r"-\d{5}\.md$", path.name)]
    return (copies or stories)[len(copies or stories) // 2]


def built_page(site: Path, story_id: str) -> str:
    """The URL path of a story's page, as our build wrote it (stories/ID/ today)."""
    found = sorted(site.rglob(f"{story_id}/index.html"), key=lambda p: len(p.parts))
    if not found:
        return f"stories/{story_id}/"
    return found[0].parent.relative_to(site).as_posix() + "/"


# -- 3: validate -----------------------------------------------------------------------

def yaml_only(content: Path) -> int:
    """The floor: read every story and parse its front matter, nothing else."""
    parsed = 0
    for path in sorted((content / "stories").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        opening = BOUNDARY.match(text)
        assert opening is not None, path
        closing = BOUNDARY.search(text, opening.end())
        assert closing is not None, path
        yaml.load(text[opening.end():closing.start()], Loader=yaml.CSafeLoader)
        parsed += 1
    return parsed


def cold_load(content: Path) -> object:
    """load_library as a fresh `playbook validate` runs it: no body rendered yet, and
    only the bodies that could hold a link or HTML rendered at all."""
    render_body.cache_clear()
    return load_library(content, render_bodies=False)


def best_of(runs: int, func: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best


# -- one size --------------------------------------------------------------------------

@dataclass
class SizeResult:
    count: int
    runs: int
    floor: float
    validate: float
    ours: Build
    plain: Build
    reload_ours: Reload | None = None
    reload_plain: Reload | None = None
    zensical: Build | None = None


def measure_size(count: int, runs: int, validate_runs: int, reload: bool,
                 zensical: bool) -> SizeResult:
    with tempfile.TemporaryDirectory(prefix=f"playbook-bench-{count}-") as tmp:
        root = Path(tmp)
        ours, plain = root / "ours", root / "plain"
        progress(f"{count:,} stories ({runs} run{'s' if runs > 1 else ''} per build)")
        content = make_repo(ours, count)
        make_plain_site(plain, content)
        progress("  playbook pages, to fill the clip cache (not timed)")
        warm_clip_cache(ours)

        progress("  validate")
        floor = best_of(validate_runs, lambda: yaml_only(content))
        loaded = load_library(content)
        assert not loaded.errors, loaded.errors[:3]
        assert len(loaded.library.stories) == count
        # Each run starts cold, as `playbook validate` does: no body rendered yet.
        full = best_of(validate_runs, lambda: cold_load(content))
        progress(f"    parse {floor:.3f} s, validate {full:.3f} s")

        progress("  playbook build")
        our_build = run_build([str(BIN / "playbook"), "build", "--site-dir", str(ours / "site")],
                              ours, ours / "site", runs)
        progress("  plain mkdocs-material build")
        plain_build = run_build([str(BIN / "mkdocs"), "build", "-q", "-f",
                                 str(plain / "mkdocs.yml"), "-d", str(plain / "site")],
                                plain, plain / "site", runs)
        result = SizeResult(count, runs, floor, full, our_build, plain_build)
        if zensical:
            progress("  playbook build --builder zensical")
            # Zensical keeps a cache in .cache/ beside ours (.cache/playbook, the clips).
            zensical_cache = tuple(path for path in (ours / ".cache").glob("*")
                                   if path.name != "playbook")
            result.zensical = run_build(
                [str(BIN / "playbook"), "build", "--builder", "zensical", "--site-dir",
                 str(ours / "site-zensical")], ours, ours / "site-zensical", runs,
                cold=(ours / "build", *zensical_cache))
        if reload:
            story = edited_story(content)
            progress(f"  edit to reload, ours: mkdocs serve, editing {story.name}")
            result.reload_ours = measure_reload(
                [str(BIN / "mkdocs"), "serve", "-f", str(ours / "mkdocs.yml")], ours, root,
                built_page(ours / "site", story.stem), story, retitle_story, count)
            progress("  edit to reload, plain: mkdocs serve --dirty")
            result.reload_plain = measure_reload(
                [str(BIN / "mkdocs"), "serve", "--dirty", "-f", str(plain / "mkdocs.yml")],
                plain, root, f"stories/{story.stem}/", plain / "docs" / "stories" / story.name,
                retitle_page, count)
        return result


# -- report ----------------------------------------------------------------------------

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown RAM"
    try:
        total = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    except OSError:
        total = None
    if total:
        ram = f"{int(total[1]) / 1024 / 1024:.1f} GB RAM"
    return (f"{cpu}, {os.cpu_count()} cores, {ram}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}; mkdocs {version('mkdocs')}, "
            f"mkdocs-material {version('mkdocs-material')}")


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; the first column left-aligned, the rest right-aligned."""
    lines = ["| " + " | ".join(headers) + " |",
             "| " + " | ".join(["---"] + ["---:"] * (len(headers) - 1)) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def secs(value: float) -> str:
    return f"{value:.2f} s"


def mb(value: float) -> str:
    return f"{value:.1f} MB"


def times(value: float) -> str:
    return f"{value:.2f}x"


def cell(build: Build, value: str) -> str:
    return f"failed ({build.failure})" if build.failure else value


def ratio(ours: float, plain: float, *failed: str) -> float:
    return float("nan") if any(failed) or not plain else ours / plain


def build_ratio(r: SizeResult) -> float:
    return ratio(r.ours.seconds, r.plain.seconds, r.ours.failure, r.plain.failure)


def memory_ratio(r: SizeResult) -> float:
    return ratio(r.ours.peak_mb, r.plain.peak_mb)


def reload_ratio(r: SizeResult) -> float:
    if r.reload_ours is None or r.reload_plain is None:
        return float("nan")
    return ratio(r.reload_ours.median, r.reload_plain.median,
                 r.reload_ours.failure, r.reload_plain.failure)


def reload_cell(reload: Reload) -> str:
    if reload.failure:
        return f"failed ({reload.failure})"
    return f"{secs(reload.best)} / {secs(reload.median)}"


def build_table(results: list[SizeResult]) -> str:
    return table(["stories", "playbook build", "plain mkdocs-material", "ratio",
                  "playbook site", "plain site"],
                 [[f"{r.count:,}", cell(r.ours, secs(r.ours.seconds)),
                   cell(r.plain, secs(r.plain.seconds)), times(build_ratio(r)),
                   cell(r.ours, mb(r.ours.site_mb)), cell(r.plain, mb(r.plain.site_mb))]
                  for r in results])


def zensical_table(results: list[SizeResult]) -> str:
    return table(["stories", "playbook build (MkDocs)", "playbook build --builder zensical",
                  "ratio", "peak memory, zensical"],
                 [[f"{r.count:,}", cell(r.ours, secs(r.ours.seconds)),
                   cell(r.zensical, secs(r.zensical.seconds)),
                   times(ratio(r.zensical.seconds, r.ours.seconds, r.zensical.failure)),
                   mb(r.zensical.peak_mb)]
                  for r in results if r.zensical is not None])


def reload_table(results: list[SizeResult]) -> str:
    return table(["stories", "playbook serve (min / median)",
                  "plain serve --dirty (min / median)", "ratio (medians)"],
                 [[f"{r.count:,}", reload_cell(r.reload_ours), reload_cell(r.reload_plain),
                   times(reload_ratio(r))]
                  for r in results if r.reload_ours is not None and r.reload_plain is not None])


def validate_table(results: list[SizeResult]) -> str:
    return table(["stories", "YAML parse only", "playbook validate", "ratio"],
                 [[f"{r.count:,}", secs(r.floor), secs(r.validate),
                   times(r.validate / r.floor)] for r in results])


def memory_table(results: list[SizeResult]) -> str:
    return table(["stories", "playbook build", "of it: MkDocs process", "of it: Pagefind",
                  "plain mkdocs-material", "ratio", "ratio, MkDocs processes"],
                 [[f"{r.count:,}", mb(r.ours.peak_mb), mb(r.ours.own_mb),
                   mb(r.ours.children_mb), mb(r.plain.peak_mb), times(memory_ratio(r)),
                   times(ratio(r.ours.own_mb, r.plain.own_mb))] for r in results])


def at_size(results: list[SizeResult], wanted: int,
            has: Callable[[SizeResult], bool] = lambda r: True) -> tuple[SizeResult | None, str]:
    """The result at `wanted` stories, else the largest measured one and a note saying so."""
    measured = [r for r in results if has(r)]
    exact = [r for r in measured if r.count == wanted]
    if exact:
        return exact[0], ""
    if not measured:
        return None, ""
    largest = max(measured, key=lambda r: r.count)
    return largest, f" at {largest.count:,} stories (not run at {wanted:,})"


def goal_row(figure: str, value: float, shown: str, note: str, limit: float) -> list[str]:
    if value != value:  # nan: not measured, or failed
        return [figure, "none (not run, or failed: see above)", f"<= {limit:g}x", "n/a"]
    met = "n/a" if note else ("yes" if value <= limit else "no")
    return [figure, shown + note, f"<= {limit:g}x", met]


MEMORY_GOAL = "peak memory at 10,000 stories (build process + largest child)"


def summary_table(results: list[SizeResult],
                  audio: list[audio_benchmark.AudioRun] | None) -> str:
    rows = []
    for wanted in (1000, 10000):
        r, note = at_size(results, wanted)
        value = build_ratio(r) if r else float("nan")
        rows.append(goal_row(f"build, {wanted:,} stories, vs plain mkdocs-material", value,
                             times(value), note, 1.5))
    r, note = at_size(results, 10000)
    together = r.ours.own_mb + r.ours.children_mb if r else float("nan")
    if together != together:
        rows.append([MEMORY_GOAL, "not run", "< 2,500 MB", "n/a"])
    else:
        met = "n/a" if note else ("yes" if together < 2500 else "no")
        rows.append([MEMORY_GOAL,
                     f"{mb(together)} ({mb(r.ours.own_mb)} + {mb(r.ours.children_mb)}; "
                     f"{times(memory_ratio(r))} plain's){note}", "< 2,500 MB", met])
    r, note = at_size(results, 1000, lambda r: r.reload_ours is not None)
    value = reload_ratio(r) if r else float("nan")
    shown = (f"{times(value)} ({secs(r.reload_ours.median)} vs {secs(r.reload_plain.median)})"
             if r and r.reload_ours and r.reload_plain else "")
    rows.append(goal_row("edit-to-reload at 1,000 stories, vs plain Material --dirty",
                         value, shown, note, 1.5))
    r, note = at_size(results, 10000)
    value = r.validate / r.floor if r else float("nan")
    rows.append(goal_row("validate, 10,000 stories, vs bare C-loader parse", value,
                         times(value), note, 2))
    rows += audio_goal_rows(audio)
    return table(["figure", "measured", "goal", "met"], rows)


def audio_goal_rows(audio: list[audio_benchmark.AudioRun] | None) -> list[list[str]]:
    decodes = ["decodes per recording, cold build", "not measured", "1", "n/a"]
    processes = ["ffmpeg processes, warm build", "not measured", "0", "n/a"]
    if audio:
        cold, warm = audio[0], audio[1]
        if not cold.failure:
            decodes[1] = (f"{cold.max_decodes} (most for one recording; "
                          f"mean {cold.mean_decodes:.2f} over {cold.recordings})")
            decodes[3] = "yes" if cold.max_decodes <= 1 else "no"
        if not warm.failure:
            processes[1] = str(warm.processes)
            processes[3] = "yes" if warm.processes == 0 else "no"
    return [decodes, processes]


def measure_audio(with_publish: bool) -> list[audio_benchmark.AudioRun]:
    """Cold and warm builds of the sample library (first), then the publishing stage."""
    with tempfile.TemporaryDirectory(prefix="playbook-bench-audio-") as tmp:
        root = Path(tmp)
        make_repo(root, len(sample_stories()))
        runs = audio_benchmark.measure_build(root, BIN / "playbook", build_env())
    if with_publish:
        runs += audio_benchmark.measure_publish()
    for run in runs:
        progress(f"    {run.name}: {run.seconds:.2f} s, {run.processes} ffmpeg processes")
    return runs


def report(results: list[SizeResult], audio: list[audio_benchmark.AudioRun] | None,
           runs: int) -> str:
    today = datetime.date.today().isoformat()
    parts = [
        "## playbook benchmark",
        f"{today}; {machine()}. Builds: best of {runs} up to {REPEAT_UP_TO:,} stories, "
        "one run above. Times depend on the machine; compare the ratios.",
        "### Build: playbook build vs a plain mkdocs-material site of the same stories",
        build_table(results),
    ]
    if any(r.reload_ours is not None for r in results):
        parts += [f"### Edit to reload: a story's title, {EDITS} edits", reload_table(results)]
    parts += ["### Validate: load_library vs the bare front-matter parse",
              validate_table(results),
              "### Peak memory (max RSS of the build or any of its processes)",
              memory_table(results)]
    if any(r.zensical is not None for r in results):
        parts += ["### The second builder: Zensical over the same stories",
                  zensical_table(results)]
    if audio:
        parts += ["### Audio: real ffmpeg processes", audio_benchmark.table(audio)]
    parts += ["### Summary: the speed goals (issue 18)", summary_table(results, audio)]
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000",
                        help="comma-separated story counts (default: 100,1000,10000)")
    parser.add_argument("--runs", type=int, default=3,
                        help=f"builds per measure up to {REPEAT_UP_TO:,} stories, best kept "
                             "(default: 3); larger sizes build once")
    parser.add_argument("--reload-sizes", default=None,
                        help="story counts at which to measure edit-to-reload "
                             f"(default: every size up to {REPEAT_UP_TO:,})")
    parser.add_argument("--no-audio", action="store_true", help="skip the audio builds")
    parser.add_argument("--no-zensical", action="store_true",
                        help="skip the Zensical builds (or when Zensical is not installed)")
    parser.add_argument("--quick", action="store_true",
                        help="100 stories, one run, reload at 100: a smoke test")
    parser.add_argument("--real-audio", action="store_true",
                        help="only repository and site size at real size: 75-second clips "
                             "cut from 45-minute recordings, with and without clips_base_url")
    args = parser.parse_args()
    # A plain `kill` unwinds like Ctrl-C: servers stopped, temporary folders removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    if args.quick:
        args.sizes, args.runs, args.reload_sizes = "100", 1, "100"
    sizes = [int(n) for n in args.sizes.split(",")]
    if args.real_audio:
        with tempfile.TemporaryDirectory(prefix="playbook-real-audio-") as tmp:
            print(f"{datetime.date.today()}; {machine()}\n")
            print(real_audio_benchmark.main(sizes, Path(tmp), make_repo, build_env, BIN,
                                            progress))
        return
    reload_sizes = ([int(n) for n in args.reload_sizes.split(",")] if args.reload_sizes
                    else [n for n in sizes if n <= REPEAT_UP_TO])
    # Validation runs in this process: on the same day as the builds.
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    started = time.perf_counter()
    results = []
    for count in sizes:
        small = count <= REPEAT_UP_TO
        results.append(measure_size(count, args.runs if small else 1,
                                    VALIDATE_RUNS if small else 3, count in reload_sizes,
                                    zensical=not args.no_zensical and
                                    (BIN / "zensical").exists()))
        progress(f"  done; {time.perf_counter() - started:.0f} s so far")
    audio = None
    if not args.no_audio:
        progress("audio: cold and warm builds, counting ffmpeg processes")
        audio = measure_audio(with_publish=not args.quick)
    print(report(results, audio, args.runs))
    progress(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
