"""Pages by language, end to end: the interface and the concept labels in the language
chosen by ``?lang=``, then the cookie that choice leaves, then Accept-Language, then
CTLIB_LANGUAGE; RDF carries every label whatever is asked."""

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


HORN = {"fr": "Corne de l’Afrique", "es": "Cuerno de África", "en": "Horn of Africa"}
WORDS = {"fr": "Aller au contenu principal", "es": "Ir al contenido principal",
         "en": "Skip to main content"}


@pytest.mark.parametrize("language, shown", [
    ("fr", "fr"), ("es", "es"), ("fr-CH, en;q=0.5", "fr"), ("de-CH, es;q=0.8, en;q=0.5", "es"),
    ("de", "en"), (None, "en"), ("en", "en"), ("fr;q=0, *", "en")])
@pytest.mark.parametrize("path", ["def/countries/et", "def/countries/et.html"])
def test_concept_page_is_in_the_negotiated_language(base, path, language, shown):
    page = get(base + path, language)
    assert page.status_code == 200
    assert f'<html lang="{shown}">' in page.text
    assert f"<h1>{ETHIOPIA[shown]}</h1>" in page.text
    assert WORDS[shown] in page.text


@pytest.mark.parametrize("language", ["fr", "es", "de", None])
def test_record_page_names_its_places_in_the_negotiated_language(base, language):
    page = get(f"{base}doc/record/{RECORD}", language).text
    shown = language if language in ("fr", "es") else "en"
    for other in {"fr", "es", "en"} - {shown}:
        assert f">{ETHIOPIA[other]}</a>" not in page
    assert f'<li><a href="/def/countries/et">{ETHIOPIA[shown]}</a>' in page
    assert f'<li><a href="/def/regions/horn-of-africa">{HORN[shown]}</a>' in page


def test_every_concept_of_a_scheme_is_labelled_in_the_page_language(base):
    english, french = get(f"{base}def/regions", "en").text, get(f"{base}def/regions", "fr").text
    assert english.count('<a href="/def/regions/') == french.count('<a href="/def/regions/')
    assert f'<a href="/def/regions/horn-of-africa">{HORN["fr"]}</a>' in french
    assert '<a href="/def/regions/eastern-africa">Afrique orientale</a>' in french
    assert '<a href="/def/regions/eastern-africa">Eastern Africa</a>' in english


@pytest.mark.parametrize("path", ["def/countries/et", "def/countries/et.html",
                                  f"doc/record/{RECORD}", f"doc/record/{RECORD}.html"])
def test_pages_vary_by_language_and_have_an_etag_per_language(base, path):
    url = base + path
    english, french, spanish = get(url, "en"), get(url, "fr"), get(url, "es")
    for response in (english, french, spanish):
        assert {"accept", "accept-language", "cookie"} <= vary(response)
    assert len({english.headers["ETag"], french.headers["ETag"], spanish.headers["ETag"]}) == 3
    assert get(url, "fr", **{"If-None-Match": french.headers["ETag"]}).status_code == 304
    assert get(url, "en", **{"If-None-Match": french.headers["ETag"]}).status_code == 200
    assert get(url, None, **{"If-None-Match": french.headers["ETag"]}).status_code == 200


def test_a_cached_page_is_never_served_in_another_language(base):
    """The fast path answers from the cache before Flask: each worker (two) has seen
    every language after a few requests, and must still keep them apart, whether the
    language comes from Accept-Language or from the cookie a choice left."""
    url = f"{base}def/countries/ch"
    for _ in range(6):
        assert "<h1>Suisse</h1>" in get(url, "fr").text
        assert "<h1>Switzerland</h1>" in get(url, "en").text
        assert "<h1>Suiza</h1>" in get(url, "es").text
        assert "<h1>Switzerland</h1>" in get(url).text
        assert "<h1>Suiza</h1>" in get(url, "fr", Cookie="lang=es").text


@pytest.mark.parametrize("path", ["", "search?q=trafficking", "def/countries/et", "sparql",
                                  "browse/regions", "catalog", "dump/", f"doc/record/{RECORD}",
                                  "doc/record/no-such-record"])
def test_an_explicit_choice_wins_and_is_remembered(base, path):
    chosen = get(f"{base}{path}{'&' if '?' in path else '?'}lang=es", "fr", Cookie="lang=fr")
    assert '<html lang="es">' in chosen.text
    assert WORDS["es"] in chosen.text
    assert chosen.cookies.get("lang") == "es"
    assert "Max-Age=31536000" in chosen.headers["Set-Cookie"]
    remembered = get(base + path, "fr", Cookie="lang=es")
    assert '<html lang="es">' in remembered.text
    assert "Set-Cookie" not in remembered.headers
    assert {"accept-language", "cookie"} <= vary(remembered)


def test_a_language_the_interface_has_not_is_passed_over(base):
    page = get(f"{base}def/countries/et?lang=de", "fr", Cookie="lang=xx")
    assert '<html lang="fr">' in page.text
    assert "Set-Cookie" not in page.headers


def test_every_page_links_itself_in_every_language(base):
    page = get(f"{base}search?q=trafficking&region=europe", "fr").text
    for code, name in (("en", "English"), ("fr", "Français"), ("es", "Español")):
        href = f"/search?q=trafficking&amp;region=europe&amp;lang={code}"
        assert f'<a href="{href}" lang="{code}" hreflang="{code}"' in page, name
    assert 'hreflang="fr" aria-current="true">Français</a>' in page
    assert ('<link rel="alternate" hreflang="es" '
            'href="/search?q=trafficking&amp;region=europe&amp;lang=es">') in page
    assert '<link rel="alternate" hreflang="fr"' not in page  # the page itself
    record = get(f"{base}doc/record/{RECORD}?back=q%3Dx", "es").text
    assert f'<a href="/doc/record/{RECORD}?lang=fr"' in record  # never the visitor's back=


def test_ctlib_language_is_the_language_of_a_visitor_who_asks_for_none(tmp_path):
    with running_server(tmp_path, [LISTING], settings={"CTLIB_LANGUAGE": "es"}) as url:
        assert '<html lang="es">' in get(url + "def/countries/et").text
        assert '<html lang="fr">' in get(url + "def/countries/et", "fr").text
        assert '<html lang="en">' in get(url + "def/countries/et", "en").text


@pytest.mark.parametrize("accept", RDF_TYPES)
@pytest.mark.parametrize("path", ["def/countries/et", f"doc/record/{RECORD}"])
def test_rdf_is_the_same_whatever_the_language_asked(base, path, accept):
    answers = [get(base + path, language, accept) for language in (None, "fr", "es", "de")]
    assert len({a.content for a in answers}) == 1
    assert len({a.headers["ETag"] for a in answers}) == 1
    timegate = {"accept-datetime"} if path.startswith("doc/record/") else set()  # Memento
    assert all(vary(a) == {"accept", "accept-encoding"} | timegate for a in answers)
    assert "Éthiopie" in answers[0].content.decode("utf-8")  # every label, in every language
    etag = answers[0].headers["ETag"]
    assert get(base + path, "fr", accept, **{"If-None-Match": etag}).status_code == 304
