"""File sizes as people read them: "1.8 MB", not "1,832,412 bytes"."""

from __future__ import annotations

UNITS = ("kB", "MB", "GB", "TB")
"""Decimal units (1 kB = 1,000 bytes), as data portals and file managers state sizes."""


def in_words(size: int) -> str:
    """Three significant figures at most: "512 bytes", "59.6 kB", "245 kB", "1.8 MB"."""
    if size < 1000:
        return "1 byte" if size == 1 else f"{size:,} bytes"
    amount = float(size)
    for unit in UNITS:
        amount /= 1000
        if amount < 999.5 or unit == UNITS[-1]:
            break
    text = f"{amount:,.0f}" if amount >= 99.95 else f"{amount:.1f}".removesuffix(".0")
    return f"{text} {unit}"
