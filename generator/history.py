"""When each story file was added to the repository: its first commit, from git.

The feed dates an entry by when its story was added, so a story added today
about an older interview is news today. One `git log` over the stories folder
answers for every file at once (10,000 stories are one call, not 10,000), and
follows renames the way `git log --follow` does for one file: a story renamed
with `redirect_from` keeps the date it was first added. A file git does not
know (not committed yet, no git, not a repository) has no date here; the feed
then uses its `published` field or its interview date.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

COMMIT = "\x01"  # starts each commit's date in the log: no file name holds it


def first_commits(folder: Path) -> dict[str, datetime]:
    """File name (relative to `folder`) -> when the file was first committed, in UTC."""
    try:
        head, shallow = _head(folder)
        if head is None:
            return {}
        if _last[0] == (folder, head):  # `serve` rebuilds without a new commit
            return _last[1]
        log = subprocess.run(
            ["git", "-c", "core.quotePath=false", "log", "--reverse", "-M", "--no-merges",
             "--diff-filter=ADR", "--name-status", "-z", f"--format={COMMIT}%H %cI",
             "--relative", "--", "."],
            cwd=folder, capture_output=True, text=True, encoding="utf-8", errors="replace",
            timeout=300)
    except (OSError, subprocess.SubprocessError):
        return {}
    if log.returncode != 0:
        return {}
    _last[:] = [(folder, head), _parse(log.stdout, shallow)]
    return _last[1]


_last: list = [None, {}]  # [(folder, HEAD), its dates]: the last answer


def _head(folder: Path) -> tuple[str | None, frozenset[str]]:
    """The commit checked out (None outside a repository or before the first commit),
    and where a shallow clone's history is cut off: a file those commits "add" may be
    older, so it gets no date rather than a wrong one."""
    found = subprocess.run(["git", "rev-parse", "HEAD", "--is-shallow-repository",
                            "--git-path", "shallow"],
                           cwd=folder, capture_output=True, text=True, timeout=60)
    lines = found.stdout.splitlines()
    if found.returncode != 0 or len(lines) != 3:
        return None, frozenset()
    if lines[1] != "true":
        return lines[0], frozenset()
    try:
        return lines[0], frozenset((folder / lines[2]).read_text(encoding="ascii").split())
    except OSError:
        return lines[0], frozenset()


def _parse(log: str, shallow: frozenset[str]) -> dict[str, datetime]:
    """Walk the log oldest first: an add dates a file, a rename carries its date to the
    new name, a delete forgets it (a file added again later is new again)."""
    added: dict[str, datetime | None] = {}
    when: datetime | None = None
    tokens = log.split("\0")
    position = 0
    while position < len(tokens):
        token = tokens[position].lstrip("\n")
        position += 1
        if token.startswith(COMMIT):
            commit, _, stamp = token[1:].partition(" ")
            when = None if commit in shallow else \
                datetime.fromisoformat(stamp.strip()).astimezone(UTC)
        elif token[:1] in ("A", "D"):
            name = tokens[position]
            position += 1
            if token[0] == "A":
                added[name] = when
            else:
                added.pop(name, None)
        elif token[:1] == "R":
            old, new = tokens[position], tokens[position + 1]
            position += 2
            added[new] = added.pop(old, when)
    return {name: day for name, day in added.items() if day is not None}
