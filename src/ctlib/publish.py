"""Filling a new store generation: records, vocabularies, tombstones, loaded graphs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
from pyoxigraph import NamedNode, RdfFormat
from rdflib import Graph, Literal

from .catalogue import Catalogue
from .rdf import ntriples
from .rdf.namespaces import DCTERMS, OWL, PROV, XSD
from .registry import Registry
from .store import Generation


def graph_names(catalogue: Catalogue) -> dict[str, str]:
    uris = catalogue.uris
    return {"records": str(uris.graph("records")), "meta": str(uris.graph("meta")),
            "vocab": str(uris.graph("vocab")) + "/"}


def owned_by_ingest(catalogue: Catalogue, graph: str) -> bool:
    """Graphs that ingest rewrites; any other named graph came from `ctlib load`."""
    names = graph_names(catalogue)
    return graph in (names["records"], names["meta"]) or graph.startswith(names["vocab"])


def write_generation(catalogue: Catalogue, generation: Generation, registry: Registry,
                     previous: Generation | None) -> None:
    store = pyoxigraph.Store(str(generation.store_path))
    names = graph_names(catalogue)
    records_file = generation.path / "records.nt"
    _write_records(catalogue, registry, records_file)
    store.bulk_load(path=str(records_file), format=RdfFormat.N_TRIPLES,
                    to_graph=NamedNode(names["records"]))
    records_file.unlink()
    for path in catalogue.vocab_files():
        store.bulk_load(path=str(path), format=RdfFormat.TURTLE, base_iri=catalogue.uris.base,
                        to_graph=NamedNode(names["vocab"] + path.stem))
    store.bulk_load(input=_tombstones(catalogue, registry).serialize(format="nt"),
                    format=RdfFormat.N_TRIPLES, to_graph=NamedNode(names["meta"]))
    if previous is not None:
        _copy_loaded_graphs(catalogue, previous.store_path, store)
    store.flush()
    del store
    registry.write(generation.registry_path)


def _write_records(catalogue: Catalogue, registry: Registry, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for entry in registry.published():
            out.write(entry.nt)
            modified = Literal(entry.modified, datatype=XSD.dateTime)
            out.write(f"{ntriples.term(catalogue.uris.record(entry.id))} "
                      f"{ntriples.term(DCTERMS.modified)} {ntriples.term(modified)} .\n")


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


def _copy_loaded_graphs(catalogue: Catalogue, previous: Path, store: pyoxigraph.Store) -> None:
    old = pyoxigraph.Store.read_only(str(previous))
    for graph in old.named_graphs():
        if isinstance(graph, NamedNode) and not owned_by_ingest(catalogue, graph.value):
            store.bulk_load(input=old.dump(format=RdfFormat.N_TRIPLES, from_graph=graph),
                            format=RdfFormat.N_TRIPLES, to_graph=graph)
