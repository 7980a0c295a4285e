"""Recordings in Git LFS, with the real git-lfs against a local file remote: no network,
no mock. A clone that did not fetch the LFS objects gets "run `git lfs pull`" at the
clip's line; after `git lfs pull` it validates and builds."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from helpers import REPO, build, make_repo, require_git_lfs, validate_json


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def isolated_git(tmp_path: Path) -> dict[str, str]:
    """Git with only this test's configuration (not the machine's or the user's)."""
    home = tmp_path / "home"
    home.mkdir()
    return {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"), "GIT_TERMINAL_PROMPT": "0",
            "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid"}


def test_an_unfetched_recording_says_git_lfs_pull_and_validates_and_builds_after_it(
        library, tmp_path):
    require_git_lfs()
    env = isolated_git(tmp_path)
    git(tmp_path, env, "lfs", "install")  # the filters, in this test's own configuration
    work = make_repo(library)
    shutil.copy(REPO / ".gitattributes", work)  # the sample's: content/audio/** in LFS
    git(work, env, "init", "-q", "-b", "main")
    git(work, env, "add", ".")
    git(work, env, "commit", "-q", "-m", "a library with its recording in LFS")
    assert git(work, env, "lfs", "ls-files", "--name-only").split() == [
        "content/audio/interview.wav"]
    remote = tmp_path / "remote.git"
    git(tmp_path, env, "init", "-q", "--bare", "-b", "main", str(remote))
    git(work, env, "push", "-q", remote.as_uri(), "main")  # LFS objects over file://

    clone = tmp_path / "clone"
    git(tmp_path, {**env, "GIT_LFS_SKIP_SMUDGE": "1"}, "clone", "-q", remote.as_uri(),
        str(clone))
    recording = clone / "content" / "audio" / "interview.wav"
    assert recording.read_text().startswith("version https://git-lfs.github.com/spec/v1\n")
    code, problems = validate_json(cwd=clone)
    assert code == 1
    assert [(p["path"], p["line"], p["field"], p["code"]) for p in problems] == [
        ("content/stories/globex-soc2.md", 17, "clips[0].src", "clip.lfs-pointer")]
    assert "run `git lfs pull`" in problems[0]["hint"]

    git(clone, env, "lfs", "pull")
    assert recording.read_bytes() == (work / "content" / "audio" / "interview.wav").read_bytes()
    code, problems = validate_json(cwd=clone)
    assert code == 0, problems
    built = build(clone, tmp_path / "site")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "stories" / "globex-soc2" / "clip-1.mp3").is_file()


def test_the_samples_own_recordings_stay_plain_files_so_a_clone_builds_without_git_lfs():
    """The sample's .gitattributes sends new recordings to LFS, but not the six the sample
    ships: a clone without git-lfs has them whole, and `make test` builds them."""
    committed = subprocess.run(["git", "ls-files", "content/audio"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.split()
    assert committed, "the sample has recordings"
    attributes = subprocess.run(["git", "check-attr", "filter", "--", *committed], cwd=REPO,
                                capture_output=True, text=True, check=True).stdout
    assert [line for line in attributes.splitlines()
            if not line.endswith(": filter: unspecified")] == []
    assert [name for name in committed
            if (REPO / name).read_bytes().startswith(b"version https://git-lfs")] == []
    new = subprocess.run(["git", "check-attr", "filter", "--", "content/audio/new.m4a"],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert new.strip() == "content/audio/new.m4a: filter: lfs"


def test_every_workflow_fetches_the_lfs_recordings_through_a_cache_before_it_builds():
    """A build whose recordings did not change downloads none from LFS: the objects come
    from the Actions cache, keyed on their ids, and `git lfs pull` fetches only the rest."""
    import yaml

    for name in ("pull-request.yml", "deploy.yml", "latest-releases.yml"):
        workflow = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text())
        for job in workflow["jobs"].values():
            steps = job["steps"]
            runs = [step.get("run", "") for step in steps]
            if not any("make " in run for run in runs):
                continue  # the deploy job only publishes
            cache = next(i for i, step in enumerate(steps)
                         if step.get("with", {}).get("path") == ".git/lfs")
            pull = next(i for i, run in enumerate(runs) if "lfs pull" in run)
            make = next(i for i, run in enumerate(runs) if "make " in run)
            assert cache < pull < make, name
            assert "lfs-ids" in steps[cache]["with"]["key"], name
            checkout = next(step for step in steps
                            if step.get("uses", "").startswith("actions/checkout@"))
            assert not checkout.get("with", {}).get("lfs"), name  # all at once, uncached
