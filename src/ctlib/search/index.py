"""The search index of one generation: ``generations/<id>/search.sqlite``.

    records          one row per published record: identifier, title, the language its
                     title is tagged with, year, when added
    search           FTS5 over title, summary, author names, the labels (all languages)
                     of the record's concepts and of the concepts above them
    record_concepts  every concept a record names, and every concept above those
                     (``direct`` 0): region facets count East Africa's narrower regions
    record_authors   the record's authors; ``authors`` their names
    concepts         every concept of the vocabularies, with labels and broader concepts

A new generation's index starts as a copy of the published one's, as its store does;
the records checked in an ingest replace their rows and withdrawn records lose
theirs. There is no prefix index: it made indexing 40% slower and the file 27% larger,
and FTS5 answers ``word*`` from the terms themselves. Rows come from the checking workers (``searchable``), so the index never
reads the store back.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rdflib import Literal, URIRef

from ..rdf.namespaces import DCTERMS, FOAF
from .concepts import Concept

FLUSH_EVERY = 5000
RANKING = "bm25(10.0, 1.0, 4.0, 3.0, 0.5, 0.0)"
"""Column weights: title, summary, author names, the record's concept labels, the labels
of the concepts above them, and the filter keys (which never count). A title match
counts ten times a summary match."""
MERGING = (("automerge", 0), ("crisismerge", 64), ("hashsize", 64 * 2 ** 20))
"""FTS5's segments are merged once, by 'optimize' when an ingest finishes. Merging them
as they came (automerge) redid that work again and again, and flushing every megabyte of
pending terms made more of them: indexing 100k records took 9.9 s with both, 7.6 without."""
VERSION = 3
"""The index's layout (SQLite's user_version): an index of another layout is rebuilt.
3: ``records.language``."""


def concept_key(concept_id: int) -> str:
    """The token in the ``keys`` column that says a record has (or is under) a concept:
    filters are then terms of the same FTS5 query, and BM25 is computed only for the
    records that pass them."""
    return f"c{concept_id}"


def author_key(author_id: int) -> str:
    return f"a{author_id}"


def author_name_key(uri: str) -> str:
    """The key by which search selects an author (``author=``): the agent's identifier."""
    return uri.rsplit("/", 1)[-1]


def year_key(year: int) -> str:
    return f"y{year}"

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    language TEXT,
    year INTEGER,
    added TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_year ON records (year);
