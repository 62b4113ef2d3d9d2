"""Reconciliation queries answered from the search index: candidates, scores, and
whether the best one is a match.

Candidates: records whose title holds any word of the query (FTS5, best BM25 first);
agents whose name and concepts whose label, in any language or as their code, is close
to the query (rapidfuzz over folded text: case and accents do not count). A query that
is an entity's identifier or URI finds that entity.

The score (0-100) is the name's similarity (``similarity``: rapidfuzz's token sort ratio
of the folded texts, so word order does not count either; a name holding every word
of the query, a title cut short, scores 90); when the query gives properties
(country, region, category, year, author: records only), three quarters of it is the
name and a quarter the share of properties the candidate agrees with.

``match`` is true only for a clear winner (MATCH_NAME, MATCH_LEAD): its name is the
query's up to case, accents, word order and a letter or two, every property given
agrees, and no other candidate comes within MATCH_LEAD points of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from ...rdf.uris import Uris, fold
from ...search.query import RELEVANCE, SearchIndex
from .entities import (
    CONCEPT_PROPERTIES,
    RECORD,
    TYPES,
    Named,
    RecordFacts,
    entity_id,
    kind_of,
    named_entities,
    record_facts,
    record_rowids,
)

MATCH_NAME = 95
MATCH_LEAD = 10
NAME_SHARE = 0.75
"""Of the score, when properties are given: the rest is the properties'."""
CLOSE_ENOUGH = 50
"""Name similarity below which an agent or a concept is no candidate."""
RECORD_CANDIDATES = 30
"""Records read from the index per query, before they are scored."""
QUERY_WORDS = 32
SUBSET = 0.9
"""What a name holding every word of the query is worth, of one with the same words:
close, but not a match."""
AGREES_WITH_AUTHOR = 90
"""Name similarity at which an author given as a property is the record's author."""
PROPERTIES = ("year", "country", "region", "category", "author")
"""Properties a reconciliation query may give, and data extension may fetch."""
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Query:
    text: str
    types: tuple[str, ...] = ()
    """Empty: every type."""
    limit: int = 5
    properties: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(property, the values given: text or entity identifiers)"""


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    type: str
    score: float
    name_score: float
    description: str = ""
    agreeing: dict[str, bool] = field(default_factory=dict)
    """Property -> whether the candidate has the value given."""
    records: int = 0
    match: bool = False


@dataclass(frozen=True)
class Matcher:
    index: SearchIndex
    uris: Uris
    language: str
    fallback: str

    def reconcile(self, query: Query) -> list[Candidate]:
        types = query.types or TYPES
        found = self._by_identifier(query.text) + self._named(query.text, types)
        if RECORD in types:
            found += self._records(query)
        best: dict[str, Candidate] = {}
        for candidate in found:
            if candidate.id not in best or candidate.score > best[candidate.id].score:
                best[candidate.id] = candidate
        ranked = sorted(best.values(), key=lambda c: (-c.score, -c.records, c.name))
        return _with_match(ranked)[:query.limit]

    def _by_identifier(self, text: str) -> list[Candidate]:
        kind = kind_of(self.uris, text) if "/" in text else None
        if kind is None:
            return []
        if kind[0] == "record":
            rowids = list(record_rowids(self.index, [kind[1]]).values())
            return [self._record(facts, 100.0) for facts in
                    record_facts(self.index, self.uris, rowids).values()]
        wanted = entity_id(self.uris, text.strip())
        return [self.candidate(n, 100.0) for n in self.named() if n.id == wanted]

    def named(self) -> tuple[Named, ...]:
        return named_entities(self.index, self.uris.base)

    def _named(self, text: str, types: tuple[str, ...]) -> list[Candidate]:
        entities, owners, names = _choices(self.index, self.uris.base, types)
        wanted = fold(text)
        words = WORD.findall(wanted)
        scores: dict[int, float] = {}
        # rapidfuzz's own scorer over every name (``similarity`` called from Python for
        # each would be ten times slower), then the few names holding every word
        for _, score, at in process.extract(wanted, names, scorer=fuzz.token_sort_ratio,
                                            score_cutoff=CLOSE_ENOUGH, limit=None):
            scores[owners[at]] = max(score, scores.get(owners[at], 0.0))
        if words:
            for at in [at for at, name in enumerate(names) if words[0] in name]:
                if (score := similarity(wanted, names[at])) > scores.get(owners[at], 0.0):
                    scores[owners[at]] = score
        return [self.candidate(entities[p], score) for p, score in scores.items()
                if score >= CLOSE_ENOUGH]

    def candidate(self, named: Named, score: float) -> Candidate:
        return Candidate(named.id, named.name(self.language, self.fallback), named.type,
                         round(score, 1), score, records=named.records)

    def _records(self, query: Query) -> list[Candidate]:
        words = WORD.findall(fold(query.text))[:QUERY_WORDS]
        rowids: list[int] = []
        # every word first, which few titles hold and FTS5 finds at once; any word,
        # which many hold and are all ranked, only when none holds them all (a typo)
        for joined in (" AND ", " OR "):
            if words and not rowids:
                rowids = [rowid for (rowid,) in self.index.connection().execute(
                    f"SELECT rowid FROM search WHERE search MATCH ? ORDER BY {RELEVANCE} "
                    "LIMIT ?", ("title : (" + joined.join(f'"{w}"' for w in words) + ")",
                                RECORD_CANDIDATES))]
        wanted, properties = fold(query.text), self._resolved(query.properties)
        return [self._record(facts, similarity(wanted, fold(facts.title)), properties)
                for facts in record_facts(self.index, self.uris, rowids).values()]

    def _resolved(self, properties: tuple[tuple[str, tuple[str, ...]], ...]
                  ) -> tuple[tuple[str, tuple[str, ...] | frozenset[str]], ...]:
        """The properties with each concept named by its URIs, worked out once."""
        return tuple((pid, frozenset(uri for value in values for uri in
                                     self._concepts_named(CONCEPT_PROPERTIES[pid], value))
                      if pid in CONCEPT_PROPERTIES else values) for pid, values in properties)

    def _record(self, facts: RecordFacts, name_score: float, properties: tuple = ()
                ) -> Candidate:
        agreeing = {pid: self._agrees(facts, pid, values) for pid, values in properties}
        score = name_score if not agreeing else \
            NAME_SHARE * name_score + (1 - NAME_SHARE) * 100 * sum(agreeing.values()) / len(agreeing)
        return Candidate(facts.id, facts.title, RECORD, round(score, 1), name_score,
                         describe(facts), agreeing)

    def _agrees(self, facts: RecordFacts, pid: str, values) -> bool:
        if pid == "year":
            return facts.year is not None and str(facts.year) in {v.strip() for v in values}
        if pid == "author":
            return any(self._is_author(facts, value) for value in values)
        return not values.isdisjoint(facts.within)

    def _is_author(self, facts: RecordFacts, value: str) -> bool:
        wanted = fold(value)
        return any(entity_id(self.uris, uri) == entity_id(self.uris, value.strip())
                   or fuzz.token_sort_ratio(wanted, fold(name)) >= AGREES_WITH_AUTHOR
                   for uri, name in facts.authors)

    def _concepts_named(self, scheme: str, value: str) -> list[str]:
        """URIs of the concepts of ``scheme`` that ``value`` names: by identifier, URI,
        code or a label in any language."""
        wanted, short = fold(value), entity_id(self.uris, value.strip())
        return [c.uri for c in self.index.concepts.in_order(scheme)
                if entity_id(self.uris, c.uri) == short or wanted == fold(c.key)
                or wanted in {fold(label) for label in c.labels.values()}]


@lru_cache(maxsize=16)
def _choices(index: SearchIndex, base: str, types: tuple[str, ...]
             ) -> tuple[list[Named], list[int], list[str]]:
    """The agents and concepts of ``types``, and each of their folded names with the
    position of the entity it names."""
    entities = [n for n in named_entities(index, base) if n.type in types]
    owners = [position for position, entity in enumerate(entities) for _ in entity.folded]
    return entities, owners, [name for entity in entities for name in entity.folded]


def similarity(query: str, name: str) -> float:
    """How alike a folded query and a folded name are, 0-100: the same words in any
    order score 100, a query whose words are all in the name (a title cut short) SUBSET
    of that, the rest less. A name whose words are all in a longer query is not close:
    "in" (India's code) is in most titles."""
    held = set(WORD.findall(query)) <= set(WORD.findall(name))
    return max(fuzz.token_sort_ratio(query, name), 100 * SUBSET if held else 0)


def describe(facts: RecordFacts) -> str:
    """A line that tells namesakes apart: the year and the authors."""
    return " · ".join(part for part in (str(facts.year or ""),
                                        "; ".join(name for _, name in facts.authors)) if part)


def _with_match(ranked: list[Candidate]) -> list[Candidate]:
    if not ranked:
        return ranked
    top = ranked[0]
    clear = top.name_score >= MATCH_NAME and all(top.agreeing.values()) and \
        (len(ranked) == 1 or ranked[1].score <= top.score - MATCH_LEAD)
    return [Candidate(**{**top.__dict__, "match": True}), *ranked[1:]] if clear else ranked
