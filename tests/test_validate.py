"""Every kind of bad input gets one located, helpful problem."""

from __future__ import annotations

import pytest

from generator.problems import Problem
from helpers import CRITERION, STORY, TAXONOMY


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_the_base_library_is_valid(library):
    result = library.load()
    assert result.problems == []
    assert [s.id for s in result.library.stories] == ["globex-soc2"]
    story = result.library.story("globex-soc2")
    assert story.clips[0].start == 1.0 and story.clips[0].end == 7.0
    assert result.library.stories_by("competitors", "globex") == (story,)


def test_an_alias_files_the_story_under_its_id(library):
    library.story(STORY.replace("objections: [security]", "objections: [pricing]"))
    result = library.load()
    assert result.problems == []
    assert result.library.story("acme").facet("objections") == ("price",)
    assert result.library.stories_by("objections", "price")[0].id == "acme"


# (what is changed in the story, line, field, words the message must contain)
STORY_CASES = {
    "malformed yaml": (
        ("quote: By the time", "quote: He said: by the time"), 14, "",
        ["not valid YAML", "mapping values are not allowed"]),
    "missing required field": (
        ("takeaway: Send the SOC 2 report in the first week.\n", ""), 2, "takeaway",
        ["'takeaway' is required", "it is missing"]),
    "wrong type": (
        ("skills: [discovery]", "skills: {discovery: 1}"), 8, "skills",
        ["expected 'skills' to be a list", "found a mapping"]),
    "unknown key": (
        ("competitor: globex", "competiter: globex"), 9, "competiter",
        ["unknown field 'competiter'", "did you mean 'competitor'?"]),
    "bad outcome": (
        ("outcome: loss", "outcome: lost"), 3, "outcome",
        ["one of win, loss, no-decision", "found the text 'lost'", "did you mean 'loss'?"]),
    "bad loss reason": (
        ("loss_reason: execution", "loss_reason: price"), 4, "loss_reason",
        ["one of qualification, execution, competition", "found the text 'price'"]),
    "loss reason on a win": (
        ("outcome: loss", "outcome: win"), 4, "loss_reason",
        ["only for losses", "'win'"]),
    "loss without a loss reason": (
        ("loss_reason: execution\n", ""), 2, "loss_reason",
        ["'loss_reason' is required", "it is missing"]),
    "bad date": (
        ("interviewed: 2026-03-14", "interviewed: 2026-13-01"), 5, "interviewed",
        ["date as YYYY-MM-DD", "found the text '2026-13-01'"]),
    "quoted date in another format": (
        ("interviewed: 2026-03-14", "interviewed: '14/03/2026'"), 5, "interviewed",
        ["date as YYYY-MM-DD", "'14/03/2026'"]),
    "future date": (
        ("interviewed: 2026-03-14", "interviewed: 2026-07-01"), 5, "interviewed",
        ["2026-07-01, which is in the future", "today is 2026-06-01"]),
    "dangling criterion": (
        ("absent: [security-early]", "absent: [security-erly]"), 13, "criteria.absent[0]",
        ["unknown criterion 'security-erly'", "did you mean 'security-early'?"]),
    "dangling skill": (
        ("skills: [discovery]", "skills: [discovry]"), 8, "skills[0]",
        ["unknown skill 'discovry'", "did you mean 'discovery'?"]),
    "unknown competitor": (
        ("competitor: globex", "competitor: globx"), 9, "competitor",
        ["unknown competitor 'globx'", "did you mean 'globex'?"]),
    "unknown competitor near an alias": (
        ("competitor: globex", "competitor: northwind-a"), 9, "competitor",
        ["unknown competitor 'northwind-a'", "did you mean 'northwind-ap'?"]),
    "dangling role": (
        ("buyer_role: it-security", "buyer_role: ciso"), 6, "buyer_role",
        ["unknown buyer role 'ciso'"]),
    "duplicate front-matter key": (
        ("outcome: loss\n", "outcome: loss\ntitle: Another title\n"), 4, "title",
        ["duplicate key 'title'", "first given on line 2"]),
    "clip recording missing": (
        ("src: interview.wav", "src: intervew.wav"), 17, "clips[0].src",
        ["'content/audio/intervew.wav' does not exist", "did you mean 'interview.wav'?"]),
    "clip outside the audio folder": (
        ("src: interview.wav", "src: ../taxonomy.yml"), 17, "clips[0].src",
        ["inside content/audio/", "'../taxonomy.yml'", "outside"]),
    "clip with an absolute path": (
        ("src: interview.wav", "src: /etc/passwd"), 17, "clips[0].src",
        ["inside content/audio/", "'/etc/passwd'"]),
    "clip start after end": (
        ('start: "0:01"', 'start: "0:07"'), 19, "clips[0].end",
        ["expected 'end' after 'start'", "start 0:07 and end 0:07"]),
    "clip with a bad time": (
        ('end: "0:07"', 'end: "soon"'), 19, "clips[0].end",
        ["\"mm:ss\", \"h:mm:ss\" or seconds", "found the text 'soon'"]),
    "clip without transcript": (
        ("    transcript: By the time your packet arrived we were done.\n", ""), 17,
        "clips[0].transcript", ["needs a 'transcript'"]),
    "criterion in both lists": (
        ("criteria:\n  absent: [security-early]",
         "criteria:\n  absent: [security-early]\n  present: [security-early]"), 13,
        "criteria.absent", ["'security-early' is listed as both present and absent"]),
}


