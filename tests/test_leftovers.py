"""What the last round left open: the clip cache and its ffmpeg, a linked content/
folder, and a renamed story's clip URLs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.audio import AudioCache, ClipJob, Ffmpeg, find_ffmpeg, publish
from helpers import EPOCH, make_repo, silent_wav


def fake_ffmpeg(folder: Path, version: str, log: Path) -> Ffmpeg:
    """An ffmpeg that says it is `version` and otherwise is the real one; notes each start."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "ffmpeg"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{log}"\n'
        f'case " $* " in *" -version "*) echo "ffmpeg version {version}"; exit 0 ;; esac\n'
        f'exec "{find_ffmpeg().path}" "$@"\n')
    script.chmod(0o755)
    return Ffmpeg(str(script), "a test")


def test_a_clip_encoded_by_another_ffmpeg_is_a_new_clip(tmp_path):
    recording = tmp_path / "interview.wav"
    silent_wav(recording, seconds=8.0)
    log = tmp_path / "started.log"
    first = fake_ffmpeg(tmp_path / "a", "6.1-one", log)
    second = fake_ffmpeg(tmp_path / "b", "7.0-two", log)

    by_first = AudioCache(tmp_path / "cache", ffmpeg=first)
    [clip] = publish(by_first, [ClipJob(recording, 1, 6)])
    assert by_first.counters.encoded == 1

    # The same ffmpeg in a later build: the clip is reused, and no ffmpeg starts at all.
    log.unlink()
    again = AudioCache(tmp_path / "cache", ffmpeg=first)
    [reused] = publish(again, [ClipJob(recording, 1, 6)])
    assert (reused.file, again.counters.encoded) == (clip.file, 0)
    assert not log.exists(), "a warm build asked ffmpeg for its version"
    assert again.used_ffmpeg() == "none needed"

    # Another ffmpeg (same cache, same recording, same cut) encodes its own clip.
    by_second = AudioCache(tmp_path / "cache", ffmpeg=second)
    [other] = publish(by_second, [ClipJob(recording, 1, 6)])
    assert by_second.counters.encoded == 1
    assert other.file != clip.file and clip.file.is_file()

    # The first ffmpeg replaced in place (same path, new file): asked again, a new key.
    log.unlink()
    (tmp_path / "a" / "ffmpeg").write_text(
        (tmp_path / "a" / "ffmpeg").read_text().replace("6.1-one", "6.1-one-patched"))
    os.utime(tmp_path / "a" / "ffmpeg", ns=(1, 1))
    replaced = AudioCache(tmp_path / "cache", ffmpeg=first)
    [patched] = publish(replaced, [ClipJob(recording, 1, 6)])
    assert patched.file not in (clip.file, other.file) and replaced.counters.encoded == 1
    assert "-version" in log.read_text()


def test_an_ffmpeg_that_cannot_say_its_version_is_an_audio_error(tmp_path):
    from generator.audio import AudioError

    recording = tmp_path / "interview.wav"
    silent_wav(recording, seconds=8.0)
    broken = tmp_path / "ffmpeg"
    broken.write_text(f'#!/bin/sh\ncase " $* " in *" -version "*) exit 3 ;; esac\n'
                      f'exec "{find_ffmpeg().path}" "$@"\n')
    broken.chmod(0o755)
    cache = AudioCache(tmp_path / "cache", ffmpeg=Ffmpeg(str(broken), "a test"))
    [result] = publish(cache, [ClipJob(recording, 1, 6)])
    assert isinstance(result, AudioError)
    assert "did not say its version" in result.message


def playbook(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=root,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
                          capture_output=True, text=True)


@pytest.fixture
def repo(library):
    make_repo(library)
    return library


def test_a_renamed_storys_old_clip_url_still_plays_the_clip(repo, tmp_path):
    text = (repo.content / "stories" / "globex-soc2.md").read_text()
    repo.story(text.replace("outcome: loss\n", "outcome: loss\nredirect_from: [soc2-week-one]\n"),
               "globex-soc2.md")
    site = tmp_path / "site"
    result = playbook(repo.root, "build", "--site-dir", str(site))
    assert result.returncode == 0, result.stderr
    clip = (site / "stories" / "globex-soc2" / "clip-1.mp3").read_bytes()
    assert len(clip) > 1000
    assert (site / "stories" / "soc2-week-one" / "clip-1.mp3").read_bytes() == clip
    # The old page still sends readers (and a #clip-1 anchor) on to the new one.
    assert "../globex-soc2/" in (site / "stories" / "soc2-week-one" / "index.html").read_text()


def test_a_content_folder_that_links_outside_the_repository_is_refused(
        repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere")  # the repository is the library's tmp_path
    tmp_path = tmp_path_factory.mktemp("out")
    (repo.content).rename(outside / "content")
    repo.content.symlink_to(outside / "content", target_is_directory=True)
    result = playbook(repo.root, "validate", "--format", "json")
    assert result.returncode == 1
    import json

    assert [(p["path"], p["line"], p["code"]) for p in json.loads(result.stdout)["problems"]] \
        == [("content", 0, "file.symlink-outside")]
    built = playbook(repo.root, "build", "--site-dir", str(tmp_path / "site"))
    assert built.returncode == 1 and "file.symlink-outside" in built.stderr + built.stdout
    assert "Traceback" not in built.stderr
    assert not (tmp_path / "site").exists()


def test_a_content_folder_that_links_inside_the_repository_is_read(repo):
    (repo.root / "data").mkdir()
    repo.content.rename(repo.root / "data" / "content")
    repo.content.symlink_to(Path("data") / "content", target_is_directory=True)
    result = playbook(repo.root, "validate", "--no-audio")
    assert result.returncode == 0, result.stdout + result.stderr
