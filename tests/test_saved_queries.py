"""/query/: the example queries as named queries with typed parameters, and the
catalogue state every /sparql and /query/ answer names (docs/saved-queries.md,
docs/sparql.md "How to cite a query result"), against the real server."""

from __future__ import annotations

import csv
import io

import pytest
import requests

from ctlib.sparql import examples

from .conftest import DATA, ROOT
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
PARTNER = DATA / "partner.jsonl"
EXAMPLES = examples.examples()
JSON = "application/sparql-results+json"
INJECTIONS = ["ci> } ; DROP ALL ; #", 'ci" } UNION { ?s ?p ?o } #', "ci }", "<ci>",
              "countries:ci } UNION { ?s ?p ?o", "http://x/> } #"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("saved"), [LISTING, PARTNER]) as url:
        yield url


def query(base: str, name: str, accept: str = JSON, **params) -> requests.Response:
    return requests.get(f"{base}query/{name}", params=params, headers={"Accept": accept},
                        timeout=60)


def rows(response: requests.Response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def test_the_list_names_every_example_with_its_parameters(base):
    listed = requests.get(base + "query/", headers={"Accept": "application/json"}, timeout=30)
    assert listed.status_code == 200
    queries = {q["name"]: q for q in listed.json()["queries"]}
    assert list(queries) == [e.name for e in EXAMPLES]
    assert queries["everything-about-a-country"]["parameters"] == [
        {"name": "country", "type": "concept", "scheme": "countries", "default": "et"}]
    assert queries["everything-about-a-country"]["url"] == base + "query/everything-about-a-country"
    page = requests.get(base + "query/", headers={"Accept": "text/html"}, timeout=30)
    assert page.headers["Content-Type"].startswith("text/html")
    for example in EXAMPLES:
        assert f'href="/query/{example.name}"' in page.text


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_every_saved_query_runs_with_its_defaults(base, example):
    response = query(base, example.name, accept=JSON + ", application/n-triples;q=0.9")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] in (JSON, "application/n-triples")
    assert response.text.strip()


def test_a_concept_parameter_takes_a_key_a_prefixed_name_or_an_iri(base):
    subjects = {}
    for value in ("ci", "countries:ci", f"{base}def/countries/ci"):
        found = rows(query(base, "everything-about-a-country", country=value))
        subjects[value] = {r["subject"]["value"] for r in found} | {r["object"]["value"] for r in found}
        assert f"{base}def/countries/ci" in subjects[value]
    assert len({frozenset(s) for s in subjects.values()}) == 1
    default = rows(query(base, "everything-about-a-country"))
    assert {r["subject"]["value"] for r in default} >= {f"{base}def/countries/et"}


def test_text_and_iri_parameters_change_the_answer(base):
    borland = rows(query(base, "works-of-an-author"))
    assert borland and all("borland" in r["name"]["value"].lower() for r in borland)
    nobody = rows(query(base, "works-of-an-author", words="zzzz-nobody"))
    assert nobody == []
    regions = rows(query(base, "concepts-of-a-scheme"))
    countries = rows(query(base, "concepts-of-a-scheme", scheme="scheme:countries"))
    also = rows(query(base, "concepts-of-a-scheme", scheme=f"{base}def/countries"))
    assert countries == also and countries != regions
    assert all("/def/countries/" in r["concept"]["value"] for r in countries)


@pytest.mark.parametrize("name, parameter, value, said", [
    ("everything-about-a-country", "country", "not a key!", "not a concept of countries"),
    ("everything-about-a-country", "country", "http://elsewhere.example/ci", "not a concept"),
    ("everything-about-a-country", "country", "", "give a value"),
    ("concepts-of-a-scheme", "scheme", "no scheme here", "not an IRI"),
    ("concepts-of-a-scheme", "scheme", "relative/path", "not an IRI"),
])
def test_a_bad_value_is_a_400_naming_its_parameter(base, name, parameter, value, said):
    response = query(base, name, **{parameter: value})
    assert response.status_code == 400
    assert f"parameter {parameter}" in response.text and said in response.text


