"""Reading catalogue sources into Records, whatever their format."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Iterator

from .listing import read_listing
from .model import Problem, Record, SourceLocation
from .tabular import read_csv, read_jsonl

READERS = {".txt": "listing", ".jsonl": "jsonl", ".csv": "csv"}


def source_files(paths: Iterable[Path]) -> Iterator[Path | Problem]:
    """Files to read, directories expanded in name order; a Problem for what cannot be read."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.suffix.lower() in READERS)
        elif not path.exists():
            yield Problem(SourceLocation(str(path), 0), None, None, None, "no-such-file",
                          "no such file or directory")
        elif path.suffix.lower() not in READERS:
            yield Problem(SourceLocation(str(path), 0), None, None, None, "unknown-format",
                          f"cannot read {path.suffix or 'files without an extension'}; "
                          f"known: {', '.join(sorted(READERS))}")
        else:
            yield path


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
