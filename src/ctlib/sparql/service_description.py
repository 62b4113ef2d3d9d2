"""The SPARQL 1.1 Service Description of /sparql: what the endpoint is, speaks and
serves, the graphs of its default dataset, and where the VoID description is."""

from __future__ import annotations

import pyoxigraph as ox

from ..dataset.void import Site
from ..formats import DESCRIPTION_FORMATS, RESULT_FORMATS
from ..rdf.namespaces import DCTERMS, RDF, RDFS, VOID
from ..rdf.uris import Uris

SD = "http://www.w3.org/ns/sparql-service-description#"
W3C_FORMATS = "http://www.w3.org/ns/formats/"
FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML",
               "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV", "ttl": "Turtle",
               "nt": "N-Triples", "rdf": "RDF_XML", "jsonld": "JSON-LD"}
"""The W3C's IRIs for the formats we serve (http://www.w3.org/ns/formats/)."""


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def service_description(uris: Uris, title: str, store) -> list[ox.Triple]:
    """The description of the endpoint at ``{base}sparql`` over ``store``'s graphs."""
    service = _n(uris.base + "sparql")
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")
    a = _n(RDF.type)
    triples = [
        ox.Triple(service, a, _n(SD + "Service")),
        ox.Triple(service, _n(SD + "endpoint"), service),
        ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Triple(service, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
        ox.Triple(service, _n(DCTERMS.title), ox.Literal(f"{title}: SPARQL endpoint",
                                                         language="en")),
        ox.Triple(service, _n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, a, _n(SD + "Dataset")),
        ox.Triple(dataset, _n(RDFS.seeAlso), _n(uris.base + Site.VOID)),
        ox.Triple(dataset, _n(VOID.inDataset), _n(uris.dataset)),
        ox.Triple(dataset, _n(SD + "defaultGraph"), default_graph),
        ox.Triple(default_graph, a, _n(SD + "Graph")),
        ox.Triple(default_graph, _n(RDFS.comment), ox.Literal(
            "The union of all named graphs: every published record, agent and concept.",
            language="en")),
    ]
    for fmt in (*RESULT_FORMATS, *DESCRIPTION_FORMATS):
        if fmt.name in FORMAT_IRIS:
            triples.append(ox.Triple(service, _n(SD + "resultFormat"),
                                     _n(W3C_FORMATS + FORMAT_IRIS[fmt.name])))
    for graph in _named_graphs(store):
        node = ox.BlankNode()
        triples += [ox.Triple(dataset, _n(SD + "namedGraph"), node),
                    ox.Triple(node, a, _n(SD + "NamedGraph")),
                    ox.Triple(node, _n(SD + "name"), graph)]
    return triples


def _named_graphs(store) -> list[ox.NamedNode]:
    return sorted((g for g in store.named_graphs()
                   if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
