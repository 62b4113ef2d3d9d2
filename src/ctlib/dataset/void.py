"""The VoID description of the published dataset (/.well-known/void).

Built from the counts ingest wrote (``DatasetFacts``), the dump files and the server's
settings. Every node has a hash IRI, never a blank node: the same inputs always give
the same bytes, so every web worker sends the same ETag.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef

from ..dumps import Written
from ..rdf.namespaces import (
    DCMITYPE,
    DCTERMS,
    FOAF,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SKOS,
    VOID,
    XSD,
)
from .facts import DatasetFacts

VOCABULARIES = (DCTERMS, DCMITYPE, FOAF, SKOS, OWL, PROV)
"""The vocabularies the records and concepts are written in."""
W3C_FORMATS = "http://www.w3.org/ns/formats/"
DUMP_FEATURES = {"nt": "N-Triples", "nq": "N-Quads"}
KNOWN_TARGETS = {
    "http://publications.europa.eu/resource/authority/country/": (
        "eu-countries", "Countries and territories (EU Publications Office)",
        "http://publications.europa.eu/resource/authority/country"),
    "http://www.wikidata.org/entity/": ("wikidata", "Wikidata", "https://www.wikidata.org/"),
}
"""The outside datasets our concepts link to: fragment, name and home page."""


@dataclass(frozen=True)
class Site:
    """Where the service's documents are and what its settings say of the dataset."""

    base: str
    dataset: str
    title: str
    licence: str
    publisher: str
    language: str

    VOID = ".well-known/void"
    CATALOG = "catalog"
    DUMPS = "dump/"
    SPARQL = "sparql"
    RECORDS = "doc/record/"
    PATCHES = "dump/changes/"
    RDF_PATCH = "https://afs.github.io/rdf-patch/"

    def url(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    @property
    def void(self) -> URIRef:
        return self.url(self.VOID)

    @property
    def publisher_node(self) -> URIRef:
        return URIRef(f"{self.void}#publisher")

    def description(self) -> Literal:
        return Literal(f"The catalogue of the {self.title}: reports, handbooks, guidance notes "
                       "and project descriptions about human trafficking, described with Dublin "
                       "Core terms, with places and topics from SKOS concept schemes.", lang="en")


@dataclass(frozen=True)
class DescribedDataset:
    """Everything the VoID and DCAT descriptions are made from."""

    site: Site
    facts: DatasetFacts
    dumps: list[Written]
    labels: dict[str, str]
    """The label of each concept of the subsets."""
    patches: list = field(default_factory=list)
    """The RDF Patches between the published generations (history.patches.PatchFile),
    oldest first."""


def void_graph(described: DescribedDataset) -> Graph:
    site, facts = described.site, described.facts
    graph = Graph()
    dataset = URIRef(site.dataset)
    graph.add((site.void, RDF.type, VOID.DatasetDescription))
    graph.add((site.void, DCTERMS.title, Literal(f"{site.title}: VoID description", lang="en")))
    graph.add((site.void, FOAF.primaryTopic, dataset))
    _dataset(graph, site, dataset, facts, described.dumps, described.patches)
    publisher(graph, site)
    _class_partitions(graph, site, dataset, facts)
    _subsets(graph, site, dataset, facts, described.labels)
    _linksets(graph, site, dataset, facts)
    return graph


def target_name(space: str) -> str:
    """What a linkset's outside dataset is called: its name if known, else its URI space."""
    return KNOWN_TARGETS[space][1] if space in KNOWN_TARGETS else space


def _dataset(graph: Graph, site: Site, dataset: URIRef, facts: DatasetFacts,
             dumps: list[Written], patches: list) -> None:
    graph.add((dataset, RDF.type, VOID.Dataset))
    for predicate, value in (
            (DCTERMS.title, Literal(site.title, lang="en")),
            (DCTERMS.description, site.description()),
            (DCTERMS.license, URIRef(site.licence)),
            (DCTERMS.publisher, site.publisher_node),
            (DCTERMS.modified, date_time(facts.modified)),
            (FOAF.homepage, URIRef(site.base)),
            (VOID.sparqlEndpoint, site.url(site.SPARQL)),
            (VOID.uriSpace, Literal(site.base + "id/")),
            (VOID.rootResource, site.url(site.RECORDS)),
            (VOID.triples, Literal(facts.triples)),
            (VOID.entities, Literal(facts.entities)),
            (VOID.classes, Literal(len(facts.classes)))):
        graph.add((dataset, predicate, value))
    for dump in dumps:
        graph.add((dataset, VOID.dataDump, site.url(site.DUMPS + dump.dump.name)))
        graph.add((dataset, VOID.feature, URIRef(W3C_FORMATS + DUMP_FEATURES[dump.dump.format.name])))
    for patch in patches:
        _patch(graph, site, dataset, patch)
    for vocabulary in VOCABULARIES:
        graph.add((dataset, VOID.vocabulary, URIRef(str(vocabulary))))
    for example in facts.examples:
        graph.add((dataset, VOID.exampleResource, URIRef(example)))


def _patch(graph: Graph, site: Site, dataset: URIRef, patch) -> None:
    """A patch is no dump (VoID has no term for changes): the dataset points to it as
    to something more about it, which says what it is."""
    url = site.url(site.PATCHES + patch.name)
    graph.add((dataset, RDFS.seeAlso, url))
    graph.add((url, DCTERMS.conformsTo, URIRef(site.RDF_PATCH)))
    graph.add((url, DCTERMS.issued, date_time(patch.published)))
    graph.add((url, DCTERMS.title, Literal(f"The changes of version {patch.generation} from "
                                           f"version {patch.previous} (RDF Patch, gzip)",
                                           lang="en")))


def date_time(iso: str) -> Literal:
    """As written (``...Z``): rdflib would rewrite the zone as +00:00."""
    return Literal(iso, datatype=XSD.dateTime, normalize=False)


def publisher(graph: Graph, site: Site) -> None:
    node = site.publisher_node
    graph.add((node, RDF.type, FOAF.Organization))
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, FOAF.name, Literal(site.publisher)))
    graph.add((node, FOAF.homepage, URIRef(site.base)))


