"""Clip boundaries: "mm:ss", "h:mm:ss" or seconds."""

from __future__ import annotations

import re

_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$")


def parse_time(value: object) -> float | None:
    """Seconds from a YAML value, or None when it is not a time.

    YAML 1.1 already turns unquoted 1:30 into the number 90, so numbers are
    taken as seconds.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value >= 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        seconds = float(text)
        return seconds if seconds >= 0 else None
    except ValueError:
        pass
    match = _CLOCK.match(text)
    if not match:
        return None
    hours, minutes, clock_seconds = match.groups()
    if float(clock_seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        return None
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(clock_seconds)


def format_time(seconds: float) -> str:
    """90.0 -> "1:30", 3723 -> "1:02:03"."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
