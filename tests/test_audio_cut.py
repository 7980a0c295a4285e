"""`playbook audio cut` (the moment committed, not the interview), video recordings and
Git LFS pointers, with recordings made by the real ffmpeg."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.audio import AudioCache, find_ffmpeg
from helpers import (
    EPOCH,
    STORY,
    build,
    decode_as_is,
    launch_chromium,
    make_repo,
    serve_under_project_path,
    validate_json,
)

ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}


def ffmpeg(*args: str) -> None:
    subprocess.run([find_ffmpeg().path, "-nostdin", "-v", "error", "-y", *args], check=True)


def video(path: Path, seconds: int = 8, audio: bool = True) -> Path:
    """A small real video (a colour and, if `audio`, a tone), as a call recorder exports."""
    codecs = {".mp4": ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"],
              ".mov": ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"],
              ".webm": ["-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus"]}
    sources = ["-f", "lavfi", "-i", f"color=c=blue:s=64x48:r=5:d={seconds}"]
    if audio:
        sources += ["-f", "lavfi", "-i", f"sine=f=440:d={seconds}"]
    chosen = codecs[path.suffix]
    if not audio:
        chosen = chosen[:-2]
    ffmpeg(*sources, *chosen, "-shortest", str(path))
    return path


@pytest.fixture(scope="module")
def long_recording(tmp_path_factory) -> Path:
    """A 45-minute interview at a Zoom export's bitrate: one minute of noise encoded,
    then repeated by copying its MP3 frames (no 45-minute encode)."""
    folder = tmp_path_factory.mktemp("recordings")
    minute = folder / "minute.mp3"
    ffmpeg("-f", "lavfi", "-i", "anoisesrc=d=60:c=pink:a=0.1:r=22050", "-ac", "1", "-b:a",
           "32k", str(minute))
    whole = folder / "zoom 2026-03-14.mp3"
    ffmpeg("-stream_loop", "-1", "-i", str(minute), "-t", "2700", "-c", "copy", str(whole))
    return whole


def cut(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", "audio", "cut", *args],
                          cwd=cwd, env=ENV, capture_output=True, text=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_45_minute_recording_becomes_a_small_excerpt_that_validates_builds_and_plays(
        library, long_recording, tmp_path):
    root = make_repo(library)
    story = library.content / "stories" / "globex-soc2.md"
    before = story.read_text(encoding="utf-8")
    started = time.perf_counter()
    result = cut(root, str(long_recording), "--from", "4:05", "--to", "5:20",
                 "--story", "globex-soc2", "--transcript", "We had finished Globex's review.")
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert elapsed < 10, f"the cut took {elapsed:.1f} s"
    excerpt = library.content / "audio" / "globex-soc2-2.mp3"  # the story's second clip
    assert 0 < excerpt.stat().st_size < 5 * 1024 * 1024
    # The same mode as any file the user writes there (mkstemp's 0600 made it private).
    probe = tmp_path / "probe"
    probe.write_bytes(b"")
    assert excerpt.stat().st_mode & 0o777 == probe.stat().st_mode & 0o777
    assert abs(len(decode_as_is(excerpt)) / 1000 - 79.0) < 0.2  # 75 s and 2 s either side
    digest = sha256(long_recording)
    # The new clip goes after the first; not one other byte of the file changes.
    clip = ('  - src: globex-soc2-2.mp3\n'
            '    start: "0:02"\n'
            '    end: "1:17"\n'
            '    transcript: "We had finished Globex\'s review."\n'
            '    cut_from:\n'
            '      recording: "zoom 2026-03-14.mp3"\n'
            f'      sha256: {digest}\n'
            '      start: "4:05"\n'
            '      end: "5:20"\n')
    anchor = "    transcript: By the time your packet arrived we were done.\n"
    assert story.read_text(encoding="utf-8") == before.replace(anchor, anchor + clip)
    assert "added clip 2 in content/stories/globex-soc2.md" in result.stdout

    code, problems = validate_json(cwd=root)
    assert (code, [p for p in problems if p["severity"] == "error"]) == (0, [])
    built = build(root, tmp_path / "site")
    assert built.returncode == 0, built.stderr
    published = tmp_path / "site" / "stories" / "globex-soc2" / "clip-2.mp3"
    assert abs(len(decode_as_is(published)) / 1000 - 75.0) < 0.2
    page = (tmp_path / "site" / "stories" / "globex-soc2" / "index.html").read_text()
    assert 'src="clip-2.mp3"' in page
    # The page tells where the moment is in the interview, not in the excerpt.
    assert "4:05&ndash;5:20 of the interview" in page
    assert "0:01&ndash;0:07 of the interview" in page  # clip 1, cut from the whole recording
    assert "0:02&ndash;1:17" not in page
    assert _plays_in_chromium(tmp_path / "site", tmp_path / "www", "globex-soc2", 2) > 0


def _plays_in_chromium(site: Path, www: Path, story: str, number: int) -> float:
    """Play a story's clip in Chromium, muted; the seconds it got through."""
    from playwright.sync_api import sync_playwright

    www.mkdir()
    base, server = serve_under_project_path(site, www)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.goto(f"{base}stories/{story}/#clip-{number}")
            audio = page.locator(f"#clip-{number} audio")
            duration = audio.evaluate(
                "a => new Promise(done => { a.preload = 'metadata'; a.addEventListener("
                "'loadedmetadata', () => done(a.duration), {once: true}); a.load(); })")
            assert abs(duration - 75.0) < 0.2
            played = audio.evaluate(
                "a => { a.muted = true; return a.play().then(() => new Promise(done => "
                "setTimeout(() => done(a.currentTime), 600))); }")
            browser.close()
    finally:
        server.shutdown()
    return played


