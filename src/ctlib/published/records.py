"""The records of the published generation in a stable order, for harvesters.

Paged collections, OAI-PMH lists and sitemaps all walk the same list: every
identifier ever published (withdrawn ones included, for those that report
deletions), in identifier order, with its modification time, read from the
generation's registry. Paging is by position after an identifier, not by offset, so
a page link or resumption token stays valid across re-ingests: records added or
withdrawn meanwhile move nothing that comes after them.

Membership of a concept (an OAI set, a concept's collection) comes from the store:
records whose category or place is the concept or one of its narrower concepts.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from ..rdf.namespaces import DCTERMS, SKOS
from ..rdf.uris import Uris


@dataclass(frozen=True)
class IndexedRecord:
    id: str
    modified: str
    """ISO 8601 date-time, UTC, as the registry keeps it."""
    withdrawn: str | None
    title: str | None

    @property
    def published(self) -> bool:
        return self.withdrawn is None

    @property
    def changed(self) -> str:
        """When it last changed: its withdrawal, or else its last modification."""
        return self.withdrawn or self.modified


@dataclass(frozen=True)
class Selection:
    """Which records a list shows; ``None`` means no restriction. ``modified_from`` and
    ``modified_until`` bound the time a record last changed (``IndexedRecord.changed``):
    a withdrawal is a change, so an incremental harvest learns of it."""

    modified_from: str | None = None
    modified_until: str | None = None
    members: frozenset[str] | None = None
    """Identifiers of the records of a concept."""
    include_withdrawn: bool = False


class RecordIndex:
    def __init__(self, registry_path: Path):
        self.path = Path(registry_path)

    def page(self, selection: Selection, after: str | None, size: int) -> list[IndexedRecord]:
        """Up to ``size`` selected records whose identifier sorts after ``after``."""
        found: list[IndexedRecord] = []
        for record in self._selected(selection, after):
            found.append(record)
            if len(found) == size:
                break
        return found

    def count(self, selection: Selection, up_to: str | None = None) -> int:
        """How many records are selected (those up to and including ``up_to``)."""
        if up_to is None:
            return _total(self.path, selection)
        return self._count(selection, up_to)

    def _count(self, selection: Selection, up_to: str | None) -> int:
        where, parameters = _where(selection, None)
        if up_to is not None:
            where += " AND id <= ?"
            parameters += (up_to,)
        with closing(self._connect()) as connection:
            if selection.members is None:
                return connection.execute(f"SELECT COUNT(*) FROM records WHERE {where}",
                                          parameters).fetchone()[0]
            members = selection.members
            return sum(1 for (identifier,) in connection.execute(
                f"SELECT id FROM records WHERE {where}", parameters) if identifier in members)

    def records(self, selection: Selection, after: str | None = None) -> Iterator[IndexedRecord]:
        """Every selected record after ``after``, read as the caller goes (a sitemap
        of 100k records need not hold them all)."""
        return self._selected(selection, after)

    def tail(self, selection: Selection, up_to: str | None, size: int) -> list[IndexedRecord]:
        """The last ``size`` selected records up to and including ``up_to`` (of all
        records if None), in identifier order: what comes before a page, and the last page."""
        where, parameters = _where(selection, None)
        if up_to is not None:
            where += " AND id <= ?"
            parameters += (up_to,)
        members = selection.members
        found: list[IndexedRecord] = []
        for record in self._rows(where, parameters, descending=True):
            if members is None or record.id in members:
                found.append(record)
                if len(found) == size:
                    break
        return found[::-1]

    def get(self, identifier: str) -> IndexedRecord | None:
        return next(self._rows("id = ?", (identifier,)), None)

    def withdrawn(self) -> frozenset[str]:
        """Identifiers of the withdrawn records."""
        with closing(self._connect()) as connection:
            return frozenset(identifier for (identifier,) in connection.execute(
                "SELECT id FROM records WHERE withdrawn IS NOT NULL"))

    def identifiers(self) -> list[str]:
        """The identifier of every published record (not withdrawn)."""
        with closing(self._connect()) as connection:
            return [identifier for identifier, in connection.execute(
                "SELECT id FROM records WHERE withdrawn IS NULL")]

    def titles(self, identifiers: list[str]) -> dict[str, str | None]:
        """Identifier -> title of these records."""
        with closing(self._connect()) as connection:
            return dict(connection.execute(
                f"SELECT id, title FROM records WHERE id IN ({', '.join('?' * len(identifiers))})",
                identifiers))

    def bounds(self) -> tuple[str | None, str | None]:
        """The earliest and latest modification times."""
        with closing(self._connect()) as connection:
            return connection.execute("SELECT MIN(modified), MAX(modified) FROM records").fetchone()

    def _selected(self, selection: Selection, after: str | None) -> Iterator[IndexedRecord]:
        rows = self._rows(*_where(selection, after))
        members = selection.members
        return rows if members is None else (r for r in rows if r.id in members)

    def _rows(self, where: str, parameters: tuple,
              descending: bool = False) -> Iterator[IndexedRecord]:
        order = "DESC" if descending else "ASC"
        with closing(self._connect()) as connection:
            for row in connection.execute("SELECT id, modified, withdrawn, title FROM records "
                                          f"WHERE {where} ORDER BY id {order}", parameters):
                yield IndexedRecord(*row)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)


@lru_cache(maxsize=64)
def _total(path: Path, selection: Selection) -> int:
    """Counted once per generation (each has its own registry, not written once
    published): every page of an OAI-PMH list or a collection gives the total, and
    counting scans the index (8 ms at 100,000 records, bench/harvest.py)."""
    return RecordIndex(path)._count(selection, None)


def _where(selection: Selection, after: str | None) -> tuple[str, tuple]:
    """The SQL condition for ``selection`` (all but concept membership)."""
    clauses, parameters = ["1"], []
    if after is not None:
        clauses.append("id > ?")
        parameters.append(after)
    if not selection.include_withdrawn:
        clauses.append("withdrawn IS NULL")
    if selection.modified_from:
        clauses.append("COALESCE(withdrawn, modified) >= ?")
        parameters.append(selection.modified_from)
    if selection.modified_until:
        clauses.append("COALESCE(withdrawn, modified) <= ?")
        parameters.append(selection.modified_until)
    return " AND ".join(clauses), tuple(parameters)


MEMBERS = f"""
SELECT DISTINCT ?record WHERE {{
  ?concept <{SKOS.broader}>* <%s> .
  {{ ?record <{DCTERMS.subject}> ?concept }} UNION {{ ?record <{DCTERMS.spatial}> ?concept }}
}}"""


class ConceptMembers:
    """Identifiers of the records about a concept or one of its narrower concepts,
    remembered per generation (a few hundred concepts, a set of identifiers each)."""

    def __init__(self, uris: Uris, entries: int = 512):
        self.uris = uris
        self.entries = entries
        self._cache: dict[tuple[str, str], frozenset[str]] = {}
        self._lock = threading.Lock()

    def of(self, store: ox.Store, generation: str, concept: str) -> frozenset[str]:
        key = (generation, concept)
        found = self._cache.get(key)
        if found is None:
            rows = store.query(MEMBERS % concept, use_default_graph_as_union=True)
            found = frozenset(self.uris.identifier("record", row["record"].value)
                              for row in rows)
            with self._lock:
                if len(self._cache) >= self.entries:
                    self._cache.clear()  # a new generation, or many concepts: start over
                self._cache[key] = found
        return found
