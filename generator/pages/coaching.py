"""A printable 1:1 coaching pack per skill at /skills/<id>/coach/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..library import Library
from ..model import Story, Term
from .files import GeneratedFile
from .render import Renderer

TAXONOMY_PATH = "content/taxonomy.yml"


def pack_stories(library: Library, skill: Term) -> tuple[Story | None, Story | None]:
    """The win and the loss for the pack: the skill's `featured` stories where
    given (and published), else the newest win and the newest loss."""
    chosen: dict[str, Story] = {}
    for story_id in skill.featured:
        if library.has_story(story_id):
            story = library.story(story_id)
            chosen.setdefault(story.outcome, story)
    for story in library.stories_by("skills", skill.id):  # newest first
        chosen.setdefault(story.outcome, story)
    return chosen.get("win"), chosen.get("loss")


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library = renderer.library
    for skill in library.taxonomy.terms["skills"]:
        win, loss = pack_stories(library, skill)
        yield renderer.page("coach.md.j2", f"skills/{skill.id}/coach.md", source=TAXONOMY_PATH,
                            term_=skill, win=win, loss=loss,
                            criteria=library.criteria_for(skill.id))
