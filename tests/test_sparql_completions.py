"""Completions for the SPARQL editor: matching and ranking on a small built file, then
/sparql/completions on the real server over the real listing."""

import json
import sqlite3

import pyoxigraph as ox
import pytest
import requests

from ctlib.dataset import statistics
from ctlib.search.index import SCHEMA
from ctlib.sparql import completions
from ctlib.sparql.completions import Completer, folded, word_starts
from ctlib.sparql.examples import prefixes

from .conftest import ROOT
from .server import running_server

BASE = "http://example.org/"
DCT = "http://purl.org/dc/terms/"


@pytest.mark.parametrize("text, starts", [
    ("Côte d’Ivoire", ["cote d'ivoire", "d'ivoire", "ivoire"]),
    ("Costa de Marfil", ["costa de marfil", "de marfil", "marfil"]),
    ("  ", []),
])
def test_a_label_is_found_by_each_of_its_words_folded(text, starts):
    assert word_starts(text) == starts


def test_folding_ignores_case_accents_and_the_kind_of_apostrophe():
    assert folded("CÔTE D’IVOIRE") == folded("cote d'ivoire")


@pytest.fixture(scope="module")
def completer(tmp_path_factory):
    folder = tmp_path_factory.mktemp("completions")
    store = ox.Store()
    record = ox.NamedNode(f"{BASE}id/record/r")
    for n in range(3):
        subject = ox.NamedNode(f"{BASE}id/record/r{n}")
        store.add(ox.Quad(subject, ox.NamedNode(f"{DCT}title"), ox.Literal(f"t{n}")))
        store.add(ox.Quad(subject, ox.NamedNode(f"{DCT}type"), ox.Literal("x")))
    store.add(ox.Quad(record, ox.NamedNode(f"{DCT}title"), ox.Literal("t")))
    store.add(ox.Quad(record, ox.NamedNode("http://other.example/thing-ness"), ox.Literal("y")))
    search = folder / "search.sqlite"
    connection = sqlite3.connect(search)
    connection.executescript(SCHEMA)
    concepts = [(1, f"{BASE}def/countries/ci", {"en": "Côte d'Ivoire", "fr": "Côte d’Ivoire",
                                                "es": "Costa de Marfil"}),
                (2, f"{BASE}def/countries/cr", {"en": "Costa Rica", "es": "Costa Rica"}),
                (3, f"{BASE}def/countries/cm", {"en": "Cameroon", "fr": "Cameroun"})]
    connection.executemany("INSERT INTO concepts VALUES (?, ?, 'countries', ?, ?, '[]')",
                           [(i, uri, uri[-2:], json.dumps(labels)) for i, uri, labels in concepts])
    connection.executemany("INSERT INTO records (rowid, id, title, year, added) "
                           "VALUES (?, ?, 't', ?, '2024')",
                           [(n, f"r{n}", 2018 if n < 3 else 2019) for n in range(1, 5)])
    connection.executemany("INSERT INTO record_concepts VALUES (?, ?, 1)",
                           [(1, 2), (2, 2), (3, 2), (4, 1), (4, 3), (3, 3)])
    connection.execute(f"INSERT INTO authors VALUES (1, '{BASE}id/agent/ann-lee', 'ann-lee', "
                       "'Ann Lee')")
    connection.execute("INSERT INTO record_authors VALUES (1, 1)")
    connection.commit()
    connection.close()
    path = folder / "completions.sqlite"
    completions.build(path, statistics.count(store, search, {}), search, prefixes(BASE), "en")
    return Completer(path)


def texts(completer, word, limit=20):
    return [c.text for c in completer.complete(word, limit)]


def test_concepts_are_found_by_their_labels_in_every_language(completer):
    assert texts(completer, "cote") == ["countries:ci"]
    assert texts(completer, "ivoire") == ["countries:ci"]
    assert texts(completer, "Cameroun") == ["countries:cm"]
    found = completer.complete("costa", 20)
    assert [(c.text, c.label) for c in found] == [("countries:cr", "Costa Rica"),
                                                  ("countries:ci", "Costa de Marfil")]


def test_a_concept_is_labelled_in_the_catalogue_language_unless_another_label_matched(completer):
    assert completer.complete("countries:ci", 1)[0].label == "Côte d'Ivoire"
    assert completer.complete("marfil", 1)[0].label == "Costa de Marfil"


def test_most_frequent_first_then_shortest(completer):
    assert texts(completer, "countries:c") == ["countries:cr", "countries:cm", "countries:ci"]
    assert [(c.kind, c.count) for c in completer.complete("countries:c", 20)] == \
        [("concept", 3), ("concept", 2), ("concept", 1)]
    assert texts(completer, "dcterms:t") == ["dcterms:title", "dcterms:type"]


