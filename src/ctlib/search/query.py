"""Searching the index: free text, facet filters, facet counts, ranked and paged hits.

Free text becomes an FTS5 expression built from the words alone (quotes make a
phrase, a trailing ``*`` a prefix), so nothing a person types is a syntax error.
Filters on different facets combine with AND, several values of one facet with OR.
Facet counts are taken over the hits with every filter applied; a region counts the
records of the regions and countries inside it. A search that finds little comes with
a suggestion: its words spelt as the index spells them (suggest.py).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np

from ..rdf.uris import fold
from .bitmaps import Postings, count, parse_rowids, rowids
from .index import RANKING, author_key, concept_key, is_current, year_key
from .suggest import Vocabulary

CONCEPT_FACETS = {"region": "regions", "country": "countries", "category": "categories"}
"""Facet parameter -> concept scheme."""
FACETS = (*CONCEPT_FACETS, "author")
SORTS = ("relevance", "newest", "oldest", "title")
PAGE_SIZE = 20
PAGE_SIZES = (PAGE_SIZE, 50, 100)
"""What a person may choose; a few fixed sizes keep the cached pages few."""
TOP_AUTHORS = 15
MORE_AUTHORS = 100
"""Authors the facet lists when asked for more, or when filtered by name."""
FEW = 3
"""A search finding fewer records than this comes with a suggestion, if there is one."""
MARK = ("\ue000", "\ue001")
"""Around highlighted words in titles and snippets: private-use characters, replaced
by <mark> tags after the text is escaped."""
SNIPPET_WORDS = 32
MAX_EXPANSION = 64
"""Indexed terms a prefix may stand for before it is left to FTS5 as a prefix."""
RANKERS = ThreadPoolExecutor(8, thread_name_prefix="search ranking")
"""Searches that may be ranked at once, beside their counting (a thread each, and a
connection to each generation's index, made when first needed); more wait their turn,
for cores that are busy anyway. One pool for the process, whatever the generation."""
RELEVANCE = "bm25(search, " + RANKING.removeprefix("bm25(")
"""index.RANKING, the ``rank`` of the index, as an expression to order by: with a LIMIT
SQLite keeps only the best rows as it goes, where ``ORDER BY rank`` has FTS5 sort every
match (the titles holding "referral" at a million records: 79 -> 62 ms). Ties come out
in rowid order either way."""


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Facet -> selected keys (concept keys, author keys)."""
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    size: int = PAGE_SIZE
    more: str = ""
    """The facet a page lists whole, not cut short (the author facet: MORE_AUTHORS
    authors, not TOP_AUTHORS)."""
    author_named: str = ""
    """The author facet lists only authors whose name holds this."""


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    """With MARK around matched words."""
    language: str | None
    """The title's (and the snippet's: a record's text is in one language)."""
    snippet: str
    year: int | None
    authors: list[tuple[str, str]]
    """(key, name)"""
    places: list[str] = field(default_factory=list)
    """Labels of the regions and countries the record names."""
    categories: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool
    depth: int = 0
    """Nesting in the scheme (regions): 0 for a top concept."""


@dataclass
class Results:
    query: SearchQuery
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    years: list[tuple[int, int]]
    """(year, records) for every year among the hits, in order."""
    suggestion: str | None = None
    """The text, respelt, when the search found fewer than FEW records."""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.size))


WORD = re.compile(r"\w+")
TOKEN = re.compile(r'"([^"]*)"?|(\S+)')


def match_expression(text: str, expand: Callable[[str], list[str]] | None = None
                     ) -> str | None:
    """The FTS5 expression for what a person typed: every word or "phrase" must match,
    a word ending in * matches as a prefix; None when there is no word at all.

    ``expand`` lists the indexed terms that begin with a prefix: a prefix word becomes
    those terms ORed. FTS5 merges a prefix's lists anew whenever the expression is
    evaluated, once for every snippet shown (~4 ms each for ``border*`` at 100k
    records); the same terms named one by one are found by seeking (0.2 ms)."""
    terms = []
    for phrase, word in TOKEN.findall(text or ""):
        words = WORD.findall(phrase or word)
        if words:
            quoted = '"' + " ".join(words) + '"'
            terms.append(_prefix(words, expand) if word.endswith("*") else quoted)
    return " AND ".join(terms) or None