def test_an_unknown_parameter_or_query_is_named(base):
    response = query(base, "everything-about-a-country", contry="ci")
    assert response.status_code == 400 and "'contry'" in response.text and "country" in response.text
    assert query(base, "no-such-query").status_code == 404


@pytest.mark.parametrize("value", INJECTIONS)
def test_injections_are_refused_or_bound_as_one_term(base, value):
    everything = rows(query(base, "everything-about-a-country", country=value)) \
        if query(base, "everything-about-a-country", country=value).status_code == 200 else None
    assert everything is None, "a concept value that is not a key must be refused"
    as_text = query(base, "works-of-an-author", words=value)
    assert as_text.status_code == 200 and rows(as_text) == []  # a string no name contains
    as_iri = query(base, "concepts-of-a-scheme", scheme=value)
    assert as_iri.status_code == 400 and "parameter scheme" in as_iri.text
    still = rows(query(base, "concepts-of-a-scheme"))
    assert still, "the catalogue is unchanged"


def test_a_text_value_with_quotes_is_one_literal(base):
    response = query(base, "works-of-an-author", words='" } UNION { ?s ?p ?o } #')
    assert rows(response) == []


@pytest.mark.parametrize("accept, fmt, media_type", [
    ("text/csv", None, "text/csv"),
    ("application/sparql-results+xml", None, "application/sparql-results+xml"),
    ("text/tab-separated-values", None, "text/tab-separated-values"),
    ("application/sparql-results+xml", "csv", "text/csv"),
    (None, "json", JSON),
])
def test_formats_by_accept_or_format(base, accept, fmt, media_type):
    params = {"format": fmt} if fmt else {}
    response = requests.get(base + "query/everything-about-a-country",
                            params={"country": "ci", **params},
                            headers={"Accept": accept} if accept else {}, timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type


def test_a_graph_query_answers_in_rdf(base):
    response = query(base, "construct-records-with-place-names", accept="text/turtle")
    assert response.headers["Content-Type"].startswith("text/turtle")
    csv_rows = list(csv.reader(io.StringIO(query(
        base, "everything-about-a-country", accept="text/csv", country="ci").text)))
    assert csv_rows[0] == ["subject", "property", "object", "label"] and len(csv_rows) > 2


def test_a_browser_gets_the_page_with_its_form_and_text(base):
    page = query(base, "everything-about-a-country", accept="text/html", country="ci")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert 'name="country" value="ci"' in page.text
    assert "countries:ci ?property ?object" in page.text
    assert "Answered from the catalogue as published on" in page.text


# --- the catalogue state each answer names ---

def state(response: requests.Response) -> tuple[str, str]:
    return response.headers["X-Catalogue-Generation"], response.headers["X-Catalogue-Published"]


@pytest.mark.parametrize("path, params, accept", [
    ("sparql", {"query": "ASK {}"}, JSON),
    ("sparql", {}, "text/turtle"),
    ("sparql", {"query": "ASK {}"}, "text/html"),
    ("query/", {}, "application/json"),
    ("query/everything-about-a-country", {"country": "ci"}, "text/csv"),
    ("query/everything-about-a-country", {}, "text/html"),
])
def test_every_answer_names_the_catalogue_state(base, path, params, accept):
    response = requests.get(base + path, params=params, headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200
    generation, published = state(response)
    assert generation and published.startswith("20")
    assert response.headers["Link"] == f'<{base}dump/>; rel="describedby"'
    assert "X-Catalogue-Generation" in response.headers["Access-Control-Expose-Headers"]


def test_the_permalink_names_the_generation_and_another_is_refused(base):
    generation, _ = state(query(base, "recent-documents"))
    page = requests.get(base + "sparql", params={"query": "ASK {}"},
                        headers={"Accept": "text/html"}, timeout=30)
    assert f"generation={generation}" in page.text and "Answered from the catalogue" in page.text
    again = query(base, "recent-documents", generation=generation)
    assert again.status_code == 200
    for path, params in (("query/recent-documents", {}), ("sparql", {"query": "ASK {}"})):
        gone = requests.get(base + path, params={**params, "generation": "20000101T000000Z"},
                            headers={"Accept": JSON}, timeout=30)
        assert gone.status_code == 410
        assert "20000101T000000Z" in gone.text and generation in gone.text
