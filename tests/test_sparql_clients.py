"""Real SPARQL clients against the real `ctlib serve`, on the catalogue of
data/library-listing.txt: SPARQLWrapper as most scripts use it, and rdflib's
SPARQLStore behind an rdflib Graph."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import GET, JSON, POST, POSTDIRECTLY, RDFXML, TURTLE, XML, SPARQLWrapper

from .conftest import ROOT
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
TITLES = {
    "After the National Referral Mechanism - What Next for Survivors of Trafficking?",
    "Combatting Trafficking: Turkey. Local Action and Direct Assistance",
    "Counter Trafficking Facilitators Guide",
    "Desk Review of Counter-Trafficking Initiatives in IGAD and EAC Regions",
    "First Aid Kit for Use by Law Enforcement First Responders in Addressing Human Trafficking",
    "Guidance Note on aAssisted Voluntary Return and Reintegration for Migrants With Health Needs",
    ("Health Care Providers and Human Trafficking: What Do They Know, What Do They Need To Know? "
     "Findings From the Middle East, the Caribbean, and Central America"),
    ("Measurement Action Freedom. An Independent Assessment of Government Progress Towards "
     "Achieving UN Sustainable Development Goal 8.7"),
    ("Report Concerning the Implementation of the Council of Europe Convention on Action Against "
     "Trafficking in Human Beings by Ukraine"),
    "Simulation-Based Training Exercises to Combat Human Trafficking. A Practical Handbook",
}
PREFIX = "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
COUNT = PREFIX + "SELECT (COUNT(?record) AS ?n) WHERE { ?record a dcterms:BibliographicResource }"
SELECT_TITLES = PREFIX + ("SELECT ?record ?title WHERE { ?record a dcterms:BibliographicResource ;"
                          " dcterms:title ?title }")
CONSTRUCT_TITLES = PREFIX + ("CONSTRUCT { ?record dcterms:title ?title } WHERE { ?record a "
                             "dcterms:BibliographicResource ; dcterms:title ?title }")
GUIDE = "Counter Trafficking Facilitators Guide"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("clients"), [LISTING]) as url:
        yield url + "sparql"


def wrapper(endpoint: str, query: str, return_format: str, method: str = GET,
            request_method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setMethod(method)
    if request_method is not None:
        client.setRequestMethod(request_method)
    return client


def titles_in(graph: Graph) -> set[str]:
    return {str(title) for title in graph.objects(None, DCTERMS.title)}


def test_sparqlwrapper_select_as_json_by_get_counts_the_records(endpoint):
    results = wrapper(endpoint, COUNT, JSON, GET).query().convert()
    assert results["results"]["bindings"][0]["n"]["value"] == "10"


def test_sparqlwrapper_select_as_xml_by_post_reads_every_title(endpoint):
    document = wrapper(endpoint, SELECT_TITLES, XML, POST).query().convert()
    titles = [binding.getElementsByTagName("literal")[0]
              for binding in document.getElementsByTagName("binding")
              if binding.getAttribute("name") == "title"]
    assert {title.firstChild.data for title in titles} == TITLES
    assert {title.getAttribute("xml:lang") for title in titles} == {"en"}


def test_sparqlwrapper_select_as_json_posted_directly(endpoint):
    results = wrapper(endpoint, SELECT_TITLES, JSON, POST, POSTDIRECTLY).query().convert()
    assert {row["title"]["value"] for row in results["results"]["bindings"]} == TITLES


@pytest.mark.parametrize("title, found", [(GUIDE, True), (GUIDE + " (second edition)", False)])
def test_sparqlwrapper_ask(endpoint, title, found):
    query = PREFIX + f'ASK {{ ?record dcterms:title "{title}"@en }}'
    assert wrapper(endpoint, query, JSON, POST).query().convert() == {"head": {}, "boolean": found}


def test_sparqlwrapper_construct_as_turtle_by_get(endpoint):
    turtle = wrapper(endpoint, CONSTRUCT_TITLES, TURTLE, GET).query().convert()
    assert titles_in(Graph().parse(data=turtle, format="turtle")) == TITLES


def test_sparqlwrapper_construct_as_rdfxml_posted_directly(endpoint):
    graph = wrapper(endpoint, CONSTRUCT_TITLES, RDFXML, POST, POSTDIRECTLY).query().convert()
    assert titles_in(graph) == TITLES


def test_sparqlwrapper_construct_as_turtle_by_accept_header_alone(endpoint):
    client = wrapper(endpoint, CONSTRUCT_TITLES, TURTLE, GET)
    client.setOnlyConneg(True)  # no format=turtle parameter, only the Accept header
    turtle = client.query().convert()
    assert titles_in(Graph().parse(data=turtle, format="turtle")) == TITLES


def test_sparqlstore_select_counts_the_records_and_reads_the_titles(endpoint):
    graph = Graph(store=SPARQLStore(endpoint))
    assert [row.n for row in graph.query(COUNT)] == [Literal(10)]
    rows = list(graph.query(SELECT_TITLES))
    assert {str(row.title) for row in rows} == TITLES
    assert all(isinstance(row.record, URIRef) and row.title.language == "en" for row in rows)


def test_sparqlstore_construct_gives_a_graph_of_the_titles(endpoint):
    graph = Graph(store=SPARQLStore(endpoint)).query(CONSTRUCT_TITLES).graph
    assert len(graph) == 10
    assert titles_in(graph) == TITLES