def _prefix(words: list[str], expand) -> str:
    found = expand(words[0]) if expand is not None and len(words) == 1 else None
    if not found or len(found) > MAX_EXPANSION:
        return '"' + " ".join(words) + '"*'
    return "(" + " OR ".join(f'"{term}"' for term in found) + ")"


class SearchIndex:
    """One generation's index, opened read-only (the web never writes a published
    generation): a connection per thread; the concepts and the bitmaps read once."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        connection = self.connection()
        self.concepts = ConceptTable([
            IndexedConcept(i, uri, scheme, key, json.loads(labels), tuple(json.loads(broader)))
            for i, uri, scheme, key, labels, broader in connection.execute(
                "SELECT id, uri, scheme, key, labels, broader FROM concepts")])
        self.postings = Postings.read(connection)
        self.counted: dict[str, ConceptCount] | None = None
        """concept_counts' answer, once computed (a race computes it twice, the same)."""
        self._vocabulary: Vocabulary | None = None
        self._titles: np.ndarray | None = None
        self._authors: list[tuple[int, str, str, str]] | None = None

    @property
    def vocabulary(self) -> Vocabulary:
        """The indexed words, read when first needed (a race reads them twice, the same)."""
        if self._vocabulary is None:
            self._vocabulary = Vocabulary(self.connection())
        return self._vocabulary

    @property
    def by_title(self) -> np.ndarray:
        """Every rowid, in the order of the records' titles."""
        if self._titles is None:
            self._titles = np.array([r for (r,) in self.connection().execute(
                "SELECT rowid FROM records ORDER BY title COLLATE NOCASE, id")], np.int64)
        return self._titles

    @property
    def authors(self) -> list[tuple[int, str, str, str]]:
        """(id, key, name, folded name) of every author, for the facet's name filter."""
        if self._authors is None:
            self._authors = [(i, key, name, fold(name)) for i, key, name in
                             self.connection().execute("SELECT id, key, name FROM authors")]
        return self._authors

    def connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                         check_same_thread=False)
            connection.execute("CREATE VIRTUAL TABLE temp.terms USING "
                               "fts5vocab(main, 'search', 'row')")
            self._local.connection = connection
        return connection

    def terms_starting(self, prefix: str) -> list[str]:
        """Indexed terms that begin with ``prefix`` (folded as the tokenizer folds),
        at most MAX_EXPANSION + 1 of them."""
        start = fold(prefix)
        if not start:
            return []
        end = start[:-1] + chr(ord(start[-1]) + 1)
        return [term for (term,) in self.connection().execute(
            "SELECT term FROM temp.terms WHERE term >= ? AND term < ? LIMIT ?",
            (start, end, MAX_EXPANSION + 1))]


def search(index: SearchIndex, query: SearchQuery, language: str,
           fallback: str = "en", snippets: bool = True) -> Results:
    """``snippets``: False where only the hits' facts are wanted (an export)."""
    connection, postings = index.connection(), index.postings
    expression = match_expression(query.text, index.terms_starting)
    filters = _filters(connection, index, query)
    # Ranking is SQLite's work alone, which releases the GIL: on a connection of its own
    # in another thread it runs while the hits are found and counted here.
    ranked = RANKERS.submit(_by_relevance, index, expression, filters,
                            query.page * query.size) \
        if expression is not None and query.sort == "relevance" else None
    hits = _matching(connection, postings, expression, filters)
    counts = {"concept": _counted(hits, postings.concepts),
              "author": _counted(hits, postings.authors),
              "year": _counted(hits, postings.years)}
    years = sorted((year, n) for year, n in counts["year"].items() if year is not None)
    total = count(hits)
    page = _page(connection, index, query, expression, ranked, hits, total)
    return Results(query, total, _hits_of(connection, index, page, language, fallback,
                                          expression if snippets else None, snippets),
                   _facets(index, query, counts, hits, total, language, fallback), years,
                   index.vocabulary.suggest(query.text) if total < FEW and query.text else None)


