"""Benchmark of the story finder and list pages at scale (issue 7).

    .venv/bin/python scripts/finder_benchmark.py [--sizes 1000,10000] > finder-bench.md

For each N, builds a synthetic library of N stories (benchmark.make_repo: N
copies of the sample stories with new ids) once with `playbook build`, and
reports: the build's wall time, the largest HTML page and the finder page,
the Pagefind index on disk and Material's search index, and what a first
query in the finder downloads in Chromium (the whole page load, and the
search bundle's part of it). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from benchmark import BIN, build_env, folder_bytes, make_repo, progress
from test_browser import CHROMIUM_FLAGS, chromium_path

KB = 1024
MB = 1024 * 1024
QUERY = "q=security+review+late&outcome=loss"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def first_query_bytes(www: Path) -> tuple[int, int, int]:
    """(bytes of the whole load, of it the search bundle's, results shown) for QUERY."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sizes: dict[str, int] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(),
                                                 args=CHROMIUM_FLAGS)
            page = browser.new_page()
            page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())))
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/playbook/stories/?{QUERY}")
            page.wait_for_selector("[data-finder-list][data-finder-ready], "
                                   "[data-finder-empty]:not([hidden])", timeout=120_000)
            page.wait_for_load_state("networkidle")
            shown = page.locator("[data-finder-list] > li").count()
            browser.close()
    finally:
        server.shutdown()
    bundle = sum(size for url, size in sizes.items() if "/pagefind/" in url)
    return sum(sizes.values()), bundle, shown


def measure(count: int) -> str:
    with tempfile.TemporaryDirectory(prefix=f"playbook-finder-{count}-") as tmp:
        root = Path(tmp)
        make_repo(root, count)
        progress(f"{count:,} stories: playbook pages (fills the clip cache, not timed)")
        subprocess.run([str(BIN / "playbook"), "pages", "--out", str(root / "pre")], cwd=root,
                       env=build_env(), capture_output=True, check=True)
        site = root / "www" / "playbook"
        progress("  playbook build")
        started = time.perf_counter()
        subprocess.run([str(BIN / "playbook"), "build", "--site-dir", str(site)], cwd=root,
                       env=build_env(), capture_output=True, check=True)
        seconds = time.perf_counter() - started
        pages = sorted(((p.stat().st_size, p.relative_to(site).as_posix())
                        for p in site.rglob("*.html")), reverse=True)
        largest_size, largest = pages[0]
        finder = (site / "stories" / "index.html").stat().st_size
        pagefind = folder_bytes(site / "pagefind")
        lunr = (site / "search" / "search_index.json").stat().st_size
        progress("  first query in Chromium")
        loaded, bundle, shown = first_query_bytes(root / "www")
        return (f"| {count:,} | {seconds:.1f} s | {largest_size / KB:.0f} KB ({largest}) "
                f"| {finder / KB:.0f} KB | {pagefind / MB:.1f} MB | {lunr / MB:.2f} MB "
                f"| {bundle / KB:.0f} KB of {loaded / KB:.0f} KB ({shown} cards) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    rows = [measure(int(n)) for n in args.sizes.split(",")]
    print("| stories | playbook build | largest HTML page | finder page | Pagefind index on disk "
          "| Material search index | first query downloads: search bundle of whole load |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
