"""The statistics graph (``{base}graph/statistics``): the counts a researcher would
otherwise ask the whole store for, published as triples beside the data.

    <dataset> void:classPartition <#class-dcterms-BibliographicResource> .
    <#class-dcterms-BibliographicResource> void:class dcterms:BibliographicResource ;
        void:entities 100000 .
    <dataset> void:propertyPartition <#property-dcterms-title> .
    <#property-dcterms-title> void:property dcterms:title ; void:triples 100000 .
    <concept> stats:records 512 ; stats:directRecords 498 .
    <agent> stats:records 12 .
    <dataset> void:subset <#year-2019> .
    <#year-2019> stats:year "2019"^^xsd:gYear ; void:entities 4000 .

``<dataset>`` is the dataset as VoID names it; ``#...`` are under the graph's URI, which
is also the namespace of our two terms (``stats:``). The partitions describe the
dataset as the SPARQL default graph shows it, less this graph. None of these triples
types a node or reuses a predicate of the data (``dcterms:subject``, ``dcterms:issued``),
so no query about the data matches them by accident.

Counted once per published generation, when the store changed, from what is counted
already: the classes from the dataset facts (/void's class partitions), the triples per
property by the one aggregate the SPARQL editor's completions need too, the records per
concept, year and agent from the finished search index. The graph is not in the dumps: like
the VoID description, it is about the data, and it is written after them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..rdf.namespaces import VOID, XSD
from ..rdf.uris import Uris
from .void import fragment

PROPERTIES = "SELECT ?key (COUNT(*) AS ?n) WHERE { ?s ?key ?o } GROUP BY ?key"
CONCEPTS = """SELECT c.uri, COUNT(rc.record), COALESCE(SUM(rc.direct), 0) FROM concepts c
              LEFT JOIN record_concepts rc ON rc.concept = c.id GROUP BY c.id"""
YEARS = "SELECT year, COUNT(*) FROM records WHERE year IS NOT NULL GROUP BY year"
AGENTS = """SELECT a.uri, COUNT(ra.record) FROM authors a
            LEFT JOIN record_authors ra ON ra.author = a.id GROUP BY a.id"""


@dataclass(frozen=True)
class ConceptCount:
    records: int
    """Records about the concept or a narrower one (as the search facets count)."""
    direct: int
    """Records that name the concept itself."""


@dataclass(frozen=True)
class Statistics:
    classes: dict[str, int]
    """Class IRI -> distinct instances."""
    properties: dict[str, int]
    """Property IRI -> triples."""
    concepts: dict[str, ConceptCount]
    years: dict[int, int]
    """Year -> records issued that year."""
    agents: dict[str, int]
    """Agent IRI -> records it is a creator of."""


def graph(uris: Uris) -> ox.NamedNode:
    return ox.NamedNode(str(uris.graph("statistics")))


def count(store: ox.Store, search_path: Path, classes: dict[str, int]) -> Statistics:
    """The statistics of a store whose statistics graph was cleared (``clear``)."""
    properties = {row["key"].value: int(row["n"].value)
                  for row in store.query(PROPERTIES, use_default_graph_as_union=True)
                  if isinstance(row["key"], ox.NamedNode)}
    return Statistics(dict(classes), properties, *indexed_counts(Path(search_path)))


def indexed_counts(search_path: Path) -> tuple[dict[str, ConceptCount], dict[int, int],
                                         dict[str, int]]:
    """Records per concept, year and agent (none for a catalogue without a search index)."""
    if not search_path.exists():
        return {}, {}, {}
    connection = sqlite3.connect(f"file:{search_path}?mode=ro", uri=True)
    try:
        concepts = {uri: ConceptCount(records, direct)
                    for uri, records, direct in connection.execute(CONCEPTS)}
        years = dict(connection.execute(YEARS).fetchall())
        agents = dict(connection.execute(AGENTS).fetchall())
    finally:
        connection.close()
    return concepts, years, agents


def clear(store: ox.Store, uris: Uris) -> None:
    """Before the store is counted or dumped: the counts are not part of the data."""
    store.remove_graph(graph(uris))


def write(store: ox.Store, uris: Uris, statistics: Statistics) -> None:
    store.bulk_load(input="".join(ntriples_lines(uris, statistics)),
                    format=ox.RdfFormat.N_TRIPLES, to_graph=graph(uris))


def namespace(uris: Uris) -> str:
    """Of the graph's nodes and of our terms (``stats:records``)."""
    return str(uris.graph("statistics")) + "#"  # examples.prefixes names it stats:


def ntriples_lines(uris: Uris, statistics: Statistics):
    here = namespace(uris)
    dataset = f"<{uris.dataset}>"
    for kind, link, term, measure, counts in (
            ("class", VOID.classPartition, VOID["class"], VOID.entities, statistics.classes),
            ("property", VOID.propertyPartition, VOID.property, VOID.triples,
             statistics.properties)):
        for iri, n in sorted(counts.items()):
            yield from _partition(dataset, link, f"<{here}{kind}-{fragment(iri)}>",
                                  term, f"<{iri}>", measure, n)
    for iri, concept in sorted(statistics.concepts.items()):
        yield f"<{iri}> <{here}records> {_integer(concept.records)} .\n"
        yield f"<{iri}> <{here}directRecords> {_integer(concept.direct)} .\n"
    for year, n in sorted(statistics.years.items()):
        yield from _partition(dataset, VOID.subset, f"<{here}year-{year}>", f"{here}year",
                              f'"{year:04d}"^^<{XSD.gYear}>', VOID.entities, n)
    for iri, n in sorted(statistics.agents.items()):
        yield f"<{iri}> <{here}records> {_integer(n)} .\n"


def _partition(dataset: str, link: str, node: str, term: str, value: str, measure: str,
               n: int):
    """A part of the dataset: ``node``, whose ``term`` is ``value``, holds ``n``."""
    yield f"{dataset} <{link}> {node} .\n"
    yield f"{node} <{term}> {value} .\n"
    yield f"{node} <{measure}> {_integer(n)} .\n"


def _integer(n: int) -> str:
    return f'"{n}"^^<{XSD.integer}>'
