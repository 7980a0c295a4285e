"""The clip cache: recording facts and encoded clips, keyed on content, kept between builds.

It lives outside site/ (.cache/playbook/ by default). An index of path, size
and mtime maps each recording to its content hash and length, so unchanged
recordings are neither re-hashed nor decoded; a clip's file name is a hash of
its recording's content, its cut, the encode settings and the identity of the
ffmpeg that encodes it (what `ffmpeg -version` prints, remembered per executable
path, mtime and size), so a warm build encodes nothing, and another ffmpeg,
whose bytes may differ, never passes its clips off as this one's. Several
builds may share one cache: every write is a temporary file renamed into
place, and the indexes are merged under a lock.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

from pydub import AudioSegment

from ..urls import CLIP_FORMAT
from .encode import ENCODE_SETTINGS, make_clip
from .ffmpeg import AudioError, Ffmpeg, decode, find_ffmpeg, version_of


@dataclass
class Counters:
    decoded: int = 0  # recordings decoded
    encoded: int = 0  # clips encoded
    hashed: int = 0  # recordings whose content was hashed
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)


class AudioCache:
    """Decoded facts and encoded clips, keyed on content, kept between builds."""

    # Decoded recordings kept between validation (which needs their length) and
    # publishing (which cuts them), so a cold build decodes each once; bounded,
    # so a large new library re-decodes rather than holding every recording.
    MAX_KEPT_BYTES = 256 * 1024 * 1024

    def __init__(self, cache_dir: Path, ffmpeg: Ffmpeg | None = None, workers: int | None = None):
        self.dir = Path(cache_dir)
        self._ffmpeg = ffmpeg
        self.workers = workers or os.cpu_count() or 2
        self.counters = Counters()
        self._index_path = self.dir / "recordings.json"
        self._index: dict[str, dict] = self._load_index()
        self._lock = threading.Lock()
        self._kept: dict[str, AudioSegment] = {}
        self._kept_bytes = 0
        # ffmpeg path -> its stamp (mtime, size) and `-version` text; kept in the cache
        # so a warm build starts no ffmpeg to learn which one it has.
        self._ffmpegs_path = self.dir / "ffmpegs.json"
        self._ffmpegs: dict[str, dict] = self._load_json(self._ffmpegs_path)
        self._identity: str | None = None
        self._identity_lock = threading.Lock()
        self._ran_ffmpeg = False

    @property
    def ffmpeg(self) -> Ffmpeg:
        """Found on first use: a warm build, which decodes nothing, starts no ffmpeg."""
        if self._ffmpeg is None:
            self._ffmpeg = find_ffmpeg()
        return self._ffmpeg

    def used_ffmpeg(self) -> str:
        """Which ffmpeg this cache ran, for the build log."""
        if self._ffmpeg is None or not self._ran_ffmpeg:
            return "none needed"
        return self._ffmpeg.describe()

    def encoder_identity(self) -> str:
        """What identifies the ffmpeg that encodes clips: its `-version` text, asked
        once per executable (path, mtime and size) and remembered in the cache."""
        with self._identity_lock:
            if self._identity is not None:
                return self._identity
            ffmpeg = self.ffmpeg
            try:
                info = os.stat(ffmpeg.path)
                stamp: list[int] | None = [info.st_mtime_ns, info.st_size]
            except OSError:
                stamp = None  # not a path (a bare name on PATH): ask every build
            known = self._ffmpegs.get(ffmpeg.path)
            if stamp is not None and known is not None and known.get("stamp") == stamp:
                self._identity = str(known["version"])
            else:
                self._ran_ffmpeg = True
                self._identity = version_of(ffmpeg)
                if stamp is not None:
                    with self._lock:
                        self._ffmpegs[ffmpeg.path] = {"stamp": stamp, "version": self._identity}
            return self._identity

    # -- the recording index: path, size and mtime -> content hash and length --

    @staticmethod
    def _load_json(path: Path) -> dict[str, dict]:
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def _load_index(self) -> dict[str, dict]:
        return self._load_json(self._index_path)

    def save(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        # Another build may share this cache: under a lock, keep what it saved
        # since we read the indexes, and add ours.
        with self._lock, _locked(self.dir):
            for path, ours in ((self._index_path, self._index),
                               (self._ffmpegs_path, self._ffmpegs)):
                if path == self._ffmpegs_path and not ours:
                    continue  # no ffmpeg asked: no file to write
                merged = {**self._load_json(path), **ours}
                text = json.dumps(merged, indent=1, sort_keys=True)
                _write_atomically(path, text.encode("utf-8"))

    def _fingerprint(self, recording: Path) -> tuple[str, dict]:
        stat = recording.stat()
        if not S_ISREG(stat.st_mode):  # opening a FIFO or device could block forever
            raise OSError(errno.EINVAL, "not a regular file")
        key = str(recording.resolve())
        with self._lock:
            entry = self._index.get(key)
        if entry and entry["size"] == stat.st_size and entry["mtime_ns"] == stat.st_mtime_ns:
            return key, entry
        digest = hashlib.sha256()
        with recording.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        self.counters.add("hashed")
        entry = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest.hexdigest()}
        with self._lock:
            self._index[key] = entry
        return key, entry

    def decode(self, recording: Path) -> AudioSegment:
        """The whole recording as mono PCM (counted, so tests can see decodes)."""
        self.counters.add("decoded")
        self._ran_ffmpeg = True
        return decode(self.ffmpeg, recording)

    def length(self, recording: Path, segment: AudioSegment | None = None) -> float:
        """The recording's length in seconds; decoded only the first time it is seen.

        Pass the decoded `segment` when there is one, to save a decode.
        """
        if not recording.is_file():  # a folder or FIFO must never be opened
            raise AudioError(f"the recording '{recording.name}' is missing or not a file")
        try:
            key, entry = self._fingerprint(recording)
        except OSError as error:
            raise AudioError(f"cannot read the recording '{recording.name}': {error.strerror}",
                             "check the file's permissions") from error
        if "seconds" not in entry:
            segment = segment if segment is not None else self.decode(recording)
            with self._lock:
                self._index[key] = {**entry, "seconds": len(segment) / 1000.0}
                entry = self._index[key]
                size = len(segment.raw_data)
                if key not in self._kept and self._kept_bytes + size <= self.MAX_KEPT_BYTES:
                    self._kept[key] = segment
                    self._kept_bytes += size
        return entry["seconds"]

    def decoded(self, recording: Path) -> AudioSegment:
        """The recording's audio: the copy kept from measuring it, else a new decode."""
        key = str(recording.resolve())
        with self._lock:
            segment = self._kept.pop(key, None)
            if segment is not None:
                self._kept_bytes -= len(segment.raw_data)
        return segment if segment is not None else self.decode(recording)

    def knows_length(self, recording: Path) -> bool:
        try:
            _, entry = self._fingerprint(recording)
        except OSError:
            return False
        return "seconds" in entry

    def lengths(self, recordings: list[Path]) -> dict[Path, float | AudioError]:
        """Each recording's length (decoding, in parallel, only those not seen before)."""

        def work(recording: Path) -> tuple[Path, float | AudioError]:
            try:
                return recording, self.length(recording)
            except AudioError as error:
                return recording, error

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            found = dict(pool.map(work, sorted(set(recordings))))
        self.save()
        return found

    # -- encoded clips ----------------------------------------------------------------

    def clip_path(self, recording: Path, start: float, end: float) -> Path:
        _, entry = self._fingerprint(recording)
        key = hashlib.sha256(
            f"{entry['sha256']}:{start:.3f}:{end:.3f}:{ENCODE_SETTINGS}:"
            f"{self.encoder_identity()}".encode()).hexdigest()
        return self.dir / "clips" / f"{key}.{CLIP_FORMAT}"

    def make_clip(self, segment: AudioSegment, start: float, end: float, dest: Path) -> None:
        self._ran_ffmpeg = True
        make_clip(self.ffmpeg, segment, start, end, dest)
        self.counters.add("encoded")


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on `folder` that other processes' builds respect."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
