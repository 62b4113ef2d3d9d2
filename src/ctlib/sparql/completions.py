"""Completions for the SPARQL editor, computed from this catalogue when it is published.

``generations/<id>/completions.sqlite`` holds one row per thing an editor may insert
(our prefixes, the classes and properties the catalogue uses, its concepts, agents and
years) with how often it occurs, and the folded words it is found by: its prefixed
name, its local name, and every word start of each of its labels in every language
(``cote d'ivoire``, ``ivoire``, ``costa de marfil``, ``marfil``). A web worker reads the
file once per generation (``Completer``) and answers from memory: a word being typed
is a range of the sorted keys, and the best of that range are those that occur most,
then the shortest.

It is written at the end of an ingest from the generation's statistics (classes,
properties, concepts, years and agents with their counts: dataset/statistics.py) and the finished
search index (labels, agents), so it never disagrees with the generation it is switched
with, nor with its statistics graph.
"""

from __future__ import annotations

import heapq
import json
import sqlite3
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

from ..dataset.statistics import Statistics
from ..rdf.namespaces import XSD
from ..rdf.uris import fold

VERSION = 1
"""The file's layout (SQLite's user_version): a file of another layout is not read."""
KINDS = ("prefix", "class", "property", "concept", "agent", "year")
LAST = chr(0x10FFFF)
"""Sorts after every character a key holds: ``[word, word + LAST)`` is every key that
begins with ``word``."""

SCHEMA = """
CREATE TABLE items (id INTEGER PRIMARY KEY, text TEXT NOT NULL, label TEXT NOT NULL,
                    kind TEXT NOT NULL, count INTEGER NOT NULL);
CREATE TABLE keys (key TEXT NOT NULL, item INTEGER NOT NULL, label TEXT NOT NULL,
                   PRIMARY KEY (key, item)) WITHOUT ROWID;
"""
CONCEPTS = "SELECT uri, labels FROM concepts"
AGENTS = "SELECT uri, name FROM authors"


@dataclass(frozen=True)
class Completion:
    text: str
    """What the editor inserts: a prefixed name, an <IRI>, a prefix, a literal."""
    label: str
    """What a person reads: the label that matched, a name, the IRI of a term."""
    kind: str
    count: int
    """Instances (classes), triples (properties), records (concepts, agents, years), or the uses
    of a prefix's terms."""


@dataclass(frozen=True)
class _Item:
    completion: Completion
    labels: tuple[str, ...]


def folded(text: str) -> str:
    """Case, accents and the kind of apostrophe do not matter."""
    return fold(text).replace("’", "'").replace("‘", "'")


def word_starts(text: str) -> list[str]:
    """``text`` folded, from each of its words on: a label is found by any of its words."""
    text = folded(text)
    return [text[i:] for i, c in enumerate(text)
            if c.isalnum() and (i == 0 or not text[i - 1].isalnum())]


# At publication

def build(path: Path, statistics: Statistics, search_path: Path, prefixes: dict[str, str],
          language: str) -> None:
    """Write the completions of a generation from its statistics and its search index (a
    catalogue without one has no concepts, agents or years here). A concept is labelled
    in ``language`` unless the word typed matched another of its labels."""
    namer = _Namer(prefixes)
    terms = [_term(namer, kind, iri, n) for kind, counts in (("class", statistics.classes),
                                                              ("property", statistics.properties))
             for iri, n in counts.items()]
    indexed = _indexed(namer, search_path, language, statistics) \
        if Path(search_path).exists() else []
    _write(Path(path), [*_prefixes(prefixes, [*terms, *indexed]), *terms, *indexed])


class _Namer:
    """An IRI as a prefixed name where one of our prefixes covers it, else <IRI>."""

    def __init__(self, prefixes: dict[str, str]):
        # The longest namespace first: ``countries:ci``, not ``scheme:countries/ci``.
        self.prefixes = sorted(prefixes.items(), key=lambda p: -len(p[1]))

    def __call__(self, iri: str) -> tuple[str, str]:
        """(text, local name)"""
        for name, namespace in self.prefixes:
            local = iri[len(namespace):]
            if iri.startswith(namespace) and local and _is_local_name(local):
                return f"{name}:{local}", local
        return f"<{iri}>", iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _is_local_name(local: str) -> bool:
    """Safe to write after a prefix as it is (a conservative subset of PN_LOCAL)."""
    return all(c.isalnum() or c in "_-" for c in local) and local[-1] != "-"


