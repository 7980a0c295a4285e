"""The story finder at /stories/: words and facet filters over the search index.

The page holds the form (one select per vocabulary, whose options carry each
term's aliases so a URL like ?objection=infosec resolves), and only the
newest SHOWN stories as plain cards for readers without JavaScript.
playbook.js runs the query against the Pagefind index (search_index.py) and
renders the cards it shows, a page at a time, so the page stays small at any
library size.

Beside the page, two files let playbook-query.js read a query in a manager's
words: QUERY_TERMS (the words and phrases that name a filter: outcomes, term
ids, titles and aliases) and QUERY_WORDS (the words the stories hold, for
typo correction).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from datetime import date
from typing import cast

from ..library import Library, newest_first
from ..model import OUTCOME_WORDS, Story
from .files import GeneratedFile
from .render import Renderer, outcome_counts

# How many stories a list page (finder, facet, criterion, skill) shows as cards
# before it links to the finder for the rest.
SHOWN = 12

QUERY_TERMS = "stories/query-terms.json"
QUERY_WORDS = "stories/query-words.json"
# The typo list keeps the most common words: at most this many, so its file stays
# small at any library size (a misspelt word is far likelier a common one).
WORDS_KEPT = 20_000
# Shorter words are not corrected (one edit turns "fee" into "few", "see", "fed").
SHORTEST_WORD = 3

# A word as the finder splits a query and the index splits text: letters and digits.
_WORD = re.compile(r"[^\W_]+")


def generate(renderer: Renderer, today: date) -> Iterator[GeneratedFile]:
    newest = newest_first(renderer.library.stories)
    yield renderer.page("finder.md.j2", "stories/index.md", in_nav=True, reads_stories=True,
                        stories=newest[:SHOWN], total=len(newest),
                        counts=outcome_counts(newest), page_size=SHOWN,
                        query_terms=QUERY_TERMS, query_words=QUERY_WORDS)
    outcome_titles = cast(Mapping[str, str], renderer.env.globals["outcomes"])  # labels.j2
    yield GeneratedFile(QUERY_TERMS, _json(query_terms(renderer.library, outcome_titles)))
    yield GeneratedFile(QUERY_WORDS, _json({"words": indexed_words(renderer.library)}))


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower()))


def query_terms(library: Library, outcome_titles: Mapping[str, str]) -> dict:
    """What a query's words can name: every filter (its label and values'
    titles) and the names that stand for one filter value.

    A name is an outcome's word, or a term's id, title or alias, as lowercase
    words. A name that stands for two values ("discovery": a skill and a
    stage), or that is part of another value's name ("security", in the stage
    "Security review" and the role "IT security lead"), names no filter: it
    stays a word to search, which finds all of them.
    """
    filters: dict[str, dict] = {"outcome": {"label": "Outcome", "values": dict(outcome_titles)}}
    owners: dict[tuple[str, ...], set[tuple[str, str]]] = defaultdict(set)
    for outcome, title in outcome_titles.items():
        for name in (outcome, title, *OUTCOME_WORDS.get(outcome, ())):
            owners[words(name)].add(("outcome", outcome))
    for vocabulary in library.taxonomy.vocabularies:
        values = {}
        for term in library.taxonomy.terms.get(vocabulary.id, ()):
            values[term.id] = term.title
            for name in (term.id, term.title, *term.aliases):
                owners[words(name)].add((vocabulary.param, term.id))
        filters[vocabulary.param] = {"label": vocabulary.singular.capitalize(),
                                     "values": values}
    owners.pop((), None)
    holding: dict[str, list[tuple[str, ...]]] = defaultdict(list)  # word -> names with it
    for phrase in owners:
        for word in set(phrase):
            holding[word].append(phrase)
    names = {}
    for phrase, named in owners.items():
        if len(named) == 1 and not any(
                named != owners[longer] and len(longer) > len(phrase) and _inside(phrase, longer)
                for longer in holding[phrase[0]]):
            (owner,) = named
            names[" ".join(phrase)] = list(owner)
    # An outcome's words also stand for each other in a story's text: "lost" finds "loss".
    same_words = {outcome: sorted(" ".join(words(w)) for w in OUTCOME_WORDS.get(outcome, ()))
                  for outcome in outcome_titles}
    return {"filters": filters, "names": names, "outcome_words": same_words}


def _inside(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    return any(whole[start:start + len(part)] == part
               for start in range(len(whole) - len(part) + 1))


def indexed_words(library: Library) -> list[str]:
    """The words the story finder's index holds, the commonest first (by
    stories holding them, then alphabetically), for typo correction.

    The same fields the index reads (finder_record.html.j2, story.md.j2):
    title, quote, takeaway, transcripts, narrative, facet titles and aliases.
    Numbers and words under SHORTEST_WORD letters are left out.
    """
    stories_holding: Counter[str] = Counter()
    for story in library.stories:
        stories_holding.update({word for word in words(_story_text(library, story))
                                if len(word) >= SHORTEST_WORD and not word.isdigit()})
    ranked = sorted(stories_holding.items(), key=lambda item: (-item[1], item[0]))
    return [word for word, _ in ranked[:WORDS_KEPT]]


def _story_text(library: Library, story: Story) -> str:
    facets = [name for vocabulary in library.taxonomy.vocabularies
              for term_id in story.facet(vocabulary.id)
              for term in (library.taxonomy.term(vocabulary.id, term_id),)
              for name in (term.title, *term.aliases)]
    return " ".join([story.title, story.quote, story.takeaway, story.body,
                     *(clip.transcript for clip in story.clips), *facets])