def total_of(index: SearchIndex, query: SearchQuery) -> int:
    """How many records ``query`` finds, without ranking or counting facets."""
    connection = index.connection()
    return count(_matching(connection, index.postings,
                           match_expression(query.text, index.terms_starting),
                           _filters(connection, index, query)))


def _matching(connection, postings: Postings, expression: str | None,
              filters: list[_Filter]) -> np.ndarray:
    hits = _passing(postings, filters)
    if expression is not None:  # the filters narrow what FTS5 hands back, not only after
        hits = hits & postings.bitmap(parse_rowids(connection.execute(
            "SELECT group_concat(rowid) FROM search WHERE search MATCH ?",
            (f"({expression}){_narrowing(filters)}",)).fetchone()[0]))
    return hits


def by_year(index: SearchIndex, query: SearchQuery) -> tuple[int, list[Hit]]:
    """(total, hits of the page) of a search by its filters and years alone (its text
    is not read), by year, without the facet counts: for short lists of records, where
    counting every facet over the hits was most of the time."""
    connection = index.connection()
    hits = _passing(index.postings, _filters(connection, index, query))
    chosen = _by_year(index.postings, hits, query.sort != "oldest",
                      (query.page - 1) * query.size, query.size)
    return count(hits), _hits_of(connection, index, chosen, "en", "en", None, True)


def _passing(postings: Postings, filters: list[_Filter]) -> np.ndarray:
    """The records every filter lets through."""
    hits = postings.everything
    for each in filters:
        hits = hits & each.bitmap
    return hits


@dataclass(frozen=True)
class _Filter:
    """One facet's selection: the records it lets through, and the same as terms of the
    index's ``keys`` column (index.concept_key...)."""

    bitmap: np.ndarray
    keys: tuple[str, ...]

    @property
    def expression(self) -> str:
        return f"keys : ({' OR '.join(self.keys)})" if self.keys else 'keys : "none"'


def _narrowing(filters: list[_Filter]) -> str:
    """The filters as terms to AND to a text query."""
    return "".join(f" AND {f.expression}" for f in filters)


def _filters(connection, index: SearchIndex, query: SearchQuery) -> list[_Filter]:
    postings = index.postings
    filters = []
    for facet, keys in query.filters.items():
        if not keys:
            continue
        if facet == "author":
            ids = [i for (i,) in connection.execute(
                f"SELECT id FROM authors WHERE key IN ({_marks(keys)})", keys)]
            filters.append(_Filter(postings.bitmap(parse_rowids(connection.execute(
                "SELECT group_concat(record) FROM record_authors "
                f"WHERE author IN ({_marks(ids)})", ids).fetchone()[0])),
                tuple(author_key(i) for i in ids)))
        else:
            scheme = CONCEPT_FACETS[facet]
            found = [c for c in (index.concepts.by_key.get((scheme, k)) for k in keys) if c]
            filters.append(_Filter(postings.union(postings.concepts[c.id] for c in found
                                                  if c.id in postings.concepts),
                                   tuple(concept_key(c.id) for c in found)))
    if query.year_from is not None or query.year_to is not None:
        low = query.year_from if query.year_from is not None else -9999
        high = query.year_to if query.year_to is not None else 9999
        years = [y for y in postings.years if y is not None and low <= y <= high]
        filters.append(_Filter(postings.union(postings.years[y] for y in years),
                               tuple(year_key(y) for y in years)))
    return filters


def _counted(hits: np.ndarray, bitmaps: dict) -> dict:
    counts = {}
    for key, bits in bitmaps.items():
        n = count(hits & bits)
        if n:
            counts[key] = n
    return counts


def _marks(values) -> str:
    return ", ".join("?" * len(values)) or "NULL"


@dataclass(frozen=True)
class ConceptCount:
    """What every page says of a concept's records: the one count people see."""

    records: int
    """Records about the concept or any concept under it (a region counts the records of
    its sub-regions and countries): what search by the concept finds."""
    tagged: int
    """Records that name the concept itself."""


NO_RECORDS = ConceptCount(0, 0)


