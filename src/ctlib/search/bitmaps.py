"""Which records have each concept, year and frequent author, as bitmaps in memory.

Bit n of a bitmap (a Python int) stands for the record whose rowid is n. Filtering is
AND and OR of bitmaps, and a facet count is ``(hits & bitmap).bit_count()``: tens of
microseconds per facet value at 100k records, where SQLite joins of the hits with the
facet tables took 150–200 ms. They are read from the index once per generation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

FREQUENT_AUTHORS = 200
"""Authors with a bitmap: the most prolific. The author facet (its top 15) is counted
among them: every bitmap costs its share of each search's counting and size / 8 bytes
of memory (125 KB per author at a million records), and the long tail of authors with a
handful of records each cannot lead the facet of a broad search."""


@dataclass
class Postings:
    size: int
    """One more than the largest rowid: the bit length of every bitmap."""
    everything: int
    concepts: dict[int, int]
    years: dict[int | None, int]
    authors: dict[int, int]

    @classmethod
    def read(cls, connection) -> "Postings":
        size = connection.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM records").fetchone()[0]
        everything = bitmap((r for (r,) in connection.execute("SELECT rowid FROM records")), size)
        return cls(size, everything,
                   _grouped(connection.execute(
                       "SELECT concept, record FROM record_concepts ORDER BY concept"), size),
                   _grouped(connection.execute(
                       "SELECT year, rowid FROM records ORDER BY year"), size),
                   _grouped(connection.execute(
                       "SELECT author, record FROM record_authors WHERE author IN ("
                       " SELECT author FROM record_authors GROUP BY author"
                       f" ORDER BY COUNT(*) DESC LIMIT {FREQUENT_AUTHORS}) ORDER BY author"), size))

    def bitmap(self, rowids: Iterable[int]) -> int:
        return bitmap(rowids, self.size)



def bitmap(rowids: Iterable[int], size: int) -> int:
    bits = bytearray((size + 7) // 8)
    for rowid in rowids:
        bits[rowid >> 3] |= 1 << (rowid & 7)
    return int.from_bytes(bits, "little")


def _grouped(rows, size: int) -> dict:
    """(key, rowid) rows ordered by key -> a bitmap per key."""
    groups: dict = {}
    current, bits = object(), None
    for key, rowid in rows:
        if key != current:
            if bits is not None:
                groups[current] = int.from_bytes(bits, "little")
            current, bits = key, bytearray((size + 7) // 8)
        bits[rowid >> 3] |= 1 << (rowid & 7)
    if bits is not None:
        groups[current] = int.from_bytes(bits, "little")
    return groups


NONZERO = re.compile(rb"[^\x00]")


def rowids(bits: int, size: int) -> Iterator[int]:
    """The set bits of ``bits``, lowest first (zero bytes are skipped at C speed)."""
    data = bits.to_bytes((size + 7) // 8, "little")
    for found in NONZERO.finditer(data):
        position = found.start()
        byte = data[position]
        for bit in range(8):
            if byte >> bit & 1:
                yield position * 8 + bit
