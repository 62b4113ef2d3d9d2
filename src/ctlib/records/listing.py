"""Reader for the library listing: the text the library's web site exports.

A record is a title line, one or more summary paragraphs, then labelled fields
(``Country``, ``Region``, ``Authors``, ``Year``, ``Category``), each label followed
by zero or more value lines, up to the next blank line. See docs/sources.md for
the whole grammar and for how page chrome and section headings are treated.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

from .files import EMPTY, read_lines, unreadable
from .model import Problem, Record, SourceLocation
from .values import without_controls

LABELS = {
    "country": "country",
    "countries": "country",
    "region": "region",
    "regions": "region",
    "author": "authors",
    "authors": "authors",
    "year": "year",
    "category": "category",
    "categories": "category",
}

PAGE_CHROME = frozenset({"skip to main content", "back to top", "load more"})
"""Lines of the web page around the records; dropped wherever they appear."""

# Only lines this short can be a label or chrome: longer ones (summaries run to
# thousands of characters) are not casefolded at all.
LONGEST_LABEL = max(map(len, LABELS))
LONGEST_CHROME = max(map(len, PAGE_CHROME))

LABEL_TYPO_CUTOFF = 0.75

NO_RECORD = ("no record: no line is a field label (Country, Region, Authors, Year, "
             "Category); is it a library listing?")


class Line(NamedTuple):
    number: int
    text: str


def read_listing(path: Path, is_heading: Callable[[str], bool] = lambda text: False,
                 name: str | None = None) -> Iterator[Record | Problem]:
    """Yield each record of a listing file, and a Problem for what is not a record.

    ``is_heading`` tells a section heading (the page's title, a category name) from
    a record title; ingest passes a test against the categories vocabulary.
    """
    name = name or str(path)
    strings = read_lines(path, name)
    if isinstance(strings, Problem):
        yield strings
        return
    # The lines are made as they are read: a Line lives only as long as its record's
    # blocks, not for the whole file.
    numbered = zip(itertools.count(1), map(str.strip, strings))
    lines = map(tuple.__new__, itertools.repeat(Line), numbered)  # C-speed Line()
    found = False
    for item in _parse(_blocks(lines), is_heading, name, strings.problems):
        if isinstance(item, Record):
            found = True
            yield without_controls(item) if strings.has_controls else item
        else:
            yield item if found else unreadable(name, NO_RECORD)
    if strings.blank:
        yield unreadable(name, EMPTY)


def _blocks(lines: Iterable[Line]) -> Iterator[list[Line]]:
    """Runs of non-blank lines, page chrome removed."""
    current: list[Line] = []
    for line in lines:
        if len(line.text) <= LONGEST_CHROME and line.text.casefold() in PAGE_CHROME:
            continue
        if line.text:
            current.append(line)
        elif current:
            yield current
            current = []
    if current:
        yield current


def _parse(blocks, is_heading, name, encoding_problems) -> Iterator[Record | Problem]:
    text_blocks: list[list[Line]] = []
    section: Line | None = None
    for block in blocks:
        first_label = next((i for i, line in enumerate(block) if _label(line.text)), None)
        if first_label is None:
            text_blocks.append(block)
            continue
        lead = block[:first_label]
        text_blocks, heading = _without_headings(text_blocks, lead, is_heading)
        section = heading or section
        record = _record(text_blocks, lead, block[first_label].number, name)
        _read_fields(record, block[first_label:])
        _file_under(record, section)
        last = block[-1].number
        record.problems.extend(replace(problem, field=_field_at(record, number))
                               for number, problem in sorted(encoding_problems.items())
                               if record.location.line <= number <= last)
        yield record
        text_blocks = []
    if text_blocks:
        start, end = text_blocks[0][0].number, text_blocks[-1][-1].number
        yield Problem(SourceLocation(name, start), None, None, text_blocks[0][0].text,
                      "no-fields",
                      f"lines {start}-{end} are not followed by any field "
                      "(Country, Region, Authors, Year, Category): not read as a record")


def _without_headings(text_blocks: list[list[Line]], lead: list[Line],
                      is_heading) -> tuple[list[list[Line]], Line | None]:
    """The paragraphs above a record without the section headings that open them, and
    the last of those headings. A heading is never the record's only text: that line
    is its title."""
    heading = None
    while (text_blocks and len(text_blocks[0]) == 1 and is_heading(text_blocks[0][0].text)
           and (len(text_blocks) > 1 or lead)):
        heading, text_blocks = text_blocks[0][0], text_blocks[1:]
    return text_blocks, heading


def _file_under(record: Record, section: Line | None) -> None:
    """A record whose own Category field is empty is in the category of the section it
    is listed under (see docs/sources.md); its own field, when present, wins."""
    if section is not None and not record.all("category"):
        record.add("category", section.text, section.number)
        record.section = section.text


def _record(text_blocks: list[list[Line]], lead: list[Line], fields_start: int,
            name: str) -> Record:
    """Title and summary from the text before the fields.

    ``text_blocks`` are the paragraphs above the fields' block (headings removed),
    ``lead`` the lines of that block above the first label. The title is the first
    line of the first paragraph; with no paragraph above, a lone ``lead`` line is the
    summary (the title line is missing) and a longer lead starts with the title.
    """
    paragraphs = text_blocks + ([lead] if lead else [])
    start = paragraphs[0][0].number if paragraphs else fields_start
    if text_blocks or len(lead) > 1:
        title, *rest = paragraphs[0]
        paragraphs = ([rest] if rest else []) + paragraphs[1:]
    else:
        title = None
    record = Record(SourceLocation(name, start))
    if title is not None:
        record.add("title", title.text, title.number)
    if paragraphs:
        summary = "\n\n".join(" ".join(line.text for line in p) for p in paragraphs)
        record.add("summary", summary, paragraphs[0][0].number)
    return record


def _read_fields(record: Record, lines: list[Line]) -> None:
    current = None
    for line in lines:
        label = _label(line.text)
        if label:
            current = label
            continue
        guess = _mistyped_label(line.text)
        if guess:
            record.problems.append(Problem(
                SourceLocation(record.location.file, line.number), None, guess, line.text,
                "label-typo",
                f"{line.text!r} is not a field label; did you mean {guess.capitalize()!r}?"))
            current = guess
            continue
        record.add(current, line.text, line.number)


def _field_at(record: Record, number: int) -> str | None:
    return next((name for name, lines in record.lines.items() if number in lines), None)


def _label(text: str) -> str | None:
    return LABELS.get(text.casefold()) if len(text) <= LONGEST_LABEL else None


@lru_cache(maxsize=4096)
def _mistyped_label(text: str) -> str | None:
    if " " in text or not text[:1].isupper():
        return None
    match = difflib.get_close_matches(text.casefold(), LABELS, n=1, cutoff=LABEL_TYPO_CUTOFF)
    return LABELS[match[0]] if match else None