def concept_counts(index: SearchIndex) -> dict[str, ConceptCount]:
    """Records per concept URI, all records: the count of every page that shows one,
    worked out once per generation (concepts no record is under are left out)."""
    if index.counted is None:
        tagged = dict(index.connection().execute(
            "SELECT concept, COUNT(*) FROM record_concepts WHERE direct GROUP BY concept"))
        uris = {c.id: c.uri for c in index.concepts.by_uri.values()}
        index.counted = {uris[concept]: ConceptCount(count(bits), tagged.get(concept, 0))
                         for concept, bits in index.postings.concepts.items()
                         if concept in uris}
    return index.counted


def scheme_records(index: SearchIndex, scheme: str) -> int:
    """Records about any concept of ``scheme`` (its name: "regions"), each once: what a
    scheme's page counts."""
    bitmaps = index.postings.concepts
    return count(index.postings.union(bitmaps[c.id] for c in index.concepts.in_order(scheme)
                                      if c.id in bitmaps))


def year_counts(index: SearchIndex) -> list[tuple[int, int]]:
    return sorted((year, count(bits)) for year, bits in index.postings.years.items()
                  if year is not None)


@dataclass(frozen=True)
class Added:
    id: str
    title: str
    language: str | None
    year: int | None
    added: str
    """When it was first published (ISO 8601)."""


def latest_additions(index: SearchIndex, count: int) -> list[Added]:
    """The ``count`` records first published most recently (not the most recently
    modified: a correction is not an addition). An ingest adds its new records at one
    time, often many: among them the newest documents (by year) come first, then by
    title."""
    rows = index.connection().execute(
        "SELECT id, title, language, year, added FROM records ORDER BY added DESC, "
        "year DESC NULLS LAST, title COLLATE NOCASE, id LIMIT ?", (count,)).fetchall()
    return [Added(*row) for row in rows]


def title_languages(path: Path, identifiers: list[str]) -> dict[str, str | None]:
    """Identifier -> its title's language, for a few records, from the index at ``path``
    without opening it for searching; nothing when there is no index of this version."""
    if not identifiers or not is_current(path):
        return {}
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return dict(connection.execute(
            f"SELECT id, language FROM records WHERE id IN ({_marks(identifiers)})",
            identifiers))


def authors_by_name(index: SearchIndex) -> list[tuple[str, str, int]]:
    """(key, name, records) of every author with a published record, by name."""
    rows = index.connection().execute(
        "SELECT key, name, COUNT(*) FROM authors JOIN record_authors ON author = id "
        "GROUP BY id").fetchall()
    return sorted(rows, key=lambda row: (row[1].casefold(), row[0]))


def _page(connection, index: SearchIndex, query: SearchQuery, expression: str | None,
          ranked: Future | None, hits: np.ndarray, total: int) -> list[int]:
    """The rowids of the page's hits, in order."""
    first = (query.page - 1) * query.size
    if ranked is not None:
        return ranked.result()[first:]
    if not total:
        return []
    if query.sort == "title":
        return _by_title(index.by_title, hits, first, query.size)
    return _by_year(index.postings, hits, query.sort != "oldest", first, query.size)


def _by_title(ordered: np.ndarray, hits: np.ndarray, first: int, size: int) -> list[int]:
    """``size`` hits from position ``first`` of ``ordered`` (every rowid, by title)."""
    return ordered[_holds(hits, ordered)][first:first + size].tolist()


def _holds(bits: np.ndarray, rowids: np.ndarray) -> np.ndarray:
    """Whether each of ``rowids`` is set in ``bits``."""
    return (bits.view(np.uint8)[rowids >> 3] >> (rowids & 7) & 1).astype(bool)


def _by_relevance(index: SearchIndex, expression: str, filters: list[_Filter],
                  wanted: int) -> list[int]:
    """The first ``wanted`` hits: those whose title holds every word first, each group in
    BM25 order (index.RANKING). BM25 alone divides by the length of the whole record, so
    a short record naming the topic only in its category outranked the report with the
    word in its title. Ranking only the title matches first keeps a broad search fast:
    BM25 over every hit is computed only when the title matches run out. The filters are
    terms of the same query, so FTS5 ranks only what passes them."""
    connection, narrowing = index.connection(), _narrowing(filters)
    ranked: list[int] = []
    for match in (f"title : ({expression})", expression):
        seen = set(ranked)  # the title matches come again among all: as many more are asked
        ranked += [rowid for (rowid,) in connection.execute(
            f"SELECT rowid FROM search WHERE search MATCH ? ORDER BY {RELEVANCE} LIMIT ?",
            (f"({match}){narrowing}", wanted + len(ranked))) if rowid not in seen]
        if len(ranked) >= wanted:
            break
    return ranked[:wanted]


