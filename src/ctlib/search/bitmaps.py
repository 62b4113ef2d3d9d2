"""Which records have each concept, year and frequent author, as bitmaps in memory.

A bitmap is a numpy array of 64-bit words: bit n (bit n % 8 of byte n // 8) stands for
the record whose rowid is n. Filtering is AND and OR of bitmaps, and a facet count is
``count(hits & bitmap)``: 25 µs per facet value at a million records, where SQLite joins
of the hits with the facet tables took 150–200 ms at 100k. They are read from the index
once per generation and are read-only: ``&=`` on one would change every later search.

A set of rowids comes out of SQLite as one ``group_concat`` string, parsed and set in C:
fetching 623,000 rowids a row at a time and setting their bits in Python took 210 ms,
this 55 ms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FREQUENT_AUTHORS = 200
"""Authors with a bitmap: the most prolific. The author facet (its top 15) is counted
among them: every bitmap costs its share of each search's counting and size / 8 bytes
of memory (125 KB per author at a million records), and the long tail of authors with a
handful of records each cannot lead the facet of a broad search."""


@dataclass
class Postings:
    size: int
    """One more than the largest rowid: every bitmap has room for this many bits."""
    everything: np.ndarray
    concepts: dict[int, np.ndarray]
    years: dict[int | None, np.ndarray]
    authors: dict[int, np.ndarray]

    @classmethod
    def read(cls, connection) -> "Postings":
        size = connection.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM records").fetchone()[0]

        def grouped(sql: str) -> dict:
            """(key, group_concat(rowid)) rows -> a bitmap per key: the rows of one array,
            so that counting reads them in order (14 ms for 556 bitmaps of a million
            records, 22 ms when each was an array of its own)."""
            found = connection.execute(sql).fetchall()
            rows = np.zeros((len(found), _words(size)), np.uint64)
            for row, (_, listed) in zip(rows, found):
                row[:] = bitmap(parse_rowids(listed), size)
            rows.flags.writeable = False
            return {key: bits for (key, _), bits in zip(found, rows)}
        return cls(size, bitmap(parse_rowids(connection.execute(
                       "SELECT group_concat(rowid) FROM records").fetchone()[0]), size),
                   grouped("SELECT concept, group_concat(record) FROM record_concepts "
                           "GROUP BY concept"),
                   grouped("SELECT year, group_concat(rowid) FROM records GROUP BY year"),
                   grouped("SELECT author, group_concat(record) FROM record_authors "
                           "WHERE author IN (SELECT author FROM record_authors GROUP BY author"
                           f" ORDER BY COUNT(*) DESC LIMIT {FREQUENT_AUTHORS}) GROUP BY author"))

    def bitmap(self, rowids: np.ndarray) -> np.ndarray:
        return bitmap(rowids, self.size)

    def union(self, bitmaps) -> np.ndarray:
        """The records in any of ``bitmaps`` (none when there is none)."""
        result = np.zeros(_words(self.size), np.uint64)
        for bits in bitmaps:
            result |= bits
        return result


def parse_rowids(listed: str | None) -> np.ndarray:
    """The rowids of SQLite's ``group_concat(rowid)`` (None when no row), parsed in C."""
    if not listed:
        return np.empty(0, np.int64)
    return np.fromstring(listed, dtype=np.int64, sep=",")


def bitmap(rowids: np.ndarray, size: int) -> np.ndarray:
    """The read-only bitmap, of ``size`` bits rounded up to whole words, of ``rowids``."""
    flags = np.zeros(_words(size) * 64, dtype=bool)
    flags[rowids] = True
    bits = np.packbits(flags, bitorder="little").view(np.uint64)
    bits.flags.writeable = False
    return bits


def count(bits: np.ndarray) -> int:
    return int(np.bitwise_count(bits).sum())


def rowids(bits: np.ndarray) -> np.ndarray:
    """The set bits of ``bits``, lowest first."""
    return np.flatnonzero(np.unpackbits(bits.view(np.uint8), bitorder="little"))


def _words(size: int) -> int:
    return -(-size // 64)
