"""Counts that describe the published catalogue."""

from __future__ import annotations

from .catalogue import Catalogue
from .rdf.namespaces import PREFIXES as NAMESPACES
from .registry import Registry
from .store import Source

PREFIXES = " ".join(f"PREFIX {name}: <{iri}>" for name, iri in NAMESPACES.items())


def stats(catalogue: Catalogue) -> dict:
    """Counts of one generation: the link to it is read once, so a switch cannot mix two."""
    opened = Source(catalogue.config).open()
    generation, store = opened.generation, opened.store
    return {
        "generation": generation.id,
        "last_ingest": Registry.read_info(generation.registry_path).get("ingested"),
        "records": _count(store, "?r a dcterms:BibliographicResource"),
        "withdrawn": _count(store, "?r owl:deprecated true"),
        "agents": _count(store, "?a a foaf:Agent"),
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
