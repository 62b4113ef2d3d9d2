"""End to end: the conformance defects of issue 15, each reproduced against the real
`ctlib serve` over a catalogue that also holds RDF loaded with `ctlib load`
(tests/data/control-characters.ttl): parameters that must be refused with 4xx, media
types, terms and lexical forms that must agree across formats, SPARQL and OAI-PMH
answers as their specifications say, and well-formed XML whatever the store holds."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import requests
from lxml import etree

from . import stores
from .conftest import DATA, ROOT
from .server import get, running_server
from .test_oai import OAI, error_code, valid
from .test_sparql_parts import MINUS_CHAIN

LISTING = ROOT / "data" / "library-listing.txt"
LOADED = DATA / "control-characters.ttl"
RECORD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
AGENT = "rakeb-messele"
CONCEPT = "categories/prevention"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    loads = [["load", "--graph", "http://example.org/control-characters", LOADED]]
    with running_server(tmp_path_factory.mktemp("conformance"), [LISTING],
                        commands=loads) as url:
        yield url


def sparql(base: str, query: str, accept: str, **parameters) -> requests.Response:
    return requests.get(base + "sparql", params={"query": query, **parameters},
                        headers={"Accept": accept}, timeout=60)


# --- item 16: application/turtle and application/x-turtle ---

NEGOTIATED = [f"doc/record/{RECORD}", f"doc/agent/{AGENT}", f"def/{CONCEPT}", "def/categories",
              "doc/record/", f"def/{CONCEPT}/records", "search?q=igad", ".well-known/void",
              "catalog", "sparql"]
"""A path of every kind that is negotiated over the format table."""
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"


@pytest.mark.parametrize("media_type", ["application/turtle", "application/x-turtle"])
@pytest.mark.parametrize("path", NEGOTIATED)
def test_the_other_turtle_media_types_get_turtle(base, path, media_type):
    response = get(base + path, media_type)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"


@pytest.mark.parametrize("media_type", ["application/turtle", "application/x-turtle"])
def test_sparql_results_in_the_other_turtle_media_types(base, media_type):
    for response in (sparql(base, CONSTRUCT, media_type),
                     sparql(base, CONSTRUCT, "*/*", format=media_type)):
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"


# --- item 20: quality decides before specificity ---

@pytest.mark.parametrize("path, media_type", [
    (f"doc/record/{RECORD}", "application/ld+json"), ("search?q=igad", "application/json"),
    (".well-known/void", "application/ld+json")])
def test_a_type_named_at_low_quality_loses_to_a_wildcard(base, path, media_type):
    response = get(base + path, "text/turtle;q=0.1, */*")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"


# --- item 18 and item 20: OAI-PMH identifiers and resumption tokens ---

def oai_error(base: str, **arguments) -> tuple[str | None, dict[str, str]]:
    """The error code of a schema-valid OAI-PMH response, and its request's attributes."""
    response = requests.get(base + "oai", params=arguments, timeout=30)
    assert response.status_code == 200
    root = valid(response.content)
    return error_code(root), dict(root.find(f"{OAI}request").attrib)


@pytest.mark.parametrize("identifier", ["really_wrong_id", "not a {uri}", "x:%zz", "x:a#b#c"])
def test_an_identifier_that_is_no_uri_does_not_exist(base, identifier):
    assert oai_error(base, verb="ListMetadataFormats", identifier=identifier) == \
        ("idDoesNotExist", {"verb": "ListMetadataFormats"})
    assert oai_error(base, verb="GetRecord", metadataPrefix="rdf", identifier=identifier) == \
        ("idDoesNotExist", {"verb": "GetRecord", "metadataPrefix": "rdf"})


def test_an_unknown_uri_does_not_exist(base):
    identifier = f"{base}id/record/no-such-record"
    assert oai_error(base, verb="ListMetadataFormats", identifier=identifier) == \
        ("idDoesNotExist", {"verb": "ListMetadataFormats", "identifier": identifier})


@pytest.mark.parametrize("until", [5, ["2024-01-01"], {"until": "2024-01-01"}, True])
def test_a_token_whose_until_has_the_wrong_type_is_refused(base, until):
    fields = ["ListRecords", "oai_dc", None, None, until, RECORD]
    token = base64.urlsafe_b64encode(json.dumps(fields, separators=(",", ":")).encode()) \
        .decode().rstrip("=")
    code, _ = oai_error(base, verb="ListRecords", resumptionToken=token)
    assert code == "badResumptionToken"


# --- item 13: bad parameters are 4xx, never 500 ---