def _by_year(postings: Postings, hits: np.ndarray, newest_first: bool, first: int,
             size: int) -> list[int]:
    """``size`` hits from position ``first`` by year (then rowid), those without a year
    last; whole years before ``first`` are skipped by their counts."""
    years = sorted((y for y in postings.years if y is not None), reverse=newest_first)
    skipped, chosen = 0, []
    for year in [*years, None]:
        if year not in postings.years:
            continue
        bits = hits & postings.years[year]
        in_year = count(bits)
        if skipped + in_year <= first:
            skipped += in_year
            continue
        chosen += rowids(bits)[max(0, first - skipped):][:size - len(chosen)].tolist()
        skipped += in_year
        if len(chosen) == size:
            return chosen
    return chosen


def _hits_of(connection, index: SearchIndex, chosen: list[int], language: str,
             fallback: str, expression: str | None, snippets: bool) -> list[Hit]:
    """Title, snippet, year, authors, places and categories of the page's records, in
    ``chosen`` order; no snippet unless ``snippets``."""
    if not chosen:
        return []
    details = {rowid: (identifier, title, language, year)
               for rowid, identifier, title, language, year in connection.execute(
                   f"SELECT rowid, id, title, language, year FROM records "
                   f"WHERE rowid IN ({_marks(chosen)})", chosen)}
    texts = {}
    for rowid in chosen:
        if not snippets:
            row = (details[rowid][1], "")
        elif expression is None:
            row = connection.execute("SELECT title, substr(summary, 1, 300) FROM search "
                                     "WHERE rowid = ?", (rowid,)).fetchone()
        else:
            row = connection.execute(
                f"SELECT highlight(search, 0, ?, ?), snippet(search, 1, ?, ?, '…', "
                f"{SNIPPET_WORDS}) FROM search WHERE search MATCH ? AND rowid = ?",
                (*MARK, *MARK, expression, rowid)).fetchone()
        texts[rowid] = row or (details[rowid][1], "")
    authors = _authors_of(connection, chosen)
    concepts = _concepts_of(connection, index.concepts, chosen, language, fallback)
    return [Hit(details[r][0], texts[r][0], details[r][2], texts[r][1], details[r][3],
                authors.get(r, []), concepts.get((r, "place"), []),
                concepts.get((r, "category"), [])) for r in chosen]


def _concepts_of(connection, concepts: ConceptTable, records: list[int], language: str,
                 fallback: str) -> dict[tuple[int, str], list[str]]:
    """(record, "place" or "category") -> labels of the concepts the record names."""
    found: dict[tuple[int, str], list[str]] = {}
    for record, concept in connection.execute(
            "SELECT record, concept FROM record_concepts "
            f"WHERE direct AND record IN ({_marks(records)})", records):
        named = concepts.by_id.get(concept)
        if named is not None:
            kind = "category" if named.scheme == "categories" else "place"
            found.setdefault((record, kind), []).append(named.label(language, fallback))
    return {key: sorted(labels) for key, labels in found.items()}


