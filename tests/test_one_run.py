"""One `playbook validate` run shows every fault: one field's fault never hides another's."""

from __future__ import annotations

import os

from helpers import CRITERION, REPO, STORY, validate_json


def validate(library) -> dict[str, list[tuple]]:
    """`playbook validate`, audio checks included: the findings by file."""
    code, problems = validate_json("--content", str(library.content), cwd=REPO)
    assert code == 1
    found: dict[str, list[tuple]] = {}
    for problem in problems:
        found.setdefault(problem["path"], []).append(
            (problem["line"], problem["field"], problem["severity"], problem["code"]))
    return found


def located(problems: list[tuple]) -> list[tuple]:
    return [(line, field, severity) for line, field, severity, _ in problems]


# Two faults the validator finds in the front matter, at lines 5 and 9.
BAD_FIELDS = (("interviewed: 2026-03-14", "interviewed: 2026-13-01"),
              ("competitor: globex", "competitor: globx"))
# What is wrong with the clip, and where it is reported (the recording is 10 s long).
CLIP_FAULTS = {
    "past-end.md": (('end: "0:07"', 'end: "0:30"'), (19, "clips[0].end", "error", "clip.past-end")),
    "start-past-end.md": (('start: "0:01"', 'start: "0:12"', 'end: "0:07"', 'end: "0:20"'),
                          (18, "clips[0].start", "error", "clip.start-past-end")),
    "unreadable.md": (("src: interview.wav", "src: corrupt.wav"),
                      (17, "clips[0].src", "error", "clip.unreadable")),
    "short.md": (('end: "0:07"', 'end: "0:03"'), (17, "clips[0]", "warning", "clip.length")),
}


def test_a_clip_past_the_recording_is_reported_with_the_storys_other_faults(library):
    (library.content / "audio" / "corrupt.wav").write_bytes(b"RIFF" + os.urandom(4000))
    for name, (changes, _) in CLIP_FAULTS.items():
        text = STORY
        for old, new in (*BAD_FIELDS, *zip(changes[::2], changes[1::2], strict=True)):
            assert old in text
            text = text.replace(old, new)
        library.story(text, name=name)

    found = validate(library)

    for name, (_, clip_fault) in CLIP_FAULTS.items():
        problems = found.pop(f"content/stories/{name}")
        assert located(problems) == [
            (5, "interviewed", "error"), (9, "competitor", "error"), clip_fault[:3]], name
        assert problems[-1][3] == clip_fault[3], name
    assert found == {}, "the valid story and the rest of the library stay clean"


def test_a_criterion_shows_every_independent_fault(library):
    text = (CRITERION.replace("title: Surfaces the security review early", 'title: ""')
            .replace("skill: discovery", "skill: discovey")
            .replace("weight: 1.5", "weight: 0")
            .replace("  2: Asked, but no owner or date.\n", ""))
    library.write("criteria/security-early.md", text)
    library.write("criteria/bad-scale.md", CRITERION.replace("scale: 3", "scale: 4").replace(
        "anchors:\n  1: Security is not mentioned.\n  2: Asked, but no owner or date.\n"
        "  3: Names the reviewer, the documents and a date.\n", "anchors: see the rubric\n"))

    found = validate(library)

    assert located(found.pop("content/criteria/security-early.md")) == [
        (2, "title", "error"), (3, "skill", "error"), (6, "weight", "error"),
        (10, "anchors", "error")]  # the missing level 2, hidden until now
    assert located(found.pop("content/criteria/bad-scale.md")) == [
        (5, "scale", "error"), (10, "anchors", "error")]
    # Stories citing a criterion with errors are not blamed for it.
    assert found == {}


def test_a_bad_loss_reason_is_reported_with_a_bad_outcome(library):
    library.story(STORY.replace("outcome: loss", "outcome: lost")
                  .replace("loss_reason: execution", "loss_reason: price"))
    found = validate(library)
    assert located(found.pop("content/stories/acme.md")) == [
        (3, "outcome", "error"), (4, "loss_reason", "error")]
    assert found == {}
