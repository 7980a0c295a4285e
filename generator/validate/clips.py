"""A story's `clips` field: each clip's recording path, cut and transcript.

Checking a clip against its recording's real length is `recordings.py`.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..model import (
    Clip,
)
from ..problems import Code
from ..source import (
    FieldPath,
    SourceFile,
    describe,
    file_kind,
    is_inside,
    lfs_pointer_size,
    size_text,
)
from ..timecode import format_time
from .fields import (
    Checker,
    suggestion,
)

# The findings this module reports (listed by `playbook codes`).
CODES = (
    Code("clip.src-outside", "error", "a clip's src leaves content/audio/ (.., absolute, link)"),
    Code("clip.src-missing", "error", "a clip's recording does not exist"),
    Code("clip.src-invalid", "error", "a clip's src is not a plain file name or path"),
    Code("clip.time-invalid", "error",
         "a clip's start or end (or a moment's at) is not mm:ss, h:mm:ss or seconds, "
         "from 0 to 24 hours"),
    Code("clip.end-before-start", "error", "a clip ends before it starts"),
    Code("clip.lfs-pointer", "error",
         "a clip's recording is a Git LFS pointer whose content was not fetched "
         "(run `git lfs pull`)"),
    Code("clip.provenance-invalid", "error",
         "a clip's cut_from (the recording an excerpt was cut from: its file name, "
         "SHA-256 and original start and end) is malformed"),
)


CLIP_KEYS = ("src", "start", "end", "transcript", "cut_from")
# Where `playbook audio cut` took an excerpt from, so the moment can be found again
# in the whole recording that is not committed.
CUT_FROM_KEYS = ("recording", "sha256", "start", "end")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:")  # C:\... on Windows


@dataclass(frozen=True)
class ClipSpec:
    """A clip whose recording and cut parse, kept even when its story has other
    faults, so the audio stage checks it against the recording in the same run."""

    source: SourceFile  # locates problems at the clip's lines
    index: int  # position in the story's 'clips'
    src: str  # relative to content/audio/
    start: float | None
    end: float | None
    at: FieldPath = ()  # where the 'clips' field sits: () for a story, ("calls", 2) ...


def _linked_outside(recording: Path, audio_dir: Path,
                    entry: os.stat_result | None = None) -> bool:
    """Whether a link on the way from content/audio/ to the recording leads out of the
    repository. Only a link can, so the real path is worked out only when there is one.
    `entry` is the recording's lstat, when there is one."""
    step = os.fspath(recording)
    for level in range(len(recording.parts) - len(audio_dir.parts) + 1):  # up to audio_dir
        if (stat.S_ISLNK(entry.st_mode) if level == 0 and entry is not None
                else os.path.islink(step)):
            # content/ was resolved, so its parent is the repository's real root.
            return not is_inside(recording, audio_dir.parent.parent)
        step = os.path.dirname(step)
    return False


def _file_mode(path: Path) -> int | None:
    """The st_mode of what `path` leads to, without opening it; None if nothing is there."""
    try:
        return os.stat(path).st_mode
    except (OSError, ValueError):
        return None


