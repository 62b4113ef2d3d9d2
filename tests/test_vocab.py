"""The concept schemes in vocab/: complete, coherent, and in step with their sources."""

import importlib.util
import re
import subprocess
import sys

import pycountry
import pytest
from rdflib import Graph, Literal, URIRef

from ctlib.rdf.namespaces import SKOS
from ctlib.rdf.uris import fold
from ctlib.rdf.vocab import normalize_label

from .conftest import BASE, ROOT


def concepts(catalogue, scheme: str) -> set:
    return set(catalogue.vocab.subjects(SKOS.inScheme, URIRef(BASE + "def/" + scheme)))


def test_generated_vocabularies_are_up_to_date():
    result = subprocess.run([sys.executable, "scripts/build_vocab.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_fails_for_a_concept_without_a_label_in_one_of_the_three_languages(
        monkeypatch):
    spec = importlib.util.spec_from_file_location("build_vocab", ROOT / "scripts/build_vocab.py")
    build_vocab = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "build_vocab", build_vocab)  # its dataclasses need it
    spec.loader.exec_module(build_vocab)
    graph = Graph().parse(format="turtle", publicID=build_vocab.CHECK_BASE, data="""
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <def/topics> a skos:ConceptScheme ; skos:prefLabel "Topics"@en ;
            dcterms:title "Topics"@en ; dcterms:description "Topics."@en .
        <def/topics/sahel> a skos:Concept ; skos:inScheme <def/topics> ;
            skos:prefLabel "Sahel"@en, "Sahel"@fr, "Sahel"@es .
        <def/topics/health> a skos:Concept ; skos:inScheme <def/topics> ;
            skos:prefLabel "Health"@en, "Santé"@fr .
        """)
    assert build_vocab.check(graph) == ["def/topics/health: has no skos:prefLabel in language 'es'"]


def test_every_concept_is_labelled_in_english_french_and_spanish(shared_catalogue):
    graph = shared_catalogue.vocab
    for scheme in ("regions", "countries", "categories"):
        for concept in concepts(shared_catalogue, scheme):
            languages = [label.language for label in graph.objects(concept, SKOS.prefLabel)]
            assert sorted(languages) == ["en", "es", "fr"], concept


def test_a_typo_of_a_translation_is_corrected_where_the_file_is_generated(shared_catalogue):
    ivory_coast = URIRef(BASE + "def/countries/ci")
    spanish = {str(label) for prop in (SKOS.prefLabel, SKOS.altLabel)
               for label in shared_catalogue.vocab.objects(ivory_coast, prop)
               if label.language == "es"}
    assert spanish == {"Costa de Marfil", "República de Costa de Marfil"}


def test_no_two_concepts_of_a_scheme_share_a_label(shared_catalogue):
    assert shared_catalogue.vocab_index.clashes == []


def test_every_iso_country_with_three_languages_and_an_outside_match(shared_catalogue):
    countries = concepts(shared_catalogue, "countries")
    assert len(countries) == len(pycountry.countries)
    graph = shared_catalogue.vocab
    for concept in countries:
        languages = {label.language for label in graph.objects(concept, SKOS.prefLabel)}
        assert {"en", "fr", "es"} <= languages, concept
        assert any(graph.objects(concept, SKOS.exactMatch)), concept
        assert any(str(b).startswith(BASE + "def/regions/")
                   for b in graph.objects(concept, SKOS.broader)), concept
    ukraine = URIRef(BASE + "def/countries/ua")
    assert {str(n) for n in graph.objects(ukraine, SKOS.notation)} == {"UA", "UKR", "804"}


def test_worldwide_is_the_one_top_region_and_not_a_country(shared_catalogue):
    graph = shared_catalogue.vocab
    regions = URIRef(BASE + "def/regions")
    assert set(graph.objects(regions, SKOS.hasTopConcept)) == {URIRef(BASE + "def/regions/worldwide")}
    assert not shared_catalogue.vocab_index.has_label("Worldwide", "countries")


@pytest.mark.parametrize("code, name, parent", [
    ("002", "Africa", "001"), ("014", "Eastern Africa", "202"), ("202", "Sub-Saharan Africa", "002"),
    ("029", "Caribbean", "419"), ("151", "Eastern Europe", "150"), ("143", "Central Asia", "142")])
def test_m49_areas_have_their_codes_and_parents(code, name, parent, shared_catalogue):
    graph = shared_catalogue.vocab
    (concept,) = graph.subjects(SKOS.notation, Literal(code))
    assert Literal(name, lang="en") in set(graph.objects(concept, SKOS.prefLabel))
    (broader,) = [b for b in graph.objects(concept, SKOS.broader)]
    assert Literal(parent) in set(graph.objects(broader, SKOS.notation))


def test_listing_groupings_sit_in_the_hierarchy(shared_catalogue):
    graph = shared_catalogue.vocab
    horn = URIRef(BASE + "def/regions/horn-of-africa")
    assert URIRef(BASE + "def/regions/eastern-africa") in set(graph.objects(horn, SKOS.broader))
    assert URIRef(BASE + "def/countries/et") in set(graph.objects(horn, SKOS.narrower))
    for label in ("South Eastern Europe", "European Economic Area", "Horn Of Africa"):
        assert shared_catalogue.vocab_index.has_label(label, "regions")


def test_every_broader_has_its_narrower(shared_catalogue):
    graph = shared_catalogue.vocab
    for narrower, broader in graph.subject_objects(SKOS.broader):
        assert (broader, SKOS.narrower, narrower) in graph, (narrower, broader)


def test_categories_cover_the_listing_and_referral_mechanisms(shared_catalogue):
    assert len(concepts(shared_catalogue, "categories")) >= 20
    for label in ("Referral Mechanisms", "Victim Identification", "Capacity Building",
                  "Assisted Voluntary Return and Reintegration", "Modern Slavery", "Health"):
        assert shared_catalogue.vocab_index.has_label(label, "categories"), label


@pytest.mark.parametrize("text", ["Horn Of Africa", "South-Eastern  Europe", "Côte d’Ivoire",
                                  "snake_case & [brackets]", "\tTabs\x7fand\x00controls",
                                  "".join(map(chr, range(128)))])
def test_label_keys_are_the_same_whichever_way_they_are_computed(text):
    assert normalize_label(text) == re.sub(r"[\W_]+", "", fold(text))
