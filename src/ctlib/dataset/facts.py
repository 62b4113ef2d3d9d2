"""What the VoID and DCAT descriptions say of the dataset that takes queries to know:
counts, written once per generation at ingest, beside the dumps (``dataset.json``).

The descriptions themselves are built from these facts by the web layer, with the
server's settings (title, licence, publisher), once per generation. They are not
loaded into the store: they state the dumps' sizes and checksums, which cannot be
part of the data they are the checksum of, and the SPARQL default graph stays
exactly the dataset that ``void:triples`` counts.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from .. import dumps
from ..rdf.namespaces import DCTERMS, OWL, RDF, SKOS
from ..rdf.uris import Uris

FILE = "dataset.json"
EXAMPLES = 3
LINK_PREDICATES = (str(SKOS.exactMatch), str(SKOS.closeMatch), str(OWL.sameAs))
"""Links to outside datasets that VoID linksets are counted for."""
SUBSET_SCHEME = "categories"
"""The subsets of the dataset: the records of each concept of this scheme."""


@dataclass(frozen=True)
class Linkset:
    predicate: str
    target_space: str
    """The outside dataset's URI space: its IRIs up to the last '/' or '#'."""
    triples: int


@dataclass
class DatasetFacts:
    modified: str
    """When the data last changed (ISO 8601): the ingest that wrote these facts."""
    triples: int
    entities: int
    """Resources in the URI space (``id/``): records, withdrawn records, agents."""
    classes: dict[str, int]
    """Class IRI -> distinct instances."""
    subsets: dict[str, int]
    """Concept IRI (SUBSET_SCHEME) -> records about it or a narrower concept."""
    linksets: list[Linkset]
    examples: list[str] = field(default_factory=list)

    @property
    def modified_at(self) -> datetime:
        return datetime.fromisoformat(self.modified)

    def write(self, generation_path: Path) -> None:
        path = Path(generation_path) / FILE
        path.unlink(missing_ok=True)  # it may be a hard link to an earlier generation's
        path.write_text(json.dumps(asdict(self), indent=1, sort_keys=True))

    @classmethod
    def read(cls, generation_path: Path) -> DatasetFacts | None:
        try:
            data = json.loads((Path(generation_path) / FILE).read_text())
        except FileNotFoundError:
            return None
        data["linksets"] = [Linkset(**linkset) for linkset in data["linksets"]]
        return cls(**data)


def publish(store: ox.Store, uris: Uris, generation_path: Path, previous_path: Path | None,
            changed: bool, modified: str, written: dumps.GraphText | None = None) -> None:
    """The dumps and facts of a new generation: those of the previous one, hard-linked,
    when nothing in the store changed; written anew otherwise (``written``: a graph
    whose text is on disk already, see dumps.write_dumps)."""
    if not changed and previous_path is not None and _link_previous(previous_path,
                                                                   generation_path):
        return
    triples = dumps.write_dumps(store, generation_path, written)
    count(store, uris, triples, modified).write(generation_path)


def now() -> str:
    """The time to state as ``modified`` (ISO 8601, seconds, UTC), as ingest writes it."""
    return instant(datetime.now(UTC))


def instant(moment: datetime) -> str:
    """A UTC time as every description states it: ISO 8601, to the second, ``...Z``."""
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _link_previous(previous_path: Path, generation_path: Path) -> bool:
    facts = Path(previous_path) / FILE
    if not facts.is_file() or not dumps.link_previous(previous_path, generation_path):
        return False
    os.link(facts, Path(generation_path) / FILE)
    return True


def count(store: ox.Store, uris: Uris, triples: int, modified: str) -> DatasetFacts:
    return DatasetFacts(
        modified=modified, triples=triples, entities=_entities(store, uris),
        classes=_pairs(store, CLASSES), subsets=_pairs(store, SUBSETS % uris.scheme(
            SUBSET_SCHEME)),
        linksets=_linksets(store), examples=_examples(store))


CLASSES = f"SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{RDF.type}> ?key }} GROUP BY ?key"

SUBSETS = f"""
SELECT ?key (COUNT(DISTINCT ?record) AS ?n) WHERE {{
  ?key <{SKOS.inScheme}> <%s> .
  OPTIONAL {{ ?narrower <{SKOS.broader}>* ?key . ?record <{DCTERMS.subject}> ?narrower }}
}} GROUP BY ?key"""

ENTITIES = f"""
SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  {{ ?s <{RDF.type}> ?class }} UNION {{ ?s <{OWL.deprecated}> true }}
  FILTER(STRSTARTS(STR(?s), "%s"))
}}"""
"""Every resource in the URI space is typed (records, agents) or a tombstone: this
reads the type index, not every triple."""


def _entities(store: ox.Store, uris: Uris) -> int:
    rows = store.query(ENTITIES % (uris.base + "id/"), use_default_graph_as_union=True)
    return int(next(iter(rows))["n"].value)


def _pairs(store: ox.Store, query: str) -> dict[str, int]:
    rows = store.query(query, use_default_graph_as_union=True)
    return {row["key"].value: int(row["n"].value) for row in rows
            if isinstance(row["key"], ox.NamedNode)}


def _linksets(store: ox.Store) -> list[Linkset]:
    counts: dict[tuple[str, str], int] = {}
    for predicate in LINK_PREDICATES:
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
            if isinstance(quad.object, ox.NamedNode):
                key = (predicate, uri_space(quad.object.value))
                counts[key] = counts.get(key, 0) + 1
    return [Linkset(predicate, space, n) for (predicate, space), n in sorted(counts.items())]


def uri_space(iri: str) -> str:
    """``http://www.wikidata.org/entity/Q114`` -> ``http://www.wikidata.org/entity/``."""
    cut = max(iri.rfind("/"), iri.rfind("#"))
    return iri[:cut + 1]


def _examples(store: ox.Store) -> list[str]:
    rows = store.query(f"SELECT ?r WHERE {{ ?r a <{DCTERMS.BibliographicResource}> }} "
                       f"LIMIT {EXAMPLES}", use_default_graph_as_union=True)
    return sorted(row["r"].value for row in rows)
