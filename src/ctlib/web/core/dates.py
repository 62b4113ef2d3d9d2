"""Dates as people read them: "7 December 2026", not "2026-12-07T19:59:57Z", in the
page's language: "7 décembre 2026", "7 de diciembre de 2026"."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from flask import has_request_context

from .languages import page_language

LOCALES = {"en": "en_GB"}
"""English as its day-month-year order writes it, not the American month-day-year."""


def in_words(when: str | date, language: str | None = None) -> str:
    """The day of an ISO 8601 date or timestamp (or a date), in words of ``language``
    (the page's by default; English outside a request). Babel spells the month, not
    strftime, whose names follow the process's locale."""
    day = when if isinstance(when, date) else \
        datetime.fromisoformat(when.replace("Z", "+00:00")).date()
    if language is None:
        language = page_language() if has_request_context() else "en"
    return format_date(day, format="long", locale=LOCALES.get(language, language))
