"""The language of a record's title and summary: given by its source, else detected
among CTLIB_LANGUAGES, else CTLIB_LANGUAGE; the record says which (docs/sources.md)."""

import json

import pytest
import requests
from rdflib import Graph, Literal, URIRef

from ctlib.config import load_config
from ctlib.rdf.mapping import identify, map_record
from ctlib.rdf.namespaces import DCTERMS, SKOS
from ctlib.records.language import Source, record_language
from ctlib.records.model import Record, SourceLocation

from .server import running_server

SPANISH = {"title": "Trata de personas en México",
           "summary": "Un estudio sobre la trata de mujeres y niñas en la frontera norte, "
                      "con recomendaciones para las autoridades locales.",
           "country": ["Mexico"], "year": "2020", "category": ["Referral Mechanisms"]}
LOC = "http://id.loc.gov/vocabulary/iso639-1/"


def record(**fields) -> Record:
    made = Record(SourceLocation("partner.jsonl", 1))
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            made.add(name, item, 1)
    return made


def mapped(shared_catalogue, **fields):
    item = map_record(record(**fields), shared_catalogue.checker().context)
    graph = Graph()
    for triple in item.triples:
        graph.add(triple)
    return item, graph


def notes(graph: Graph) -> list[str]:
    return [str(note) for note in graph.objects(None, SKOS.note)]


def test_a_spanish_record_without_a_language_is_tagged_es_and_says_detected(shared_catalogue):
    item, graph = mapped(shared_catalogue, **SPANISH)
    assert Literal(SPANISH["title"], lang="es") in set(graph.objects(None, DCTERMS.title))
    assert Literal(SPANISH["summary"], lang="es") in set(graph.objects(None, DCTERMS.abstract))
    assert set(graph.objects(None, DCTERMS.language)) == {URIRef(LOC + "es")}
    assert notes(graph) == ["Language detected from the title and summary: Spanish"]


def test_a_short_ambiguous_title_falls_back_to_the_default_and_says_so(shared_catalogue):
    item, graph = mapped(shared_catalogue, title="Migration")
    assert set(graph.objects(None, DCTERMS.title)) == {Literal("Migration", lang="en")}
    assert set(graph.objects(None, DCTERMS.language)) == set()
    assert notes(graph) == ["Language not stated and not detected with confidence: the "
                            "catalogue's default, English"]


def test_a_language_field_is_kept_and_nothing_is_detected(shared_catalogue):
    # English by its field, though its words are Spanish: the source is believed.
    item, graph = mapped(shared_catalogue, **SPANISH, language="EN")
    assert Literal(SPANISH["title"], lang="en") in set(graph.objects(None, DCTERMS.title))
    assert set(graph.objects(None, DCTERMS.language)) == {URIRef(LOC + "en")}
    assert notes(graph) == []


def test_detection_is_among_the_catalogue_languages_only():
    italian = record(title="La tratta di esseri umani in Italia: rapporto annuale",
                     summary="Il rapporto descrive le vittime identificate nel paese.")
    found = record_language(italian, ("en", "fr", "es"), "en")
    assert found.code in ("en", "fr", "es")
    assert record_language(italian, ("en", "it"), "en").code == "it"
    assert record_language(italian, ("en", "it"), "en").source is Source.DETECTED


@pytest.mark.parametrize("value, expected", [("en,fr,es", ("en", "fr", "es")),
                                             ("EN, de", ("en", "de"))])
def test_languages_setting(value, expected):
    assert load_config(environ={"CTLIB_LANGUAGES": value}).languages == expected


@pytest.mark.parametrize("value, says", [("en", "two languages or more"),
                                         ("en,xx", "xx is not a language"),
                                         ("en,eng", "ISO 639-1")])
def test_bad_languages_setting_is_a_clear_error(value, says):
    with pytest.raises(ValueError, match=says):
        load_config(environ={"CTLIB_LANGUAGES": value})


@pytest.mark.e2e
def test_record_page_marks_the_detected_language_and_says_how(tmp_path):
    source = tmp_path / "partner.jsonl"
    source.write_text(json.dumps(SPANISH, ensure_ascii=False) + "\n", encoding="utf-8")
    with running_server(tmp_path, [source]) as base:
        url = f"{base}doc/record/{identify(record(**SPANISH))}"
        page = requests.get(url, headers={"Accept": "text/html"}, timeout=10).text
        turtle = requests.get(url, headers={"Accept": "text/turtle"}, timeout=10).text
    assert '<h1 lang="es">Trata de personas en México</h1>' in page
    assert "Language detected from the title and summary: Spanish" in page
    assert f'<a href="{LOC}es">Spanish</a>' in page  # the language by name, not code
    assert '"Trata de personas en México"@es' in turtle
