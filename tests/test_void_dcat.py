"""VoID at /.well-known/void and DCAT at /catalog, spoken to over HTTP and checked
against the store (through /sparql) and against the DCAT-AP 3 shapes."""

import hashlib

import pyshacl
import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, SH, SKOS, VOID

from ctlib.formats import DESCRIPTION_FORMATS

from .conftest import DATA, ROOT
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
SHAPES = DATA / "dcat-ap" / "dcat-ap-SHACL.ttl"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
NON_NEGATIVE_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
LICENCE = "https://creativecommons.org/publicdomain/zero/1.0/"
PUBLISHER = "Ministry of <script>alert(1)</script> & Co"
PARSE_AS = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}
DOCUMENTS = (".well-known/void", "catalog")


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("void")
    kept = [LISTING, DATA / "partner.jsonl"]
    settings = {"CTLIB_LICENCE": LICENCE, "CTLIB_PUBLISHER": PUBLISHER}
    with running_server(tmp, kept + [DATA / "withdrawn.jsonl"], kept, settings=settings) as url:
        yield url


def get(url: str, accept: str | None = None, **headers) -> requests.Response:
    if accept is not None:
        headers["Accept"] = accept
    return requests.get(url, headers=headers, timeout=30)


def graph_of(base: str, path: str) -> Graph:
    return Graph().parse(data=get(f"{base}{path}.ttl").text, format="turtle")


def count(base: str, query: str) -> int:
    rows = sparql(base, query)
    return int(rows[0]["n"]["value"])


def sparql(base: str, query: str) -> list[dict]:
    response = requests.get(f"{base}sparql", params={"query": query}, timeout=60,
                            headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def dataset_of(base: str) -> URIRef:
    return URIRef(f"{base}.well-known/void#dataset")


# --- VoID -----------------------------------------------------------------------------

def test_void_states_the_dataset_its_licence_publisher_and_access_points(base):
    graph = graph_of(base, ".well-known/void")
    dataset = dataset_of(base)
    assert (URIRef(f"{base}.well-known/void"), FOAF.primaryTopic, dataset) in graph
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert graph.value(dataset, DCTERMS.title) == Literal("Counter-Trafficking Resource Library",
                                                          lang="en")
    assert graph.value(dataset, DCTERMS.description) is not None
    assert graph.value(dataset, DCTERMS.license) == URIRef(LICENCE)
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Organization) in graph
    assert graph.value(publisher, FOAF.name) == Literal(PUBLISHER)
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(f"{base}sparql")
    assert graph.value(dataset, VOID.uriSpace) == Literal(f"{base}id/")
    assert graph.value(dataset, VOID.rootResource) == URIRef(f"{base}doc/record/")
    vocabularies = {str(v) for v in graph.objects(dataset, VOID.vocabulary)}
    assert {str(DCTERMS), str(SKOS), str(FOAF)} <= vocabularies


def test_void_dumps_and_examples_resolve(base):
    graph = graph_of(base, ".well-known/void")
    dumps = set(graph.objects(dataset_of(base), VOID.dataDump))
    assert dumps == {URIRef(f"{base}dump/catalogue.nt.gz"), URIRef(f"{base}dump/catalogue.nq.gz")}
    for dump in dumps:
        response = requests.head(dump, timeout=10)
        assert response.status_code == 200 and response.headers["Content-Type"] == "application/gzip"
    examples = list(graph.objects(dataset_of(base), VOID.exampleResource))
    assert examples
    for example in examples:
        assert str(example).startswith(f"{base}id/record/")
        assert get(example, "text/turtle").status_code == 200  # 303, then the description