def _class_partitions(graph: Graph, site: Site, dataset: URIRef, facts: DatasetFacts) -> None:
    for cls, entities in sorted(facts.classes.items()):
        node = URIRef(f"{site.void}#class-{fragment(cls)}")
        graph.add((dataset, VOID.classPartition, node))
        graph.add((node, VOID["class"], URIRef(cls)))
        graph.add((node, VOID.entities, Literal(entities)))


def _subsets(graph: Graph, site: Site, dataset: URIRef, facts: DatasetFacts,
             labels: dict[str, str]) -> None:
    for concept, records in sorted(facts.subsets.items()):
        node = URIRef(f"{site.void}#subset-{fragment(concept, site.base + 'def/')}")
        graph.add((dataset, VOID.subset, node))
        graph.add((node, RDF.type, VOID.Dataset))
        graph.add((node, DCTERMS.subject, URIRef(concept)))
        graph.add((node, VOID.entities, Literal(records)))
        if concept in labels:
            graph.add((node, DCTERMS.title, Literal(f"Records about {labels[concept]}",
                                                     lang="en")))


def _linksets(graph: Graph, site: Site, dataset: URIRef, facts: DatasetFacts) -> None:
    for linkset in facts.linksets:
        target_fragment, name, homepage = KNOWN_TARGETS.get(
            linkset.target_space, (fragment(linkset.target_space), None, None))
        target = URIRef(f"{site.void}#target-{target_fragment}")
        node = URIRef(f"{site.void}#links-{fragment(linkset.predicate)}-{target_fragment}")
        for triple in (
                (dataset, VOID.subset, node), (node, RDF.type, VOID.Linkset),
                (node, VOID.linkPredicate, URIRef(linkset.predicate)),
                (node, VOID.subjectsTarget, dataset), (node, VOID.objectsTarget, target),
                (node, VOID.triples, Literal(linkset.triples)),
                (target, RDF.type, VOID.Dataset),
                (target, VOID.uriSpace, Literal(linkset.target_space))):
            graph.add(triple)
        if name:
            graph.add((target, DCTERMS.title, Literal(name, lang="en")))
            graph.add((target, FOAF.homepage, URIRef(homepage)))


def fragment(iri: str, namespace: str | None = None) -> str:
    """A readable, stable fragment for a node about ``iri``: its prefixed name
    (``dcterms-BibliographicResource``), its path under ``namespace``, or a hash."""
    for prefix, known in ([("", namespace)] if namespace else []) + list(PREFIXES.items()):
        rest = iri[len(known):] if iri.startswith(known) else ""
        if rest and rest.replace("-", "").replace("/", "").isalnum():
            return f"{prefix}-{rest}".strip("-").replace("/", "-")
    return hashlib.sha1(iri.encode()).hexdigest()[:10]
