"""Reading catalogue sources into Records, whatever their format."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .files import unreadable
from .listing import read_listing
from .model import Problem, Record, SourceLocation
from .tabular import read_csv, read_jsonl
from .values import CONTROL

READERS = {".txt": "listing", ".jsonl": "jsonl", ".csv": "csv"}


def source_files(paths: Iterable[Path]) -> Iterator[Path | Problem]:
    """Files to read, directories expanded in name order; a Problem for what cannot be read.

    What a directory holds under a known extension is yielded whatever it is (a
    symbolic link that leads nowhere, a FIFO): the reader says why it cannot be read.
    A file named more than once (``data data/a.txt``) is read once: its records are
    not duplicates of themselves."""
    seen: set[str] = set()
    for item in _named(paths):
        if isinstance(item, Path):
            if os.path.abspath(item) in seen:
                continue
            seen.add(os.path.abspath(item))
        yield item


def _named(paths: Iterable[Path]) -> Iterator[Path | Problem]:
    for path in map(Path, paths):
        if path.is_dir():
            yield from _directory(path)
        elif not os.path.lexists(path):
            yield Problem(SourceLocation(str(path), 0), None, None, None, "no-such-file",
                          "no such file or directory")
        elif path.suffix.lower() not in READERS:
            yield Problem(SourceLocation(str(path), 0), None, None, None, "unknown-format",
                          f"cannot read {path.suffix or 'files without an extension'}; "
                          f"known: {', '.join(sorted(READERS))}")
        else:
            yield _named_safely(path)


def _directory(path: Path) -> Iterator[Path | Problem]:
    try:
        found = sorted(p for p in path.iterdir() if p.suffix.lower() in READERS)
    except OSError as error:
        yield unreadable(str(path), "the directory cannot be listed: "
                                    f"{(error.strerror or str(error)).lower()}")
        return
    yield from map(_named_safely, found)


def _named_safely(path: Path) -> Path | Problem:
    """The file, unless its name would carry control characters (or bytes that are not
    UTF-8) into the published data, which names each record's source file."""
    if CONTROL.search(path.name):
        return unreadable(str(path), "its name holds control characters or bytes that are "
                                     "not UTF-8; rename the file")
    return path


def read_sources(paths: Iterable[Path],
                 is_heading: Callable[[str], bool] = lambda text: False
                 ) -> Iterator[Record | Problem]:
    """Every record of every source, in order, with a Problem for each unreadable part."""
    for item in source_files(paths):
        if isinstance(item, Problem):
            yield item
            continue
        kind = READERS[item.suffix.lower()]
        if kind == "listing":
            yield from read_listing(item, is_heading)
        elif kind == "jsonl":
            yield from read_jsonl(item)
        else:
            yield from read_csv(item)


__all__ = ["Problem", "Record", "SourceLocation", "read_sources", "source_files"]
