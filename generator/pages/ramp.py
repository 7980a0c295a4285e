"""Ramp playbooks: the overview at /ramp/ and one reading path per ramp at /ramp/<id>/."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ..library import Library
from ..model import Criterion, Phase, Ramp, Scenario, Story, Term
from .files import GeneratedFile
from .render import Renderer


def share_code(key: str) -> str:
    """Six base64url characters (36 bits of SHA-256) naming an item in a shared progress link.

    Made from the item's key, not its position, so a link made before the ramp
    changed still ticks the same items; a removed item's code matches nothing.
    """
    return base64.urlsafe_b64encode(hashlib.sha256(key.encode("utf-8")).digest()).decode()[:6]


@dataclass(frozen=True)
class Item:
    """One checklist item of a phase; `key` names its checkbox state in the browser.

    Keys come from the phase name and the item's own id, never its position,
    so adding or moving an item keeps every other item's tick.
    """

    key: str
    kind: str  # "skill", "story", "criterion", "listen" or "practice"
    code: str  # share_code(key): the item in a progress link
    skill: Term | None = None
    story: Story | None = None
    criterion: Criterion | None = None
    scenario: Scenario | None = None
    text: str = ""


@dataclass(frozen=True)
class PhaseView:
    phase: Phase
    items: tuple[Item, ...]
    gate_key: str
    gate_code: str
    gate: tuple[tuple[Criterion, str, str], ...]  # (criterion, level, that level's anchor)

    @property
    def checkboxes(self) -> int:
        return len(self.items) + 1  # the gate has one too


def phase_views(library: Library, ramp: Ramp) -> tuple[PhaseView, ...]:
    """Each phase's items as the page lists them; stories a public build left out are skipped."""
    views = []
    for phase in ramp.phases:
        items: list[Item] = []
        for kind, item_id in phase.study:
            key = f"{phase.key}/study/{kind}/{item_id}"
            code = share_code(key)
            if kind == "skill":
                skills = library.taxonomy.named_by(kind)  # a ramp names skills as criteria do
                items.append(Item(key, kind, code, skill=library.taxonomy.term(skills, item_id)))
            elif kind == "story" and library.has_story(item_id):
                items.append(Item(key, kind, code, story=library.story(item_id)))
            elif kind == "criterion":
                items.append(Item(key, kind, code, criterion=library.criterion(item_id)))
        for story_id in phase.listen:
            if library.has_story(story_id):
                key = f"{phase.key}/listen/{story_id}"
                items.append(Item(key, "listen", share_code(key), story=library.story(story_id)))
        for number, (kind, value) in enumerate(phase.practice):
            # The first text keeps the key it had when practice was one line of text,
            # so ticks kept in browsers and shared links still find it.
            if kind == "scenario":
                key = f"{phase.key}/practice/scenario/{value}"
                items.append(Item(key, "practice", share_code(key),
                                  scenario=library.scenario(value)))
            else:
                key = f"{phase.key}/practice" + (f"/{number}" if number else "")
                items.append(Item(key, "practice", share_code(key), text=value))
        gate = []
        for criterion_id, level in phase.gate_criteria:
            criterion = library.criterion(criterion_id)
            gate.append((criterion, level, dict(criterion.anchors).get(level, "")))
        gate_key = f"{phase.key}/gate"
        views.append(PhaseView(phase, tuple(items), gate_key, share_code(gate_key), tuple(gate)))
    return tuple(views)


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    library = renderer.library
    yield renderer.page("ramps.md.j2", "ramp/index.md", in_nav=True, ramps=library.ramps)
    for ramp in library.ramps:
        views = phase_views(library, ramp)
        yield renderer.page("ramp.md.j2", f"ramp/{ramp.id}.md", source=ramp.path, in_nav=True,
                            ramp=ramp, phases=views,
                            total=sum(view.checkboxes for view in views))
