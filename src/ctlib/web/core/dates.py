"""Dates as people read them: "7 December 2026", not "2026-12-07T19:59:57Z"."""

from __future__ import annotations

from datetime import date, datetime

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def in_words(when: str | date) -> str:
    """The day of an ISO 8601 date or timestamp (or a date), in English words. The
    month's name is spelled here, not by strftime, whose names follow the locale."""
    day = when if isinstance(when, date) else \
        datetime.fromisoformat(when.replace("Z", "+00:00")).date()
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
