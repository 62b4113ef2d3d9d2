"""Data extension: the year, places, category and authors of matched records, as
columns a client adds to its table."""

from __future__ import annotations

from ...rdf.uris import Uris
from ...search.query import SearchIndex
from .entities import (
    CONCEPT_PROPERTIES,
    RecordFacts,
    entity_id,
    kind_of,
    record_facts,
    record_rowids,
)
from .matching import PROPERTIES


def proposed(type_id: str) -> tuple[str, ...]:
    """The properties data extension fetches for entities of ``type_id``: those of a
    record; an agent's or a concept's are on its page, not in columns."""
    return PROPERTIES if type_id == "Record" else ()


def extend(index: SearchIndex, uris: Uris, ids: list[str], properties: list[str],
           language: str, fallback: str) -> dict[str, dict[str, list[dict]]]:
    """Entity identifier -> property -> its values; no values for what is not a
    published record."""
    identifiers = {i: kind[1] for i in ids
                   if (kind := kind_of(uris, i)) is not None and kind[0] == "record"}
    rowids = record_rowids(index, list(identifiers.values()))
    facts = record_facts(index, uris, list(rowids.values()))
    rows = {}
    for entity in ids:
        rowid = rowids.get(identifiers.get(entity, ""))
        found = facts.get(rowid) if rowid is not None else None
        rows[entity] = {pid: _values(index, uris, found, pid, language, fallback)
                        if found else [] for pid in properties}
    return rows


def _values(index: SearchIndex, uris: Uris, facts: RecordFacts, pid: str, language: str,
            fallback: str) -> list[dict]:
    if pid == "year":
        return [] if facts.year is None else [{"int": facts.year}]
    if pid == "author":
        return [{"id": entity_id(uris, uri), "name": name} for uri, name in facts.authors]
    concepts = (index.concepts.by_uri.get(uri) for uri in facts.concepts)
    return [{"id": entity_id(uris, c.uri), "name": c.label(language, fallback)}
            for c in concepts if c is not None and c.scheme == CONCEPT_PROPERTIES[pid]]
