"""The /catalog, /.well-known/void and /dump/ pages as people read them: classes,
links, licence, sizes and dates in words, with the IRIs as a detail; and the units
they are built from."""

import re

import pytest
import requests
from flask import Flask, g

from ctlib.dataset.facts import DatasetFacts, Linkset
from ctlib.web.core.dates import in_words
from ctlib.web.core.sizes import in_words as size_in_words
from ctlib.web.harvest import dataset_page

from .conftest import DATA, ROOT
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
DOCUMENTS = (".well-known/void", "catalog")
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("dataset-pages"),
                        [LISTING, DATA / "partner.jsonl"]) as url:
        yield url


def html(url: str) -> str:
    response = requests.get(url, headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.text


def text_of(page: str) -> str:
    """The words a reader sees: scripts (the schema.org JSON-LD) and tags out, spaces
    folded."""
    seen = re.sub(r"<script\b.*?</script>", " ", page, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", seen).split())


@pytest.mark.parametrize("path", DOCUMENTS)
def test_classes_and_links_are_named_in_words_with_the_iri_beside(base, path):
    page = html(f"{base}{path}")
    words = text_of(page)
    for name, iri in (("Records", DCTERMS + "BibliographicResource"),
                      ("Concepts", SKOS + "Concept"), ("Concept schemes", SKOS + "ConceptScheme"),
                      ("Agents", "http://xmlns.com/foaf/0.1/Agent")):
        assert f"<strong>{name}</strong>" in page
        assert f'<span class="iri">{iri}</span>' in page
    assert "Exact matches to Wikidata" in words
    assert f'<span class="iri">{SKOS}exactMatch</span>' in page
    assert "(0)" not in words


@pytest.mark.parametrize("path", DOCUMENTS)
def test_licence_publisher_date_and_sizes_are_in_words(base, path):
    page = html(f"{base}{path}")
    words = text_of(page)
    assert "Creative Commons Attribution 4.0 International (CC BY 4.0)" in words
    assert "Published by Counter-Trafficking Resource Library" in words
    modified = re.search(r'Last changed</dt><dd><time datetime="([^"]+)">([^<]+)</time>', page)
    assert modified and modified.group(2) == in_words(modified.group(1))
    for name in ("catalogue.nt.gz", "catalogue.nq.gz"):
        size = len(requests.get(f"{base}dump/{name}", timeout=30).content)
        assert re.search(rf"{re.escape(size_in_words(size))} · updated \d+ \w+ \d{{4}}", words)
        assert f'<a class="button" href="/dump/{name}"' in page
        assert f'href="/dump/{name}.sha256"' in page
    assert " bytes" not in words


def test_the_downloads_page_lists_the_same_rows(base):
    words = text_of(html(f"{base}dump/"))
    assert "N-Triples gzip-compressed" in words and "N-Quads gzip-compressed" in words
    assert re.search(r"\d+(\.\d)? kB · updated", words)


def test_the_rdf_keeps_its_iris_and_exact_byte_sizes(base):
    turtle = requests.get(f"{base}catalog.ttl", timeout=30).text
    size = len(requests.get(f"{base}dump/catalogue.nt.gz", timeout=30).content)
    assert f'<http://www.w3.org/ns/dcat#byteSize> "{size}"^^xsd:nonNegativeInteger' in turtle
    assert "Records" not in turtle and "kB" not in turtle


def test_home_page_says_when_it_was_published_in_words(base):
    page = html(base)
    published = re.search(r'Last published <time datetime="([^"]+)">([^<]+)</time>', page)
    assert published and published.group(2) == in_words(published.group(1))
    assert not re.match(r"\d{4}-", published.group(2))


@pytest.mark.parametrize("size, words", [
    (0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1000, "1 kB"), (59_561, "59.6 kB"),
    (99_949, "99.9 kB"), (99_950, "100 kB"), (245_000, "245 kB"), (999_499, "999 kB"),
    (999_500, "1 MB"), (1_832_412, "1.8 MB"), (2_500_000_000, "2.5 GB"),
    (5 * 10**15, "5,000 TB")])
def test_sizes_in_words(size, words):
    assert size_in_words(size) == words


def test_classes_drop_empty_rows_and_name_unknown_ones_from_their_iri():
    facts = DatasetFacts(
        modified="2026-12-07T10:00:00Z", triples=10, entities=3,
        classes={"http://purl.org/dc/terms/LinguisticSystem": 2, SKOS + "Concept": 0,
                 DCTERMS + "BibliographicResource": 5},
        subsets={}, linksets=[Linkset(SKOS + "closeMatch", "http://example.org/x/", 0),
                              Linkset(SKOS + "closeMatch", "http://example.org/y/", 4)])
    with Flask(__name__).test_request_context():  # the words are the page's
        g.language = "en"
        rows = dataset_page.classes(facts)
        linksets = dataset_page.linksets(facts)
    assert [(row.name, row.count) for row in rows] == [("Records", 5), ("Linguistic system", 2)]
    assert [row.name for row in linksets] == ["Close matches to http://example.org/y/"]


def test_licences_are_named_whatever_the_scheme_or_slash():
    assert dataset_page.licence_name("http://creativecommons.org/licenses/by/4.0") == \
        "Creative Commons Attribution 4.0 International (CC BY 4.0)"
    assert dataset_page.licence_name("https://example.org/licence") == \
        "https://example.org/licence"


@pytest.mark.parametrize("path, language, words", [
    ("catalog", "fr", ["<h1>Catalogue de données</h1>", "<dt>Publié par</dt>",
                       "<strong>Notices</strong>", "Correspondances exactes avec Wikidata",
                       "compressé avec gzip"]),
    ("catalog", "es", ["<h1>Catálogo de datos</h1>", "<dt>Publicado por</dt>",
                       "<strong>Registros</strong>", "Coincidencias exactas con Wikidata",
                       "comprimido con gzip"]),
    (".well-known/void", "fr", ["<h1>À propos de ce jeu de données</h1>", "Autres points d’accès"]),
    ("dump/", "fr", ["<h1>Téléchargements</h1>", "<h2>Fichiers</h2>", "Somme de contrôle SHA-256",
                     "Télécharger catalogue.nt.gz"]),
    ("dump/", "es", ["<h1>Descargas</h1>", "<h2>Archivos</h2>", "Suma de comprobación SHA-256"]),
])
def test_the_harvesting_pages_are_in_the_language_chosen(base, path, language, words):
    page = html(f"{base}{path}?lang={language}")
    assert f'<html lang="{language}">' in page
    for said in words:
        assert said in page
    assert "Published by" not in page and "Every statement of the catalogue" not in page


def test_sizes_and_counts_are_written_as_the_language_writes_numbers(base):
    words = text_of(html(f"{base}dump/?lang=fr"))
    assert re.search(r"\d+(,\d)? ko · mis à jour le", words), words
    assert size_in_words(59_561, "fr") == "59,6 ko" and size_in_words(2, "es") == "2 bytes"
    assert size_in_words(1_832_412, "es") == "1,8 MB" and size_in_words(1, "fr") == "1 octet"
    catalog = text_of(html(f"{base}catalog?lang=fr"))
    assert re.search(r"\d \d{3} déclarations sur", catalog), catalog  # 5 374 (narrow space)