@pytest.mark.parametrize("case", sorted(STORY_CASES))
def test_a_bad_story_gets_one_located_problem(library, case):
    (old, new), line, field, words = STORY_CASES[case]
    assert old in STORY, "the case must change the story"
    path = library.story(STORY.replace(old, new))
    problem = only(library.load().problems)
    assert (problem.path, problem.line, problem.field) == (path, line, field), problem
    for word in words:
        assert word in problem.message, problem.message
    assert problem.hint, "every problem suggests a fix"
    assert problem.severity == "error"


def test_a_story_file_with_errors_is_left_out_of_the_library(library):
    library.story(STORY.replace("competitor: globex", "competitor: globx"))
    assert [s.id for s in library.load().library.stories] == ["globex-soc2"]


def test_every_fault_in_one_file_is_reported_in_one_run(library):
    text = (STORY.replace("outcome: loss", "outcome: lost")
            .replace("competitor: globex", "competitor: globx")
            .replace("interviewed: 2026-03-14", "interviewed: 2030-01-01"))
    library.story(text)
    problems = library.load().problems
    assert [(p.line, p.field) for p in problems] == [
        (3, "outcome"), (5, "interviewed"), (9, "competitor")]


def test_a_file_without_front_matter(library):
    path = library.story("Just some notes about a deal.\n")
    problem = only(library.load().problems)
    assert (problem.path, problem.line) == (path, 1)
    assert "front matter between two '---' lines" in problem.message


def test_a_file_name_that_is_not_a_slug(library):
    path = library.story(STORY, name="Globex Deal.md")
    problem = only(library.load().problems)
    assert problem.path == path
    assert "lowercase slug" in problem.message and "globex-deal.md" in problem.hint


def test_a_listed_twice_alias_is_a_warning(library):
    library.story(STORY.replace("objections: [security]", "objections: [price, pricing]"))
    problem = only(library.load().problems)
    assert problem.severity == "warning"
    assert (problem.line, problem.field) == (11, "objections[1]")
    assert "'price' is listed twice" in problem.message


def test_a_story_without_narrative_is_a_warning(library):
    path = library.story(STORY.split("## Context")[0])
    problem = only(library.load().problems)
    assert (problem.path, problem.severity) == (path, "warning")
    assert "no narrative" in problem.message


# -- criteria -----------------------------------------------------------------

