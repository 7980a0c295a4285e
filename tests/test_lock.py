"""The locks in requirements/: what `make site` and `make test` install, and nothing else."""

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCKS = REPO / "requirements"
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)(?: ;([^\\]+))?", re.M)


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lock: str) -> dict[tuple[str, str], str]:
    """(name, marker) -> version, as the lock file pins them."""
    text = (LOCKS / lock).read_text(encoding="utf-8")
    return {(_name(name), (marker or "").strip()): version
            for name, version, marker in PIN.findall(text)}


def test_every_pin_in_every_lock_carries_hashes():
    for lock in ("site.txt", "zensical.txt", "test.txt"):
        text = (LOCKS / lock).read_text(encoding="utf-8")
        requirements = re.split(r"\n(?=[A-Za-z0-9])", "\n" + text)[1:]
        assert len(requirements) > 20, lock
        for entry in requirements:
            assert "==" in entry.split("\n")[0] and "--hash=sha256:" in entry, (lock, entry[:80])


def test_the_smaller_locks_pin_the_same_versions_as_the_test_lock():
    # By name: a smaller lock may need a package on fewer Pythons (typing-extensions:
    # site.txt for icalendar below 3.13, test.txt for mypy on all), never at another version.
    test = {name: version for (name, _), version in _pins("test.txt").items()}
    for lock in ("site.txt", "zensical.txt"):
        pins = {name: version for (name, _), version in _pins(lock).items()}
        assert pins.items() <= test.items(), set(pins.items()) - set(test.items())
    assert ("zensical", "") in _pins("zensical.txt")
    assert not any(name == "pytest" for name, _ in _pins("site.txt"))


def test_every_declared_dependency_is_locked():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {"site.txt": project["dependencies"],
                "test.txt": [*project["dependencies"],
                             *project["optional-dependencies"]["test"],
                             *project["optional-dependencies"]["zensical"]]}
    for lock, requirements in declared.items():
        locked = {name for name, _ in _pins(lock)}
        for requirement in requirements:
            name = _name(re.match(r"[A-Za-z0-9._-]+", requirement).group())
            assert name in locked, (lock, requirement)


def test_the_environment_is_the_lock():
    """Every package installed here is the locked version: nothing newer slipped in.

    `make test-latest` (the weekly early warning) deselects this test, as it
    installs the newest releases on purpose.
    """
    locked = {name: version for (name, marker), version in _pins("test.txt").items()
              if not marker or _applies(marker)}
    installed = {_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}
    installed.pop("playbook")
    assert installed == {name: version for name, version in locked.items()
                         if name in installed}
    assert set(locked) == set(installed), set(locked) ^ set(installed)


def _applies(marker: str) -> bool:
    from packaging.markers import Marker

    return Marker(marker).evaluate({"python_full_version": ".".join(
        map(str, sys.version_info[:3]))})
