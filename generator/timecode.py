"""Clip boundaries: "mm:ss", "h:mm:ss" or seconds, from 0 to 24 hours."""

from __future__ import annotations

import math
import re

from .numbers import NumberError, Span, decimal

# A day: longer than any interview, and a bound that keeps every time finite.
SECONDS = Span("a number of seconds", 0, 24 * 3600)
# Hours, minutes and seconds have at most two digits before the fraction, so no
# int() ever sees a long run of digits.
_CLOCK = re.compile(r"^(?:([0-9]{1,2}):)?([0-9]{1,2}):([0-9]{2}(?:\.[0-9]{1,9})?)$")
TIME_EXPECTED = (f'"mm:ss", "h:mm:ss" or seconds, from {SECONDS.low:,g} to {SECONDS.high:,g} '
                 "(24 hours)")


def read_time(value: object) -> float:
    """Seconds from a YAML value or an argument; raises NumberError saying what a time is.

    YAML 1.1 already turns unquoted 1:30 into the number 90, so numbers are
    taken as seconds.
    """
    seconds: float | None = None
    if isinstance(value, bool):
        seconds = None
    elif isinstance(value, (int, float)):
        try:
            seconds = SECONDS.read(value)
        except NumberError:
            seconds = None
    elif isinstance(value, str):
        text = value.strip()
        seconds = decimal(text)
        if seconds is None and (match := _CLOCK.match(text)):
            hours, minutes, clock_seconds = match.groups()
            if float(clock_seconds) < 60 and (hours is None or int(minutes) < 60):
                seconds = int(hours or 0) * 3600 + int(minutes) * 60 + float(clock_seconds)
        if seconds is not None and not SECONDS.holds(seconds):
            seconds = None
    if seconds is None:
        raise NumberError(TIME_EXPECTED, value)
    return seconds


def parse_time(value: object) -> float | None:
    """Seconds from a YAML value, or None when it is not a time within a day."""
    try:
        return read_time(value)
    except NumberError:
        return None


def format_time(seconds: float) -> str:
    """90.0 -> "1:30", 3723 -> "1:02:03"; never raises (NaN and infinities are "--:--")."""
    if not math.isfinite(seconds):
        return "--:--"
    sign = "-" if seconds < 0 else ""
    whole = int(round(abs(seconds)))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"
