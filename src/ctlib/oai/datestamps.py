"""Datestamps: UTC at seconds granularity (``2024-05-01T09:30:00Z``), the form in which
the registry keeps modification and withdrawal times, so they compare as strings.
``from`` and ``until`` are accepted at day or seconds granularity, the same for both."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from .errors import BAD_ARGUMENT, OAIError

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"

_FORMS = {
    "day": (re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII), "%Y-%m-%d"),
    "seconds": (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII),
                "%Y-%m-%dT%H:%M:%SZ"),
}
"""ASCII digits only (re.ASCII): ``\\d`` and strptime take ``٢٠٢٤`` for 2024, and a
response echoing it would break the schema."""


@dataclass(frozen=True)
class Range:
    """Inclusive bounds as datestamps; None where the harvester gave none."""

    start: str | None
    end: str | None


def parse_range(from_: str | None, until: str | None) -> Range:
    """The datestamps ``from`` and ``until`` cover; badArgument for a malformed or
    impossible date, two granularities, or ``from`` after ``until``."""
    start = _moment("from", from_, day_end=False) if from_ else None
    end = _moment("until", until, day_end=True) if until else None
    if start and end:
        if start[0] != end[0]:
            raise OAIError(BAD_ARGUMENT, f"from={from_} and until={until} have different "
                                         "granularities; give both as days or both to seconds")
        if start[1] > end[1]:
            raise OAIError(BAD_ARGUMENT, f"from={from_} is later than until={until}")
    return Range(start and start[1], end and end[1])


def now() -> str:
    return datestamp(datetime.now(UTC))


def datestamp(moment: datetime) -> str:
    # isoformat pads the year to four digits where strftime does not
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _moment(name: str, value: str, day_end: bool) -> tuple[str, str]:
    """(granularity, datestamp) of one bound; a day reaches to its last second as until."""
    granularity = next((g for g, (pattern, _) in _FORMS.items() if pattern.fullmatch(value)),
                       None)
    if granularity is None:
        raise OAIError(BAD_ARGUMENT, f"{name}={value} is not a UTC datestamp like "
                                     "2024-05-01 or 2024-05-01T09:30:00Z")
    try:
        moment = datetime.strptime(value, _FORMS[granularity][1])
    except ValueError:
        raise OAIError(BAD_ARGUMENT, f"{name}={value} is not a date and time that exists") \
            from None
    if granularity == "day" and day_end:
        moment = moment.replace(hour=23, minute=59, second=59)
    return granularity, datestamp(moment)
