"""Replace a folder (the built site) all at once, or not at all.

A build writes into a fresh folder beside the site, `.site.building-<pid>-<tag>`
(same parent, so a rename moves it without copying), and `swap_in` puts it in
the site's place only when the build succeeded. A failed or killed build leaves
the previous site complete. Two builds at once each write their own folder; the
swaps take turns under a lock on the parent folder, and the last one wins.

Folders left by killed builds are removed by the next build, once the process
named in the folder is gone.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path

_LEFTOVER = re.compile(r"\.(?P<site>.+)\.(?:building|old)-(?P<pid>\d+)-[0-9a-f]+")


def start(site: Path) -> Path:
    """A new, empty folder beside `site` for a build to write into."""
    site = _real(site)
    site.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(site)
    while True:
        # os.mkdir, not mkdtemp: the site gets the usual permissions (umask), not 0700.
        building = site.with_name(f".{site.name}.building-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            building.mkdir()
            return building
        except FileExistsError:
            continue


def swap_in(building: Path, site: Path) -> None:
    """Put the finished `building` folder where `site` is; the old site is then deleted."""
    site = _real(site)
    with _locked(site.parent):
        if not os.path.lexists(site):
            os.rename(building, site)
            return
        if _exchange(building, site):
            old = building  # the exchange left the old site under the build's name
        else:
            old = site.with_name(f".{site.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
            os.rename(site, old)
            try:
                os.rename(building, site)
            except BaseException:
                os.rename(old, site)  # put the previous site back
                raise
    discard(old)


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def remove_leftovers(site: Path) -> None:
    """Delete the folders of builds of `site` whose process is no longer running."""
    try:
        names = os.listdir(site.parent)
    except OSError:
        return
    for name in names:
        match = _LEFTOVER.fullmatch(name)
        if match and match["site"] == site.name and not _running(int(match["pid"])):
            discard(site.parent / name)


def _real(site: Path) -> Path:
    # A site/ that is a symlink (to a web server's folder) stays one: the
    # folder it points at is the one replaced.
    return Path(os.path.realpath(site))


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True  # an earlier build in this process may still be writing
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


@contextmanager
def _locked(folder: Path):
    """Hold an exclusive lock on `folder` (no lock file to leave behind)."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where that is not available."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False  # this file system or kernel cannot exchange; rename twice instead
    raise OSError(code, os.strerror(code), str(b))


def link_folder(link: Path, target: Path) -> None:
    """Make `link` a symbolic link to the folder `target`, replacing what was there at once."""
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)
    staged = link.with_name(f".{link.name}-link")
    staged.unlink(missing_ok=True)
    staged.symlink_to(target, target_is_directory=True)
    os.replace(staged, link)


def link_file(source: Path, dest: Path) -> None:
    """Make `dest` a hard link to `source` (a copy on another disk, or one
    without hard links), replacing what was there."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.unlink(missing_ok=True)
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)
