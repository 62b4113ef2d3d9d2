"""Search that forgives and goes further: "did you mean", an empty page that says how to
find something, facets that fold and filter, places and categories in results, sorting
by title, page sizes, and the results as CSV, BibTeX and RIS."""

import csv
import io
import json
import re
import sqlite3

import numpy as np
import pytest
import requests

from ctlib.search.bitmaps import bitmap
from ctlib.search.index import SCHEMA
from ctlib.search.query import _by_title
from ctlib.search.suggest import Vocabulary
from ctlib.web.core.errors import BadRequest
from ctlib.web.core.parameters import listed_number

from .conftest import DATA, ROOT
from .server import running_server

IGAD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"


def vocabulary(*texts: str) -> Vocabulary:
    """The vocabulary of an index holding one record per text (as its title)."""
    connection = sqlite3.connect(":memory:")
    connection.executescript(SCHEMA)
    connection.executemany("INSERT INTO search (title, keys) VALUES (?, 'c123 a456')",
                           [(text,) for text in texts])
    return Vocabulary(connection)


def test_a_misspelt_word_is_respelt_as_the_index_spells_it():
    words = vocabulary("Trafficking in persons", "Referral mechanism", "Trafficking routes")
    assert words.suggest("traficking") == "trafficking"
    assert words.suggest('"refferal mechanizm" Traficking') == '"referral mechanism" trafficking'


def test_known_words_prefixes_numbers_and_filter_keys_are_left_alone():
    words = vocabulary("Trafficking in persons 2019")
    assert words.suggest("trafficking persons") is None
    assert words.suggest("traff*") is None and words.suggest("2018") is None
    assert "c123" not in words.records and "a456" not in words.records
    assert words.suggest("zzzzzz") is None


def test_a_typo_the_catalogue_holds_once_gives_way_to_the_common_spelling():
    words = vocabulary("traficking", *["trafficking"] * 10)
    assert words.suggest("traficking") == "trafficking"
    assert vocabulary("traficking", *["trafficking"] * 3).suggest("traficking") is None


def test_by_title_keeps_the_title_order_of_the_hits_only():
    ordered = np.array([5, 1, 9, 3, 7])
    hits = bitmap(np.array([1, 3, 7]), 10)
    assert _by_title(ordered, hits, 0, 20) == [1, 3, 7]
    assert _by_title(ordered, hits, 1, 1) == [3]


def test_page_sizes_are_a_few_listed_numbers():
    assert listed_number("size", "050", (20, 50, 100)) == 50
    for value in ("7", "1000", "x"):
        with pytest.raises(BadRequest):
            listed_number("size", value, (20, 50, 100))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("forgives"),
                        [ROOT / "data" / "library-listing.txt", DATA / "partner.jsonl"]) as url:
        yield url


def html(base: str, **params) -> str:
    response = requests.get(f"{base}search", params=params, headers={"Accept": "text/html"},
                            timeout=30)
    assert response.status_code == 200, response.text
    return response.text


