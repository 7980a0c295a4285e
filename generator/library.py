"""Stage 3: validated content to a linked library with indexes for the pages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from .model import CalendarMonth, CalibrationSession, Criterion, Ramp, Scenario, Story, Taxonomy


@dataclass(frozen=True)
class Library:
    taxonomy: Taxonomy
    stories: tuple[Story, ...]  # sorted by id
    criteria: tuple[Criterion, ...]  # sorted by id
    _stories: dict[str, Story] = field(repr=False, compare=False)
    _criteria: dict[str, Criterion] = field(repr=False, compare=False)
    # vocabulary -> term id -> stories carrying that term, newest first
    _by_term: dict[str, dict[str, tuple[Story, ...]]] = field(repr=False, compare=False)
    # (criterion id, "present" | "absent") -> stories, newest first
    _evidence: dict[tuple[str, str], tuple[Story, ...]] = field(repr=False, compare=False)
    calibrations: tuple[CalibrationSession, ...] = ()  # oldest first, then by id
    ramps: tuple[Ramp, ...] = ()  # sorted by id
    scenarios: tuple[Scenario, ...] = ()  # sorted by id
    calendar: tuple[CalendarMonth, ...] = ()  # the coaching calendar, oldest month first

    def story(self, story_id: str) -> Story:
        return self._stories[story_id]

    def criterion(self, criterion_id: str) -> Criterion:
        return self._criteria[criterion_id]

    def stories_by(self, vocabulary_id: str, term_id: str) -> tuple[Story, ...]:
        """Stories tagged with a term, by the vocabulary's id (its key in taxonomy.yml)."""
        return self._by_term[vocabulary_id].get(term_id, ())

    def has_story(self, story_id: str) -> bool:
        """Whether the story is published (a public build leaves confidential ones out)."""
        return story_id in self._stories

    def criteria_for(self, skill: str) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.skill == skill)

    def scenario(self, scenario_id: str) -> Scenario:
        return next(s for s in self.scenarios if s.id == scenario_id)

    def scenarios_by(self, vocabulary_id: str, term_id: str) -> tuple[Scenario, ...]:
        """Scenarios tagged with a term, by the vocabulary's id, as `stories_by`."""
        return tuple(s for s in self.scenarios if term_id in s.facet(vocabulary_id))

    def evidence(self, criterion_id: str, kind: str) -> tuple[Story, ...]:
        """Stories whose buyer describes the criterion's behaviour as `kind`."""
        return self._evidence.get((criterion_id, kind), ())

    def coaching_month(self, day: date) -> CalendarMonth | None:
        """The coaching calendar's month holding `day`, if one is planned."""
        for month in self.calendar:
            if (month.month.year, month.month.month) == (day.year, day.month):
                return month
        return None


def newest_first(stories: list[Story] | tuple[Story, ...]) -> tuple[Story, ...]:
    return tuple(sorted(stories, key=lambda s: (-s.interviewed.toordinal(), s.id)))


def link(taxonomy: Taxonomy, stories: list[Story], criteria: list[Criterion],
         calibrations: list[CalibrationSession] | None = None,
         ramps: list[Ramp] | tuple[Ramp, ...] = (),
         scenarios: list[Scenario] | tuple[Scenario, ...] = (),
         calendar: tuple[CalendarMonth, ...] = ()) -> Library:
    ordered = tuple(sorted(stories, key=lambda s: s.id))
    names = [v.id for v in taxonomy.vocabularies]
    by_term: dict[str, dict[str, list[Story]]] = {v: defaultdict(list) for v in names}
    evidence: dict[tuple[str, str], list[Story]] = defaultdict(list)
    # Filled newest first, so every list is in that order without a sort of its own.
    for story in newest_first(ordered):
        for name in names:
            for term_id in story.terms.get(name, ()):
                by_term[name][term_id].append(story)
        for criterion_id in story.criteria_present:
            evidence[(criterion_id, "present")].append(story)
        for criterion_id in story.criteria_absent:
            evidence[(criterion_id, "absent")].append(story)
    return Library(
        taxonomy=taxonomy,
        stories=ordered,
        criteria=tuple(sorted(criteria, key=lambda c: c.id)),
        _stories={s.id: s for s in ordered},
        _criteria={c.id: c for c in criteria},
        _by_term={v: {t: tuple(s) for t, s in terms.items()} for v, terms in by_term.items()},
        _evidence={k: tuple(s) for k, s in evidence.items()},
        calibrations=tuple(sorted(calibrations or (), key=lambda c: (c.date, c.id))),
        ramps=tuple(sorted(ramps, key=lambda r: r.id)),
        scenarios=tuple(sorted(scenarios, key=lambda s: s.id)),
        calendar=tuple(sorted(calendar, key=lambda m: m.month)),
    )
