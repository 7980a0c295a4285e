"""The validated content model: plain, frozen data that later stages read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from .vocabularies import DEFAULTS, Vocabulary

OUTCOMES = ("win", "loss", "no-decision")
# The words a manager types for each outcome ("lost to Globex"): the story
# finder reads any of them as that outcome, and as the same words in a story's text.
OUTCOME_WORDS = {"win": ("win", "wins", "won", "winning"),
                 "loss": ("loss", "losses", "lost", "lose", "losing"),
                 "no-decision": ("no decision", "no decisions", "undecided")}
LOSS_REASONS = ("qualification", "execution", "competition")
SCALES = ("binary", "3", "5")
# A story's own front-matter fields; each vocabulary adds its `field`.
STORY_FIELDS = ("title", "outcome", "interviewed", "criteria", "loss_reason", "quote",
                "takeaway", "clips", "confidential", "recording_public", "redirect_from",
                "published")
GROW_STEPS = ("goal", "reality", "options", "will")
# The levels a scale's anchors must describe, in order.
SCALE_LEVELS = {"binary": ("yes", "no"), "3": ("1", "2", "3"), "5": ("1", "2", "3", "4", "5")}


@dataclass(frozen=True)
class Term:
    vocabulary: str
    id: str
    title: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    order: int | None = None  # an ordered vocabulary's terms only
    # a coaching vocabulary's terms only: GROW questions, (step, questions) in GROW order
    grow: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # a coaching vocabulary's terms only: story ids for the 1:1 coaching pack (a win, a loss)
    featured: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    # vocabulary -> terms in display order (stages by `order`, the rest by title)
    terms: dict[str, tuple[Term, ...]]
    # vocabulary -> id or alias -> id
    _lookup: dict[str, dict[str, str]] = field(repr=False, compare=False)
    # Vocabularies that could not be read: their ids are not checked, so one
    # broken taxonomy does not turn into an error on every story.
    unreadable: frozenset[str] = frozenset()
    # The vocabulary records: the built-in defaults as taxonomy.yml overrides them,
    # then the ones it declares, in declaration order.
    vocabularies: tuple[Vocabulary, ...] = DEFAULTS

    def vocabulary(self, vocabulary_id: str) -> Vocabulary:
        """A vocabulary's record by its id, the key of its terms in taxonomy.yml."""
        for entry in self.vocabularies:
            if entry.id == vocabulary_id:
                return entry
        raise KeyError(vocabulary_id)

    def singular(self, vocabulary_id: str) -> str:
        """One term's kind, for messages: "buyer role"."""
        try:
            return self.vocabulary(vocabulary_id).singular
        except KeyError:
            return vocabulary_id

    def named_by(self, field_name: str) -> str:
        """The id of the vocabulary whose terms a criterion's (or ramp item's) `field_name`
        names: "skill" -> the skills' id. The defaults always have one."""
        return next(v.id for v in self.vocabularies if v.criterion_field == field_name)

    def having(self, flag: str) -> tuple[Vocabulary, ...]:
        """The vocabularies that switch a behaviour on: `having("coaching")`."""
        return tuple(v for v in self.vocabularies if getattr(v, flag))

    def resolve(self, vocabulary: str, name: str) -> str | None:
        """The term id that `name` (an id or an alias) stands for, or None."""
        return self._lookup.get(vocabulary, {}).get(name)

    def term(self, vocabulary: str, term_id: str) -> Term:
        for term in self.terms[vocabulary]:
            if term.id == term_id:
                return term
        raise KeyError(f"{vocabulary}: {term_id}")

    def names(self, vocabulary: str) -> list[str]:
        """Every id and alias of a vocabulary, for suggestions."""
        return sorted(self._lookup.get(vocabulary, {}))


@dataclass(frozen=True)
class Clip:
    src: str  # relative to content/audio/
    start: float | None  # seconds
    end: float | None
    transcript: str
    duration: float | None = None  # seconds, once the audio stage has measured it
    # Where the moment is in the whole interview, when `src` is an excerpt cut from it
    # (the clip's `cut_from`); start and end above are then within the excerpt.
    interview_start: float | None = None
    interview_end: float | None = None