def found(base: str, **params) -> dict:
    response = requests.get(f"{base}search", params=params,
                            headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_traficking_suggests_trafficking_and_the_link_finds_records(base):
    page = html(base, q="traficking")
    link = re.search(r'Did you mean <a href="([^"]+)">trafficking</a>\?', page)
    assert link, page
    again = requests.get(base + link.group(1).lstrip("/").replace("&amp;", "&"),
                         headers={"Accept": "application/json"}, timeout=30).json()
    assert again["query"]["q"] == "trafficking" and again["total"] >= 3
    assert found(base, q="traficking")["suggestion"]["q"] == "trafficking"
    assert found(base, q="trafficking")["suggestion"] is None


@pytest.mark.parametrize("language, words", [
    ("fr", {"traficking": ["Vouliez-vous dire <a href=", ">trafficking</a> ?",
                           "Aucune notice trouvée", "Sans les mots « traficking »"],
            "trafficking": ["<summary>Région</summary>", "<summary>Pays</summary>",
                            "<summary>Années</summary>", "triées par <strong>pertinence</strong>",
                            "Rechercher dans la bibliothèque", "BibTeX de cette page"],
            "record": "notice"}),
    ("es", {"traficking": ["¿Quiso decir <a href=", ">trafficking</a>?",
                           "No se encontraron registros", "Sin las palabras «traficking»"],
            "trafficking": ["<summary>Región</summary>", "<summary>País</summary>",
                            "<summary>Años</summary>", "ordenados por <strong>relevancia</strong>",
                            "Buscar en la biblioteca", "BibTeX de esta página"],
            "record": "registro"})])
def test_the_search_page_speaks_the_chosen_language(base, language, words):
    misspelt, spelt = (html(base, q=q, lang=language) for q in ("traficking", "trafficking"))
    assert [w for w in words["traficking"] if w not in misspelt] == []
    assert [w for w in words["trafficking"] if w not in spelt] == []
    for page in (misspelt, spelt):
        assert "Did you mean" not in page and "sorted by" not in page and "Search" not in page
    total = found(base, q="trafficking")["total"]
    assert f'<h2 id="found">{total} {words["record"]}s</h2>' in spelt
    assert re.search(rf'<span class="count">\d+ {words["record"]}s</span>', misspelt)

def test_an_empty_page_offers_the_search_without_each_constraint(base):
    page = html(base, q="trafficking", region="eastern-africa", country="td")
    assert "No records found" in page
    assert '<ol class="hits"' not in page and "Pages of results" not in page
    assert "Narrow the search" not in page and "These results as data" not in page
    without_chad = re.search(r'<a href="([^"]+)">Without country “Chad”</a>\s*'
                             r'<span class="count">(\d+) records?</span>', page)
    assert without_chad and without_chad.group(1) == \
        "/search?q=trafficking&amp;region=eastern-africa"
    assert int(without_chad.group(2)) == \
        found(base, q="trafficking", region="eastern-africa")["total"] == 1
    assert "Without region “Eastern Africa”" in page and "Without the words “trafficking”" in page


def test_worldwide_holding_every_hit_is_no_facet_value_unless_chosen(base):
    everything = found(base)
    assert "worldwide" not in [v["key"] for v in everything["facets"]["region"]]
    assert ">Worldwide</a>" not in html(base)  # a place on a result line, no facet link
    chosen = found(base, region="worldwide")
    assert [v for v in chosen["facets"]["region"] if v["key"] == "worldwide"][0]["selected"]


def test_long_facets_fold_the_rest_under_show_more(base):
    regions = found(base)["facets"]["region"]
    assert len(regions) > 8
    page = html(base)
    assert f"Show {len(regions) - 8} more</summary>" in page


def test_the_author_facet_is_filtered_by_name_and_shows_more_on_request(base):
    named = found(base, who="ZIMMER")["facets"]["author"]
    assert [v["key"] for v in named] == ["cathy-zimmerman"]
    page = html(base, who="zimmer")
    assert 'name="who" type="search" value="zimmer"' in page
    assert found(base, more="author")["total"] == found(base)["total"]
    assert requests.get(f"{base}search", params={"more": "all"}, timeout=30).status_code == 400


def test_result_lines_show_places_and_category(base):
    hit = next(h for h in found(base, q="igad")["hits"] if h["id"] == IGAD)
    assert "Ethiopia" in hit["places"] and hit["categories"]
    page = html(base, q="igad")
    assert f'{", ".join(hit["places"])} · {", ".join(hit["categories"])}' in page


def test_sort_by_title_and_page_sizes(base):
    titles = [h["title"] for h in found(base, sort="title")["hits"]]
    assert len(titles) > 3 and titles == sorted(titles, key=str.casefold)
    assert found(base, size="100")["query"]["size"] == 100
    for size in ("7", "1000"):
        response = requests.get(f"{base}search", params={"size": size}, timeout=30)
        assert response.status_code == 400 and "size" in response.text
    assert 'href="/search?q=trafficking&amp;size=50">50</a>' in html(base, q="trafficking")


def test_csv_export_holds_every_hit_in_the_search_order(base):
    response = requests.get(f"{base}search.csv", params={"q": "trafficking", "sort": "title"},
                            timeout=30)
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    expected = found(base, q="trafficking", sort="title", size="100")
    assert [row["id"] for row in rows] == [h["id"] for h in expected["hits"]]
    assert len(rows) == expected["total"] > 1
    igad = next(row for row in rows if row["id"] == IGAD)
    assert "Rakeb Messele" in igad["authors"] and "Ethiopia" in igad["places"].split("; ")
    negotiated = requests.get(f"{base}search", params={"q": "trafficking"},
                              headers={"Accept": "text/csv"}, timeout=30)
    assert negotiated.headers["Content-Type"].startswith("text/csv")
    assert '/search.csv?q=trafficking" type="text/csv">CSV</a>' in html(base, q="trafficking")


def test_bibtex_and_ris_cite_the_records_of_the_page(base):
    params = {"q": "trafficking", "sort": "title", "page": "1"}
    page_ids = [h["id"] for h in found(base, **params)["hits"]]
    bibtex = requests.get(f"{base}search.bib", params=params, timeout=30)
    assert bibtex.headers["Content-Type"].startswith("application/x-bibtex")
    assert re.findall(r"^@techreport\{([^,]+),", bibtex.text, re.M) == page_ids
    ris = requests.get(f"{base}search.ris", params=params, timeout=30)
    assert ris.text.count("TY  - RPRT") == len(page_ids) == ris.text.count("ER  - ")
    assert f"ID  - {IGAD}" in ris.text


def test_a_facet_longer_than_a_page_holds_is_listed_whole_on_request(tmp_path):
    """Each country a link with the whole search: 250 of them were half a 60 KB page."""
    from ctlib.web.people.search import FACET_SENT
    labels = re.findall(r'skos:prefLabel "([^"]+)"@en',
                        (ROOT / "vocab" / "countries.ttl").read_text(encoding="utf-8"))
    countries = sorted(set(labels))[:FACET_SENT + 5]
    source = tmp_path / "many-countries.jsonl"
    source.write_text("".join(json.dumps({
        "id": f"C-{n}", "title": f"Trafficking report {n}", "summary": "A report.",
        "country": [country], "year": 2020, "language": "en"}) + "\n"
        for n, country in enumerate(countries)), encoding="utf-8")
    with running_server(tmp_path, [source]) as url:
        page = html(url)
        every = re.search(r'<a href="([^"]+)">Show every country</a>', page)
        assert every and every.group(1) == "/search?more=country"
        whole = html(url, more="country")
        data = found(url, more="country")
    listed = lambda text: len(re.findall(r'href="/search\?[^"]*\bcountry=', text))  # noqa: E731
    assert listed(page) == FACET_SENT
    assert listed(whole) == len(data["facets"]["country"]) == len(countries)
    assert "Show every country" not in whole
    assert "Show every region" not in page  # a short facet is whole already