@pytest.mark.parametrize("path", [
    "search?page=%C2%B2", "search?from=%C2%B3", "search?to=%D9%A3", "search?size=%2B3",
    f"search?page={'1' * 5000}", f"search?from={'0' * 5000}", "doc/record/?limit=%D9%A3",
    f"doc/record/?limit={'9' * 5000}", f"doc/record/{RECORD}.html?page=%C2%B2",
    f"doc/agent/{AGENT}.html?page={'1' * 5000}"])
def test_a_number_that_is_not_ascii_digits_in_range_is_a_400(base, path):
    response = get(base + path)
    assert response.status_code == 400
    name = path.split("?")[1].split("=")[0]
    assert f"{name}=" in response.text and "whole number" in response.text
    assert len(response.text) < 500


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000,
    "ASK { FILTER (" + "(" * 20000 + "1" + ")" * 20000 + ") }"], ids=["groups", "parentheses"])
def test_a_query_nested_thousands_deep_is_a_400_naming_the_limit(base, query):
    response = requests.post(base + "sparql", data=query.encode(), timeout=60,
                             headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400
    assert "accepts queries nested up to 128 deep" in response.text
    assert sparql(base, "ASK { ?s ?p ?o }", "application/sparql-results+json").json()["boolean"]


@pytest.mark.skipif(stores.KIND != "embedded", reason="a remote store plans queries with its "
                    "own stack: Oxigraph server's dies of this chain")
def test_a_long_chain_of_groups_is_answered(base):
    """Nested two deep, 3,000 long: planning it used to overflow the query process's stack."""
    response = requests.post(base + "sparql", data=MINUS_CHAIN.encode(), timeout=60,
                             headers={"Content-Type": "application/sparql-query",
                                      "Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] == []


# --- item 17: an unknown extension function is an evaluation error ---

@pytest.mark.skipif(stores.KIND != "embedded", reason="a remote store evaluates queries "
                    "itself: Oxigraph server answers 500 to an unknown function")
@pytest.mark.parametrize("query, rows", [
    (f"SELECT ?title ?x {{ <id/record/{RECORD}> dcterms:title ?title "
     "BIND (<http://example.org/fn#shout>(?title) AS ?x) }", [{"title"}]),
    (f"SELECT ?title {{ <id/record/{RECORD}> dcterms:title ?title "
     "FILTER (<http://example.org/fn#shout>(?title)) }", []),
], ids=["bind", "filter"])
def test_an_unknown_function_leaves_its_expression_unbound(base, query, rows):
    response = sparql(base, query, "application/sparql-results+json")
    assert response.status_code == 200, response.text
    assert [set(row) for row in response.json()["results"]["bindings"]] == rows


# --- item 15: every format of a description carries the same terms ---

DESCRIBED = [f"doc/record/{RECORD}", f"doc/agent/{AGENT}", f"def/{CONCEPT}", "def/categories",
             ".well-known/void", "catalog", "doc/record/", f"def/{CONCEPT}/records", "search"]
"""A document of every kind served in the RDF formats, the loaded literals among them."""
PARSED_AS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
             "jsonld": ox.RdfFormat.JSON_LD, "rdf": ox.RdfFormat.RDF_XML}


def terms(base: str, path: str, extension: str) -> set[ox.Quad]:
    """The document's triples as pyoxigraph reads them, lexical forms untouched, blank
    nodes canonicalised. The JSON-LD's @context is given inline: the parser fetches none."""
    url = f"{base}{path.rstrip('/')}.{extension}" if path != "doc/record/" else \
        f"{base}doc/record.{extension}"
    response = requests.get(url + ("?q=igad" if path == "search" else ""), timeout=30)
    assert response.status_code == 200, url
    body = response.content
    if extension == "jsonld":
        document = response.json()
        document["@context"] = requests.get(base + "context.jsonld", timeout=30).json()["@context"]
        body = json.dumps(document).encode()
    dataset = ox.Dataset(ox.parse(body, format=PARSED_AS[extension], base_iri=url))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


@pytest.mark.parametrize("path", DESCRIBED)
def test_every_format_carries_the_same_terms(base, path):
    turtle = terms(base, path, "ttl")
    assert len(turtle) > 3
    for extension in ("nt", "jsonld", "rdf"):
        assert terms(base, path, extension) == turtle, extension


def test_lexical_forms_are_the_stores(base):
    """Each typed value of a record's JSON-LD as the store holds it: dcterms:modified was
    written with +00:00 where the store has Z, a double 2500 as the JSON number 2500.0."""
    query = (f"SELECT ?o {{ <id/record/{RECORD}> ?p ?o FILTER (isLiteral(?o) && "
             "STRSTARTS(STR(DATATYPE(?o)), STR(xsd:)) && DATATYPE(?o) != xsd:string) }")
    rows = sparql(base, query, "application/sparql-results+json").json()["results"]["bindings"]
    stored = {(row["o"]["value"], row["o"]["datatype"]) for row in rows}
    served = {(q.object.value, q.object.datatype.value)
              for q in terms(base, f"doc/record/{RECORD}", "jsonld")
              if q.subject.value.endswith(RECORD) and isinstance(q.object, ox.Literal)
              and q.object.datatype.value in {datatype for _, datatype in stored}}
    assert served == stored
    assert {datatype.rsplit("#")[1] for _, datatype in stored} >= \
        {"dateTime", "integer", "decimal", "double", "boolean"}


# --- item 7, its output half: well-formed XML whatever the store holds ---

FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
LITERALS = "SELECT ?o { ?s ?p ?o FILTER (isLiteral(?o) && CONTAINS(STR(?o), 'nul')) }"
TRIPLES = ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER (isLiteral(?o) && "
           "(CONTAINS(STR(?o), 'nul') || CONTAINS(STR(?o), 'nick'))) }")


def oai_url(base: str, **arguments) -> str:
    return base + "oai?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in arguments.items())


def xml_outputs(base: str) -> dict[str, tuple[str, str]]:
    """Every kind of XML the service writes: URL and Accept."""
    record = f"{base}id/record/{RECORD}"
    rdf = "application/rdf+xml"
    return {
        "record": (f"{base}doc/record/{RECORD}", rdf),
        "agent": (f"{base}doc/agent/{AGENT}.rdf", rdf),
        "concept": (f"{base}def/{CONCEPT}.rdf", rdf),
        "scheme": (f"{base}def/categories", rdf),
        "collection": (f"{base}doc/record/", rdf),
        "search": (f"{base}search.rdf?q=igad", rdf),
        "sparql select": (f"{base}sparql?query={quote(LITERALS)}", "application/sparql-results+xml"),
        "sparql construct": (f"{base}sparql?query={quote(TRIPLES)}", rdf),
        "sparql describe": (f"{base}sparql?query={quote(f'DESCRIBE <{record}>')}", rdf),
        "oai rdf": (oai_url(base, verb="GetRecord", metadataPrefix="rdf", identifier=record), ""),
        "oai dc": (oai_url(base, verb="GetRecord", metadataPrefix="oai_dc", identifier=record),
                   ""),
        "oai list": (oai_url(base, verb="ListRecords", metadataPrefix="rdf"), ""),
        "sitemap": (f"{base}sitemap.xml", ""),
        "void": (f"{base}.well-known/void", rdf),
        "dcat": (f"{base}catalog", rdf),
    }


HTML_PAGES = [f"doc/record/{RECORD}", f"doc/agent/{AGENT}", f"def/{CONCEPT}", "def/categories",
              f"sparql?query={quote(LITERALS)}", f"sparql?query={quote(TRIPLES)}",
              "search?q=%00%1B", "doc/record/%00%1B", "doc/record/", ".well-known/void"]


@pytest.mark.parametrize("name", xml_outputs("").keys())
def test_every_xml_output_is_well_formed(base, name):
    url, accept = xml_outputs(base)[name]
    response = requests.get(url, headers={"Accept": accept} if accept else {}, timeout=60)
    assert response.status_code == 200, response.text
    root = etree.fromstring(response.content, etree.XMLParser(recover=False))
    assert root is not None and not FORBIDDEN.search(response.content.decode("utf-8"))


def test_the_forbidden_characters_arrive_as_replacement_characters(base):
    url, accept = xml_outputs(base)["sparql select"]
    root = etree.fromstring(requests.get(url, headers={"Accept": accept}, timeout=60).content)
    values = {literal.text for literal in root.iter("{*}literal")}
    assert "nul\ufffdesc\ufffdvt\ufffdff\ufffdbel\ufffdend" in values
    turtle = requests.get(f"{base}doc/record/{RECORD}.ttl", timeout=30).text
    assert '"nonchars\ufffd\ufffd"' in turtle and '"tagged\ufffd"@en-gb' in turtle


@pytest.mark.parametrize("path", HTML_PAGES)
def test_no_page_carries_a_character_xml_forbids(base, path):
    response = requests.get(base + path, headers={"Accept": "text/html"}, timeout=60)
    assert response.headers["Content-Type"].startswith("text/html")
    assert not FORBIDDEN.search(response.text)


def test_sparql_json_keeps_the_stores_value(base):
    """Only the XML formats replace: JSON can carry every character."""
    rows = sparql(base, LITERALS, "application/sparql-results+json").json()["results"]["bindings"]
    assert {row["o"]["value"] for row in rows} == {"nul\x00esc\x1bvt\x0bff\x0cbel\x07end"}
