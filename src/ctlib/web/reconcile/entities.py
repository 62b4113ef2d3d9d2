"""What the reconciliation service matches against: the catalogue's records, agents and
concepts, with their identifiers, types and names, read from the search index.

An entity's identifier is its URI without the base (``id/record/x``, ``id/agent/y``,
``def/countries/ci``): the manifest's identifierSpace is the base, so base + identifier
is the entity's URI, and the view URL is the base followed by the identifier. A client
may send either the short identifier or the whole URI.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from ...rdf.uris import Uris, fold
from ...search.query import SearchIndex, authors_by_name, concept_counts

RECORD, AGENT = "Record", "Agent"
CONCEPT_TYPES = {"Region": "regions", "Country": "countries", "Category": "categories"}
"""Type identifier -> the concept scheme whose concepts are of that type."""
CONCEPT_PROPERTIES = {"country": "countries", "region": "regions", "category": "categories"}
"""A record's property -> the scheme of the concepts it names."""
TYPES = (RECORD, AGENT, *CONCEPT_TYPES)
"""Every type, in the manifest's order: its identifier is also its name in English."""


@dataclass(frozen=True)
class Named:
    """An agent or a concept, as matching and suggesting read it."""

    id: str
    type: str
    names: tuple[str, ...]
    """Its name; a concept's labels in every language, and its code."""
    folded: tuple[str, ...]
    records: int
    """How many records it names, or names a concept under it: ranks namesakes."""
    concept: object = None
    """The concept (search.query.IndexedConcept), for its label in a language."""

    def name(self, language: str, fallback: str) -> str:
        return self.concept.label(language, fallback) if self.concept else self.names[0]


def entity_id(uris: Uris, uri: str) -> str:
    return uri[len(uris.base):] if uri.startswith(uris.base) else uri


def kind_of(uris: Uris, identifier: str) -> tuple[str, ...] | None:
    """``("record", x)``, ``("agent", y)`` or ``("concept", scheme, key)`` for an
    identifier (short or a whole URI); None when it names nothing of ours."""
    parts = entity_id(uris, identifier.strip()).split("/")
    if len(parts) == 3 and parts[0] == "id" and parts[1] in ("record", "agent") and parts[2]:
        return parts[1], unquote(parts[2])
    if len(parts) == 3 and parts[0] == "def" and parts[1] in CONCEPT_TYPES.values() and parts[2]:
        return "concept", parts[1], unquote(parts[2])
    return None


@lru_cache(maxsize=2)  # the published generation's, and the one before a switch
def named_entities(index: SearchIndex, base: str) -> tuple[Named, ...]:
    """Every concept and every agent with a record, once per generation's index."""
    uris = Uris(base)
    counts = concept_counts(index)
    scheme_types = {scheme: kind for kind, scheme in CONCEPT_TYPES.items()}
    concepts = [Named(entity_id(uris, c.uri), scheme_types[c.scheme],
                      (*dict.fromkeys(c.labels.values()), c.key),
                      tuple(dict.fromkeys(fold(n) for n in (*c.labels.values(), c.key))),
                      counts[c.uri].records if c.uri in counts else 0, c)
                for c in index.concepts.by_uri.values() if c.scheme in scheme_types]
    agents = [Named(entity_id(uris, str(uris.agent(key))), AGENT, (name,), (fold(name),),
                    records)
              for key, name, records in authors_by_name(index)]
    return tuple(concepts + agents)


@dataclass(frozen=True)
class RecordFacts:
    """What matching, previews and data extension say of a record."""

    id: str
    """The entity identifier (``id/record/x``)."""
    identifier: str
    """The record's own identifier (``x``)."""
    title: str
    language: str | None
    year: int | None
    concepts: tuple[str, ...]
    """URIs of the concepts it names, in the order of the index."""
    within: frozenset[str]
    """Those and every concept above them: a record about Côte d'Ivoire is in
    Western Africa."""
    authors: tuple[tuple[str, str], ...]
    """(agent URI, name)"""


def record_facts(index: SearchIndex, uris: Uris, rowids: list[int]) -> dict[int, RecordFacts]:
    """rowid -> its facts, for the records of ``rowids`` that exist."""
    if not rowids:
        return {}
    connection, marks = index.connection(), ", ".join("?" * len(rowids))
    concepts: dict[int, list[tuple[str, int]]] = {}
    for record, concept, direct in connection.execute(
            f"SELECT record, concept, direct FROM record_concepts WHERE record IN ({marks}) "
            "ORDER BY record, concept", rowids):
        if concept in index.concepts.by_id:
            concepts.setdefault(record, []).append((index.concepts.by_id[concept].uri, direct))
    authors: dict[int, list[tuple[str, str]]] = {}
    for record, uri, name in connection.execute(
            "SELECT record, uri, name FROM record_authors JOIN authors ON id = author "
            f"WHERE record IN ({marks}) ORDER BY record, author", rowids):
        authors.setdefault(record, []).append((uri, name))
    return {rowid: RecordFacts(
                entity_id(uris, str(uris.record(identifier))), identifier, title, language,
                year, tuple(uri for uri, direct in concepts.get(rowid, ()) if direct),
                frozenset(uri for uri, _ in concepts.get(rowid, ())),
                tuple(authors.get(rowid, ())))
            for rowid, identifier, title, language, year in connection.execute(
                f"SELECT rowid, id, title, language, year FROM records WHERE rowid IN ({marks})",
                rowids)}


def record_rowids(index: SearchIndex, identifiers: list[str]) -> dict[str, int]:
    """The record's own identifier -> its rowid, for those that are published."""
    if not identifiers:
        return {}
    return dict(index.connection().execute(
        f"SELECT id, rowid FROM records WHERE id IN ({', '.join('?' * len(identifiers))})",
        identifiers))
