"""Readers for a partner's delivery as JSON Lines or CSV, with the listing's fields.

Keys and columns: ``id`` (optional), ``title``, ``summary``, ``country``, ``region``,
``authors``, ``year``, ``category``, ``language`` (optional). Multi-valued fields are
a JSON list, or in CSV one cell with the values separated by ``;``.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
from pathlib import Path
from typing import Any, Iterator, Mapping

from .files import EMPTY, read_lines, read_text, unreadable
from .model import FIELDS, MULTI_VALUED, Problem, Record, Severity, SourceLocation
from .values import without_controls

CSV_SEPARATOR = ";"
"""Between the values of a multi-valued field in one CSV cell."""

ONE_LINE = tuple(field for field in FIELDS if field != "summary")
"""Fields whose value never spans lines (the listing cannot even write one that does)."""

JSON = json.JSONDecoder(parse_int=str, parse_float=str, strict=False)
"""Numbers are kept as written: a year is text, and a 5,000-digit integer is not
Python's to refuse. Control characters are let into strings (``strict=False``), to be
taken out with a warning as in other formats. One decoder: json.loads with arguments
makes one per line."""

ESCAPED_CONTROL = re.compile(
    r"\\u(?:00[0189][0-9a-fA-F]|007[fF]|[dD][89a-fA-F][0-9a-fA-F]{2}|[fF]{3}[eEfF])")
"""A JSON escape that may write a control character (tab and line ends too: the record
is then looked at, not changed). Starting with a fixed ``\\u``, it is found far faster
than the characters themselves."""

# The csv module stops at 128 KiB per field by default (and then cannot go on reading);
# values are bounded where they are mapped (LONGEST_VALUE), whatever their format.
csv.field_size_limit(2**31 - 1)


def read_jsonl(path: Path, name: str | None = None) -> Iterator[Record | Problem]:
    """Each line's record, or a Problem on that line; one Problem about the whole file
    when no line holds a JSON object."""
    name = name or str(path)
    lines = read_lines(path, name)
    if isinstance(lines, Problem):
        yield lines
        return
    problems = lines.problems  # filled as the lines are read
    unknown = _UnknownKeys(name)
    held: list[Problem] | None = []  # until a first record shows the file is JSON Lines
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        location = SourceLocation(name, number)
        item = _json_object(line, location, problems.get(number))
        if isinstance(item, Problem):
            if held is None:
                yield item
            else:
                held.append(item)
            continue
        yield from held or ()
        held = None
        yield from unknown.check(item, number)
        record = _record(item, location, split=False, encoding=problems.get(number))
        yield without_controls(record) if lines.has_controls or ESCAPED_CONTROL.search(line) \
            else record
    if lines.blank:
        yield unreadable(name, EMPTY)
    elif held:
        yield unreadable(name, f"not JSON Lines: no line holds a JSON object (line "
                               f"{held[0].location.line}: {held[0].message})")


def _json_object(line: str, location: SourceLocation,
                 encoding: Problem | None) -> dict | Problem:
    """The object on ``line``, or the Problem that it is not one."""
    try:
        item = JSON.decode(line)
    except RecursionError:
        return encoding or Problem(location, None, None, line.strip(), "json",
                                   "not read: nested deeper than a JSON reader can follow")
    except json.JSONDecodeError as error:
        return encoding or Problem(location, None, None, line.strip(), "json",
                                   f"not valid JSON: {error.msg.removesuffix(' at')} at column "
                                   f"{error.colno}")
    if not isinstance(item, dict):
        return Problem(location, None, None, line.strip(), "json",
                       f"a record must be a JSON object, got {type(item).__name__}")
    return item


def read_csv(path: Path, name: str | None = None) -> Iterator[Record | Problem]:
    """Each row's record; a Problem for a row that cannot be read, after which reading
    goes on at the line below the one where it went wrong."""
    name = name or str(path)
    text = read_text(path, name)
    if isinstance(text, Problem):
        yield text
        return
    problems, has_controls, lines = text.problems, text.has_controls, text.lines(True)
    del text  # the lines hold the text: not twice in memory
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        yield unreadable(name, f"the header row cannot be read: {error}")
        return
    if not set(header) & set(FIELDS):
        yield unreadable(name, "the header row names none of the fields "
                               f"({', '.join(FIELDS)}); is the file separated by commas?")
        return
    yield from _UnknownKeys(name).check(dict.fromkeys(header), 1)
    for row in _rows(lines, reader.line_num, name):
        if isinstance(row, Problem):
            yield row
            continue
        start, end, cells = row
        record = _record(dict(zip(header, cells)), SourceLocation(name, start), split=True,
                         encoding=_first(problems, start, end))
        record.problems.extend(_cell_count(cells, header, record.location))
        if end > start:
            record.problems.extend(_line_breaks(record, end))
        yield without_controls(record) if has_controls else record


def _rows(lines: list[str], offset: int, name: str
          ) -> Iterator[tuple[int, int, list[str]] | Problem]:
    """(first line, last line, cells) of each non-blank row after the first ``offset``
    lines. A quote that never closes, or closes where a row cannot go on, is a Problem
    on the line where it opened, and reading starts again on the line below: the rows
    after it are read, not swallowed into one."""
    while offset < len(lines):
        reader = csv.reader(lines[offset:], strict=True)
        start = offset + 1
        try:
            for cells in reader:
                end = offset + reader.line_num
                if any(cells):
                    yield start, end, cells
                start = end + 1
            return
        except csv.Error as error:
            end = offset + reader.line_num
            opened = _quote_opened(lines, start, end)
            where = opened or start
            yield Problem(SourceLocation(name, where), None, None, lines[where - 1].strip(),
                          "csv", _unread_row(error, opened, end))
            offset = where


def _unread_row(error: csv.Error, opened: int | None, end: int) -> str:
    if opened is None:
        why = f"the row cannot be read ({error})"
    elif str(error).startswith("unexpected end of data"):
        why = "the quote opened on this line is never closed"
    else:
        why = f"the quote opened on this line closes on line {end} but its cell goes on after it"
    return f"{why}: the row is not read; reading goes on at the next line"


def _quote_opened(lines: list[str], start: int, end: int) -> int | None:
    """The line of the last quote that opened a cell from line ``start`` to ``end``, as
    the csv module reads them: a quote opens a cell only at its start, and two quotes
    in a quoted cell are one quote."""
    opened, state = None, "start"
    for number in range(start, end + 1):
        for char in lines[number - 1]:
            if state == "quoted":
                state = "closed" if char == '"' else "quoted"
            elif state == "closed" and char == '"':
                state = "quoted"
            elif char in ",\r\n":
                state = "start"
            elif state == "start" and char == '"':
                state, opened = "quoted", number
            else:
                state = "cell"
    return opened


def _cell_count(cells: list[str], header: list[str], where: SourceLocation) -> list[Problem]:
    """A row must have a cell per column (empty ones after the last column aside)."""
    if len(cells) == len(header) or \
            (len(cells) > len(header) and not any(cells[len(header):])):
        return []
    return [Problem(where, None, None, None, "csv",
                    f"the row has {len(cells)} cells and the header {len(header)}: "
                    "is a separator or a quote missing, or one too many?")]


def _line_breaks(record: Record, end: int) -> Iterator[Problem]:
    """A violation for each value of a ONE_LINE field that spans lines: a line break
    pasted into a title, or a quote left open that swallowed the rows below it up to
    the next quote. Either way the row is not published, and no row is made of what a
    quote swallowed."""
    for field in ONE_LINE:
        for value in record.all(field):
            if "\n" in value or "\r" in value:
                yield Problem(record.location, None, field, value, "csv",
                              f"the {field} runs from line {record.location.line} to line "
                              f"{end}, where it is one line: a quote left open, or a line "
                              "break pasted in?")


def _first(problems: dict[int, Problem], start: int, end: int) -> Problem | None:
    return next((problems[n] for n in range(start, end + 1) if n in problems), None)


def _record(item: Mapping[str, Any], location: SourceLocation, split: bool,
            encoding: Problem | None) -> Record:
    record = Record(location, problems=[encoding] if encoding else [])
    for field in FIELDS:
        for value in _values(item.get(field), split and field in MULTI_VALUED):
            if isinstance(value, (dict, list)):
                record.problems.append(Problem(
                    location, None, field, json.dumps(value), "value-type",
                    "a field value must be a string or a number"))
                continue
            if str(value).strip():
                record.add(field, str(value).strip(), location.line)
    return record


def _values(value: Any, split: bool) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if split and isinstance(value, str):
        return value.split(CSV_SEPARATOR)
    return [value]


class _UnknownKeys:
    """Reports each key outside FIELDS once per file, with the closest field name."""

    def __init__(self, name: str):
        self.name = name
        self.reported: set[str] = set()

    def check(self, item: Mapping[str, Any], line: int) -> Iterator[Problem]:
        for key in item:
            if key in FIELDS or key in self.reported:
                continue
            self.reported.add(key)
            close = difflib.get_close_matches(str(key), FIELDS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            yield Problem(SourceLocation(self.name, line), None, str(key), None,
                          "unknown-field",
                          f"{key!r} is not a field and is ignored{hint} "
                          f"(fields: {', '.join(FIELDS)})", Severity.WARNING)