def test_void_counts_are_the_store_counts(base):
    graph = graph_of(base, ".well-known/void")
    dataset = dataset_of(base)
    # The data, not its counts. A remote store compares the stored graph names in a
    # FILTER, so the statistics graph's triples are counted by name and taken away.
    quads = count(base, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    statistics = count(base, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{base}graph/statistics> "
                             "{ ?s ?p ?o } }")
    assert statistics > 0 and graph.value(dataset, VOID.triples).toPython() == quads - statistics
    entities = count(base, f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o
        FILTER(STRSTARTS(STR(?s), "{base}id/")) }}""")
    assert entities > 10 and graph.value(dataset, VOID.entities).toPython() == entities
    classes = {row["c"]["value"]: int(row["n"]["value"]) for row in sparql(
        base, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")}
    partitions = {str(graph.value(p, VOID["class"])): graph.value(p, VOID.entities).toPython()
                  for p in graph.objects(dataset, VOID.classPartition)}
    assert partitions == classes
    assert graph.value(dataset, VOID.classes).toPython() == len(classes)


def test_void_subsets_are_the_records_of_each_category(base):
    graph = graph_of(base, ".well-known/void")
    subsets = {str(graph.value(s, DCTERMS.subject)): graph.value(s, VOID.entities).toPython()
               for s in graph.objects(dataset_of(base), VOID.subset)
               if (s, DCTERMS.subject, None) in graph}
    expected = {row["c"]["value"]: int(row["n"]["value"]) for row in sparql(base, f"""
        SELECT ?c (COUNT(DISTINCT ?r) AS ?n) WHERE {{
          ?c <{SKOS.inScheme}> <{base}def/categories> .
          OPTIONAL {{ ?narrower <{SKOS.broader}>* ?c . ?r <{DCTERMS.subject}> ?narrower }}
        }} GROUP BY ?c""")}
    assert len(expected) > 20 and subsets == expected
    assert any(n > 0 for n in subsets.values())


def test_void_linksets_count_the_outside_matches(base):
    graph = graph_of(base, ".well-known/void")
    dataset = dataset_of(base)
    linksets = [s for s in graph.objects(dataset, VOID.subset) if (s, RDF.type, VOID.Linkset) in graph]
    spaces = {}
    for linkset in linksets:
        assert graph.value(linkset, VOID.linkPredicate) == SKOS.exactMatch
        assert graph.value(linkset, VOID.subjectsTarget) == dataset
        target = graph.value(linkset, VOID.objectsTarget)
        spaces[str(graph.value(target, VOID.uriSpace))] = graph.value(linkset, VOID.triples).toPython()
    assert set(spaces) == {"http://publications.europa.eu/resource/authority/country/",
                           "http://www.wikidata.org/entity/"}
    for space, triples in spaces.items():
        assert triples == count(base, f"""SELECT (COUNT(*) AS ?n) WHERE {{
            ?s <{SKOS.exactMatch}> ?o FILTER(STRSTARTS(STR(?o), "{space}")) }}""")


# --- DCAT -----------------------------------------------------------------------------

def dcat_ap_shapes() -> Graph:
    """The DCAT-AP 3.0.1 shapes as published, less two sh:property references to shapes
    the file does not define (pyshacl refuses to run with them; see tests/data/dcat-ap)."""
    shapes = Graph().parse(SHAPES, format="turtle")
    for shape, _, prop in list(shapes.triples((None, SH.property, None))):
        if (prop, SH.path, None) not in shapes:
            shapes.remove((shape, SH.property, prop))
    return shapes


def test_catalog_conforms_to_the_dcat_ap_shapes(base):
    graph = graph_of(base, "catalog")
    conforms, report, text = pyshacl.validate(graph, shacl_graph=dcat_ap_shapes())
    assert conforms, text
    assert len(list(report.objects(None, SH.result))) == 0


def test_the_shapes_catch_a_catalog_that_breaks_them(base):
    graph = graph_of(base, "catalog")
    graph.remove((dataset_of(base), DCTERMS.title, None))
    graph.remove((None, RDF.type, DCTERMS.LicenseDocument))
    conforms, report, _ = pyshacl.validate(graph, shacl_graph=dcat_ap_shapes())
    assert not conforms
    paths = {report.value(r, SH.resultPath) for r in report.objects(None, SH.result)}
    assert {DCTERMS.title, DCTERMS.license} <= paths


def test_catalog_lists_the_dataset_its_distributions_and_the_sparql_service(base):
    graph = graph_of(base, "catalog")
    catalog = URIRef(f"{base}catalog#catalog")
    dataset = dataset_of(base)
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert (catalog, DCAT.dataset, dataset) in graph and (dataset, RDF.type, DCAT.Dataset) in graph
    service = graph.value(catalog, DCAT.service)
    assert graph.value(service, DCAT.endpointURL) == URIRef(f"{base}sparql")
    assert graph.value(service, DCAT.servesDataset) == dataset
    assert graph.value(service, DCAT.endpointDescription) == URIRef(f"{base}sparql")
    distributions = list(graph.objects(dataset, DCAT.distribution))
    patches = [d for d in distributions
               if "/dump/changes/" in str(graph.value(d, DCAT.downloadURL))]
    distributions = [d for d in distributions if d not in patches]
    assert len(distributions) == 2  # the dumps
    assert len(patches) == 1  # the fixture's second ingest made one (tests/test_patches.py)
    media = set()
    for distribution in distributions:
        url = graph.value(distribution, DCAT.downloadURL)
        body = get(url).content
        size = graph.value(distribution, DCAT.byteSize)
        assert size.datatype == NON_NEGATIVE_INTEGER and size.toPython() == len(body)
        checksum = graph.value(distribution, SPDX.checksum)
        assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
        assert graph.value(distribution, DCAT.compressFormat) == \
            URIRef("http://www.iana.org/assignments/media-types/application/gzip")
        assert get(graph.value(distribution, DCAT.accessURL)).status_code == 200
        assert graph.value(distribution, DCTERMS.license) == URIRef(LICENCE)
        media.add(str(graph.value(distribution, DCAT.mediaType)))
        assert str(graph.value(distribution, DCTERMS["format"])).startswith(
            "http://publications.europa.eu/resource/authority/file-type/RDF_N_")
    assert media == {"http://www.iana.org/assignments/media-types/application/n-triples",
                     "http://www.iana.org/assignments/media-types/application/n-quads"}


# --- HTTP -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", DOCUMENTS)
def test_every_format_says_the_same(base, path):
    graphs = {}
    for fmt in DESCRIPTION_FORMATS:
        if fmt.rdf_format is None:
            continue
        response = get(f"{base}{path}", fmt.media_type)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == fmt.content_type
        assert response.headers["Vary"] == "Accept, Accept-Encoding"
        assert response.headers["Content-Location"] == f"{base}{path}.{fmt.extension}"
        graphs[fmt.name] = Graph().parse(data=response.text, format=PARSE_AS[fmt.name],
                                         publicID=f"{base}{path}")
    reference = graphs.pop("ttl")
    assert len(reference) > 50
    for name, graph in graphs.items():
        assert isomorphic(graph, reference), name


@pytest.mark.parametrize("path", DOCUMENTS)
def test_conditional_requests(base, path):
    turtle = get(f"{base}{path}", "text/turtle")
    jsonld = get(f"{base}{path}", "application/ld+json")
    assert turtle.headers["ETag"] != jsonld.headers["ETag"]
    assert all(get(f"{base}{path}", "text/turtle").headers["ETag"] == turtle.headers["ETag"]
               for _ in range(6))  # every worker renders the same bytes
    assert get(f"{base}{path}", "text/turtle",
               **{"If-None-Match": turtle.headers["ETag"]}).status_code == 304
    assert get(f"{base}{path}", "application/ld+json",
               **{"If-None-Match": turtle.headers["ETag"]}).status_code == 200
    assert get(f"{base}{path}", "text/turtle",
               **{"If-Modified-Since": turtle.headers["Last-Modified"]}).status_code == 304
    head = requests.head(f"{base}{path}.ttl", timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["ETag"] == turtle.headers["ETag"]


@pytest.mark.parametrize("path", DOCUMENTS)
def test_unacceptable_and_unknown_formats(base, path):
    refused = get(f"{base}{path}", "image/png")
    assert refused.status_code == 406 and "text/turtle" in refused.text
    unknown = get(f"{base}{path}.png")
    assert unknown.status_code == 404 and f"/{path}.ttl" in unknown.text


@pytest.mark.parametrize("path", DOCUMENTS)
def test_page_for_people_escapes_what_settings_say(base, path):
    page = get(f"{base}{path}", "text/html")
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<script>alert" not in page.text
    assert "Ministry of &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page.text
    assert 'href="/dump/catalogue.nt.gz"' in page.text and 'href="/sparql"' in page.text
    assert f'href="/{path}.ttl"' in page.text
