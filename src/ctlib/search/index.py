"""The search index of one generation: ``generations/<id>/search.sqlite``.

    records          one row per published record: identifier, title, year, when added
    search           FTS5 over title, summary, author names, the labels (all languages)
                     of the record's concepts and of the concepts above them
    record_concepts  every concept a record names, and every concept above those
                     (``direct`` 0): region facets count East Africa's narrower regions
    record_authors   the record's authors; ``authors`` their names
    concepts         every concept of the vocabularies, with labels and broader concepts

A new generation starts as a copy of the published one's index, as its store does;
the records checked in an ingest replace their rows and withdrawn records lose
theirs. Rows come from the checking workers (``searchable``), so the index never
reads the store back.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from rdflib import Literal, URIRef

from ..rdf.namespaces import DCTERMS, FOAF
from .concepts import Concept

FLUSH_EVERY = 5000
RANKING = "bm25(10.0, 1.0, 4.0, 3.0, 0.5)"
"""Column weights: title, summary, author names, the record's concept labels, the labels
of the concepts above them. A title match counts ten times a summary match."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    year INTEGER,
    added TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_year ON records (year);
CREATE INDEX IF NOT EXISTS records_by_added ON records (added);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5 (
    title, summary, authors, concepts, broader,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TABLE IF NOT EXISTS concepts (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    scheme TEXT NOT NULL,
    key TEXT NOT NULL,
    labels TEXT NOT NULL,
    broader TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS record_concepts (
    record INTEGER NOT NULL,
    concept INTEGER NOT NULL,
    direct INTEGER NOT NULL,
    PRIMARY KEY (record, concept)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_by_concept ON record_concepts (concept, record);
CREATE TABLE IF NOT EXISTS authors (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    key TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS authors_by_key ON authors (key);
CREATE TABLE IF NOT EXISTS record_authors (
    record INTEGER NOT NULL,
    author INTEGER NOT NULL,
    PRIMARY KEY (record, author)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_by_author ON record_authors (author, record);
"""


@dataclass(frozen=True)
class Searchable:
    """What the index keeps of one record; made by the worker that checked it."""

    title: str
    summary: str
    year: int | None
    authors: tuple[tuple[str, str], ...]
    """(agent URI, name)"""
    concepts: tuple[str, ...]
    """The concepts the record names as place or subject."""


def searchable(subject, triples: Iterable[tuple]) -> Searchable:
    """A record's Searchable from its mapped triples (rdflib terms)."""
    values: dict = {}
    names: dict[str, str] = {}
    for s, p, o in triples:
        if s == subject:
            values.setdefault(p, []).append(o)
        elif p == FOAF.name:
            names[str(s)] = str(o)
    year = _first(values, DCTERMS.issued)
    return Searchable(
        title=_first(values, DCTERMS.title) or "", summary=_first(values, DCTERMS.abstract) or "",
        year=int(year) if year and year.isdigit() else None,
        authors=tuple((str(a), names.get(str(a), str(a))) for a in values.get(DCTERMS.creator, ())),
        concepts=tuple(sorted({str(o) for p in (DCTERMS.spatial, DCTERMS.subject)
                               for o in values.get(p, ()) if isinstance(o, URIRef)})))


def _first(values: dict, predicate) -> str | None:
    found = [o for o in values.get(predicate, ()) if isinstance(o, Literal)]
    return str(found[0]) if found else None


class IndexWriter:
    """Changes to a generation's index, written in transactions of FLUSH_EVERY records."""

    def __init__(self, path: Path, concepts: dict[str, Concept]):
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode = MEMORY")  # a failed ingest drops the file
        self.connection.execute("PRAGMA synchronous = OFF")  # the generation is fsynced whole
        self.connection.executescript(SCHEMA)
        self.connection.execute("INSERT INTO search (search, rank) VALUES ('rank', ?)",
                                (RANKING,))
        self.concepts = concepts
        self.concept_ids = self._write_concepts()
        self.author_ids = dict(self.connection.execute("SELECT uri, id FROM authors"))
        self.pending: list[tuple[str, str, Searchable]] = []

    def add(self, identifier: str, added: str, record: Searchable) -> None:
        """The record's rows, replacing any it had."""
        self.pending.append((identifier, added, record))
        if len(self.pending) >= FLUSH_EVERY:
            self.flush()

    def remove(self, identifiers: Iterable[str]) -> None:
        self.flush()
        with self._transaction() as cursor:
            for identifier in identifiers:
                self._delete(cursor, identifier)

    def flush(self) -> None:
        if not self.pending:
            return
        with self._transaction() as cursor:
            for identifier, added, record in self.pending:
                self._delete(cursor, identifier)
                self._insert(cursor, identifier, added, record)
        self.pending = []

    def finish(self) -> None:
        """Write what is pending and merge the index for reading."""
        self.flush()
        self.connection.execute("INSERT INTO search (search) VALUES ('optimize')")
        self.connection.execute("ANALYZE")
        self.close()

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        self.connection.execute("BEGIN")
        try:
            yield self.connection.cursor()
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def _write_concepts(self) -> dict[str, int]:
        with self._transaction() as cursor:
            cursor.executemany(
                "INSERT INTO concepts (uri, scheme, key, labels, broader) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (uri) DO UPDATE SET scheme = excluded.scheme, key = excluded.key, "
                "labels = excluded.labels, broader = excluded.broader",
                [(c.uri, c.scheme, c.key, json.dumps(c.labels, ensure_ascii=False, sort_keys=True),
                  json.dumps(c.broader)) for c in self.concepts.values()])
        return dict(self.connection.execute("SELECT uri, id FROM concepts"))

    def _delete(self, cursor, identifier: str) -> None:
        found = cursor.execute("SELECT rowid FROM records WHERE id = ?", (identifier,)).fetchone()
        if found is None:
            return
        for table in ("records", "search"):
            cursor.execute(f"DELETE FROM {table} WHERE rowid = ?", found)
        for table in ("record_concepts", "record_authors"):
            cursor.execute(f"DELETE FROM {table} WHERE record = ?", found)

    def _insert(self, cursor, identifier: str, added: str, record: Searchable) -> None:
        cursor.execute("INSERT INTO records (id, title, year, added) VALUES (?, ?, ?, ?)",
                       (identifier, record.title, record.year, added))
        rowid = cursor.lastrowid
        direct = [self.concepts[c] for c in record.concepts if c in self.concepts]
        above = set().union(*(c.ancestors for c in direct)) - set(record.concepts)
        cursor.execute(
            "INSERT INTO search (rowid, title, summary, authors, concepts, broader) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (rowid, record.title, record.summary, " ; ".join(n for _, n in record.authors),
             " ; ".join(c.words for c in direct),
             " ; ".join(self.concepts[c].words for c in sorted(above) if c in self.concepts)))
        cursor.executemany("INSERT INTO record_concepts VALUES (?, ?, ?)",
                           [(rowid, self.concept_ids[c.uri], 1) for c in direct] +
                           [(rowid, self.concept_ids[c], 0) for c in above
                            if c in self.concept_ids])
        cursor.executemany("INSERT OR IGNORE INTO record_authors VALUES (?, ?)",
                           [(rowid, self._author_id(cursor, uri, name))
                            for uri, name in record.authors])

    def _author_id(self, cursor, uri: str, name: str) -> int:
        known = self.author_ids.get(uri)
        if known is None:
            cursor.execute("INSERT INTO authors (uri, key, name) VALUES (?, ?, ?)",
                           (uri, uri.rsplit("/", 1)[-1], name))
            known = self.author_ids[uri] = cursor.lastrowid
        return known