CRITERION_CASES = {
    "scaled criterion without anchors": (
        ("anchors:\n  1: Security is not mentioned.\n  2: Asked, but no owner or date.\n"
         "  3: Names the reviewer, the documents and a date.\n", ""), 2, "anchors",
        ["3-point scale needs 'anchors'", "1, 2, 3"]),
    "anchors missing a level": (
        ("  2: Asked, but no owner or date.\n", ""), 10, "anchors",
        ["missing level 2 of the 3 scale"]),
    "anchor for a level the scale lacks": (
        ("  3: Names", "  4: Names"), 13, "anchors.4",
        ["'4' is not a level of a 3 scale"]),
    "bad scale": (
        ("scale: 3", "scale: 4"), 5, "scale", ["binary, 3 or 5", "the number 4"]),
    "bad weight": (
        ("weight: 1.5", "weight: 0"), 6, "weight", ["above 0 and at most 100", "the number 0"]),
    "unknown skill": (
        ("skill: discovery", "skill: discovey"), 3, "skill",
        ["unknown skill 'discovey'", "did you mean 'discovery'?"]),
    "missing absent example": (
        ("absent: \"We can deal with security once you've picked us.\"\n", ""), 2, "absent",
        ["'absent' is required"]),
}


@pytest.mark.parametrize("case", sorted(CRITERION_CASES))
def test_a_bad_criterion_gets_one_located_problem(library, case):
    (old, new), line, field, words = CRITERION_CASES[case]
    assert old in CRITERION
    library.write("criteria/security-early.md", CRITERION.replace(old, new))
    problem = only(library.load().problems)
    assert (problem.path, problem.line, problem.field) == (
        "content/criteria/security-early.md", line, field), problem
    for word in words:
        assert word in problem.message, problem.message


def test_binary_anchors_accept_bare_yes_and_no(library):
    text = CRITERION.replace("scale: 3", "scale: binary").replace(
        "  1: Security is not mentioned.\n  2: Asked, but no owner or date.\n"
        "  3: Names the reviewer, the documents and a date.\n",
        "  yes: Names the reviewer.\n  no: Does not.\n")
    library.write("criteria/security-early.md", text)
    result = library.load()
    assert result.problems == []
    assert result.library.criterion("security-early").anchors == (
        ("yes", "Names the reviewer."), ("no", "Does not."))


# -- taxonomy ---------------------------------------------------------------------

def test_an_alias_that_repeats_an_id_is_a_duplicate(library):
    library.write("taxonomy.yml", TAXONOMY.replace(
        "security: {title: Security}", "security: {title: Security, aliases: [price]}"))
    problem = only(library.load().problems)
    assert (problem.path, problem.line, problem.field) == (
        "content/taxonomy.yml", 12, "objections.security.aliases[0]")
    assert "duplicate objection name 'price': it is already price" in problem.message


def test_two_aliases_alike_are_a_duplicate(library):
    library.write("taxonomy.yml", TAXONOMY.replace(
        "security: {title: Security}", "security: {title: Security, aliases: [pricing]}"))
    problem = only(library.load().problems)
    assert problem.line == 12
    assert "'pricing': it is already an alias of 'price'" in problem.message


def test_a_term_id_given_twice_is_a_duplicate(library):
    library.write("taxonomy.yml", TAXONOMY.replace(
        "  northwind:", "  globex: {title: Globex Corp}\n  northwind:"))
    problem = only(library.load().problems)
    assert (problem.path, problem.line, problem.field) == ("content/taxonomy.yml", 6, "globex")
    assert "duplicate id or key 'globex' (first given on line 5)" in problem.message


def test_malformed_taxonomy_yaml_gives_the_yaml_line(library):
    library.write("taxonomy.yml", TAXONOMY.replace(
        "  cfo: {title: CFO}", "  cfo: {title: CFO"))
    # One problem: the stories are not blamed for the broken taxonomy.
    problem = only(library.load().problems)
    assert problem.path == "content/taxonomy.yml"
    assert problem.line == 9  # where the parser found the flow mapping unclosed
    assert "not valid YAML" in problem.message


def test_a_missing_vocabulary_is_reported(library):
    library.write("taxonomy.yml", TAXONOMY.split("deal_sizes:")[0])
    problem = only(library.load().problems)
    assert "the vocabulary 'deal_sizes' is missing" in problem.message


def test_a_term_without_title(library):
    library.write("taxonomy.yml", TAXONOMY.replace("cfo: {title: CFO}", "cfo: {}"))
    problem = only(library.load().problems)
    assert (problem.line, problem.field) == (8, "roles.cfo.title")
