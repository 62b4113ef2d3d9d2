"""File sizes as people read them: "1.8 MB", not "1,832,412 bytes"; in the page's
language ("1,8 Mo") when there is a page, in English otherwise."""

from __future__ import annotations

from babel.numbers import format_decimal
from flask import has_request_context

from .languages import N_, page_language, translations

UNITS = (N_("kB"), N_("MB"), N_("GB"), N_("TB"))
"""Decimal units (1 kB = 1,000 bytes), as data portals and file managers state sizes."""


def in_words(size: int, language: str | None = None) -> str:
    """Three significant figures at most: "512 bytes", "59.6 kB", "245 kB", "1.8 MB"."""
    language = language or (page_language() if has_request_context() else "en")
    words = translations(language)
    if size < 1000:
        return words.ngettext("%(size)s byte", "%(size)s bytes", size) % {
            "size": format_decimal(size, locale=language)}
    amount = float(size)
    for unit in UNITS:
        amount /= 1000
        if amount < 999.5 or unit == UNITS[-1]:
            break
    # Rounded as before, then written as the language writes numbers (59.6, 59,6).
    rounded = float(f"{amount:.0f}" if amount >= 99.95 else f"{amount:.1f}")
    return f"{format_decimal(rounded, format='#,##0.#', locale=language)} {words.gettext(unit)}"
