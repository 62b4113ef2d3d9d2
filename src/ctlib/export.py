"""Writing the whole catalogue, or raw RDF into it (``ctlib load``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import pyoxigraph
from pyoxigraph import NamedNode

from .catalogue import Catalogue, CatalogueError
from .dataset import facts, statistics
from .formats import BY_NAME, for_path
from .history import patches
from .publish import owned_by_ingest, publish_statistics
from .rdf.namespaces import PREFIXES
from .store import Source, generations


def export(catalogue: Catalogue, format_name: str, output: BinaryIO) -> None:
    """Every published quad (N-Quads, TriG), or the union of all graphs (other formats)."""
    fmt = BY_NAME[format_name]
    store = Source(catalogue.config).open().store
    if fmt.dataset:
        store.dump(output, fmt.rdf_format, prefixes=PREFIXES)
        return
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                          use_default_graph_as_union=True)
    pyoxigraph.serialize(triples, output, fmt.rdf_format, prefixes=PREFIXES)


def load(catalogue: Catalogue, files: list[Path], graph: str) -> int:
    """Add RDF files to a named graph in a new generation; returns the quads in that graph.

    Graphs written by ingest cannot be loaded into: the next ingest would drop them.
    """
    if owned_by_ingest(catalogue, graph):
        raise CatalogueError(f"<{graph}> is written by ingest; load into another graph")
    formats = [(path, _format(path)) for path in files]
    store_dir = generations(catalogue.config)
    previous = store_dir.current()
    with store_dir.new_generation(copy_current=True) as generation:
        store = pyoxigraph.Store(str(generation.store_path))
        for path, fmt in formats:
            try:
                store.bulk_load(path=str(path), format=fmt.rdf_format,
                                base_iri=catalogue.uris.base, to_graph=NamedNode(graph))
            except (SyntaxError, ValueError, OSError) as error:
                raise CatalogueError(f"{path}: cannot load: {error}") from error
        count = sum(1 for _ in store.quads_for_pattern(None, None, None, NamedNode(graph)))
        statistics.clear(store, catalogue.uris)
        store.flush()
        published = facts.now()
        facts.publish(store, catalogue.uris, generation.path, None, True, published)
        patches.write(catalogue.config.data_dir, generation, previous, published)
        if previous is not None:  # loaded graphs change neither the records nor their index
            for path in (previous.registry_path, previous.search_path):
                if path.exists():  # not after loads alone, into a never ingested directory
                    os.link(path, generation.path / path.name)
        # Their classes and properties are counted, and the editor's to complete.
        publish_statistics(catalogue, store, generation)
        del store
    return count


def _format(path: Path):
    if not Path(path).is_file():
        raise CatalogueError(f"{path}: no such file")
    try:
        return for_path(path)
    except ValueError as error:
        raise CatalogueError(str(error)) from None