def test_a_cut_of_the_moment_a_clip_plays_updates_that_clip_and_keeps_its_transcript(
        library):
    root = make_repo(library)
    story = library.content / "stories" / "globex-soc2.md"
    before = story.read_text(encoding="utf-8")
    recording = library.content / "audio" / "interview.wav"
    result = cut(root, str(recording), "--from", "0:01", "--to", "0:07",
                 "--story", "globex-soc2")
    assert result.returncode == 0, result.stderr
    # WAV has no compressed stream to copy: the excerpt is Opus, from the start (1 s - 2 s).
    assert (library.content / "audio" / "globex-soc2-1.opus").is_file()
    expected = before.replace(
        "  - src: interview.wav\n", "  - src: globex-soc2-1.opus\n").replace(
        "    transcript: By the time your packet arrived we were done.\n",
        "    transcript: By the time your packet arrived we were done.\n"
        "    cut_from:\n"
        "      recording: interview.wav\n"
        f"      sha256: {sha256(recording)}\n"
        '      start: "0:01"\n'
        '      end: "0:07"\n')
    assert story.read_text(encoding="utf-8") == expected
    assert "updated clip 1" in result.stdout
    assert "content/audio/interview.wav is no longer used by this clip" in result.stdout
    code, problems = validate_json(cwd=root)
    assert code == 0, problems


HOSTILE_CUTS = {
    "nan": (("--from", "nan", "--to", "0:05"), "--from takes \"mm:ss\", \"h:mm:ss\" or "
                                               "seconds, from 0 to 86,400 (24 hours); found 'nan'"),
    "infinity": (("--from", "0:01", "--to", "inf"), "--to takes"),
    "to before from": (("--from", "0:07", "--to", "0:03"), "--to 0:03 is not after --from 0:07"),
    "past the end": (("--from", "0:05", "--to", "0:30"),
                     "--to 0:30 is past the end of 'interview.wav' (0:10 long)"),
    "starts past the end": (("--from", "1:00", "--to", "1:30"),
                            "--from 1:00 is past the end of 'interview.wav' (0:10 long)"),
    "unknown story": (("--from", "0:01", "--to", "0:05", "--story", "globex-soc"),
                      "there is no story 'globex-soc' in content/stories/; did you mean "
                      "'globex-soc2'?"),
    "not audio": (("--recording", "notes.mp3", "--from", "0:01", "--to", "0:05"),
                  "'notes.mp3' is not audio or video that ffmpeg can read"),
    "not a recording's name": (("--recording", "notes.txt", "--from", "0:01", "--to", "0:05"),
                               "'notes.txt' is not a recording: expected one of .wav"),
    "a clip the story lacks": (("--from", "0:01", "--to", "0:05", "--clip", "3"),
                               "--clip 3: content/stories/globex-soc2.md has 1 clip(s); "
                               "leave --clip out to add one"),
    "a video without sound": (("--recording", "silent.mp4", "--from", "0:01", "--to", "0:05"),
                              "the video 'silent.mp4' has no audio track"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_CUTS))
