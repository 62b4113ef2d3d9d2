"""The plain values passed between reading, mapping and validation."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

FIELDS = ("id", "title", "summary", "country", "region", "authors", "year", "category", "language",
          "url")
"""Source fields, in the order curators read them. ``id``, ``language`` and ``url`` (where
the document itself can be read) are optional."""

MULTI_VALUED = ("country", "region", "authors", "category")

UNREADABLE_FILE = "unreadable-file"
"""The rule of a Problem about a whole source file that could not be read (empty, not
text, not parseable, not a regular file, no permission). Its location is the file at
line 0. The records that file held are kept as they were published, never withdrawn."""

UNSAFE_TO_SHOW = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029"
                            "\u202a-\u202e\u2066-\u2069]")
"""What a problem line never prints as it is: control characters (a terminal obeys
ESC, BEL and the C1 controls: they retitle windows, move the cursor, hide text), line
breaks (one problem, one line), lone surrogates (no encoding can write them) and the
controls that reverse the direction of the text after them."""


class SourceLocation(NamedTuple):
    """A tuple, not a dataclass: one is made for every value read, and tuples are cheap."""

    file: str
    line: int

    def __str__(self) -> str:
        """``file:line``, or the file alone for what concerns the whole file (line 0)."""
        return f"{self.file}:{self.line}" if self.line else self.file

    @property
    def source_name(self) -> str:
        """The file's name without its directory (what RDF and hashes record)."""
        return _basename(self.file)


@dataclass
class Record:
    """One catalogue record as read from a source, before any interpretation.

    ``values`` maps a field name to its list of raw strings; ``lines`` maps a field
    name to the source line of each value (same order), so every problem found later
    can point at the exact line.
    """

    location: SourceLocation
    values: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[str, list[int]] = field(default_factory=dict)
    problems: list["Problem"] = field(default_factory=list)
    """Problems the reader found in this record (bad bytes, a mistyped label...)."""
    section: str | None = None
    """The listing's section heading this record's category came from, when its own
    Category field was empty (the mapping says so in the record)."""

    def add(self, name: str, value: str, line: int) -> None:
        self.values.setdefault(name, []).append(value)
        self.lines.setdefault(name, []).append(line)

    def first(self, name: str) -> str | None:
        values = self.values.get(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])

    def line_of(self, name: str, index: int = 0) -> int:
        lines = self.lines.get(name)
        return lines[index] if lines and index < len(lines) else self.location.line

    def where(self, name: str | None = None, index: int = 0) -> SourceLocation:
        line = self.location.line if name is None else self.line_of(name, index)
        return SourceLocation(self.location.file, line)

    def fingerprint(self) -> tuple:
        """The record's content, independent of where in the file it sits."""
        content = sorted((name, tuple(values)) for name, values in self.values.items())
        return tuple(content + [("section", (self.section,))] if self.section else content)


class Severity(str, Enum):
    VIOLATION = "violation"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing a curator can act on: where, which record, which field, what, why."""

    location: SourceLocation
    record_id: str | None
    field: str | None
    value: str | None
    rule: str
    message: str
    severity: Severity = Severity.VIOLATION

    def __str__(self) -> str:
        """One line, safe to print: what comes from the data is shown escaped."""
        value = "-" if self.value is None else _quote(self.value)
        return escaped("  ".join((
            str(self.location),
            self.record_id or "-",
            self.field or "-",
            value,
            f"{self.severity.value}[{self.rule}] {self.message}",
        )))


def escaped(text: str) -> str:
    """``text`` with each character of UNSAFE_TO_SHOW written as a Python escape
    (``\\x1b``, ``\\n``, ``\\ud800``)."""
    return UNSAFE_TO_SHOW.sub(_escape, text)


def _escape(match: re.Match) -> str:
    return repr(match.group())[1:-1]


def _quote(value: str, limit: int = 60) -> str:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return '"' + shown.replace('"', '\\"') + '"'


@lru_cache(maxsize=1024)
def _basename(path: str) -> str:
    return os.path.basename(path)
