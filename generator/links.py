"""Cross-links between stories: related stories, the story of the week, tallies.

Related stories are ranked like Hugo's related content: a weighted count of
shared facets. Same competitor and same objection count most, then skill, role
and stage. Ties go to the newer story, then to the smaller id, so the list is
the same on every build.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date, timedelta

from .library import newest_first
from .model import Story
from .vocabularies import DEFAULTS, Vocabulary


def related_weights(vocabularies: tuple[Vocabulary, ...] = DEFAULTS) -> dict[str, float]:
    """Weight of one shared term, by vocabulary (from its record; 0 = unused)."""
    return {v.id: v.related_weight for v in vocabularies if v.related_weight}


def related_score(a: Story, b: Story, vocabularies: tuple[Vocabulary, ...] = DEFAULTS) -> float:
    """How related two stories are: the weights of the terms they share."""
    return sum(
        weight * len(set(a.facet(vocabulary)) & set(b.facet(vocabulary)))
        for vocabulary, weight in related_weights(vocabularies).items()
    )


class RelatedIndex:
    """Ranks related stories for every story without comparing every pair.

    Each term has a bitset of the stories carrying it, with bit i standing for
    the i-th story in recency order, so the lowest set bit is the newest story
    (ties broken by id). For one story with terms T, the stories sharing
    exactly the subset S of T all score the same; splitting the library on
    each term in turn finds those groups with a few big-integer operations
    each, skipping empty ones. Taking the groups from the highest score down,
    lowest bits first, yields the ranking in order.
    """

    def __init__(self, stories, vocabularies: tuple[Vocabulary, ...] = DEFAULTS):
        self.weights = related_weights(vocabularies)
        self.order = newest_first(stories)
        self.bits: dict[tuple[str, str], int] = {}
        for index, story in enumerate(self.order):
            for key in self._terms(story):
                self.bits[key] = self.bits.get(key, 0) | (1 << index)
        self.position = {story.id: index for index, story in enumerate(self.order)}

    def _terms(self, story: Story) -> list[tuple[str, str]]:
        return [(vocabulary, term) for vocabulary in self.weights
                for term in story.facet(vocabulary)]

    def related(self, story: Story, limit: int = 5) -> list[Story]:
        terms = self._terms(story)
        weights = [self.weights[vocabulary] for vocabulary, _ in terms]
        masks = [self.bits[key] for key in terms]
        self_bit = 1 << self.position[story.id]
        # Split everyone else by which of the story's terms they share: a walk
        # over "has term i / lacks term i" that drops empty branches at once.
        levels: dict[float, int] = {}
        stack = [(0, (1 << len(self.order)) - 1 & ~self_bit, 0.0)]
        while stack:
            depth, chosen, score = stack.pop()
            if depth == len(terms):
                if score:
                    levels[score] = levels.get(score, 0) | chosen
                continue
            sharing = chosen & masks[depth]
            if sharing:
                stack.append((depth + 1, sharing, score + weights[depth]))
            rest = chosen & ~masks[depth]
            if rest:
                stack.append((depth + 1, rest, score))
        found: list[Story] = []
        for score in sorted(levels, reverse=True):
            level = levels[score]
            while level and len(found) < limit:
                lowest = level & -level
                found.append(self.order[lowest.bit_length() - 1])
                level ^= lowest
            if len(found) >= limit:
                break
        return found


def story_of_the_week(stories, today: date) -> Story | None:
    """One story per ISO week, the same for everyone who builds that week.

    Only stories interviewed before the week's Monday take part, so a story
    dated this week never changes the pick; it joins the draw next week.
    Among those, each story gets a score from a hash of the week and its id,
    and the highest wins (rendezvous hashing): adding an older story changes
    the pick only if that story itself wins, and consecutive weeks spread
    over the library. None when no story predates the week.
    """
    monday = today - timedelta(days=today.weekday())
    year, week, _ = today.isocalendar()

    def score(story: Story) -> tuple[bytes, str]:
        digest = hashlib.sha256(f"{year}-W{week:02d}/{story.id}".encode()).digest()
        return digest, story.id

    eligible = [story for story in stories if story.interviewed < monday]
    return max(eligible, key=score) if eligible else None


def tally(stories, vocabulary: str) -> list[tuple[str, int]]:
    """Term ids of a vocabulary across stories, most common first (then by id)."""
    counts = Counter(term for story in stories for term in story.facet(vocabulary))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def balanced(wins: list[Story], losses: list[Story], limit: int) -> tuple[list, list]:
    """Up to `limit` of each, as even as the library allows, newest first."""
    each = min(limit, max(len(wins), len(losses)))
    if wins and losses:
        each = min(each, max(min(len(wins), len(losses)), 3))
    return list(newest_first(wins))[:each], list(newest_first(losses))[:each]
