"""/sparql as clients meet it: negotiation, the service description, the default
dataset, the page for browsers."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import requests
from markupsafe import escape
from rdflib import Graph, Namespace, URIRef

from ctlib.sparql import examples

from .conftest import ROOT
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RECORDS = "SELECT ?r { ?r a dcterms:BibliographicResource }"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("sparql"), [LISTING]) as url:
        yield url


def get(base: str, accept: str | None = None, **params) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(base + "sparql", params=params, headers=headers, timeout=30)


@pytest.mark.parametrize("accept, query, media_type", [
    (None, RECORDS, "application/sparql-results+json"),
    ("*/*", "ASK {}", "application/sparql-results+json"),
    ("*/*", "CONSTRUCT WHERE { ?s a skos:ConceptScheme }", "text/turtle"),
    ("application/sparql-results+xml", RECORDS, "application/sparql-results+xml"),
    ("text/csv", RECORDS, "text/csv"),
    ("text/tab-separated-values", RECORDS, "text/tab-separated-values"),
    ("application/json", RECORDS, "application/sparql-results+json"),
    ("application/n-triples", "DESCRIBE ?s { ?s a skos:ConceptScheme }", "application/n-triples"),
    ("application/rdf+xml", "CONSTRUCT WHERE { ?s a skos:ConceptScheme }", "application/rdf+xml"),
    ("application/ld+json", "CONSTRUCT WHERE { ?s a skos:ConceptScheme }", "application/ld+json"),
])
def test_results_are_negotiated_by_kind(base, accept, query, media_type):
    response = get(base, accept, query=query)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in response.headers["Vary"]


def test_the_format_parameter_wins_over_accept(base):
    response = get(base, "application/sparql-results+xml", query=RECORDS, format="csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.text.splitlines()[0] == "r" and len(response.text.splitlines()) == 11
    graph = get(base, None, query="CONSTRUCT WHERE { ?s a skos:ConceptScheme }", format="nt")
    assert graph.headers["Content-Type"].startswith("application/n-triples")


def test_a_format_the_result_cannot_take_is_406(base):
    response = get(base, "text/turtle", query=RECORDS)
    assert response.status_code == 406 and "solutions" in response.text


def test_the_default_graph_is_the_union_of_all_graphs_unless_the_request_names_one(base):
    everything = get(base, query="SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").json()
    assert int(everything["results"]["bindings"][0]["n"]["value"]) > 1000
    graph = base + "graph/records"
    records_only = get(base, query="SELECT (COUNT(*) AS ?n) { ?s a skos:Concept }",
                       **{"default-graph-uri": graph}).json()
    assert records_only["results"]["bindings"][0]["n"]["value"] == "0"
    named = get(base, query="SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
                **{"named-graph-uri": graph}).json()
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [graph]


def test_our_prefixes_are_declared_for_every_query(base):
    response = get(base, query="SELECT ?label { scheme:regions skos:prefLabel ?label "
                               'FILTER (LANG(?label) = "en") }')
    assert [b["label"]["value"] for b in response.json()["results"]["bindings"]] == ["Regions"]


@pytest.mark.parametrize("accept, parse_as", [("text/turtle", "turtle"),
                                              ("application/ld+json", "json-ld"),
                                              ("application/rdf+xml", "xml")])
def test_service_description(base, accept, parse_as):
    response = get(base, accept)
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format=parse_as)
    service = URIRef(base + "sparql")
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = set(graph.objects(service, SD.resultFormat))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert URIRef("http://www.w3.org/ns/formats/Turtle") in formats
    dataset = graph.value(service, SD.defaultDataset)
    assert URIRef(base + ".well-known/void") in set(graph.objects(dataset, None))
    names = {str(graph.value(g, SD.name)) for g in graph.objects(dataset, SD.namedGraph)}
    assert {base + "graph/records", base + "graph/statistics"} <= names


def test_browsers_get_the_query_page_and_results_as_a_table(base):
    page = get(base, BROWSER)
    assert page.status_code == 200 and "<textarea" in page.text
    assert "PREFIX dcterms: &lt;http://purl.org/dc/terms/&gt;" in page.text
    results = get(base, BROWSER, query=RECORDS)
    assert results.status_code == 200 and "10 rows" in results.text
    assert 'href="/id/record/' in results.text
    assert 'name="format" value="csv"' in results.text


def test_the_query_page_sends_each_example_once_and_a_results_page_its_query_once(base):
    page = get(base, BROWSER).text
    for example in examples.examples()[1:]:  # the first is in the editor too
        assert page.count(str(escape(urlencode({"query": example.query})[6:]))) == 1
        assert str(escape(example.query)) not in page
    assert "PREFIX+dcterms" not in page, "the prefixes are sent once, not in every link"
    results = get(base, BROWSER, query=RECORDS).text
    assert results.count(str(escape(urlencode({"query": RECORDS})))) == 1  # the permalink
    assert results.count(str(escape(RECORDS))) == 1  # the editor


def test_a_query_error_on_the_page_is_shown_with_its_status(base):
    page = get(base, BROWSER, query="SELECT * { ?s ?p }")
    assert page.status_code == 400 and "not valid SPARQL" in page.text
    assert 'data-line="1" data-column="19"' in page.text and "line 1, column 19: expected" in page.text
    assert "<textarea" in page.text and "SELECT * { ?s ?p }" in page.text


def test_the_query_page_is_in_the_language_chosen(base):
    page = get(base, BROWSER, lang="fr").text
    assert '<html lang="fr">' in page
    for said in ("<h1>Interroger le catalogue en SPARQL</h1>", ">Exécuter la requête</button>",
                 'data-running="Exécution…"', "Exemples de requêtes", "Tout sur un pays"):
        assert said in page
    assert "Run query" not in page and "Everything about one country" not in page
    results = get(base, BROWSER, query=RECORDS, lang="es").text
    assert "10 filas" in results and "Lien permanent" not in results
    assert ">Enlace permanente</a>" in results and 'aria-label="Tabla de resultados"' in results


def test_every_example_title_and_description_is_marked_for_translation():
    from ctlib.web.sparql.example_words import EXAMPLE_WORDS
    shown = {words for example in examples.examples()
             for words in (example.title, example.description) if words}
    assert shown == set(EXAMPLE_WORDS)
