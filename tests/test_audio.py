"""Clips cut, normalized and encoded with pydub and a real ffmpeg."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydub import AudioSegment
from pydub.generators import Sine

from generator.audio import (
    TARGET_DBFS,
    AudioCache,
    ClipJob,
    find_ffmpeg,
    publish,
    publish_clips,
)
from helpers import STORY, decode_as_is


def tone(seconds: float, dbfs: float, freq: int = 440) -> AudioSegment:
    return Sine(freq, sample_rate=44100).to_audio_segment(duration=seconds * 1000, volume=dbfs)


def silence(seconds: float) -> AudioSegment:
    return AudioSegment.silent(duration=seconds * 1000, frame_rate=44100)


def save(segment: AudioSegment, path: Path, fmt: str = "mp3") -> Path:
    """A test recording, encoded for real (stereo, like a phone recorder's output)."""
    AudioSegment.converter = find_ffmpeg().path
    segment.set_channels(2).export(str(path), format=fmt)
    return path


def onset(segment: AudioSegment, threshold_dbfs: float = -45.0, step_ms: int = 5) -> float:
    """Seconds until the first 5 ms window louder than the threshold."""
    for at in range(0, len(segment), step_ms):
        if segment[at:at + step_ms].dBFS > threshold_dbfs:
            return at / 1000
    raise AssertionError("no sound found")


def offset(segment: AudioSegment, threshold_dbfs: float = -45.0, step_ms: int = 5) -> float:
    """Seconds until the end of the last loud window."""
    for at in range(len(segment) - step_ms, 0, -step_ms):
        if segment[at:at + step_ms].dBFS > threshold_dbfs:
            return (at + step_ms) / 1000
    raise AssertionError("no sound found")


@pytest.fixture
def cache(tmp_path) -> AudioCache:
    return AudioCache(tmp_path / "cache")


def test_a_clip_is_cut_to_within_50_ms(tmp_path, cache):
    # Sound from 2.0 s to 5.0 s of a 10 s recording; cut 1.0-6.0.
    recording = save(silence(2) + tone(3, -12) + silence(5), tmp_path / "interview.mp3")
    [clip] = publish(cache, [ClipJob(recording, 1.0, 6.0)])
    decoded = cache.decode(clip.file)
    assert clip.duration == 5.0
    assert abs(len(decoded) / 1000 - 5.0) <= 0.05
    assert abs(onset(decoded) - 1.0) <= 0.05
    assert abs(offset(decoded) - 4.0) <= 0.05


def test_clips_are_mono_mp3_at_one_loudness(tmp_path, cache):
    quiet = save(tone(8, -38), tmp_path / "quiet.mp3")
    loud = save(tone(8, -6, freq=220), tmp_path / "loud.wav", fmt="wav")
    results = publish(cache, [ClipJob(quiet, None, None), ClipJob(loud, 1, 7)])
    levels = []
    for result in results:
        assert result.file.suffix == ".mp3"
        clip = decode_as_is(result.file)
        assert clip.channels == 1
        levels.append(cache.decode(result.file).dBFS)
    assert all(abs(level - TARGET_DBFS) <= 1.0 for level in levels), levels
    assert results[0].duration == pytest.approx(8.0, abs=0.05)  # whole file without start/end


def test_a_warm_build_decodes_and_encodes_nothing(tmp_path):
    recording = save(tone(12, -20), tmp_path / "interview.mp3")
    jobs = [ClipJob(recording, 0, 5), ClipJob(recording, 5, 11), ClipJob(recording)]
    cold = AudioCache(tmp_path / "cache")
    first = publish(cold, jobs)
    assert (cold.counters.decoded, cold.counters.encoded) == (1, 3)  # one decode per recording

    warm = AudioCache(tmp_path / "cache")  # a new build: a new process, the same cache
    second = publish(warm, jobs)
    assert (warm.counters.decoded, warm.counters.encoded, warm.counters.hashed) == (0, 0, 0)
    assert [r.file for r in second] == [r.file for r in first]

    # A changed recording is hashed again and its clips are made again.
    save(tone(12, -20, freq=330), recording)
    changed = AudioCache(tmp_path / "cache")
    third = publish(changed, jobs)
    assert changed.counters.encoded == 3
    assert {r.file for r in third}.isdisjoint({r.file for r in first})


def test_a_changed_cut_is_a_new_clip(tmp_path, cache):
    recording = save(tone(12, -20), tmp_path / "interview.mp3")
    [a] = publish(cache, [ClipJob(recording, 0, 5)])
    [b] = publish(cache, [ClipJob(recording, 0, 6)])
    assert a.file != b.file and cache.counters.encoded == 2


def test_a_failed_encode_leaves_no_file_behind(tmp_path, cache, monkeypatch):
    recording = save(tone(6, -20), tmp_path / "interview.mp3")

    def broken_export(self, out_f, **kwargs):
        Path(out_f).write_bytes(b"half a clip")
        raise KeyboardInterrupt  # as if the build were stopped mid-encode

    monkeypatch.setattr(AudioSegment, "export", broken_export)
    with pytest.raises(KeyboardInterrupt):
        publish(cache, [ClipJob(recording, 0, 5)])
    leftovers = [p for p in (cache.dir / "clips").rglob("*") if p.is_file()]
    assert leftovers == []


def test_the_ffmpeg_from_the_wheel_works_without_ffprobe(tmp_path, monkeypatch):
    import imageio_ffmpeg

    recording = save(silence(1) + tone(4, -15), tmp_path / "interview.mp3")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no system ffmpeg or ffprobe
    monkeypatch.delenv("PLAYBOOK_FFMPEG", raising=False)
    found = find_ffmpeg()
    assert found.source.startswith("imageio-ffmpeg")
    assert found.path == imageio_ffmpeg.get_ffmpeg_exe()
    cache = AudioCache(tmp_path / "cache", ffmpeg=found)
    [clip] = publish(cache, [ClipJob(recording, 0.5, 4.5)])
    assert abs(onset(cache.decode(clip.file)) - 0.5) <= 0.05


# -- located problems from `playbook validate` -------------------------------------------

def check(library, tmp_path):
    return library.load_with_audio(AudioCache(tmp_path / "cache"))


@pytest.fixture
def recording_library(library, tmp_path):
    save(silence(1) + tone(20, -20) + silence(1), library.content / "audio" / "interview.mp3")
    return library


def test_clips_inside_the_recording_pass(recording_library, tmp_path):
    recording_library.story(STORY.replace("src: interview.wav", "src: interview.mp3")
                            .replace('start: "0:01"', 'start: "0:02"')
                            .replace('end: "0:07"', 'end: "0:20"'))
    result = check(recording_library, tmp_path)
    assert [p for p in result.problems if "acme" in p.path] == []
    assert result.library.story("acme").clips[0].duration == 18.0


AUDIO_CASES = {
    "start beyond the recording": (
        ('start: "0:01"', 'start: "0:30"', 'end: "0:07"', 'end: "0:40"'), 18, "clips[0].start",
        "'start' is 0:30, beyond the end of the recording 'interview.mp3' (0:22 long)"),
    "end beyond the recording": (
        ('end: "0:07"', 'end: "1:10"'), 19, "clips[0].end",
        "'end' is 1:10, beyond the end of the recording 'interview.mp3' (0:22 long)"),
    "corrupt recording": (
        ("src: interview.mp3", "src: corrupt.mp3"), 17, "clips[0].src",
        "cannot decode the recording 'corrupt.mp3'"),
    "unsupported format": (
        ("src: interview.mp3", "src: notes.txt"), 17, "clips[0].src",
        "'notes.txt' is not a supported recording format"),
    "a folder instead of a recording": (
        ("src: interview.mp3", "src: folder.mp3"), 17, "clips[0].src",
        "'content/audio/folder.mp3' is a folder, not a recording"),
    "an empty recording": (
        ("src: interview.mp3", "src: empty.mp3"), 17, "clips[0].src",
        "cannot decode the recording 'empty.mp3'"),
}


@pytest.mark.parametrize("case", sorted(AUDIO_CASES))
def test_bad_audio_is_located_at_the_clip(recording_library, tmp_path, case):
    changes, line, field, message = AUDIO_CASES[case]
    audio_dir = recording_library.content / "audio"
    (audio_dir / "corrupt.mp3").write_bytes(os.urandom(4000))
    (audio_dir / "notes.txt").write_text("not audio")
    (audio_dir / "folder.mp3").mkdir()
    (audio_dir / "empty.mp3").write_bytes(b"")
    text = STORY.replace("src: interview.wav", "src: interview.mp3")
    for old, new in zip(changes[::2], changes[1::2], strict=True):
        text = text.replace(old, new)
    path = recording_library.story(text)
    problems = [p for p in check(recording_library, tmp_path).problems if p.path == path]
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.line, problem.field, problem.severity) == (line, field, "error")
    assert message in problem.message
    assert problem.hint