def _term(namer: _Namer, kind: str, iri: str, count: int) -> _Item:
    text, local = namer(iri)
    return _Item(Completion(text, iri, kind, count), (text, local))


def _indexed(namer: _Namer, search_path: Path, language: str,
             statistics: Statistics) -> list[_Item]:
    connection = sqlite3.connect(f"file:{search_path}?mode=ro", uri=True)
    try:
        concepts = [_named(namer, "concept", uri, _in_order(json.loads(labels), language),
                           statistics.concepts[uri].records)
                    for uri, labels in connection.execute(CONCEPTS)]
        agents = [_named(namer, "agent", uri, [name], statistics.agents[uri])
                  for uri, name in connection.execute(AGENTS)]
    finally:
        connection.close()
    g_year = namer(str(XSD.gYear))[0]  # as the mapping writes dcterms:issued
    years = [_Item(Completion(f'"{year}"^^{g_year}', str(year), "year", count), (str(year),))
             for year, count in statistics.years.items()]
    return [*concepts, *agents, *years]


def _named(namer: _Namer, kind: str, uri: str, labels: list[str], count: int) -> _Item:
    text, local = namer(uri)
    return _Item(Completion(text, labels[0] if labels else local, kind, count),
                 (text, local, *labels))


def _in_order(labels: dict[str, str], language: str) -> list[str]:
    """A concept's labels, the one in ``language`` first."""
    return sorted(labels.values(), key=lambda label: label != labels.get(language))


def _prefixes(prefixes: dict[str, str], items: list[_Item]) -> list[_Item]:
    """Each prefix, counted as the uses of the terms it names."""
    return [_Item(Completion(f"{name}:", namespace, "prefix",
                             sum(i.completion.count for i in items
                                 if i.completion.text.startswith(f"{name}:"))), (f"{name}:",))
            for name, namespace in prefixes.items()]


def _write(path: Path, items: list[_Item]) -> None:
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = MEMORY")  # a failed ingest drops the file
        connection.executescript(SCHEMA)
        connection.execute("BEGIN")
        connection.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)",
                               [(n, i.completion.text, i.completion.label, i.completion.kind,
                                 i.completion.count) for n, i in enumerate(items)])
        connection.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?, ?)",
                               [(key, n, label if label not in item.labels[:2] else
                                 item.completion.label)
                                for n, item in enumerate(items) for label in item.labels
                                for key in _keys(label)])
        connection.execute(f"PRAGMA user_version = {VERSION}")
        connection.execute("COMMIT")
    finally:
        connection.close()


def _keys(label: str) -> list[str]:
    """A prefixed name is found from its start; a label by any of its words."""
    return [folded(label)] if ":" in label or label.startswith("<") else word_starts(label)


# In a web worker

class Completer:
    """A generation's completions in memory: keys sorted, items in the order of rank."""

    def __init__(self, path: Path):
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if connection.execute("PRAGMA user_version").fetchone()[0] != VERSION:
                raise sqlite3.DatabaseError(f"{path}: not a completions file of version "
                                            f"{VERSION}")
            items = connection.execute(
                "SELECT id, text, label, kind, count FROM items").fetchall()
            rows = connection.execute("SELECT key, item, label FROM keys ORDER BY key").fetchall()
        finally:
            connection.close()
        ranked = sorted(items, key=lambda i: (-i[4], len(i[1]), i[1]))
        rank_of = {item[0]: rank for rank, item in enumerate(ranked)}
        self.items = [Completion(text, label, kind, count)
                      for _, text, label, kind, count in ranked]
        self.keys = [key for key, _, _ in rows]
        self.matches = [(rank_of[item], label) for _, item, label in rows]
        """Beside each key: the rank of its item, and the label it was found by."""

    def complete(self, word: str, limit: int) -> list[Completion]:
        """The ``limit`` best completions of ``word``: most frequent first, then shortest."""
        word = folded(word)
        if not word:
            return []
        start = bisect_left(self.keys, word)
        end = bisect_left(self.keys, word + LAST, start)
        labels: dict[int, str] = {}
        for rank, label in self.matches[start:end]:
            labels.setdefault(rank, label)
        best = heapq.nsmallest(limit, labels)
        return [_labelled(self.items[rank], labels[rank]) for rank in best]


def _labelled(item: Completion, label: str) -> Completion:
    return item if item.label == label else Completion(item.text, label, item.kind, item.count)
