"""Stories: a buyer's account of one decisive moment."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..markdown_render import add_body_problems
from ..model import (
    LOSS_REASONS,
    OUTCOMES,
    STORY_FIELDS,
    Story,
    Taxonomy,
)
from ..problems import Code, Problem
from ..source import SourceFile, describe
from ..vocabularies import vocabularies
from .clips import ClipSpec, read_clips
from .fields import (
    Checker,
    check_date,
    check_file_id,
    check_privacy,
    check_text,
    suggestion,
)
from .placeholders import check_placeholders
from .redirects import RedirectClaim, read_redirects

# The findings this module reports (listed by `playbook codes`).
CODES = (
    Code("story.loss-reason-not-loss", "error", "a loss_reason on a story that is not a loss"),
    Code("story.no-narrative", "warning", "a story with nothing below its front matter"),
    Code("story.confidential-type", "error", "'confidential' is not true or false"),
    Code("story.published-before-interview", "error",
         "a story 'published' before the interview it tells"),
    Code("criterion.unknown", "error", "a story names a criterion that has no file"),
    Code("criterion.present-and-absent", "error", "a criterion listed as both present and absent"),
)


def story_keys(taxonomy: Taxonomy | None = None) -> tuple[str, ...]:
    """A story's front-matter fields: its own, plus one per vocabulary."""
    registry = taxonomy.vocabularies if taxonomy is not None else vocabularies()
    if _story_keys[0] is not registry:  # worked out once per registry, not per story
        fields = [v.field for v in registry]
        _story_keys[:] = [registry, (*STORY_FIELDS[:3], *fields, *STORY_FIELDS[3:])]
    return _story_keys[1]


_story_keys: list = [None, ()]  # [the registry, its story keys]


def _check_confidential(check: Checker) -> bool:
    confidential = check.meta.get("confidential", False)
    if not isinstance(confidential, bool):
        check.error("confidential", "expected 'confidential' to be true or false; found "
                                    f"{describe(confidential)}",
                    "write 'confidential: true' to keep the story out of public builds "
                    "(playbook build --public), or remove the line",
                    code="story.confidential-type")
        return True  # fail closed (the error keeps the story out of every build anyway)
    return confidential


def check_story(source: SourceFile, taxonomy: Taxonomy, criteria_ids: set[str],
                audio_dir: Path, today: date,
                clip_specs: list[ClipSpec] | None = None,
                redirects: list[RedirectClaim] | None = None,
                render_body: bool = True) -> tuple[Story | None, list[Problem]]:
    """The story, or None when it has errors; `clip_specs` gets its clips that
    parse either way, for the audio stage to check."""
    problems: list[Problem] = []
    check = Checker(source, problems)
    check_file_id(check, "story")
    check.unknown_keys(source.meta, story_keys(taxonomy), (), "a story")
    check_text(check)
    title = check.text("title", what="the story's headline")
    outcome = check.choice("outcome", OUTCOMES)
    interviewed = check_date(check, "interviewed", today)
    published = check_date(check, "published", today, required=False,
                           what="the day the story was added to the playbook",
                           when="the day the story was added, or remove the line to date it "
                                "by its file's first commit")
    if published is not None and interviewed is not None and published < interviewed:
        check.error("published", f"'published' is {published.isoformat()}, before the "
                                 f"interview on {interviewed.isoformat()}",
                    "use the day the story was added to the playbook, on or after the "
                    "interview, or remove the line", code="story.published-before-interview")
    terms: dict[str, tuple[str, ...]] = {}
    for registered in taxonomy.vocabularies:
        if registered.multiple:
            terms[registered.id] = check.term_list(registered.field, registered.id, taxonomy,
                                                   registered.required)
        else:
            one = check.term_field(registered.field, registered.id, taxonomy,
                                   registered.required)
            terms[registered.id] = (one,) if one else ()
    quote = check.text("quote", what="the buyer's headline quote")
    takeaway = check.text("takeaway", what="the behaviour to try next time")

    loss_reason = None
    if outcome == "loss":
        loss_reason = check.choice("loss_reason", LOSS_REASONS)
    elif "loss_reason" in source.meta and outcome is not None:
        check.error("loss_reason", f"'loss_reason' is only for losses; this story's outcome is "
                                   f"'{outcome}'", "remove the loss_reason line",
                                   code="story.loss-reason-not-loss")
    elif "loss_reason" in source.meta:
        # The outcome is bad or missing: a bad loss reason is still a fault of its own.
        check.choice("loss_reason", LOSS_REASONS, required=False)

    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    criteria = check.get("criteria", False, "present/absent criterion ids")
    if criteria is not None:
        if not isinstance(criteria, dict):
            check.error("criteria", "expected 'criteria' to be a mapping with 'present' and "
                                    f"'absent' lists; found {describe(criteria)}",
                        "write it as 'criteria: {present: [id], absent: [id]}'", code="field.type")
        else:
            check.unknown_keys(criteria, ("present", "absent"), ("criteria",), "'criteria'")
            lists = {}
            for key in ("present", "absent"):
                ids = criteria.get(key) or []
                if isinstance(ids, str):
                    ids = [ids]
                if not isinstance(ids, list):
                    check.error(("criteria", key), f"expected 'criteria.{key}' to be a list of "
                                                   f"criterion ids; found {describe(ids)}",
                                                   code="field.type")
                    ids = []
                known: list[str | None] = []
                for index, criterion_id in enumerate(ids):
                    if str(criterion_id) not in criteria_ids:
                        check.error(("criteria", key, index),
                                    f"unknown criterion '{criterion_id}'"
                                    f"{suggestion(str(criterion_id), sorted(criteria_ids))}",
                                    "use the file name (without .md) of a criterion in "
                                    "content/criteria/", code="criterion.unknown")
                        known.append(None)
                    else:
                        known.append(str(criterion_id))
                lists[key] = check._unique(("criteria", key), known)
            for criterion_id in set(lists["present"]) & set(lists["absent"]):
                check.error(("criteria", "absent"),
                            f"criterion '{criterion_id}' is listed as both present and absent",
                            "keep it in the list that the buyer's account supports",
                            code="criterion.present-and-absent")
            present, absent = lists["present"], lists["absent"]

    clips, specs = read_clips(check, audio_dir)
    if clip_specs is not None:
        clip_specs.extend(specs)
    check_privacy(check, ("title", "quote", "takeaway", "clips"))
    confidential = _check_confidential(check)
    recording_public = check.meta.get("recording_public", False)
    if not isinstance(recording_public, bool):
        check.error("recording_public", "expected 'recording_public' to be true or false; "
                                        f"found {describe(recording_public)}",
                    "write 'recording_public: true' only when the recording may be heard "
                    "publicly although a confidential story uses it too", code="field.type")
    redirect_from = read_redirects(check, "story", redirects)
    if not source.body or source.body.isspace():  # as `not body.strip()`, without a copy
        check.warn((), "the story has no narrative below the front matter",
                   "add the context, what happened and what the buyer said",
                   code="story.no-narrative")
    check.failed |= add_body_problems(problems, source, render_body)
    check_placeholders(check)

    if check.failed:
        return None, problems
    assert title and outcome and interviewed and quote and takeaway
    return Story(
        id=source.stem, path=source.path, title=title, outcome=outcome, interviewed=interviewed,
        quote=quote, takeaway=takeaway, terms=terms,
        criteria_present=present, criteria_absent=absent, loss_reason=loss_reason,
        clips=clips, body=source.body, confidential=confidential, redirect_from=redirect_from,
        recording_public=recording_public is True, published=published,
    ), problems