def test_prefixes_terms_agents_and_years(completer):
    assert completer.complete("dcterms:", 1)[0].kind == "prefix"
    assert completer.complete("dcterms:", 1)[0].count == 7  # the triples of its terms
    assert texts(completer, "title") == ["dcterms:title"]
    assert texts(completer, "lee") == ["agent:ann-lee"]
    assert [(c.text, c.count) for c in completer.complete("201", 5)] == \
        [('"2018"^^xsd:gYear', 2), ('"2019"^^xsd:gYear', 2)]


def test_an_iri_no_prefix_covers_is_written_whole(completer):
    assert texts(completer, "<http://other") == ["<http://other.example/thing-ness>"]
    assert texts(completer, "thing") == ["<http://other.example/thing-ness>"]


def test_the_limit_and_words_that_match_nothing(completer):
    assert len(completer.complete("c", 2)) == 2
    assert completer.complete("zzz", 20) == []
    assert completer.complete("%'\"", 20) == []
    assert completer.complete("   ", 20) == []


# On the real server

@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("served"),
                        [ROOT / "data" / "library-listing.txt"]) as url:
        yield url


def complete(base, **params) -> requests.Response:
    return requests.get(f"{base}sparql/completions", params=params, timeout=30)


def answered(base, **params) -> list[dict]:
    response = complete(base, **params)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()["completions"]


@pytest.mark.parametrize("word, text, label", [
    ("Côte", "countries:ci", "Côte d'Ivoire"),
    ("cote", "countries:ci", "Côte d'Ivoire"),
    ("Costa", "countries:cr", "Costa Rica"),
    ("Etiopía", "countries:et", "Etiopía"),
    ("Éthiopie", "countries:et", "Éthiopie"),
    ("dcterms:ti", "dcterms:title", "http://purl.org/dc/terms/title"),
    ("borland", "agent:rosilyne-borland", "Rosilyne Borland"),
    ("2018", '"2018"^^xsd:gYear', "2018"),
])
def test_a_typed_word_is_completed(base, word, text, label):
    found = answered(base, q=word)
    assert {(c["text"], c["label"]) for c in found} >= {(text, label)}
    assert all(set(c) == {"text", "label", "kind", "count"} for c in found)


def test_a_scheme_prefix_lists_its_concepts_by_how_many_records_they_have(base):
    found = answered(base, q="countries:c", limit=50)
    assert {"countries:ci", "countries:cm"} <= {c["text"] for c in found}
    assert {c["kind"] for c in found} == {"concept"}
    counts = [c["count"] for c in found]
    assert counts == sorted(counts, reverse=True)


def test_every_kind_is_offered(base):
    kinds = {c["kind"] for word in ("dcterms", "foaf:A", "skos:C", "countries:et", "borland",
                                    "2018") for c in answered(base, q=word)}
    assert kinds == set(completions.KINDS)


@pytest.mark.parametrize("limit, status", [("1", 200), ("50", 200), ("0", 400), ("51", 400),
                                           ("-1", 400), ("²", 400), ("9" * 500, 400)])
def test_limit_bounds(base, limit, status):
    response = complete(base, q="c", limit=limit)
    assert response.status_code == status, response.text
    if status == 200:
        assert len(response.json()["completions"]) == int(limit)
    else:
        assert "limit" in response.text


@pytest.mark.parametrize("word", ["'", '"', "%", "%25", "' OR 1=1 --", "\\", "\x00", "*", "?x",
                                  "<", "ü" * 200])
def test_hostile_words_match_nothing_or_something_but_never_fail(base, word):
    response = complete(base, q=word)
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["completions"], list)


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 201},
                                    {"q": "%" * 3000}])
def test_no_word_or_a_huge_one_is_a_400_that_says_why(base, params):
    response = complete(base, **params)
    assert response.status_code == 400
    assert "q" in response.text


def test_a_request_line_too_long_for_the_server_is_refused_before_ctlib(base):
    assert complete(base, q="x" * 100_000).status_code in (414, 431)


def test_cors_and_an_etag_per_generation(base):
    response = complete(base, q="cote")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    tag = response.headers["ETag"]
    again = requests.get(f"{base}sparql/completions", params={"q": "Côte"},
                         headers={"If-None-Match": tag}, timeout=30)
    assert again.status_code == 304
    assert complete(base, q="x" * 201).headers["Access-Control-Allow-Origin"] == "*"
