"""Replace a folder (the built site) all at once, or not at all.

A build writes into a fresh folder beside the site, `.site.building-<pid>-<tag>`
(same parent, so a rename moves it without copying), and `swap_in` puts it in
the site's place only when the build succeeded. A failed or killed build leaves
the previous site complete. Two builds at once each write their own folder; the
swaps take turns under a lock on the parent folder, and the last one wins.

The swap is two documented renames (site to a sibling old folder, then the
new folder to site), so for a moment there is no site folder: a server may
answer 404 then. A build killed in that moment leaves the previous site under
the old folder's name, and the next build puts it back before it starts.
Other folders left by killed builds are removed by the next build, once the
process named in the folder is gone.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path

_LEFTOVER = re.compile(r"\.(?P<site>.+)\.(?P<kind>building|old)-(?P<pid>\d+)-[0-9a-f]+")


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
        old = site.with_name(f".{site.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
        os.rename(site, old)
        # No site folder until the next rename; if killed here, the next
        # build's remove_leftovers renames `old` back.
        try:
            os.rename(building, site)
        except BaseException:
            os.rename(old, site)  # put the previous site back
            raise
    discard(old)


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def remove_leftovers(site: Path) -> None:
    """Delete the folders of builds of `site` whose process is no longer running;
    first put back a previous site that a swap killed half way left aside."""
    try:
        names = sorted(os.listdir(site.parent))
    except OSError:
        return
    dead = [(match["kind"], site.parent / name) for name in names
            if (match := _LEFTOVER.fullmatch(name)) and match["site"] == site.name
            and not _running(int(match["pid"]))]
    if not dead:
        return
    with _locked(site.parent):  # no swap in between
        for kind, folder in dead:
            # The old folder is deleted only once the new site is in place,
            # so with no site it is the whole previous one.
            if kind == "old" and not os.path.lexists(site) and folder.exists():
                os.rename(folder, site)
    for _, folder in dead:
        discard(folder)  # a folder put back as the site is no longer there


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
