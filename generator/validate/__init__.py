"""Stage 2: parsed documents to validated stories, criteria and taxonomy.

One module per document kind, with the field checks they share in `fields`:

    fields      typed reads, taxonomy terms, ids, dates, privacy (shared)
    taxonomy    content/taxonomy.yml against the vocabulary registry
    stories     content/stories/*.md
    clips       a story's clips field
    criteria    content/criteria/*.md
    calibration, ramps, redirects   the other content kinds

Checks that need the recordings or the linked library are in checks/.

Every check reports a located `Problem` with a code and moves on, so one run
shows every fault. A file with errors yields no model object, and later
stages never see it. A new content kind (ramp playbooks, calibration
sessions) is a new module here, built on `fields.Checker`.
"""

from .clips import ClipSpec
from .criteria import CRITERION_KEYS, check_criterion
from .fields import RESERVED_IDS, SLUG, case_collisions, slugify, suggestion
from .stories import check_story, story_keys
from .taxonomy import check_taxonomy

__all__ = [
    "CRITERION_KEYS", "RESERVED_IDS", "SLUG", "ClipSpec", "case_collisions", "check_criterion",
    "check_story", "check_taxonomy", "slugify", "story_keys", "suggestion",
]
