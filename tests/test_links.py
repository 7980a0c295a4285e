"""Related stories, the story of the week and tallies."""

from __future__ import annotations

from datetime import date, timedelta

from generator.links import (
    RelatedIndex,
    balanced,
    related_score,
    story_of_the_week,
    tally,
)
from generator.load import load_library
from generator.model import Story
from helpers import REPO


def story(id: str, *, days_ago: int = 0, competitor=None, objections=(), skills=("discovery",),
          role="cfo", stage="demo", outcome="win") -> Story:
    return Story(
        id=id, path=f"content/stories/{id}.md", title=id, outcome=outcome,
        interviewed=date(2026, 6, 1) - timedelta(days=days_ago), quote="q", takeaway="t",
        terms={"skills": tuple(skills), "roles": (role,), "stages": (stage,),
               "competitors": (competitor,) if competitor else (), "objections": tuple(objections),
               "deal_sizes": ()},
    )


def test_competitor_and_objection_outrank_skill_role_and_stage():
    me = story("me", competitor="globex", objections=("price",), skills=("discovery",),
               role="cfo", stage="demo")
    same_deal = story("same-deal", competitor="globex", objections=("price",), skills=("x",),
                      role="it", stage="close")
    same_competitor = story("same-competitor", competitor="globex", skills=("x",), role="it",
                            stage="close")
    same_people = story("same-people", skills=("discovery",), role="cfo", stage="demo")
    unrelated = story("unrelated", competitor="initech", skills=("x",), role="it", stage="close")
    index = RelatedIndex([me, same_deal, same_competitor, same_people, unrelated])
    assert [s.id for s in index.related(me)] == ["same-deal", "same-people", "same-competitor"]
    # 4 + 4 for the deal; 2 + 1.5 + 1 for the people; 4 for the competitor alone.
    assert [related_score(me, s) for s in index.related(me)] == [8.0, 4.5, 4.0]


def test_ties_go_to_the_newer_story_then_the_id():
    me = story("me", competitor="globex", skills=("x",))
    older = story("a-older", competitor="globex", skills=("y",), days_ago=30)
    newer_b = story("b-newer", competitor="globex", skills=("y",), days_ago=1)
    newer_a = story("a-newer", competitor="globex", skills=("y",), days_ago=1)
    index = RelatedIndex([older, newer_b, me, newer_a])
    assert [s.id for s in index.related(me)] == ["a-newer", "b-newer", "a-older"]


def test_at_most_five_never_itself_and_never_unrelated():
    me = story("me", competitor="globex")
    others = [story(f"s{i}", competitor="globex", days_ago=i) for i in range(8)]
    stranger = story("stranger", competitor="initech", skills=("y",), role="x", stage="y")
    related = RelatedIndex([me, stranger, *others]).related(me)
    assert [s.id for s in related] == ["s0", "s1", "s2", "s3", "s4"]


def test_ranking_matches_comparing_every_pair_on_the_sample():
    stories = load_library(REPO / "content").library.stories
    index = RelatedIndex(stories)
    for me in stories:
        expected = sorted(
            (s for s in stories if s.id != me.id and related_score(me, s) > 0),
            key=lambda s: (-related_score(me, s), -s.interviewed.toordinal(), s.id),
        )[:5]
        assert index.related(me) == expected, me.id


def test_story_of_the_week_is_fixed_within_a_week_and_moves_between_weeks():
    stories = [story(f"s{i:02d}", days_ago=i) for i in range(30)]
    monday = date(2026, 11, 2)
    week = {story_of_the_week(stories, monday + timedelta(days=d)).id for d in range(7)}
    assert len(week) == 1
    picks = [story_of_the_week(stories, monday + timedelta(weeks=w)).id for w in range(12)]
    assert len(set(picks)) >= 8, picks
    # The input order does not matter: everyone who builds this week agrees.
    assert story_of_the_week(list(reversed(stories)), monday) == story_of_the_week(stories, monday)
    assert story_of_the_week([], monday) is None


def test_tally_counts_most_common_first():
    stories = [story("a", objections=("price", "security")), story("b", objections=("price",)),
               story("c", objections=("roi",))]
    assert tally(stories, "objections") == [("price", 2), ("roi", 1), ("security", 1)]


def test_balanced_wins_and_losses():
    wins = [story(f"w{i}", days_ago=i) for i in range(8)]
    losses = [story(f"l{i}", days_ago=i, outcome="loss") for i in range(4)]
    shown_wins, shown_losses = balanced(wins, losses, limit=6)
    assert len(shown_wins) == len(shown_losses) == 4
    assert shown_wins[0].id == "w0"  # newest first
    shown_wins, shown_losses = balanced(wins, [], limit=6)
    assert len(shown_wins) == 6 and shown_losses == []
