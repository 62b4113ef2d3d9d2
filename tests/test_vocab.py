"""The concept schemes in vocab/: complete, coherent, and in step with their sources."""

import re
import subprocess
import sys

import pycountry
import pytest
from rdflib import Literal, URIRef

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