def _authors_of(connection, records: list[int]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for record, key, name in connection.execute(
            "SELECT record, key, name FROM record_authors "
            f"JOIN authors ON authors.id = author WHERE record IN ({_marks(records)})", records):
        found.setdefault(record, []).append((key, name))
    return found


def _facets(index: SearchIndex, query: SearchQuery, counts: dict, hits: np.ndarray,
            total: int, language: str, fallback: str) -> dict[str, list]:
    facets = {}
    for facet, scheme in CONCEPT_FACETS.items():
        selected = set(query.filters.get(facet, ()))
        values = [FacetValue(c.key, c.label(language, fallback), counts["concept"][c.id],
                             c.key in selected, c.depth)
                  for c in index.concepts.in_order(scheme) if counts["concept"].get(c.id)
                  and not _says_nothing(c, counts["concept"][c.id], total, selected)]
        facets[facet] = values if scheme == "regions" else \
            sorted(values, key=lambda v: (-v.count, v.label.casefold()))
    facets["author"] = _author_facet(index, query, counts["author"], hits)
    return facets


def _says_nothing(concept: IndexedConcept, records: int, total: int, selected: set) -> bool:
    """A scheme's top concept holding every hit (Worldwide) would narrow nothing: it is
    no facet value, unless chosen (then it is one to take away)."""
    return concept.depth == 0 and records == total and concept.key not in selected


def _author_facet(index: SearchIndex, query: SearchQuery, counts: dict[int, int],
                  hits: np.ndarray) -> list[FacetValue]:
    """The most frequent authors among the hits, or those whose name holds
    ``author_named`` (counted one by one: they may have no bitmap)."""
    limit = MORE_AUTHORS if query.more == "author" or query.author_named else TOP_AUTHORS
    if query.author_named:
        counts = _named_author_counts(index, fold(query.author_named), hits)
    top = sorted(counts.items(), key=lambda item: -item[1])[:limit]
    ids = [author for author, _ in top]
    names = {row[0]: row[1:] for row in index.connection().execute(
        f"SELECT id, key, name FROM authors WHERE id IN ({_marks(ids)})", ids)}
    selected = set(query.filters.get("author", ()))
    values = [FacetValue(names[a][0], names[a][1], n, names[a][0] in selected) for a, n in top]
    return sorted(values, key=lambda v: (-v.count, v.label.casefold()))


def _named_author_counts(index: SearchIndex, named: str, hits: np.ndarray) -> dict[int, int]:
    ids = [i for i, _, _, folded in index.authors if named in folded][:MORE_AUTHORS * 10]
    counts: dict[int, int] = {}
    for author, listed in index.connection().execute(
            "SELECT author, group_concat(record) FROM record_authors "
            f"WHERE author IN ({_marks(ids)}) GROUP BY author", ids):
        n = int(_holds(hits, parse_rowids(listed)).sum())
        if n:
            counts[author] = n
    return counts


@dataclass(frozen=True)
class IndexedConcept:
    id: int
    uri: str
    scheme: str
    key: str
    labels: dict[str, str]
    broader: tuple[str, ...]
    depth: int = 0

    def label(self, language: str, fallback: str = "en") -> str:
        """The label in ``language``, else in ``fallback``, else the key."""
        return self.labels.get(language) or self.labels.get(fallback) or self.key

    def label_language(self, language: str, fallback: str = "en") -> str | None:
        """The language of ``label(language, fallback)``; None for the key."""
        return next((tag for tag in (language, fallback) if self.labels.get(tag)), None)


class ConceptTable:
    """The index's concepts, each scheme in tree order (a concept after its broader one)."""

    def __init__(self, concepts: list[IndexedConcept]):
        self.by_key = {(c.scheme, c.key): c for c in concepts}
        self.by_id = {c.id: c for c in concepts}
        self.by_uri = {c.uri: c for c in concepts}
        self._ordered = {scheme: self._tree_order([c for c in concepts if c.scheme == scheme])
                         for scheme in {c.scheme for c in concepts}}

    def in_order(self, scheme: str) -> list[IndexedConcept]:
        return self._ordered.get(scheme, [])

    def _tree_order(self, concepts: list[IndexedConcept]) -> list[IndexedConcept]:
        children: dict[str | None, list[IndexedConcept]] = {}
        uris = {c.uri for c in concepts}
        for concept in concepts:
            parent = next((b for b in concept.broader if b in uris), None)
            children.setdefault(parent, []).append(concept)
        ordered: list[IndexedConcept] = []

        def visit(parent: str | None, depth: int) -> None:
            for concept in sorted(children.get(parent, []), key=lambda c: c.label("en")):
                ordered.append(replace(concept, depth=depth))
                visit(concept.uri, depth + 1)
        visit(None, 0)
        return ordered
