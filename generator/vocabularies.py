"""The vocabulary records: one per controlled vocabulary.

Everything that differs between vocabularies (the taxonomy.yml key, the
story's front-matter field, titles, the URL folder, the finder parameter, the
related-story weight, and behaviour one vocabulary switches on) lives in a
record, and validation, the library's indexes, related stories, page families
and templates all derive from the records. The six below are the defaults;
content/taxonomy.yml's `vocabularies:` block overrides them and declares more
(validate/taxonomy.py reads it into `Taxonomy.vocabularies`).

This module is the one place in generator/ that names the built-in
vocabularies (tests/test_vocabulary_names.py checks it).
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
    param: str  # story finder query parameter: ?competitor=globex
    related_weight: float = 0.0  # weight of one shared term in related stories
    multiple: bool = False  # a list of terms on a story, or at most one
    required: bool = False  # every story must name one
    # Terms sort by an integer `order` they carry, not by their title.
    ordered: bool = False
    # Terms carry GROW questions and featured stories; their pages are coaching pages.
    coaching: bool = False
    # Its term pages list the objections raised in its deals and the takeaways that won
    # (a rival's page), rather than what `involved` shows.
    deal_review: bool = False
    # Other pages tally this vocabulary's terms in a term's stories, under this heading
    # ("Objections raised in these deals"); empty: not tallied.
    tally_heading: str = ""
    tally_empty: str = ""  # the tally's line when no story names a term
    # Tallied on every term page that is not a deal review ("Competitors involved").
    involved: bool = False
    # Its terms are on story cards and finder results, after `card_prefix` ("vs ").
    card: bool = False
    card_prefix: str = ""
    # Its term names who speaks in a story's quote and clips ("CFO").
    speaker: bool = False
    # Insights: a coverage table of its terms by outcome, and the gaps it is checked for:
    # a term without a win or a loss, without a recent story, or found only in losses.
    coverage: bool = False
    gap_both_sides: bool = False
    gap_recent: bool = False
    gap_only_losses: bool = False
    by_quarter: bool = False  # insights chart its terms by quarter of interview
    # `playbook new story`'s question for it; empty: "The story's <singular>".
    question: str = ""
    # The criterion field that names one of its terms (a criterion's "skill"); criteria
    # are a fixed format, so this is not declared in taxonomy.yml.
    criterion_field: str = ""

    @property
    def prompt(self) -> str:
        kind = self.title.lower() if self.multiple else self.singular
        return self.question or f"The story's {kind}"

    @property
    def folder(self) -> str:
        """URL folder of its pages: "deal_sizes" -> /deal-sizes/<id>/."""
        return folder_of(self.id)

    @property
    def extra_keys(self) -> tuple[str, ...]:
        """Term fields beyond title, description and aliases that this vocabulary allows."""
        return (("order",) if self.ordered else ()) + (
            ("grow", "featured") if self.coaching else ())


def folder_of(vocabulary_id: str) -> str:
    return vocabulary_id.replace("_", "-")


DEFAULTS: tuple[Vocabulary, ...] = (
    Vocabulary("skills", "skills", "skill", "Skills", "Skills", "skill",
               related_weight=2.0, multiple=True, required=True, coaching=True,
               coverage=True, gap_both_sides=True, question="The skills it teaches",
               criterion_field="skill"),
    Vocabulary("competitors", "competitor", "competitor", "Competitors", "Competitor",
               "competitor", related_weight=4.0, deal_review=True, involved=True,
               card=True, card_prefix="vs ", coverage=True, gap_recent=True,
               question="The competitor in the deal",
               tally_heading="Competitors involved",
               tally_empty="No competitor was involved in these deals."),
    Vocabulary("roles", "buyer_role", "buyer role", "Buyer roles", "Buyer role",
               "role", related_weight=1.5, required=True, card=True, speaker=True,
               question="Who the buyer was"),
    Vocabulary("objections", "objections", "objection", "Objections", "Objections",
               "objection", related_weight=4.0, multiple=True, gap_only_losses=True,
               by_quarter=True, question="Objections the buyer raised",
               tally_heading="Objections raised in these deals",
               tally_empty="No objections recorded in these deals."),
    Vocabulary("stages", "stage", "stage", "Stages", "Stage", "stage",
               related_weight=1.0, required=True, ordered=True, card=True,
               question="Where the decisive moment happened", criterion_field="stage"),
    Vocabulary("deal_sizes", "deal_size", "deal size", "Deal sizes", "Deal size",
               "deal_size", question="The deal's size"),
)


def vocabularies() -> tuple[Vocabulary, ...]:
    """The built-in defaults. A library's own records, with what taxonomy.yml declares,
    are `library.taxonomy.vocabularies`: read those wherever a library is at hand."""
    return DEFAULTS


def vocabulary(vocabulary_id: str) -> Vocabulary:
    """A built-in vocabulary by its id (its key in taxonomy.yml)."""
    for entry in DEFAULTS:
        if entry.id == vocabulary_id:
            return entry
    raise KeyError(vocabulary_id)


def ids() -> tuple[str, ...]:
    return tuple(entry.id for entry in DEFAULTS)


# What a `vocabularies:` declaration in taxonomy.yml may set, and the type of each.
DECLARED_KEYS: dict[str, type] = {
    "field": str, "title": str, "label": str, "singular": str, "multiple": bool,
    "required": bool, "related_weight": float, "ordered": bool, "coaching": bool,
    "deal_review": bool, "tally_heading": str, "tally_empty": str, "involved": bool,
    "card": bool, "card_prefix": str, "speaker": bool,
    "coverage": bool, "gap_both_sides": bool, "gap_recent": bool, "gap_only_losses": bool,
    "by_quarter": bool, "question": str,
}
# A new vocabulary must name these; the rest have defaults.
DECLARED_REQUIRED = ("field", "title", "label")
# URL folders of the generated pages that are not a vocabulary's (a declared
# vocabulary's pages would overwrite them), and files at the site's root.
GENERATED_FOLDERS = ("stories", "criteria", "calibration", "ramp", "insights", "scorecard",
                     "assets", "search", "pagefind", "stylesheets", "javascripts", "feed",
                     "feed.xml", "404", "sitemap", "what-wins", "practice", "calendar")
