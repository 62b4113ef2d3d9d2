"""Filling a new store generation: records, vocabularies, tombstones.

A new generation starts as a copy of the published one (a checkpoint of hard
links, so loaded graphs come along for free). Only what changed is written:
the records checked this time replace their earlier triples, withdrawn records
lose theirs, agents no record points to any more are dropped, and the vocabulary
and tombstone graphs are loaded anew. Unchanged records cost nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from pyoxigraph import NamedNode, RdfFormat
from rdflib import Graph, Literal

from .catalogue import Catalogue
from .rdf import ntriples
from .rdf.namespaces import DCTERMS, FOAF, OWL, PROV, XSD
from .registry import Registry
from .store import Generation

DELETE_BATCH = 500


@dataclass
class Changes:
    triples: dict[str, str]
    """N-Triples of each record checked and accepted in this ingest, by identifier."""
    dropped: set[str]
    """Identifiers whose earlier triples leave the store (replaced or withdrawn)."""


def graph_names(catalogue: Catalogue) -> dict[str, str]:
    uris = catalogue.uris
    return {"records": str(uris.graph("records")), "meta": str(uris.graph("meta")),
            "vocab": str(uris.graph("vocab")) + "/"}


def owned_by_ingest(catalogue: Catalogue, graph: str) -> bool:
    """Graphs that ingest rewrites; any other named graph came from `ctlib load`."""
    names = graph_names(catalogue)
    return graph in (names["records"], names["meta"]) or graph.startswith(names["vocab"])


def write_generation(catalogue: Catalogue, generation: Generation, registry: Registry,
                     changes: Changes) -> None:
    store = pyoxigraph.Store(str(generation.store_path))
    records = NamedNode(graph_names(catalogue)["records"])
    _drop_records(catalogue, store, records, changes.dropped)
    records_file = generation.path / "records.nt"
    _write_records(catalogue, registry, changes.triples, records_file)
    store.bulk_load(path=str(records_file), format=RdfFormat.N_TRIPLES, to_graph=records)
    records_file.unlink()
    _drop_orphan_agents(store, records)
    _replace_vocabularies(catalogue, store)
    meta = NamedNode(graph_names(catalogue)["meta"])
    store.clear_graph(meta)
    store.bulk_load(input=_tombstones(catalogue, registry).serialize(format="nt"),
                    format=RdfFormat.N_TRIPLES, to_graph=meta)
    store.flush()
    del store
    registry.write(generation.registry_path)


def _drop_records(catalogue: Catalogue, store, records: NamedNode, dropped: set[str]) -> None:
    """Delete the triples whose subject is one of the ``dropped`` records."""
    uris = sorted(ntriples.term(catalogue.uris.record(i)) for i in dropped)
    for start in range(0, len(uris), DELETE_BATCH):
        values = " ".join(uris[start:start + DELETE_BATCH])
        store.update(f"DELETE {{ GRAPH {records} {{ ?s ?p ?o }} }} "
                     f"WHERE {{ VALUES ?s {{ {values} }} GRAPH {records} {{ ?s ?p ?o }} }}")


def _drop_orphan_agents(store, records: NamedNode) -> None:
    store.update(f"""
        DELETE {{ GRAPH {records} {{ ?agent ?p ?o }} }}
        WHERE {{ GRAPH {records} {{
            ?agent a <{FOAF.Agent}> ; ?p ?o .
            FILTER NOT EXISTS {{ ?record <{DCTERMS.creator}> ?agent }} }} }}""")


def _replace_vocabularies(catalogue: Catalogue, store) -> None:
    prefix = graph_names(catalogue)["vocab"]
    for graph in list(store.named_graphs()):
        if isinstance(graph, NamedNode) and graph.value.startswith(prefix):
            store.remove_graph(graph)
    for path, data in catalogue.vocab_files.items():
        store.bulk_load(input=data, format=RdfFormat.TURTLE, base_iri=catalogue.uris.base,
                        to_graph=NamedNode(prefix + Path(path).stem))


def _write_records(catalogue: Catalogue, registry: Registry, triples: dict[str, str],
                   path: Path) -> None:
    """The checked records' triples, each with its modification time."""
    modified_predicate = ntriples.term(DCTERMS.modified)
    with open(path, "w", encoding="utf-8") as out:
        for identifier, nt in triples.items():
            out.write(nt)
            modified = Literal(registry.entries[identifier].modified, datatype=XSD.dateTime)
            out.write(f"{ntriples.term(catalogue.uris.record(identifier))} "
                      f"{modified_predicate} {ntriples.term(modified)} .\n")


def _tombstones(catalogue: Catalogue, registry: Registry) -> Graph:
    graph = Graph()
    for entry in registry.withdrawn():
        uri = catalogue.uris.record(entry.id)
        graph.add((uri, OWL.deprecated, Literal(True)))
        graph.add((uri, DCTERMS.identifier, Literal(entry.id)))
        graph.add((uri, PROV.invalidatedAtTime, Literal(entry.withdrawn, datatype=XSD.dateTime)))
        if entry.title:
            graph.add((uri, DCTERMS.title, Literal(entry.title, lang=catalogue.config.language)))
    return graph
