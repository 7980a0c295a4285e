"""The one rule for numbers, in content and on the command line: finite, and in a stated range.

Every numeric field (clip times, weights, days) and argument (`--at`, `--for`,
`--weight`) is read through a `Span`, so a NaN, an infinity or an absurd size
is refused with a message that says the range, never a traceback.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# Plain decimals only: float() also reads "nan", "inf", "1_0" and "1e400".
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
# Whole numbers from content stay below this (18 digits): no field needs more, and
# below it str(), int() and float() never refuse one.
WHOLE_LIMIT = 10 ** 18
# Longer than any number a field takes; float() of a longer text is never needed.
_MAX_DECIMAL_CHARS = 40


class NumberError(ValueError):
    """A value outside its span: `expected` states the span; `value` is what was given,
    for the caller to describe (`source.describe`, or the argument as typed)."""

    def __init__(self, expected: str, value: object):
        super().__init__(f"expected {expected}")
        self.expected = expected
        self.value = value


def shown(value: int | float) -> str:
    """A number as messages show it (`source.describe`): NaN and infinities in YAML's
    spelling, and an integer of any size without converting it all to text (Python
    refuses past 4,300 digits)."""
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return str(value)
    if abs(value) >= WHOLE_LIMIT:
        return f"of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    return str(value)


def decimal(text: str) -> float | None:
    """A plain decimal such as 75, 1.5 or -2 as a finite float, or None."""
    text = text.strip()
    if len(text) > _MAX_DECIMAL_CHARS or not _DECIMAL.match(text):
        return None
    return float(text)


@dataclass(frozen=True)
class Span:
    """The range a number must lie in, stated in every message about it."""

    noun: str  # "a number of seconds", "a whole number of days"
    low: float
    high: float
    low_included: bool = True  # False: above `low` (a weight above 0)
    whole: bool = False

    @property
    def stated(self) -> str:
        """'a number of seconds from 0 to 86,400', 'a number above 0 and at most 100'."""
        if self.low_included:
            return f"{self.noun} from {self.low:,g} to {self.high:,g}"
        return f"{self.noun} above {self.low:,g} and at most {self.high:,g}"

    def holds(self, number: float) -> bool:
        """Whether `number` is in the span (NaN never is: every comparison with it fails)."""
        above = number >= self.low if self.low_included else number > self.low
        return above and number <= self.high and (not self.whole or number == int(number))

    def read(self, value: object, text: bool = False) -> float:
        """`value` (an int or float; a plain decimal too when `text`) as a number in the
        span. Raises NumberError."""
        number: float | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = float(value) if abs(value) < WHOLE_LIMIT else math.inf
        elif isinstance(value, float):
            number = value
        elif text and isinstance(value, str):
            number = decimal(value)
        if number is None or not self.holds(number):
            raise NumberError(self.stated, value)
        return number

    def read_digits(self, digits: str) -> int | None:
        """A run of ASCII digits as a whole number in the span, or None; the digits are
        counted before int() sees them, so a 5,000-digit run costs nothing."""
        significant = digits.lstrip("0") or "0"
        if not digits.isascii() or not digits.isdigit() or len(significant) > 18:
            return None
        number = int(significant)
        return number if self.holds(number) else None