@pytest.mark.parametrize("start, end, words", [
    ("0:00", "0:03", "the clip is 0:03 long (3.0 s)"),
    (None, None, "the clip is 1:35 long (95.0 s)"),
])
def test_clips_too_short_or_too_long_are_warnings(library, tmp_path, start, end, words):
    save(tone(95, -20), library.content / "audio" / "long.mp3")
    text = STORY.replace("src: interview.wav", "src: long.mp3")
    text = text.replace('    start: "0:01"\n', f'    start: "{start}"\n' if start else "")
    text = text.replace('    end: "0:07"\n', f'    end: "{end}"\n' if end else "")
    path = library.story(text)
    [problem] = [p for p in check(library, tmp_path).problems if p.path == path]
    assert (problem.severity, problem.line, problem.field) == ("warning", 17, "clips[0]")
    assert words in problem.message and "60-90 s" in problem.message


def test_published_clips_have_stable_site_paths(recording_library, tmp_path):
    recording_library.story(STORY.replace("src: interview.wav", "src: interview.mp3")
                            .replace('end: "0:07"', 'end: "0:09"'))
    cache = AudioCache(tmp_path / "cache")
    result = recording_library.load_with_audio(cache)
    clips = publish_clips(result.library.stories, recording_library.content / "audio", cache)
    assert sorted(clips) == ["stories/acme/clip-1.mp3", "stories/globex-soc2/clip-1.mp3"]


