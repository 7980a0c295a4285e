"""The vocabulary registry: one record per controlled vocabulary.

Everything that differs between vocabularies (the taxonomy.yml key, the
story's front-matter field, titles, the URL folder, the finder parameter, the
related-story weight) lives here, and validation, the library's indexes,
related stories, page families and templates all derive from it. Adding a
vocabulary is adding a record (and its terms in taxonomy.yml).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vocabulary:
    id: str  # the key in taxonomy.yml: "competitors"
    field: str  # the story's front-matter field: "competitor"
    singular: str  # "competitor", for messages
    title: str  # "Competitors", for headings and the overview page
    label: str  # "Competitor", for one value on a story
    folder: str  # URL folder of its pages: "competitors" -> /competitors/<id>/
    param: str  # story finder query parameter: ?competitor=globex
    related_weight: float = 0.0  # weight of one shared term in related stories
    multiple: bool = False  # a list of terms on a story, or at most one
    required: bool = False  # every story must name one
    # Term fields beyond title, description and aliases: ("order",) for stages.
    extra_keys: tuple[str, ...] = ()
    ordered: bool = False  # terms sort by their `order`, not their title


REGISTRY: tuple[Vocabulary, ...] = (
    Vocabulary("skills", "skills", "skill", "Skills", "Skills", "skills", "skill",
               related_weight=2.0, multiple=True, required=True, extra_keys=("grow", "featured")),
    Vocabulary("competitors", "competitor", "competitor", "Competitors", "Competitor",
               "competitors", "competitor", related_weight=4.0),
    Vocabulary("roles", "buyer_role", "buyer role", "Buyer roles", "Buyer role", "roles",
               "role", related_weight=1.5, required=True),
    Vocabulary("objections", "objections", "objection", "Objections", "Objections",
               "objections", "objection", related_weight=4.0, multiple=True),
    Vocabulary("stages", "stage", "stage", "Stages", "Stage", "stages", "stage",
               related_weight=1.0, required=True, extra_keys=("order",), ordered=True),
    Vocabulary("deal_sizes", "deal_size", "deal size", "Deal sizes", "Deal size",
               "deal-sizes", "deal_size"),
)


def vocabularies() -> tuple[Vocabulary, ...]:
    """Every vocabulary, in taxonomy order. Read at call time, never copied."""
    return REGISTRY


def vocabulary(name: str) -> Vocabulary:
    """A vocabulary by its id, story field, singular or finder parameter."""
    for entry in REGISTRY:
        if name in (entry.id, entry.field, entry.param, entry.singular):
            return entry
    raise KeyError(name)


def ids() -> tuple[str, ...]:
    return tuple(entry.id for entry in REGISTRY)
