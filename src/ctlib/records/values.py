"""What a source value may hold once read: the characters that XML, HTML and
terminals cannot carry are taken out before mapping, with a warning (docs/sources.md)."""

from __future__ import annotations

import re

from .model import Problem, Record, Severity, SourceLocation

CONTROL_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
"""Every control character but tab and line ends (XML 1.0 forbids the C0 ones; HTML
and terminals misread DEL and the C1 ones), the lone surrogates a JSON escape can
make (no encoding can write them) and the two non-characters U+FFFE and U+FFFF."""

AS_SPACE = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f\x85")
"""Controls that separate text (vertical tab, form feed, the information separators,
next line): replaced by a space, so that the words on either side stay apart."""

UNREADABLE = "\ufffd"
"""What replaces a lone surrogate or a non-character: the replacement character."""

LONGEST_VALUE = 100_000
"""Characters one value may have: fifty times the longest summary of the library's
listing (2,008). A longer one is a violation: more often a CSV quote left open or a
file glued to another than a summary."""


def without_controls(record: Record) -> Record:
    """``record`` with the CONTROL characters out of its values, and a warning for each
    value that held some; a value left blank is dropped."""
    for name, values in list(record.values.items()):
        if not any(map(CONTROL.search, values)):
            continue
        lines = record.lines.pop(name)
        del record.values[name]
        for value, line in zip(values, lines):
            cleaned = CONTROL.sub(lambda match: _replacement(match.group()), value).strip()
            if cleaned != value:
                record.problems.append(Problem(
                    SourceLocation(record.location.file, line), None, name, value,
                    "control-character", _what_was_done(value), Severity.WARNING))
            if cleaned:
                record.add(name, cleaned, line)
    return record


def _replacement(char: str) -> str:
    if char in AS_SPACE:
        return " "
    return UNREADABLE if char >= "\ud800" else ""


DONE = {"": "removed", " ": "replaced by a space", UNREADABLE: "replaced by U+FFFD"}


def _what_was_done(value: str) -> str:
    """``U+0000, U+001B removed; U+000C replaced by a space: ...``"""
    done: dict[str, list[str]] = {}
    for char in dict.fromkeys(CONTROL.findall(value)):
        done.setdefault(DONE[_replacement(char)], []).append(f"U+{ord(char):04X}")
    return "; ".join(f"{', '.join(codes)} {outcome}" for outcome, codes in done.items()) + \
        ": XML and HTML cannot carry these characters"
