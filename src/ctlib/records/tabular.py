"""Readers for a partner's delivery as JSON Lines or CSV, with the listing's fields.

Keys and columns: ``id`` (optional), ``title``, ``summary``, ``country``, ``region``,
``authors``, ``year``, ``category``, ``language`` (optional). Multi-valued fields are
a JSON list, or in CSV one cell with the values separated by ``;``.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from pathlib import Path
from typing import Any, Iterator, Mapping

from .model import FIELDS, MULTI_VALUED, UNREADABLE_FILE, Problem, Record, Severity, SourceLocation

CSV_SEPARATOR = ";"


def read_jsonl(path: Path, name: str | None = None) -> Iterator[Record | Problem]:
    name = name or str(path)
    text = _read_text(path, name)
    if isinstance(text, Problem):
        yield text
        return
    unknown = _UnknownKeys(name)
    seen_any = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        seen_any = True
        location = SourceLocation(name, number)
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            yield Problem(location, None, None, line.strip(), "json",
                          f"not valid JSON: {error.msg} at column {error.colno}")
            continue
        if not isinstance(item, dict):
            yield Problem(location, None, None, line.strip(), "json",
                          f"a record must be a JSON object, got {type(item).__name__}")
            continue
        yield from unknown.check(item, number)
        yield _record(item, location, split=False)
    if not seen_any:
        yield _empty(name)


def read_csv(path: Path, name: str | None = None) -> Iterator[Record | Problem]:
    name = name or str(path)
    text = _read_text(path, name)
    if isinstance(text, Problem):
        yield text
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        yield _empty(name)
        return
    yield from _UnknownKeys(name).check(dict.fromkeys(reader.fieldnames), 1)
    start = reader.line_num + 1
    for row in reader:
        yield _record(row, SourceLocation(name, start), split=True)
        start = reader.line_num + 1


def _read_text(path: Path, name: str) -> str | Problem:
    raw = Path(path).read_bytes().removeprefix(b"\xef\xbb\xbf")
    if not raw.strip():
        return _empty(name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return Problem(SourceLocation(name, 0), None, None, None, UNREADABLE_FILE,
                       f"byte 0x{raw[error.start]:02x} on line {line} is not UTF-8, so the "
                       "file is not read; save it as UTF-8")


def _empty(name: str) -> Problem:
    return Problem(SourceLocation(name, 0), None, None, None, UNREADABLE_FILE,
                   "the file is empty: it holds no records")


def _record(item: Mapping[str, Any], location: SourceLocation, split: bool) -> Record:
    record = Record(location)
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