@dataclass(frozen=True)
class Story:
    id: str
    path: str
    title: str
    outcome: str
    interviewed: date
    quote: str
    takeaway: str
    # vocabulary id -> the story's term ids in it ("rivals" -> ("globex",));
    # every vocabulary of the taxonomy has an entry, empty when not given.
    terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    criteria_present: tuple[str, ...] = ()
    criteria_absent: tuple[str, ...] = ()
    loss_reason: str | None = None
    clips: tuple[Clip, ...] = ()
    body: str = ""
    confidential: bool = False  # internal only: public builds leave it out
    # Its recordings may be published although a confidential story cuts them too.
    recording_public: bool = False
    redirect_from: tuple[str, ...] = ()  # old ids whose URLs lead here
    published: date | None = None  # front matter: when the story was added, if given
    committed: datetime | None = None  # its file's first commit (history.py), in UTC

    @property
    def added(self) -> datetime:
        """When the story was added, for the feed: `published`, else its first commit,
        else (not in git) its interview date."""
        if self.published is not None:
            return datetime.combine(self.published, time(), UTC)
        return self.committed or datetime.combine(self.interviewed, time(), UTC)

    def facet(self, vocabulary_id: str) -> tuple[str, ...]:
        """The story's term ids in one vocabulary, by its id (its key in taxonomy.yml)."""
        return self.terms.get(vocabulary_id, ())

    def single(self, vocabulary_id: str) -> str | None:
        """The one term of a single-valued vocabulary, or None."""
        found = self.facet(vocabulary_id)
        return found[0] if found else None


@dataclass(frozen=True)
class Criterion:
    id: str
    path: str
    title: str
    skill: str
    scale: str  # one of SCALES
    weight: float
    description: str
    present: str
    absent: str
    anchors: tuple[tuple[str, str], ...]  # (level, behaviour) in SCALE_LEVELS order
    stage: str | None = None
    body: str = ""
    redirect_from: tuple[str, ...] = ()  # old ids whose URLs lead here


@dataclass(frozen=True)
class CalibrationCall:
    """One call that every rater of a calibration session scored on their own."""

    id: str
    title: str
    # rater id -> criterion id -> level (as in SCALE_LEVELS); missing ratings are absent
    scores: Mapping[str, Mapping[str, str]]
    clips: tuple[Clip, ...] = ()


@dataclass(frozen=True)
class SplitMoment:
    """A moment of a call where the raters' scores split, and why."""

    call: str
    at: float | None  # seconds into the call's recording
    quote: str
    split: str  # what the raters heard differently
    criterion: str | None = None


@dataclass(frozen=True)
class CalibrationSession:
    """content/calibration/<id>.yml: managers scoring the same calls on draft criteria."""

    id: str
    path: str
    title: str
    date: date
    raters: tuple[tuple[str, str], ...]  # (id, display name) in file order
    criteria: tuple[str, ...]
    calls: tuple[CalibrationCall, ...]
    moments: tuple[SplitMoment, ...] = ()

    def rater_name(self, rater_id: str) -> str:
        return dict(self.raters).get(rater_id, rater_id)


# What a ramp phase's `study` list may name, by the key an item is written with.
RAMP_KINDS = ("skill", "story", "criterion")


@dataclass(frozen=True)
class Phase:
    """One stretch of a ramp (days 1-30), ending in a competency gate."""

    name: str
    key: str  # slug of the name: stable ids for the items' checkboxes
    first_day: int
    last_day: int
    goal: str
    study: tuple[tuple[str, str], ...]  # (kind, id) in reading order; kind in RAMP_KINDS
    listen: tuple[str, ...]  # story ids whose clips to play, in order
    # (kind, value) in order: ("text", what to practise) or ("scenario", scenario id)
    practice: tuple[tuple[str, str], ...]
    gate: str  # the question the manager asks
    gate_criteria: tuple[tuple[str, str], ...]  # (criterion id, level required)


@dataclass(frozen=True)
class Ramp:
    id: str
    path: str
    title: str
    audience: str
    summary: str
    phases: tuple[Phase, ...]
    body: str = ""  # the manager's notes


@dataclass(frozen=True)
class ScenarioLine:
    """One thing the buyer says in a role-play: typed, or a story's quote."""

    text: str
    story: str | None = None  # the story whose quote it is


@dataclass(frozen=True)
class Scenario:
    """content/scenarios/<id>.md: a role-play a manager hands to a rep and a buyer."""

    id: str
    path: str
    title: str
    # vocabulary id -> term ids, as on a story; every vocabulary has an entry
    terms: Mapping[str, tuple[str, ...]]
    situation: str  # the rep's brief
    buyer: str  # the buyer's brief
    lines: tuple[ScenarioLine, ...]
    criteria: tuple[tuple[str, str], ...]  # (criterion id, the level good reaches)
    debrief: tuple[str, ...]  # questions for after the role-play
    body: str = ""  # notes for the manager

    def facet(self, vocabulary_id: str) -> tuple[str, ...]:
        """The scenario's term ids in one vocabulary, by its id, as on a story."""
        return self.terms.get(vocabulary_id, ())


@dataclass(frozen=True)
class CalendarMonth:
    """One month of the coaching calendar (content/calendar.yml): the skill coached."""

    month: date  # its first day
    skill: str
    criteria: tuple[str, ...] = ()  # focus criteria ids
    scenario: str | None = None  # a practice scenario id (content/scenarios/<id>.md)

    @property
    def key(self) -> str:
        """"2026-12": how calendar.yml writes it, and the stable part of its ids."""
        return f"{self.month.year:04d}-{self.month.month:02d}"