def test_a_cut_it_cannot_make_is_one_line_exit_2_and_writes_nothing(library, tmp_path, case):
    args, message = HOSTILE_CUTS[case]
    root = make_repo(library)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.mp3").write_text("meeting notes, not a recording\n")
    (elsewhere / "notes.txt").write_text("meeting notes\n")
    video(elsewhere / "silent.mp4", audio=False)
    recording = str(library.content / "audio" / "interview.wav")
    options = dict(zip(args[::2], args[1::2], strict=True))
    if "--recording" in options:
        recording = str(elsewhere / options.pop("--recording"))
    options.setdefault("--story", "globex-soc2")
    story = library.content / "stories" / "globex-soc2.md"
    before = story.read_bytes()
    result = cut(root, recording, *[part for pair in options.items() for part in pair])
    assert result.returncode == 2
    [line] = result.stderr.splitlines()  # one line, naming the command
    assert line.startswith("playbook audio cut: ") and message in line, line
    assert story.read_bytes() == before
    assert sorted(p.name for p in (library.content / "audio").iterdir()) == ["interview.wav"]


def test_a_front_matter_it_cannot_edit_is_left_alone_and_the_entry_printed(library):
    root = make_repo(library)
    story = library.content / "stories" / "globex-soc2.md"
    flow = STORY.replace(
        '  - src: interview.wav\n    start: "0:01"\n    end: "0:07"\n'
        '    transcript: By the time your packet arrived we were done.\n',
        "  - {src: interview.wav, start: 1, end: 7, transcript: We were done.}\n")
    assert flow != STORY
    story.write_text(flow, encoding="utf-8")
    result = cut(root, str(library.content / "audio" / "interview.wav"), "--from", "0:01",
                 "--to", "0:07", "--story", "globex-soc2")
    assert result.returncode == 1
    assert "content/stories/globex-soc2.md was left as it was" in result.stderr
    assert story.read_text(encoding="utf-8") == flow
    assert "  - src: globex-soc2-1.opus\n" in result.stdout
    assert '      start: "0:01"\n' in result.stdout


def test_a_cut_from_a_video_keeps_its_audio_track_without_re_encoding(library, tmp_path):
    root = make_repo(library)
    recording = video(tmp_path / "teams-call.mp4")
    result = cut(root, str(recording), "--from", "0:03", "--to", "0:06",
                 "--story", "globex-soc2", "--clip", "1")
    assert result.returncode == 0, result.stderr
    assert "the aac stream copied" in result.stdout
    excerpt = library.content / "audio" / "globex-soc2-1.m4a"
    assert abs(len(decode_as_is(excerpt)) / 1000 - 7.0) < 0.1  # 1 s to the end (8 s)


# -- video recordings and provenance in validation ---------------------------------------

def _with_clip(library, src: str, extra: str = "") -> str:
    return library.story(STORY.replace("src: interview.wav", f"src: {src}").replace(
        "    transcript: By the time your packet arrived we were done.\n",
        "    transcript: By the time your packet arrived we were done.\n" + extra))


@pytest.mark.parametrize("name", ["call.mp4", "call.mov", "call.webm"])
def test_a_video_with_an_audio_track_is_a_recording(library, tmp_path, name):
    video(library.content / "audio" / name)
    path = _with_clip(library, name)
    result = library.load_with_audio(AudioCache(tmp_path / "cache"))
    assert [p for p in result.problems if p.path == path] == []
    assert result.library.story("acme").clips[0].duration == 6.0


def test_a_video_without_an_audio_track_is_a_located_error(library, tmp_path):
    video(library.content / "audio" / "screen-share.mp4", audio=False)
    path = _with_clip(library, "screen-share.mp4")
    problems = [p for p in library.load_with_audio(AudioCache(tmp_path / "cache")).problems
                if p.path == path]
    assert [(p.line, p.field, p.code) for p in problems] == [
        (17, "clips[0].src", "clip.no-audio")]
    assert "the video 'screen-share.mp4' has no audio track" in problems[0].message


POINTER = ("version https://git-lfs.github.com/spec/v1\n"
           "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
           "size 31457280\n")