def test_a_cold_build_decodes_each_recording_once_and_a_warm_one_runs_no_ffmpeg(tmp_path):
    from generator.build import Settings, run
    from helpers import EPOCH_DATE, copy_of_the_sample

    root = copy_of_the_sample(tmp_path / "repo")
    # An ffmpeg that notes every time it is started, then runs the real one.
    started = tmp_path / "started.log"
    wrapper = tmp_path / "ffmpeg"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {started}\nexec {find_ffmpeg().path} "$@"\n')
    wrapper.chmod(0o755)
    os.environ["PLAYBOOK_FFMPEG"] = str(wrapper)
    try:
        settings = Settings((root / "content").resolve(), today=EPOCH_DATE)
        cold = run(settings)
        recordings = {clip.src for story in cold.library.stories for clip in story.clips} | {
            clip.src for session in cold.library.calibrations for call in session.calls
            for clip in call.clips}
        assert len(recordings) >= 5 and cold.clips_encoded >= len(recordings)
        assert cold.recordings_decoded == len(recordings)
        decodes = [line for line in started.read_text().splitlines() if line.endswith("-f wav -")]
        assert len(decodes) == len(recordings)  # ffmpeg agrees with the counters
        started.unlink()

        warm = run(settings)
        assert (warm.recordings_decoded, warm.clips_encoded) == (0, 0)
        assert not started.exists(), "a warm build started ffmpeg"
        assert warm.ffmpeg == "none needed"
    finally:
        del os.environ["PLAYBOOK_FFMPEG"]
