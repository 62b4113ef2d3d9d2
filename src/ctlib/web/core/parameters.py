"""Whole numbers in query parameters (``page``, ``size``, ``from``, ``to``, ``limit``),
read one way everywhere.

Only ASCII digits, and no more of them than the largest allowed value has: Python reads
far more as a number. ``str.isdigit`` holds for ``'²'``, which ``int`` refuses; ``int``
takes ``'٣'``, ``' 3'``, ``'+3'`` and ``'3_0'``, and raises on more than 4,300 digits.
Whatever is not such a number in range is a 400 that says what was expected.
"""

from __future__ import annotations

import re

from .errors import BadRequest

MAX_PAGE = 1_000_000
"""The highest page number a paged view (a search, a page's list of records) takes."""

_DIGITS = re.compile("[0-9]+")


def whole_number(name: str, value: str, least: int, most: int) -> int:
    if _DIGITS.fullmatch(value) and len(value) <= len(str(most)) and \
            least <= int(value) <= most:
        return int(value)
    shown = value if len(value) <= 40 else value[:40] + "…"
    raise BadRequest(f"{name}={shown!r} is not a whole number from {least} to {most}")


def listed_number(name: str, value: str, allowed: tuple[int, ...]) -> int:
    """One of a few whole numbers (a page size); anything else is a 400 listing them."""
    number = whole_number(name, value, 0, max(allowed))
    if number not in allowed:
        raise BadRequest(f"{name}={number} is not one of {', '.join(map(str, allowed))}")
    return number
