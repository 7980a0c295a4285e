"""`playbook audio cut`: commit the moment, not the interview.

Cuts the moment out of a whole recording (generator/audio/cut.py) into
content/audio/<story>-<n>.<ext>, then writes the clip into the story's front
matter: src, start and end within the excerpt, and `cut_from` (the recording's
name, SHA-256 and original times). The front matter is edited as text, only
where the clip's values are, so the rest of the file stays as its author wrote
it; the file is then validated again, and put back as it was if the edit
introduced a problem.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .audio.cut import Excerpt, Source
from .load import build_date, load_library
from .source import size_text
from .timecode import format_time, parse_time
from .validate.fields import suggestion
from .validate.placeholders import CLIP_TRANSCRIPT


class CutError(Exception):
    """A one-line reason the cut cannot be made; nothing was written."""


@dataclass(frozen=True)
class ClipEntry:
    src: str  # the excerpt, relative to content/audio/
    start: float  # within the excerpt
    end: float
    recording: str  # the whole recording's file name
    sha256: str
    original_start: float
    original_end: float
    transcript: str | None = None  # None: keep the clip's own (or the placeholder)


def time_text(seconds: float) -> str:
    """A time as a story gives it: "4:05", or "4:05.25" when it is not a whole second."""
    millis = int(round(seconds * 1000))
    whole, fraction = divmod(millis, 1000)
    text = format_time(whole)
    return f"{text}.{fraction:03d}".rstrip("0") if fraction else text


_PLAIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
_NOT_PLAIN = re.compile(r"^(?:[0-9._-]+|y|n|yes|no|on|off|true|false|null)$", re.I)


def _scalar(text: str) -> str:
    """A YAML scalar that reads back as exactly `text` (plain when nothing could
    misread it, else JSON's double quotes, which YAML reads alike)."""
    if _PLAIN.match(text) and not _NOT_PLAIN.match(text):
        return text
    return json.dumps(text)


def _fields(entry: ClipEntry) -> dict[str, str]:
    return {"src": _scalar(entry.src), "start": json.dumps(time_text(entry.start)),
            "end": json.dumps(time_text(entry.end))}


def _cut_from_lines(entry: ClipEntry, indent: int) -> list[str]:
    pad = " " * indent
    return [f"{pad}cut_from:",
            f"{pad}  recording: {_scalar(entry.recording)}",
            f"{pad}  sha256: {entry.sha256}",
            f"{pad}  start: {json.dumps(time_text(entry.original_start))}",
            f"{pad}  end: {json.dumps(time_text(entry.original_end))}"]


def entry_lines(entry: ClipEntry, dash: int = 2) -> list[str]:
    """The whole clip as a list item whose dash is at column `dash`."""
    pad = " " * (dash + 2)
    fields = _fields(entry)
    transcript = entry.transcript if entry.transcript is not None else CLIP_TRANSCRIPT
    return [f"{' ' * dash}- src: {fields['src']}",
            f"{pad}start: {fields['start']}",
            f"{pad}end: {fields['end']}",
            f"{pad}transcript: {json.dumps(transcript, ensure_ascii=False)}",
            *_cut_from_lines(entry, dash + 2)]


# -- the front matter, edited as text -------------------------------------------------

_OPENING = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_CLOSING = re.compile(r"^---[ \t]*\r?$", re.M)


@dataclass(frozen=True)
class FrontMatter:
    text: str  # the whole file
    start: int  # where the YAML starts in it
    end: int  # where the closing '---' line starts
    newline: str

    @property
    def yaml(self) -> str:
        return self.text[self.start:self.end]


def front_matter(text: str) -> FrontMatter | None:
    opening = _OPENING.match(text)
    if opening is None:
        return None
    closing = _CLOSING.search(text, opening.end())
    if closing is None:
        return None
    return FrontMatter(text, opening.end(), closing.start(),
                       "\r\n" if "\r\n" in text[:opening.end()] else "\n")


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _after(text: str, index: int) -> int:
    """Where lines go after a node that ends at `index`: that line's start when only
    spaces precede `index` on it (the node ended with its last line), else the next
    line's start."""
    start = _line_start(text, index)
    if not text[start:index].strip():
        return start
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _block(lines: list[str], newline: str) -> str:
    return "".join(line + newline for line in lines)


def _read(text: str) -> dict | None:
    """The story's front matter as data, or None when it cannot be read."""
    found = front_matter(text)
    try:
        data = yaml.safe_load(found.yaml) if found else None
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def clip_count(text: str) -> int | None:
    """How many clips the story's front matter lists (None if it cannot be read)."""
    data = _read(text)
    if data is None:
        return None
    clips = data.get("clips")
    return len(clips) if isinstance(clips, list) else 0 if clips is None else None


def clip_src(text: str, index: int) -> str | None:
    """The src of the story's clip `index` (0-based), if it has one."""
    clips = (_read(text) or {}).get("clips")
    if isinstance(clips, list) and 0 <= index < len(clips) and isinstance(clips[index], dict):
        src = clips[index].get("src")
        return src if isinstance(src, str) else None
    return None


def with_clip(text: str, index: int, entry: ClipEntry) -> str | None:
    """The story's text with clip `index` (0-based; the clip count appends one) set to
    `entry`, everything else as it was; None when the front matter is not laid out in a
    way this can edit safely (flow style, a multi-line value where one is replaced)."""
    found = front_matter(text)
    if found is None:
        return None
    fm, nl = found.yaml, found.newline
    try:
        root = yaml.compose(fm, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        return None
    clips_key = clips = None
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "clips":
            clips_key, clips = key, value
    edits: list[tuple[int, int, str]] = []
    if clips is None:  # a new 'clips' field at the end of the front matter
        if index != 0:
            return None
        lead = "" if not fm or fm.endswith("\n") else nl
        edits.append((len(fm), len(fm), lead + _block(["clips:", *entry_lines(entry)], nl)))
    elif isinstance(clips, yaml.ScalarNode) and clips.value == "" and clips.style is None:
        if index != 0:  # 'clips:' with nothing after it
            return None
        assert clips_key is not None
        at = _after(fm, clips_key.end_mark.index + 1)
        edits.append((at, at, _block(entry_lines(entry, clips_key.start_mark.column + 2), nl)))
    elif isinstance(clips, yaml.SequenceNode) and not clips.flow_style and clips.value:
        first = clips.value[0]
        prefix = fm[_line_start(fm, first.start_mark.index):first.start_mark.index]
        dash = prefix.find("-")
        if dash < 0 or prefix.strip() != "-":
            return None
        if index == len(clips.value):
            last = clips.value[-1]
            if isinstance(last, yaml.MappingNode) and last.value:
                last = last.value[-1][1]  # a mapping ends where the next thing starts
            at = _after(fm, last.end_mark.index)
            edits.append((at, at, _block(entry_lines(entry, dash), nl)))
        elif 0 <= index < len(clips.value):
            updated = _updated_clip(fm, clips.value[index], entry, nl)
            if updated is None:
                return None
            edits += updated
        else:
            return None
    else:
        return None
    for start, end, replacement in sorted(edits, reverse=True):
        fm = fm[:start] + replacement + fm[end:]
    new_text = text[:found.start] + fm + text[found.end:]
    return new_text if _reads_as(new_text, text, index, entry) else None


def _updated_clip(fm: str, clip: yaml.Node, entry: ClipEntry,
                  nl: str) -> list[tuple[int, int, str]] | None:
    """Edits that set an existing clip's src, start, end and cut_from, keeping its
    transcript (unless one was given) and anything else in it."""
    if not isinstance(clip, yaml.MappingNode) or clip.flow_style or not clip.value:
        return None
    indent = clip.start_mark.column
    wanted = _fields(entry)
    if entry.transcript is not None:
        wanted["transcript"] = json.dumps(entry.transcript, ensure_ascii=False)
    edits: list[tuple[int, int, str]] = []
    missing: list[str] = []
    cut_from_span: tuple[int, int] | None = None
    present = {key.value: (key, value) for key, value in clip.value
               if isinstance(key, yaml.ScalarNode)}
    for name, rendered in wanted.items():
        if name not in present:
            missing.append(f"{' ' * indent}{name}: {rendered}")
            continue
        value = present[name][1]
        if not isinstance(value, yaml.ScalarNode):
            return None
        if value.start_mark.line != value.end_mark.line or value.style in ("|", ">"):
            if name != "transcript":
                return None
            # A block transcript: replaced with its lines, up to where the next key starts.
            key = present[name][0]
            edits.append((_line_start(fm, key.start_mark.index), _after(fm, value.end_mark.index),
                          f"{' ' * indent}transcript: {rendered}{nl}"))
            continue
        edits.append((value.start_mark.index, value.end_mark.index, rendered))
    if "cut_from" in present:
        key, value = present["cut_from"]
        cut_from_span = (_line_start(fm, key.start_mark.index), _after(fm, value.end_mark.index))
    new_lines = missing + _cut_from_lines(entry, indent)
    if cut_from_span is not None:
        edits.append((*cut_from_span, _block(new_lines, nl)))
    else:
        at = _after(fm, clip.value[-1][1].end_mark.index)
        edits.append((at, at, _block(new_lines, nl)))
    spans = sorted((start, end) for start, end, _ in edits)
    if any(a_end > b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False)):
        return None
    return edits


def _reads_as(new_text: str, old_text: str, index: int, entry: ClipEntry) -> bool:
    """Whether the edited front matter reads as the old one with just this clip set."""
    old, new = _read(old_text), _read(new_text)
    if old is None or new is None:
        return False
    old_clips = list(old.pop("clips", None) or [])
    new_clips = list(new.pop("clips", None) or [])
    if old != new or len(new_clips) != max(len(old_clips), index + 1):
        return False
    clip = new_clips[index]
    expected = {"src": entry.src, "start": time_text(entry.start), "end": time_text(entry.end),
                "cut_from": {"recording": entry.recording, "sha256": entry.sha256,
                             "start": time_text(entry.original_start),
                             "end": time_text(entry.original_end)}}
    if not isinstance(clip, dict) or any(clip.get(k) != v for k, v in expected.items()):
        return False
    others_same = all(new_clips[i] == old_clips[i] for i in range(len(old_clips)) if i != index)
    body_same = new_text[front_matter(new_text).end:] == old_text[  # type: ignore[union-attr]
        front_matter(old_text).end:]  # type: ignore[union-attr]
    return others_same and body_same


# -- the command ----------------------------------------------------------------------

def story_path(content: Path, story_id: str) -> Path:
    """The story's file, or a CutError naming the closest id."""
    folder = content / "stories"
    ids = sorted(p.stem for p in folder.glob("*.md")) if folder.is_dir() else []
    if story_id not in ids:
        raise CutError(f"there is no story '{story_id}' in {content.name}/stories/"
                       f"{suggestion(story_id, ids)}")
    return folder / f"{story_id}.md"


def matching_clip(text: str, content: Path, source: Source, start: float,
                  end: float) -> int | None:
    """The clip (0-based) that already shows this moment of this recording, if any:
    cut from it before (same SHA-256) or playing it whole, at times that overlap."""
    clips = (_read(text) or {}).get("clips")
    if not isinstance(clips, list):
        return None
    for index, clip in enumerate(clips):
        if not isinstance(clip, dict):
            continue
        origin = clip.get("cut_from")
        if isinstance(origin, dict) and str(origin.get("sha256", "")).lower() == source.sha256:
            span = (parse_time(origin.get("start")), parse_time(origin.get("end")))
        elif isinstance(clip.get("src"), str) and _same_file(content / "audio" / clip["src"],
                                                             source.path):
            span = (parse_time(clip.get("start")) or 0.0, parse_time(clip.get("end")))
        else:
            continue
        low, high = span[0] or 0.0, span[1] if span[1] is not None else source.seconds
        if low < end and start < high:
            return index
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def excerpt_stem(content: Path, story_id: str, number: int, keep: str | None) -> Path:
    """content/audio/<story>-<n>, n from `number` up to the first free name (a file named
    `keep`, the clip's own excerpt, counts as free: it is replaced)."""
    audio = content / "audio"
    while True:
        stem = audio / f"{story_id}-{number}"
        taken = [p for p in audio.glob(f"{story_id}-{number}.*")
                 if p.relative_to(audio).as_posix() != keep]
        if not taken:
            return stem
        number += 1


def write_text(path: Path, text: str) -> None:
    """Replace the file's text at once (never half written), bytes as given."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".partial-", suffix=".md")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temp, path.stat().st_mode & 0o777)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def new_problems(content: Path, rel: str, before: list, entry: ClipEntry) -> list:
    """The errors validation finds in the story now that it did not find before
    (the transcript placeholder the cut wrote, for the author to replace, aside)."""
    seen = {(p.code, p.field) for p in before}
    result = load_library(content, today=build_date())
    return [p for p in result.errors if p.path == rel and (p.code, p.field) not in seen
            and not (p.code == "scaffold.placeholder" and entry.transcript is None)]


def story_problems(content: Path, rel: str) -> list:
    return [p for p in load_library(content, today=build_date()).errors if p.path == rel]


def describe_excerpt(excerpt: Excerpt, source: Source) -> str:
    how = f"the {source.codec} stream copied" if excerpt.copied else "encoded as Opus"
    return (f"{format_time(excerpt.seconds)}, {size_text(excerpt.path.stat().st_size)}, "
            f"{how}")
