"""The DCAT catalogue of the published dataset (/catalog), after DCAT-AP 3.

A dcat:Catalog with one dcat:Dataset (the same IRI the VoID description uses), a
dcat:Distribution per dump file (size, SHA-256, media type, EU file type, gzip as
compression format) and a dcat:DataService for the SPARQL endpoint. The outside
resources it points to (licence, media types, file types, themes, language) are typed
with the classes DCAT-AP gives as their ranges, so the description validates against
the DCAT-AP shapes on its own. Hash IRIs throughout, for the same reason as VoID's.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from ..dumps import Written
from ..formats import BY_NAME
from ..rdf.namespaces import DCTERMS, FOAF, ISO639_1, RDF, SKOS, XSD
from .facts import DatasetFacts, instant
from .void import DescribedDataset, Site, date_time, publisher

DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
IANA = "http://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
FILE_TYPES = {"nt": "RDF_N_TRIPLES", "nq": "RDF_N_QUADS"}
"""The EU Publications Office's file-type authority, for each dump's format."""
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme"
THEMES = {"JUST": "Justice, legal system and public safety", "SOCI": "Population and society"}
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
KEYWORDS = ("human trafficking", "counter-trafficking", "migration", "library catalogue")


def dcat(term: str) -> URIRef:
    return URIRef(DCAT + term)


def catalog_graph(described: DescribedDataset) -> Graph:
    site, facts = described.site, described.facts
    graph = Graph()
    document = site.url(site.CATALOG)
    catalog, service = URIRef(f"{document}#catalog"), URIRef(f"{document}#sparql")
    dataset = URIRef(site.dataset)
    _catalog(graph, site, catalog, dataset, service, facts)
    _dataset(graph, site, dataset, facts)
    for dump in described.dumps:
        _distribution(graph, site, dataset, dump, URIRef(f"{document}#{dump.dump.format.name}"))
    for patch in described.patches:
        _patch(graph, site, dataset, patch, URIRef(f"{document}#patch-{patch.generation}"))
    _service(graph, site, service, dataset)
    publisher(graph, site)
    _ranges(graph, site)
    return graph


def _catalog(graph: Graph, site: Site, catalog: URIRef, dataset: URIRef, service: URIRef,
             facts: DatasetFacts) -> None:
    for predicate, value in (
            (RDF.type, dcat("Catalog")),
            (DCTERMS.title, Literal(site.title, lang="en")),
            (DCTERMS.description, Literal(f"The datasets and services of the {site.title}.",
                                          lang="en")),
            (DCTERMS.publisher, site.publisher_node),
            (DCTERMS.license, URIRef(site.licence)),
            (DCTERMS.language, _language(site)),
            (DCTERMS.modified, date_time(facts.modified)),
            (FOAF.homepage, URIRef(site.base)),
            (dcat("themeTaxonomy"), URIRef(DATA_THEME)),
            (dcat("dataset"), dataset),
            (dcat("service"), service)):
        graph.add((catalog, predicate, value))


def _dataset(graph: Graph, site: Site, dataset: URIRef, facts: DatasetFacts) -> None:
    contact = URIRef(f"{site.void}#contact")
    for predicate, value in (
            (RDF.type, dcat("Dataset")),
            (DCTERMS.title, Literal(site.title, lang="en")),
            (DCTERMS.description, site.description()),
            (DCTERMS.identifier, Literal(site.dataset)),
            (DCTERMS.publisher, site.publisher_node),
            (DCTERMS.language, _language(site)),
            (DCTERMS.spatial, site.url("def/regions/worldwide")),
            (DCTERMS.modified, date_time(facts.modified)),
            (dcat("landingPage"), URIRef(site.base)),
            (FOAF.page, site.void),
            (dcat("contactPoint"), contact)):
        graph.add((dataset, predicate, value))
    for code in THEMES:
        graph.add((dataset, dcat("theme"), URIRef(f"{DATA_THEME}/{code}")))
    for keyword in KEYWORDS:
        graph.add((dataset, dcat("keyword"), Literal(keyword, lang="en")))
    graph.add((contact, RDF.type, URIRef(VCARD + "Kind")))
    graph.add((contact, RDF.type, URIRef(VCARD + "Organization")))
    graph.add((contact, URIRef(VCARD + "fn"), Literal(site.publisher)))
    graph.add((contact, URIRef(VCARD + "hasURL"), URIRef(site.base)))


def _distribution(graph: Graph, site: Site, dataset: URIRef, dump: Written,
                  node: URIRef) -> None:
    fmt = dump.dump.format
    graph.add((dataset, dcat("distribution"), node))
    for predicate, value in (
            (RDF.type, dcat("Distribution")),
            (DCTERMS.title, Literal(f"{fmt.label} dump, gzip-compressed", lang="en")),
            (DCTERMS.description, Literal(
                f"Every {'quad (with its named graph)' if fmt.dataset else 'triple'} of the "
                f"published dataset as {fmt.label}, compressed with gzip; rewritten by "
                "every ingest that changes the data.", lang="en")),
            (dcat("accessURL"), site.url(site.DUMPS)),
            (dcat("downloadURL"), site.url(site.DUMPS + dump.dump.name)),
            (dcat("mediaType"), URIRef(IANA + fmt.media_type)),
            (DCTERMS["format"], URIRef(FILE_TYPE + FILE_TYPES[fmt.name])),
            (dcat("compressFormat"), URIRef(IANA + "application/gzip")),
            (dcat("byteSize"), Literal(dump.size, datatype=XSD.nonNegativeInteger)),
            (DCTERMS.license, URIRef(site.licence)),
            (DCTERMS.modified, date_time(instant(dump.modified)))):
        graph.add((node, predicate, value))
    _checksum(graph, node, dump.sha256)


def _patch(graph: Graph, site: Site, dataset: URIRef, patch, node: URIRef) -> None:
    """An RDF Patch as a distribution: IANA registers no media type for it, so it is
    named by the specification it conforms to."""
    graph.add((dataset, dcat("distribution"), node))
    for predicate, value in (
            (RDF.type, dcat("Distribution")),
            (DCTERMS.title, Literal(f"Changes of version {patch.generation} (RDF Patch), "
                                    "gzip-compressed", lang="en")),
            (DCTERMS.description, Literal(
                f"The quads added and deleted by the ingest that published version "
                f"{patch.generation}, from version {patch.previous}: applied to that "
                "version's N-Quads dump, it gives this one's.", lang="en")),
            (dcat("accessURL"), site.url(site.DUMPS)),
            (dcat("downloadURL"), site.url(site.PATCHES + patch.name)),
            (DCTERMS.conformsTo, URIRef(site.RDF_PATCH)),
            (dcat("compressFormat"), URIRef(IANA + "application/gzip")),
            (dcat("byteSize"), Literal(patch.length, datatype=XSD.nonNegativeInteger)),
            (DCTERMS.license, URIRef(site.licence)),
            (DCTERMS.issued, date_time(patch.published))):
        graph.add((node, predicate, value))
    _checksum(graph, node, patch.sha256)


def _checksum(graph: Graph, distribution: URIRef, sha256: str) -> None:
    checksum = URIRef(f"{distribution}-sha256")
    graph.add((distribution, URIRef(SPDX + "checksum"), checksum))
    graph.add((checksum, RDF.type, URIRef(SPDX + "Checksum")))
    graph.add((checksum, URIRef(SPDX + "algorithm"), URIRef(SPDX + "checksumAlgorithm_sha256")))
    graph.add((checksum, URIRef(SPDX + "checksumValue"), Literal(sha256, datatype=XSD.hexBinary)))


def _service(graph: Graph, site: Site, service: URIRef, dataset: URIRef) -> None:
    endpoint = site.url(site.SPARQL)
    for predicate, value in (
            (RDF.type, dcat("DataService")),
            (DCTERMS.title, Literal(f"{site.title}: SPARQL endpoint", lang="en")),
            (DCTERMS.description, Literal(
                "A read-only SPARQL 1.1 endpoint over the whole dataset (the default graph "
                "is the union of all named graphs).", lang="en")),
            (dcat("endpointURL"), endpoint),
            (dcat("endpointDescription"), endpoint),
            (dcat("servesDataset"), dataset),
            (DCTERMS.conformsTo, URIRef(SPARQL_PROTOCOL)),
            (DCTERMS.publisher, site.publisher_node),
            (DCTERMS.license, URIRef(site.licence))):
        graph.add((service, predicate, value))


def _ranges(graph: Graph, site: Site) -> None:
    """The outside resources, typed with the classes DCAT-AP expects of them."""
    for node, cls in (
            (URIRef(site.licence), DCTERMS.LicenseDocument),
            (URIRef(site.base), FOAF.Document),
            (site.void, FOAF.Document),
            (_language(site), DCTERMS.LinguisticSystem),
            (site.url("def/regions/worldwide"), DCTERMS.Location),
            (URIRef(SPARQL_PROTOCOL), DCTERMS.Standard),
            (URIRef(site.RDF_PATCH), DCTERMS.Standard),
            (URIRef(SPDX + "checksumAlgorithm_sha256"), URIRef(SPDX + "ChecksumAlgorithm")),
            (URIRef(IANA + "application/gzip"), DCTERMS.MediaType),
            (URIRef(DATA_THEME), SKOS.ConceptScheme)):
        graph.add((node, RDF.type, cls))
    graph.add((URIRef(DATA_THEME), DCTERMS.title, Literal("Data theme", lang="en")))
    for fmt, file_type in FILE_TYPES.items():
        graph.add((URIRef(IANA + BY_NAME[fmt].media_type), RDF.type, DCTERMS.MediaType))
        graph.add((URIRef(FILE_TYPE + file_type), RDF.type, DCTERMS.MediaTypeOrExtent))
    for code, label in THEMES.items():
        theme = URIRef(f"{DATA_THEME}/{code}")
        graph.add((theme, RDF.type, SKOS.Concept))
        graph.add((theme, SKOS.prefLabel, Literal(label, lang="en")))
        graph.add((theme, SKOS.inScheme, URIRef(DATA_THEME)))


def _language(site: Site) -> URIRef:
    return URIRef(ISO639_1 + site.language)