def _entry(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (OSError, ValueError):
        return None


def _recording_state(recording: Path, audio_dir: Path) -> tuple[bool, int | None]:
    """`_linked_outside` and `_file_mode` of a recording, from one lstat when it is
    not a link (the usual case): what a plain entry leads to is itself."""
    entry = _entry(recording)
    if _linked_outside(recording, audio_dir, entry):
        return True, None
    if entry is not None and not stat.S_ISLNK(entry.st_mode):
        return False, entry.st_mode
    return False, _file_mode(recording)


def read_clips(check: Checker, audio_dir: Path) -> tuple[tuple[Clip, ...], list[ClipSpec]]:
    """The valid clips, and every clip whose src, start and end parse."""
    value = check.get("clips", False, "a list of clips")
    if value is None:
        return (), []
    if not isinstance(value, list):
        check.error("clips", f"expected 'clips' to be a list of {{src, start, end, transcript}}; "
                             f"found {describe(value)}",
                    "start each clip with '- src: file.mp3' on its own line", code="field.type")
        return (), []
    clips = []
    specs = []
    for index, spec in enumerate(value):
        at: FieldPath = ("clips", index)
        if not isinstance(spec, dict):
            check.error(at, f"expected clip {index + 1} to have src and transcript fields; "
                            f"found {describe(spec)}",
                        "write it as '- src: file.mp3' with 'transcript: ...' below it",
                        code="field.type")
            continue
        check.unknown_keys(spec, CLIP_KEYS, at, "a clip")
        ok = True
        raw_src = spec.get("src")
        src = ""
        if not isinstance(raw_src, str) or not raw_src.strip():
            check.error((*at, "src"), f"each clip needs 'src', a recording in content/audio/; "
                                      f"found {describe(raw_src)}", "add 'src: interview.mp3'",
                                      code="field.required")
            ok = False
        else:
            src = raw_src.strip()
            pure = PurePosixPath(src.replace("\\", "/"))
            recording = audio_dir / pure
            if _CONTROL.search(src):
                check.error((*at, "src"), f"expected 'src' to be a file name; found {src!r}, "
                                          "which holds control characters",
                            "give the recording's plain file name, e.g. 'src: acme.mp3'",
                            code="clip.src-invalid")
                ok = False
            elif pure.is_absolute() or _DRIVE.match(src) or ".." in pure.parts:
                check.error((*at, "src"),
                            f"expected 'src' to be a path inside content/audio/; found '{src}', "
                            "which points outside it",
                            "copy the recording into content/audio/ and give its path "
                            "relative to that folder, e.g. 'src: acme-interview.mp3'",
                            code="clip.src-outside")
                ok = False
            elif (state := _recording_state(recording, audio_dir))[0]:
                check.error((*at, "src"),
                            f"'content/audio/{pure.as_posix()}' is a symbolic link to a file "
                            "outside the repository",
                            "copy the recording into content/audio/ instead of linking to it",
                            code="file.symlink-outside")
                ok = False
            elif (mode := state[1]) is not None and not stat.S_ISREG(mode):
                check.error((*at, "src"),
                            f"'content/audio/{pure.as_posix()}' is {file_kind(mode)}, "
                            "not a recording",
                            "give the path of the audio file itself", code="file.not-regular")
                ok = False
            elif (pointed := lfs_pointer_size(recording)) is not None:
                check.error((*at, "src"),
                            f"'content/audio/{pure.as_posix()}' is a Git LFS pointer: the "
                            f"recording ({size_text(pointed)}) was not downloaded",
                            "run `git lfs pull` (with Git LFS installed: `git lfs install` "
                            "once), then validate again", code="clip.lfs-pointer")
                ok = False
            elif mode is None:
                existing = sorted(p.relative_to(audio_dir).as_posix()
                                  for p in audio_dir.rglob("*") if p.is_file()) \
                    if audio_dir.is_dir() else []
                check.error((*at, "src"),
                            f"the recording 'content/audio/{pure.as_posix()}' does not exist"
                            f"{suggestion(pure.as_posix(), existing)}",
                            "add the file to content/audio/ or correct the name",
                            code="clip.src-missing")
                ok = False
            src = pure.as_posix()
        times: dict[str, float | None] = {}
        for key in ("start", "end"):
            raw = spec.get(key)
            times[key] = check.time((*at, key), raw, "clip.time-invalid") \
                if raw is not None else None
            ok = ok and (raw is None or times[key] is not None)
        start, end = times["start"], times["end"]
        if start is not None and end is not None and start >= end:
            check.error((*at, "end"),
                        f"expected 'end' after 'start'; found start {format_time(start)} "
                        f"and end {format_time(end)}",
                        "swap the two values, or correct the one that is wrong",
                        code="clip.end-before-start")
            ok = False
        interview: tuple[float, float] | None = None
        if "cut_from" in spec:
            interview = _check_cut_from(check, spec["cut_from"], (*at, "cut_from"))
        if ok:  # src, start and end are usable, whatever else is wrong
            specs.append(ClipSpec(check.source, index, src, start, end))
        transcript = spec.get("transcript")
        if not isinstance(transcript, str) or not transcript.strip():
            check.error((*at, "transcript"),
                        "each clip needs a 'transcript' of what is said in it; "
                        f"found {describe(transcript)}",
                        "add 'transcript: ...' so the clip can be read and searched",
                        code="field.required")
            ok = False
        if ok and isinstance(transcript, str):
            clips.append(Clip(src, start, end, transcript.strip(),
                              interview_start=interview[0] if interview else None,
                              interview_end=interview[1] if interview else None))
    return tuple(clips), specs


def _check_cut_from(check: Checker, value: object,
                    at: FieldPath) -> tuple[float, float] | None:
    """An excerpt's provenance: the whole recording's file name and SHA-256, and where
    in it the clip's moment was (as `playbook audio cut` writes them). Returns those
    times when all of it is valid."""
    example = ("written by `playbook audio cut`, e.g. 'cut_from: {recording: interview.mp4, "
               "sha256: <64 hex digits>, start: \"4:05\", end: \"5:20\"}'")
    if not isinstance(value, dict):
        check.error(at, f"expected 'cut_from' to hold recording, sha256, start and end; "
                        f"found {describe(value)}", example, code="clip.provenance-invalid")
        return None
    faults = len(check.problems)
    check.unknown_keys(value, CUT_FROM_KEYS, at, "cut_from")
    name = value.get("recording")
    if (not isinstance(name, str) or not name.strip() or _CONTROL.search(name)
            or "/" in name or "\\" in name):
        check.error((*at, "recording"),
                    f"expected 'recording' to be the whole recording's file name, without "
                    f"folders; found {describe(name)}",
                    "give the name only, e.g. 'recording: acme-interview.mp4'",
                    code="clip.provenance-invalid")
    digest = value.get("sha256")
    if not isinstance(digest, str) or not _SHA256.match(digest.strip().lower()):
        check.error((*at, "sha256"),
                    f"expected 'sha256' to be the recording's SHA-256, 64 hexadecimal digits; "
                    f"found {describe(digest)}",
                    "copy it from `sha256sum FILE`, or cut the clip again with "
                    "`playbook audio cut`", code="clip.provenance-invalid")
    times = {}
    for key in ("start", "end"):
        if value.get(key) is None:
            check.error((*at, key), f"expected 'cut_from' to say where in the recording the "
                                    f"clip {key}s; found nothing",
                        f"add '{key}: \"m:ss\"'", code="clip.provenance-invalid")
        else:
            times[key] = check.time((*at, key), value[key], "clip.time-invalid")
    start, end = times.get("start"), times.get("end")
    if start is not None and end is not None and start >= end:
        check.error((*at, "end"),
                    f"expected 'end' after 'start'; found start {format_time(start)} "
                    f"and end {format_time(end)}",
                    "swap the two values, or correct the one that is wrong",
                    code="clip.end-before-start")
    if len(check.problems) > faults or start is None or end is None:
        return None
    return start, end
