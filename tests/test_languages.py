"""Labels by language, end to end: pages show the concept labels of the language the
request's Accept-Language prefers (English when it names none the vocabularies have);
RDF carries every label whatever the header says."""

import pytest
import requests

from .conftest import ROOT
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
RECORD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"  # Ethiopia
ETHIOPIA = {"fr": "Éthiopie", "es": "Etiopía", "en": "Ethiopia"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_TYPES = ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("languages"), [LISTING]) as url:
        yield url


def get(url: str, language: str | None = None, accept: str = BROWSER, **headers):
    headers["Accept"] = accept
    if language is not None:
        headers["Accept-Language"] = language
    return requests.get(url, headers=headers, allow_redirects=False, timeout=10)


def vary(response: requests.Response) -> set[str]:
    return {name.strip().lower() for name in response.headers.get("Vary", "").split(",")}


@pytest.mark.parametrize("language, shown", [
    ("fr", "fr"), ("es", "es"), ("fr-CH, en;q=0.5", "fr"), ("de-CH, es;q=0.8, en;q=0.5", "es"),
    ("de", "en"), (None, "en"), ("en", "en"), ("fr;q=0, *", "en")])
@pytest.mark.parametrize("path", ["def/countries/et", "def/countries/et.html"])
def test_concept_page_is_titled_in_the_negotiated_language(base, path, language, shown):
    page = get(base + path, language)
    assert page.status_code == 200
    if shown == "en":
        assert "<h1>Ethiopia</h1>" in page.text
    else:
        assert f'<h1 lang="{shown}">{ETHIOPIA[shown]}</h1>' in page.text
    assert '<html lang="en">' in page.text  # the page's own words stay English


@pytest.mark.parametrize("language", ["fr", "es", "de", None])
def test_record_page_names_its_places_in_the_negotiated_language(base, language):
    page = get(f"{base}doc/record/{RECORD}", language).text
    shown = language if language in ("fr", "es") else "en"
    for other in {"fr", "es", "en"} - {shown}:
        assert f">{ETHIOPIA[other]}</a>" not in page
    marked = f' lang="{shown}"' if shown != "en" else ""
    assert f'<li{marked}><a href="/def/countries/et">{ETHIOPIA[shown]}</a>' in page
    # Horn of Africa has only an English label: shown in English, and marked so.
    horn = '<a href="/def/regions/horn-of-africa">Horn of Africa</a>'
    assert f"<li>{horn}" in page


def test_scheme_tree_falls_back_to_english_where_a_concept_has_no_label(base):
    english, french = get(f"{base}def/regions", "en").text, get(f"{base}def/regions", "fr").text
    assert english.count('<a href="/def/regions/') == french.count('<a href="/def/regions/')
    assert '<a href="/def/regions/horn-of-africa">Horn of Africa</a>' in french
    assert '<a href="/def/regions/europe" lang="fr">Europe</a>' in french
    assert '<a href="/def/regions/europe">Europe</a>' in english


@pytest.mark.parametrize("path", ["def/countries/et", "def/countries/et.html",
                                  f"doc/record/{RECORD}", f"doc/record/{RECORD}.html"])
def test_pages_vary_by_accept_language_and_have_an_etag_per_language(base, path):
    url = base + path
    english, french, spanish = get(url, "en"), get(url, "fr"), get(url, "es")
    for response in (english, french, spanish):
        assert {"accept", "accept-language"} <= vary(response)
    assert len({english.headers["ETag"], french.headers["ETag"], spanish.headers["ETag"]}) == 3
    assert get(url, "fr", **{"If-None-Match": french.headers["ETag"]}).status_code == 304
    assert get(url, "en", **{"If-None-Match": french.headers["ETag"]}).status_code == 200
    assert get(url, None, **{"If-None-Match": french.headers["ETag"]}).status_code == 200


def test_a_cached_page_is_never_served_in_another_language(base):
    """The fast path answers from the cache before Flask: each worker (two) has seen
    both languages after a few requests, and must still keep them apart."""
    url = f"{base}def/countries/ch"
    for _ in range(6):
        assert '<h1 lang="fr">Suisse</h1>' in get(url, "fr").text
        assert "<h1>Switzerland</h1>" in get(url, "en").text
        assert '<h1 lang="es">Suiza</h1>' in get(url, "es").text
        assert "<h1>Switzerland</h1>" in get(url).text


@pytest.mark.parametrize("accept", RDF_TYPES)
@pytest.mark.parametrize("path", ["def/countries/et", f"doc/record/{RECORD}"])
def test_rdf_is_the_same_whatever_the_language_asked(base, path, accept):
    answers = [get(base + path, language, accept) for language in (None, "fr", "es", "de")]
    assert len({a.content for a in answers}) == 1
    assert len({a.headers["ETag"] for a in answers}) == 1
    assert all(vary(a) == {"accept", "accept-encoding"} for a in answers)
    assert "Éthiopie" in answers[0].content.decode("utf-8")  # every label, in every language
    etag = answers[0].headers["ETag"]
    assert get(base + path, "fr", accept, **{"If-None-Match": etag}).status_code == 304
