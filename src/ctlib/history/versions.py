"""Every published version of every record, across generations.

``<CTLIB_DATA_DIR>/history.sqlite``, outside the generations, so it outlives
CTLIB_KEEP_GENERATIONS. At each publication the canonical description of every record
created, updated or withdrawn (describe.canonical_ntriples: the bytes served at
/doc/record/{id}.nt) is stored zlib-compressed with its SHA-256 and length, keyed by
record and generation. A withdrawn record keeps its versions and gains a "deleted" one;
a revived record's next version is "created" again.

A publication is one transaction, its generation row with its versions: readers see
all of it or none. One written but never served (the switch failed after it) is
dropped by the next publication, which knows the generation really served before it.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

FILE = "history.sqlite"
CREATED, UPDATED, DELETED = "created", "updated", "deleted"

SCHEMA = """
CREATE TABLE IF NOT EXISTS generations (
    id TEXT PRIMARY KEY,
    published TEXT NOT NULL,
    previous TEXT
);
CREATE TABLE IF NOT EXISTS versions (
    record TEXT NOT NULL,
    generation TEXT NOT NULL,
    kind TEXT NOT NULL,
    hash TEXT,
    length INTEGER,
    body BLOB,
    PRIMARY KEY (record, generation)
);
CREATE INDEX IF NOT EXISTS versions_of_generation ON versions (generation, record);
"""


@dataclass(frozen=True)
class Body:
    """A canonical description as the history stores it, made where it was described
    (history/recording.py: in worker processes), so the process writing the history
    neither hashes nor compresses."""

    hash: str
    length: int
    compressed: bytes

    @classmethod
    def of(cls, text: bytes) -> Body:
        return cls(hashlib.sha256(text).hexdigest(), len(text), zlib.compress(text, 6))


@dataclass(frozen=True)
class Published:
    id: str
    published: str
    """ISO 8601 UTC, to the second: "2026-12-08T01:14:26Z"."""
    previous: str | None


@dataclass(frozen=True)
class Change:
    record: str
    kind: str
    hash: str | None
    """Lowercase hex SHA-256 of the canonical description; None for a deletion."""
    length: int | None
    published: str


@dataclass(frozen=True)
class Version:
    record: str
    generation: str
    published: str
    kind: str
    hash: str | None
    length: int | None


_VERSION = ("SELECT v.record, v.generation, g.published, v.kind, v.hash, v.length "
            "FROM versions v JOIN generations g ON g.id = v.generation ")


class History:
    def __init__(self, connection: sqlite3.Connection):
        self._connection = connection
        self._lock = threading.Lock()  # one connection, shared by a worker's threads

    @classmethod
    def open(cls, data_dir: Path) -> "History":
        """Read-only. Before the first publication, an empty history."""
        path = Path(data_dir) / FILE
        if not path.exists():
            connection = sqlite3.connect(":memory:", check_same_thread=False)
            connection.executescript(SCHEMA)
            return cls(connection)
        return cls(sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False))

    @classmethod
    def for_writing(cls, data_dir: Path) -> "History":
        connection = sqlite3.connect(Path(data_dir) / FILE, check_same_thread=False)
        connection.executescript(SCHEMA)
        return cls(connection)

    def close(self) -> None:
        self._connection.close()

    def _rows(self, sql: str, *parameters) -> list[tuple]:
        with self._lock:
            return self._connection.execute(sql, parameters).fetchall()

    def generations(self) -> list[Published]:
        return [Published(*row) for row in
                self._rows("SELECT id, published, previous FROM generations ORDER BY id")]

    def latest(self) -> str | None:
        """The newest generation recorded."""
        rows = self._rows("SELECT max(id) FROM generations")
        return rows[0][0]

    def changes(self, generation: str) -> list[Change]:
        return [Change(record, kind, hash_, length, published) for
                record, _, published, kind, hash_, length in
                self._rows(_VERSION + "WHERE v.generation = ? ORDER BY v.record", generation)]

    def versions(self, record: str) -> list[Version]:
        return [Version(*row) for row in
                self._rows(_VERSION + "WHERE v.record = ? ORDER BY v.generation", record)]

    def version_at(self, record: str, when: datetime) -> Version | None:
        """The version current at ``when``: the newest published then (None before the
        first)."""
        rows = self._rows(_VERSION + "WHERE v.record = ? AND g.published <= ? "
                          "ORDER BY v.generation DESC LIMIT 1", record, iso(when))
        return Version(*rows[0]) if rows else None

    def description(self, record: str, generation: str) -> bytes | None:
        rows = self._rows("SELECT body FROM versions WHERE record = ? AND generation = ?",
                          record, generation)
        return zlib.decompress(rows[0][0]) if rows and rows[0][0] is not None else None

    def state(self, generation: str) -> Iterator[Version]:
        """Every record live in ``generation``, with its version then, in record order."""
        rows = self._rows(
            _VERSION + "WHERE v.generation = (SELECT max(w.generation) FROM versions w "
            "WHERE w.record = v.record AND w.generation <= ?) AND v.kind != ? "
            "ORDER BY v.record", generation, DELETED)
        return (Version(*row) for row in rows)

    def publish(self, generation: str, previous: str | None, published: str,
                descriptions: Iterable[tuple[str, Body | bytes | None]]) -> list[Change]:
        """Record ``generation``, published after ``previous`` at ``published``:
        ``descriptions`` holds (record, canonical description, or None if withdrawn)
        for every record that may have changed; those equal to their last version
        are left out. What was recorded after ``previous`` (never served) goes."""
        with self._lock, self._connection as connection:
            self._forget_after(connection, previous)
            last = _last_versions(connection)
            changes, rows = [], []
            for record, body in descriptions:
                if isinstance(body, bytes):
                    body = Body.of(body)
                change = _change(record, body, last.get(record), published)
                if change is not None:
                    changes.append(change)
                    rows.append((record, generation, change.kind, change.hash, change.length,
                                 None if body is None else body.compressed))
                if len(rows) >= INSERT_EVERY:
                    connection.executemany(_INSERT, rows)
                    rows = []
            connection.executemany(_INSERT, rows)
            connection.execute("INSERT INTO generations VALUES (?, ?, ?)",
                               (generation, published, previous))
        return changes

    @staticmethod
    def _forget_after(connection: sqlite3.Connection, previous: str | None) -> None:
        after = previous or ""
        connection.execute("DELETE FROM versions WHERE generation > ?", (after,))
        connection.execute("DELETE FROM generations WHERE id > ?", (after,))


_INSERT = "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?)"
INSERT_EVERY = 10_000
"""Versions held before they are written (in the one transaction): the first
publication of a million records held every compressed description, ~1.5 GB."""


def _last_versions(connection: sqlite3.Connection) -> dict[str, tuple[str, str | None]]:
    """Each record's newest (kind, hash)."""
    return {record: (kind, hash_) for record, kind, hash_ in connection.execute(
        "SELECT record, kind, hash FROM versions v WHERE generation = "
        "(SELECT max(generation) FROM versions w WHERE w.record = v.record)")}


def _change(record: str, body: Body | None, last: tuple[str, str | None] | None,
            published: str) -> Change | None:
    live = last is not None and last[0] != DELETED
    if body is None:
        return Change(record, DELETED, None, None, published) if live else None
    if live and last[1] == body.hash:
        return None
    return Change(record, UPDATED if live else CREATED, body.hash, body.length, published)


def iso(when: datetime) -> str:
    """``when`` as the history writes times: UTC, to the second, with a Z."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
