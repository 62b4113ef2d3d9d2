"""Description pages in the language chosen, end to end: a record's and a concept's
headings, property names, dates, language names and notes in French and Spanish, and
in English when none is chosen."""

import re

import pytest
import requests

from .conftest import ROOT
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
RECORD = "doc/record/desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
HTML = {"Accept": "text/html"}
MONTHS = {"en": "December|January", "fr": "décembre|janvier", "es": "de diciembre de|de enero de"}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("description-languages"), [LISTING]) as url:
        yield url


def page(url: str, language: str | None) -> str:
    asked = url + (f"?lang={language}" if language else "")
    response = requests.get(asked, headers=HTML, timeout=10)
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("language, words", [
    (None, ['<h2 id="summary">Summary</h2>', '<h2 id="cite-this">Cite this</h2>',
            '<h2 id="technical-details">Technical details</h2>', ">Authors</dt>",
            ">Countries</dt>", "<dt>Last modified</dt>", ">Copy link</button>",
            'data-copied="Copied."', ">Read more</button>", 'data-less="Show less"',
            "<dt>Notes</dt>", "Language detected from the title and summary: English",
            ">English</a>", "<h2>This description as data</h2>"]),
    ("fr", ['<h2 id="summary">Résumé</h2>', '<h2 id="cite-this">Citer</h2>',
            '<h2 id="technical-details">Détails techniques</h2>', ">Auteurs</dt>",
            ">Pays</dt>", "<dt>Dernière modification</dt>", ">Copier le lien</button>",
            'data-copied="Copié."', ">Lire la suite</button>", 'data-less="Afficher moins"',
            "<dt>Notes</dt>", "Langue détectée d’après le titre et le résumé : Anglais",
            ">Anglais</a>", "<h2>Cette description en données</h2>",
            '<h2 id="more-like-this">Documents similaires</h2>']),
    ("es", ['<h2 id="summary">Resumen</h2>', '<h2 id="cite-this">Citar</h2>',
            '<h2 id="technical-details">Detalles técnicos</h2>', ">Autores</dt>",
            ">Países</dt>", "<dt>Última modificación</dt>", ">Copiar enlace</button>",
            'data-copied="Copiado."', ">Leer más</button>", 'data-less="Mostrar menos"',
            "<dt>Notas</dt>", "Idioma detectado a partir del título y el resumen: Inglés",
            ">Inglés</a>", "<h2>Esta descripción como datos</h2>",
            '<h2 id="more-like-this">Documentos similares</h2>']),
])
def test_a_record_page_is_in_the_language_chosen(base, language, words):
    text = page(base + RECORD, language)
    for said in words:
        assert said in text
    modified = re.search(r"<dt>[^<]+</dt>\s*<dd>([^<]+)\s*<code class=\"machine\">\d{4}-",
                         text)
    assert modified and re.fullmatch(rf"\d{{1,2}} ({MONTHS[language or 'en']}) \d{{4}}\s*",
                                     modified.group(1))


@pytest.mark.parametrize("language, words", [
    (None, ["Concept in the scheme", "<dt>Names</dt>", "<dt>Broader</dt>",
            '<span class="label-name">French:</span>', "on the map</figcaption>",
            "<strong>1 record</strong>", "Records (1 record)", "(EU Publications Office)"]),
    ("fr", ["Concept du schéma", "<dt>Noms</dt>", "<dt>Plus générique</dt>",
            '<span class="label-name">Français :</span>', "sur la carte</figcaption>",
            "<strong>1 notice</strong>", "Notices (1 notice)",
            "(Office des publications de l’UE)"]),
    ("es", ["Concepto del esquema", "<dt>Nombres</dt>", "<dt>Más genérico</dt>",
            '<span class="label-name">Francés:</span>', "en el mapa</figcaption>",
            "<strong>1 registro</strong>", "Registros (1 registro)",
            "(Oficina de Publicaciones de la UE)"]),
])
def test_a_concept_page_is_in_the_language_chosen(base, language, words):
    text = page(base + "def/countries/et", language)
    for said in words:
        assert said in text


@pytest.mark.parametrize("language, words", [
    ("fr", ["<h2 id=\"concepts\">Concepts</h2>", "Un vocabulaire de"]),
    ("es", ["<h2 id=\"concepts\">Conceptos</h2>", "Un vocabulario de"]),
])
def test_a_scheme_page_is_in_the_language_chosen(base, language, words):
    text = page(base + "def/regions", language)
    for said in words:
        assert said in text
    assert "A vocabulary of" not in text and " concepts</" not in text