def test_an_unfetched_git_lfs_pointer_says_run_git_lfs_pull_at_the_clip(library, tmp_path):
    (library.content / "audio" / "interview.wav").write_text(POINTER)
    problems = [p for p in library.load_with_audio(AudioCache(tmp_path / "cache")).problems
                if p.path == "content/stories/globex-soc2.md"]
    assert [(p.line, p.field, p.code) for p in problems] == [
        (17, "clips[0].src", "clip.lfs-pointer")]
    assert problems[0].message == ("'content/audio/interview.wav' is a Git LFS pointer: the "
                                   "recording (30.0 MB) was not downloaded")
    assert "run `git lfs pull`" in problems[0].hint
    assert "corrupt" not in problems[0].message + problems[0].hint


BAD_PROVENANCE = {
    "not a mapping": ("    cut_from: zoom.mp4\n", 21, "clips[0].cut_from"),
    "a path, not a name": (
        "    cut_from:\n      recording: ../calls/zoom.mp4\n      sha256: " + "a" * 64 + "\n"
        '      start: "4:05"\n      end: "5:20"\n', 22, "clips[0].cut_from.recording"),
    "a short hash": (
        "    cut_from:\n      recording: zoom.mp4\n      sha256: abc123\n"
        '      start: "4:05"\n      end: "5:20"\n', 23, "clips[0].cut_from.sha256"),
    "no end": (
        "    cut_from:\n      recording: zoom.mp4\n      sha256: " + "b" * 64 + "\n"
        '      start: "4:05"\n', 21, "clips[0].cut_from.end"),
}


@pytest.mark.parametrize("case", sorted(BAD_PROVENANCE))
def test_a_malformed_provenance_is_a_located_error(library, case):
    extra, line, field = BAD_PROVENANCE[case]
    path = _with_clip(library, "interview.wav", extra)
    problems = [p for p in library.load().problems if p.path == path]
    assert [(p.line, p.field, p.code) for p in problems] == [
        (line, field, "clip.provenance-invalid")]


def test_the_guides_example_clip_cut_from_a_recording_is_accepted(library):
    guide = (Path(__file__).parent.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = guide.split("## A complete example", 1)[1].split("```yaml\n", 1)[1]
    example = example.split("```", 1)[0]
    # Fields only (no decoding): the excerpt need only be there.
    (library.content / "audio" / "northwind-per-seat-math-lost-the-cfo-1.m4a").write_bytes(b"")
    path = library.story(example, "northwind-per-seat-math-lost-the-cfo.md")
    # The sample taxonomy here lacks some of its terms; its clip must raise nothing.
    assert [p for p in library.load().problems
            if p.path == path and p.field.startswith("clips")] == []


def _onset(path: Path, after: float = 0.0) -> float:
    """Seconds until the first 5 ms louder than -40 dBFS, from `after` on."""
    segment = decode_as_is(path)
    for at in range(int(after * 1000), len(segment), 5):
        if segment[at:at + 5].dBFS > -40:
            return at / 1000
    raise AssertionError("no sound found")


def test_a_copied_excerpt_starts_where_the_clip_says(library, tmp_path):
    """Stream copy cuts on frames, not samples: a beep 4 minutes into a recording whose
    bitrate changes (no index to seek by) is where the new clip's start puts it."""
    root = make_repo(library)
    pieces = []
    for name, source, bitrate in (("quiet", "anullsrc=r=22050:cl=mono:d=60", "32k"),
                                  ("beep", "sine=f=1000:r=22050:d=1,apad=whole_dur=60",
                                   "128k")):
        piece = tmp_path / f"{name}.mp3"
        ffmpeg("-f", "lavfi", "-i", source, "-ac", "1", "-b:a", bitrate, "-write_xing", "0",
               "-id3v2_version", "0", "-f", "mp3", str(piece))
        pieces.append(piece.read_bytes())
    recording = tmp_path / "interview.mp3"
    recording.write_bytes(pieces[0] * 4 + pieces[1] + pieces[0] * 2)  # MP3 frames join
    beep = _onset(recording, after=200)
    assert 240 <= beep < 240.5  # 4 minutes, and the pieces' encoder padding
    result = cut(root, str(recording), "--from", "4:00", "--to", "5:10",
                 "--story", "globex-soc2")
    assert result.returncode == 0, result.stderr
    excerpt = library.content / "audio" / "globex-soc2-2.mp3"
    assert "start: \"0:02\"" in (library.content / "stories" / "globex-soc2.md").read_text()
    assert abs((_onset(excerpt) - 2.0) - (beep - 240.0)) < 0.03
