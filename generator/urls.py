"""Every URL of the site, in one place.

Every page lives at a directory URL (MkDocs' use_directory_urls), and every
link is written relative to the page it is on, so the site works from any
subfolder, such as a GitHub Pages project path.
"""

from __future__ import annotations

from .vocabularies import folder_of

CLIP_FORMAT = "mp3"


def page_url(path: str) -> str:
    """"stories/acme.md" -> "stories/acme/", "index.md" -> ""."""
    stem = path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
        return stem
    return stem + "/"


def relative(target: str, from_url: str) -> str:
    """A link to `target` (a site path; directories end with /) from a page URL.

    A query or fragment on the target is kept: "stories/?skill=discovery".
    Both are site paths, so this is string work, not os.path (which would ask
    the operating system for the working directory on every call).
    """
    cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
    path, suffix = target[:cut], target[cut:]
    to_parts = [p for p in path.split("/") if p]
    from_parts = [p for p in from_url.split("/") if p]
    common = 0
    while (common < len(to_parts) and common < len(from_parts)
           and to_parts[common] == from_parts[common]):
        common += 1
    parts = [".."] * (len(from_parts) - common) + to_parts[common:]
    rel = "/".join(parts)
    if path.endswith("/") or path == "":
        rel = rel + "/" if rel else "./"
    return rel + suffix


def story_url(story_id: str) -> str:
    return f"stories/{story_id}/"


def criterion_url(criterion_id: str) -> str:
    return f"criteria/{criterion_id}/"


def term_url(vocabulary_id: str, term_id: str | None = None) -> str:
    """The page of a taxonomy term, or of its vocabulary's overview, by the vocabulary's id."""
    base = folder_of(vocabulary_id)
    return f"{base}/{term_id}/" if term_id else f"{base}/"


def finder_url(**filters: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in sorted(filters.items()) if value)
    return "stories/" + (f"?{query}" if query else "")


def calibration_url(session_id: str | None = None) -> str:
    return f"calibration/{session_id}/" if session_id else "calibration/"


def calibration_clip_url(session_id: str, call_id: str, number: int) -> str:
    return f"calibration/{session_id}/{call_id}-clip-{number}.{CLIP_FORMAT}"


def clip_url(story_id: str, number: int) -> str:
    """A published clip's permanent path: next to its story's page."""
    return f"stories/{story_id}/clip-{number}.{CLIP_FORMAT}"


def hosted_clip_path(site_path: str) -> str:
    """A clip's path under `clips_base_url` when clips are hosted outside the site:
    "stories/acme/clip-1.mp3" -> "acme/clip-1.mp3"; calibration clips keep their path."""
    return site_path.removeprefix("stories/")


def ramp_url(ramp_id: str | None = None) -> str:
    """A ramp playbook's page, or the overview of every ramp."""
    return f"ramp/{ramp_id}/" if ramp_id else "ramp/"


def scenario_url(scenario_id: str | None = None) -> str:
    """A practice scenario's role-play cards, or the list of every scenario."""
    return f"scenarios/{scenario_id}/" if scenario_id else "scenarios/"


def coach_url(vocabulary_id: str, term_id: str) -> str:
    """A coaching term's (a skill's) printable 1:1 coaching pack, below its coaching page."""
    return f"{term_url(vocabulary_id, term_id)}coach/"


SCORECARD_URL = "scorecard/"
SCORECARD_CSV = "scorecard.csv"


def what_wins_url(criterion_id: str | None = None) -> str:
    """What wins, or a criterion's row on it."""
    return "insights/what-wins/" + (f"#{criterion_id}" if criterion_id else "")


CALENDAR_URL = "calendar/"
CALENDAR_ICS = "calendar.ics"