CREATE INDEX IF NOT EXISTS records_by_added ON records (added);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5 (
    title, summary, authors, concepts, broader, keys,
    tokenize = 'unicode61 remove_diacritics 2'
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
    language: str | None
    """The title's language tag: lists mark the titles that are not in the page's."""
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
    title = _first(values, DCTERMS.title)
    return Searchable(
        title=str(title) if title is not None else "",
        language=title.language if title is not None else None,
        summary=str(_first(values, DCTERMS.abstract) or ""),
        year=int(year) if year and year.isdigit() else None,
        authors=tuple((str(a), names.get(str(a), str(a))) for a in values.get(DCTERMS.creator, ())),
        concepts=tuple(sorted({str(o) for p in (DCTERMS.spatial, DCTERMS.subject)
                               for o in values.get(p, ()) if isinstance(o, URIRef)})))


def _first(values: dict, predicate) -> Literal | None:
    found = [o for o in values.get(predicate, ()) if isinstance(o, Literal)]
    return found[0] if found else None


@dataclass(frozen=True)
class _Placed:
    """A combination of concepts as the index stores it."""

    direct: list[int]
    above: list[int]
    words: str
    broader_words: str
    keys: str


def is_current(path: Path) -> bool:
    """An index exists at ``path`` and has this version's layout. A damaged one has
    not: the next ingest builds the index anew, from every record."""
    if not Path(path).exists():
        return False
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("PRAGMA user_version").fetchone()[0] == VERSION
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()


class IndexWriter:
    """Changes to a generation's index, starting from the published generation's.

    Rows are written on a thread of their own, in transactions of FLUSH_EVERY records:
    SQLite releases the GIL while FTS5 tokenizes, so indexing overlaps checking instead
    of following it (23 s of a first 100k ingest when it followed). The previous index
    is copied when the first change comes and hard-linked when none comes: an unchanged
    re-ingest neither copies nor re-syncs hundreds of megabytes.
    """

    def __init__(self, path: Path, concepts: Callable[[], dict[str, Concept]],
                 previous: Path | None):
        """``concepts`` is called when the first change comes: an unchanged re-ingest
        never parses the vocabularies."""
        self.path = Path(path)
        self.previous = previous if previous is not None and is_current(previous) else None
        self.read_concepts = concepts
        self.connection: sqlite3.Connection | None = None
        self.pending: list[tuple[str, str, Searchable]] = []
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search index")
        self.writes: list[Future] = []

    def add(self, identifier: str, added: str, record: Searchable) -> None:
        """The record's rows, replacing any it had."""
        self.pending.append((identifier, added, record))
        if len(self.pending) >= FLUSH_EVERY:
            self._hand_over()

    def remove(self, identifiers: Iterable[str]) -> None:
        identifiers = list(identifiers)
        if identifiers:
            self._hand_over()
            self.writes.append(self.thread.submit(self._remove, identifiers))

    def finish(self) -> None:
        """The last rows handed over and the index's merge for reading queued behind
        them; or, if nothing changed, the previous index linked in. ``wait`` for it."""
        self._hand_over()
        if not self.writes and self.previous is not None:
            os.link(self.previous, self.path)
        else:
            self.writes.append(self.thread.submit(self._merge))

    def wait(self) -> None:
        """Until everything is written; a failed write raises here."""
        self.thread.shutdown(wait=True)
        for write in self.writes:
            write.result()

    def close(self) -> None:
        """Stop writing, whatever happened (the generation may be removed next)."""
        self.thread.shutdown(wait=True, cancel_futures=True)
        if self.connection is not None:
            self.connection.close()

    def _hand_over(self) -> None:
        if self.pending:
            batch, self.pending = self.pending, []
            self.writes.append(self.thread.submit(self._write, batch))

    # on the writing thread

    def _open(self) -> sqlite3.Connection:
        if self.connection is None:
            if self.previous is not None:
                shutil.copyfile(self.previous, self.path)
            connection = sqlite3.connect(self.path, isolation_level=None,
                                         check_same_thread=False)
            connection.execute("PRAGMA journal_mode = MEMORY")  # a failed ingest drops the file
            connection.execute("PRAGMA synchronous = OFF")  # the generation is fsynced whole
            connection.executescript(SCHEMA)
            connection.execute(f"PRAGMA user_version = {VERSION}")
            connection.executemany("INSERT INTO search (search, rank) VALUES (?, ?)",
                                   (("rank", RANKING), *MERGING))
            self.connection = connection
            self.concepts = self.read_concepts()
            self.concept_ids = self._write_concepts()
            self.placements: dict[tuple[str, ...], _Placed] = {}
            self.author_ids = dict(connection.execute("SELECT uri, id FROM authors"))
            self.next_rowid = connection.execute(
                "SELECT COALESCE(MAX(rowid), 0) + 1 FROM records").fetchone()[0]
            self.started_empty = self.next_rowid == 1
        return self.connection

    def _write(self, batch: list[tuple[str, str, Searchable]]) -> None:
        """One statement per table for the whole batch (rowids are ours to give)."""
        self._open()
        first, self.next_rowid = self.next_rowid, self.next_rowid + len(batch)
        rows = [(rowid, *item) for rowid, item in enumerate(batch, start=first)]
        with self._transaction() as cursor:
            if not self.started_empty:
                for _, identifier, _, _ in rows:
                    self._delete(cursor, identifier)
            cursor.executemany("INSERT INTO records (rowid, id, title, language, year, added) "
                               "VALUES (?, ?, ?, ?, ?, ?)",
                               [(rowid, identifier, record.title, record.language, record.year,
                                 added)
                                for rowid, identifier, added, record in rows])
            cursor.executemany("INSERT INTO search (rowid, title, summary, authors, concepts, "
                               "broader, keys) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               [(rowid, *self._texts(cursor, record))
                                for rowid, _, _, record in rows])
            cursor.executemany("INSERT INTO record_concepts VALUES (?, ?, ?)",
                               [row for rowid, _, _, record in rows
                                for row in self._concept_rows(rowid, record)])
            cursor.executemany("INSERT OR IGNORE INTO record_authors VALUES (?, ?)",
                               [(rowid, self._author_id(cursor, uri, name))
                                for rowid, _, _, record in rows for uri, name in record.authors])

    def _remove(self, identifiers: list[str]) -> None:
        self._open()
        with self._transaction() as cursor:
            for identifier in identifiers:
                self._delete(cursor, identifier)

    def _merge(self) -> None:
        connection = self._open()
        connection.execute("INSERT INTO search (search) VALUES ('optimize')")
        connection.execute("ANALYZE")
        connection.close()
        self.connection = None

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

    def _texts(self, cursor, record: Searchable) -> tuple[str, str, str, str, str, str]:
        placed = self._placed(record.concepts)
        keys = [placed.keys, *(author_key(self._author_id(cursor, uri, name))
                               for uri, name in record.authors)]
        if record.year is not None:
            keys.append(year_key(record.year))
        return (record.title, record.summary, " ; ".join(n for _, n in record.authors),
                placed.words, placed.broader_words, " ".join(keys))

    def _concept_rows(self, rowid: int, record: Searchable) -> list[tuple[int, int, int]]:
        placed = self._placed(record.concepts)
        return [(rowid, concept, 1) for concept in placed.direct] + \
            [(rowid, concept, 0) for concept in placed.above]

    def _placed(self, concepts: tuple[str, ...]) -> _Placed:
        """What a record's concepts put in the index, worked out once per combination of
        concepts (records share them: a hundred thousand records have a few thousand)."""
        found = self.placements.get(concepts)
        if found is None:
            direct = [self.concepts[c] for c in concepts if c in self.concepts]
            above = sorted({a for c in direct for a in c.ancestors} - set(concepts))
            above = [a for a in above if a in self.concept_ids]
            ids = [self.concept_ids[c.uri] for c in direct] + [self.concept_ids[a] for a in above]
            found = self.placements[concepts] = _Placed(
                direct=[self.concept_ids[c.uri] for c in direct],
                above=[self.concept_ids[a] for a in above],
                words=" ; ".join(c.words for c in direct),
                broader_words=" ; ".join(self.concepts[a].words for a in above),
                keys=" ".join(concept_key(i) for i in ids))
        return found

    def _author_id(self, cursor, uri: str, name: str) -> int:
        known = self.author_ids.get(uri)
        if known is None:
            cursor.execute("INSERT INTO authors (uri, key, name) VALUES (?, ?, ?)",
                           (uri, author_name_key(uri), name))
            known = self.author_ids[uri] = cursor.lastrowid
        return known
