"""Counts that describe the published catalogue."""

from __future__ import annotations

from .catalogue import Catalogue
from .registry import Registry
from .store import EmbeddedStore

PREFIXES = ("PREFIX dcterms: <http://purl.org/dc/terms/> "
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ")


def stats(catalogue: Catalogue) -> dict:
    embedded = EmbeddedStore(catalogue.config.data_dir)
    store = embedded.open()
    generation = embedded.current()
    registry = Registry.read(generation.registry_path)
    return {
        "generation": generation.id,
        "last_ingest": registry.info.get("ingested"),
        "records": _count(store, "?r a dcterms:BibliographicResource"),
        "withdrawn": sum(1 for _ in registry.withdrawn()),
        "agents": _count(store, "?a a <http://xmlns.com/foaf/0.1/Agent>"),
        "triples": _count(store, "?s ?p ?o"),
        "graphs": sum(1 for _ in store.named_graphs()),
        "concepts": _concepts_per_scheme(store),
    }


def _count(store, pattern: str) -> int:
    query = f"{PREFIXES} SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT * WHERE {{ {pattern} }} }}"
    solution = next(iter(store.query(query, use_default_graph_as_union=True)))
    return int(solution["n"].value)


def _concepts_per_scheme(store) -> dict[str, int]:
    query = (f"{PREFIXES} SELECT ?scheme (COUNT(DISTINCT ?c) AS ?n) "
             "WHERE { ?c a skos:Concept ; skos:inScheme ?scheme } GROUP BY ?scheme ORDER BY ?scheme")
    return {s["scheme"].value: int(s["n"].value)
            for s in store.query(query, use_default_graph_as_union=True)}
