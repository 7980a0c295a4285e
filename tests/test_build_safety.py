"""Builds that fail, are killed or run two at once never break the site.

Each test runs the real `playbook build` (a subprocess, real mkdocs-material,
real ffmpeg). A stand-in ffmpeg, a shell script in front of the real one,
makes the encoder fail or hang at the moment a clip is encoded.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import atomic_dir
from generator.audio import find_ffmpeg
from helpers import EPOCH, broken_links, build, copy_of_the_sample, decode_as_is, make_repo


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def leftovers(root: Path) -> list[str]:
    """Temporary build folders beside the site."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".site."))


def ffmpeg_that(tmp_path: Path, when_encoding: str) -> Path:
    """An ffmpeg that decodes as the real one does and runs `when_encoding` to encode MP3."""
    script = tmp_path / "ffmpeg"
    script.write_text(
        "#!/bin/sh\n"
        f'case " $* " in *" -f mp3 "*) {when_encoding} ;; esac\n'
        f'exec "{find_ffmpeg().path}" "$@"\n')
    script.chmod(0o755)
    return script


def mkdocs_build(root: Path, site: Path, **env: str) -> subprocess.CompletedProcess:
    """A plain `mkdocs build`, as someone who never runs `playbook` would."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)],
        cwd=root, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **env},
        capture_output=True, text=True,
    )


@pytest.mark.parametrize("command", [build, mkdocs_build], ids=["playbook", "mkdocs"])
def test_a_build_whose_encoder_fails_leaves_the_previous_site_as_it_was(
        library, tmp_path, command):
    root = make_repo(library)
    site = root / "site"
    assert build(root, site).returncode == 0
    before = files_in(site)
    broken = ffmpeg_that(tmp_path, "echo \"Unknown encoder 'libmp3lame'\" >&2; exit 1")
    # A new cut of the clip, so the build has one to encode.
    library.story(library.content.joinpath("stories/globex-soc2.md").read_text()
                  .replace('start: "0:01"', 'start: "0:02"'), "globex-soc2.md")

    result = command(root, site, PLAYBOOK_FFMPEG=str(broken))

    assert result.returncode == 1
    assert files_in(site) == before
    assert leftovers(root) == []
    if command is build:
        assert "Traceback" not in result.stdout + result.stderr
        assert "publishing the audio clips" in result.stderr
        assert "Unknown encoder 'libmp3lame'" in result.stderr  # what ffmpeg said
        assert "PLAYBOOK_FFMPEG" in result.stderr  # what to do


def test_a_build_killed_part_way_leaves_the_previous_site_and_the_next_one_cleans_up(
        library, tmp_path):
    root = make_repo(library)
    site = root / "site"
    assert build(root, site).returncode == 0
    before = files_in(site)
    encoding = tmp_path / "encoding"
    hanging = ffmpeg_that(tmp_path, f'touch "{encoding}"; sleep 600')
    library.story(library.content.joinpath("stories/globex-soc2.md").read_text()
                  .replace('start: "0:01"', 'start: "0:02"'), "globex-soc2.md")

    running = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "build", "--site-dir", str(site)],
        cwd=root, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PLAYBOOK_FFMPEG": str(hanging)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120  # only so a broken build cannot hang the suite
        while not encoding.exists() and running.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert encoding.exists(), "the build never reached the encoder"
        assert [name for name in leftovers(root) if ".building-" in name]
    finally:
        os.killpg(running.pid, signal.SIGKILL)  # kill -9 the build and its ffmpeg
        running.wait()

    assert files_in(site) == before
    assert leftovers(root)  # the killed build's folder, for the next build to remove

    again = build(root, site)
    assert again.returncode == 0, again.stderr
    assert leftovers(root) == []
    assert files_in(site) != before  # the new clip start is in
    assert broken_links(site)[1] == []


def test_two_builds_at_once_into_one_site_with_one_cache_both_finish(tmp_path):
    root = copy_of_the_sample(tmp_path / "repo")
    site = root / "site"
    cache = root / ".cache" / "playbook"

    def start(**env: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "generator.cli", "build", "--site-dir", str(site)],
            cwd=root, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **env}, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def finish(running: subprocess.Popen) -> None:
        out, err = running.communicate()
        assert running.returncode == 0, out + err
        assert "Traceback" not in out + err

    # Started together on a cold cache: both encode the same clips into it
    # and write its index.
    builds = [start(), start()]
    for running in builds:
        finish(running)

    # One build waits at its first encode, its folder half made, while a second
    # builds the whole site and swaps it in (and must not take the first's
    # folder for a leftover); then the first goes on, encodes the same clips
    # into the cache again and swaps its site in.
    shutil.rmtree(cache)
    encoding, release = tmp_path / "encoding", tmp_path / "release"
    waiting = ffmpeg_that(
        tmp_path, f'touch "{encoding}"; while [ ! -e "{release}" ]; do sleep 0.05; done')
    first = start(PLAYBOOK_FFMPEG=str(waiting))
    try:
        deadline = time.monotonic() + 120  # only so a broken build cannot hang the suite
        while not encoding.exists() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert encoding.exists(), "the first build never reached the encoder"
        half_made = leftovers(root)
        assert half_made
        finish(start())
        assert leftovers(root) == half_made
        assert broken_links(site)[1] == []
    finally:
        release.touch()
    finish(first)

    assert leftovers(root) == []
    checked, broken = broken_links(site)
    assert broken == [] and checked > 2000
    # The same bytes as one build alone from the cache the others left behind.
    alone = tmp_path / "alone"
    result = build(root, alone)
    assert result.returncode == 0 and "(0 encoded" in result.stderr, result.stderr
    assert files_in(site) == files_in(alone)
    index = json.loads((cache / "recordings.json").read_text(encoding="utf-8"))
    assert len(index) == len(list((root / "content" / "audio").iterdir()))
    assert all("seconds" in entry and "sha256" in entry for entry in index.values())
    clips = sorted((cache / "clips").iterdir())
    assert len(clips) >= 8 and not [c for c in clips if c.name.startswith(".partial-")]
    for clip in clips:
        assert len(decode_as_is(clip)) > 1000


def test_a_site_folder_that_cannot_be_made_is_a_message_not_a_traceback(library, tmp_path):
    root = make_repo(library)
    (tmp_path / "a-file").write_text("not a folder")

    result = build(root, tmp_path / "a-file" / "site")

    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "a-file" in result.stderr and "writable" in result.stderr


def test_a_build_killed_between_the_two_renames_of_the_swap_gets_its_site_back(
        library, tmp_path):
    # The swap renames site/ aside, then the new folder in: between the two
    # there is no site/. A build killed there leaves the previous site under
    # the old name, and the next build puts it back before it starts.
    root = make_repo(library)
    site = root / "site"
    assert build(root, site).returncode == 0
    before = files_in(site)
    killed = subprocess.run(
        [sys.executable, "-c",
         "import os, signal, sys\n"
         "from pathlib import Path\n"
         "from generator import atomic_dir\n"
         "site = Path(sys.argv[1])\n"
         "building = atomic_dir.start(site)\n"
         "(building / 'index.html').write_text('the new site')\n"
         "rename = os.rename\n"
         "def rename_then_die(a, b):\n"
         "    rename(a, b)\n"
         "    os.kill(os.getpid(), signal.SIGKILL)\n"
         "atomic_dir.os.rename = rename_then_die\n"
         "atomic_dir.swap_in(building, site)\n",
         str(site)], cwd=Path(atomic_dir.__file__).parent.parent)
    assert killed.returncode == -signal.SIGKILL
    assert not site.exists()
    assert [name for name in leftovers(root) if ".old-" in name]

    atomic_dir.discard(atomic_dir.start(site))  # what the next build does first
    assert files_in(site) == before
    assert leftovers(root) == []
