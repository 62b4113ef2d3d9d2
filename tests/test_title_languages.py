"""Every list of records marks a title in another language than the page's with
``lang``: search results (and their JSON), the latest additions, a concept's and an
agent's records, More like this and a 404 page's suggestions. The language is the
title's tag, kept in the search index's ``records`` table."""

import json
import re
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest
import requests
from rdflib import Literal, URIRef

from ctlib.rdf.namespaces import DCTERMS
from ctlib.search.index import IndexWriter, is_current, searchable
from ctlib.search.query import (
    SearchIndex,
    SearchQuery,
    by_year,
    latest_additions,
    title_languages,
)

from .conftest import BASE, ROOT, cli_env
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
AUTHOR = "Ana Gómez Ruiz"
SPANISH = {"id": "trata-de-personas-en-mexico", "title": "Trata de personas en México",
           "summary": "Un estudio sobre la trata de mujeres y niñas en la frontera norte, "
                      "con recomendaciones para las autoridades locales.",
           "country": ["Mexico"], "year": "2026", "authors": [AUTHOR],
           "category": ["Referral Mechanisms"]}
ENGLISH = {"id": "trafficking-in-persons-in-mexico", "title": "Trafficking in Persons in Mexico",
           "summary": "A study of trafficking on the northern border.", "country": ["Mexico"],
           "year": "2025", "authors": [AUTHOR], "language": "en"}
# The titles' first words: a search marks the words it matched (Mexico) in them.
SPANISH_LINK = re.compile(r'<a href="[^"]*"( lang="[^"]*")?>Trata de personas en ')
ENGLISH_LINK = re.compile(r'<a href="[^"]*"( lang="[^"]*")?>Trafficking in Persons in ')


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("title-languages")
    source = folder / "partner.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                              for r in (SPANISH, ENGLISH)), encoding="utf-8")
    with running_server(folder, [LISTING, source]) as url:
        yield url, folder


@pytest.fixture(scope="module")
def base(served):
    return served[0]


def html(url: str) -> requests.Response:
    return requests.get(url, headers={"Accept": "text/html"}, timeout=30)


def marks(page: str) -> tuple[str, str]:
    """The lang attribute (or "") of the Spanish and of the English title's link."""
    spanish, english = SPANISH_LINK.search(page), ENGLISH_LINK.search(page)
    assert spanish is not None and english is not None, page
    return spanish.group(1) or "", english.group(1) or ""


@pytest.mark.e2e
@pytest.mark.parametrize("path", [
    "search?q=mexico",
    "",
    "def/countries/mx",
    "doc/agent/ana-gomez-ruiz",
])
def test_lists_mark_the_spanish_title_and_not_the_english_one(base, path):
    page = html(base + path)
    assert page.status_code == 200
    assert marks(page.text) == (' lang="es"', "")


@pytest.mark.e2e
def test_search_results_mark_the_snippet_too(base):
    page = html(base + "search?q=trata").text
    assert re.search(r'<p class="snippet" lang="es">[^\n]*frontera', page)


@pytest.mark.e2e
def test_the_concept_page_of_the_listing_category_marks_the_spanish_title(base):
    page = html(base + "def/categories/referral-mechanisms").text
    assert SPANISH_LINK.search(page).group(1) == ' lang="es"'


@pytest.mark.e2e
def test_more_like_this_marks_the_title_of_the_other_record(base):
    english = html(base + f"doc/record/{ENGLISH['id']}").text
    spanish = html(base + f"doc/record/{SPANISH['id']}").text
    assert SPANISH_LINK.search(english).group(1) == ' lang="es"'
    assert ENGLISH_LINK.search(spanish).group(1) is None


@pytest.mark.e2e
def test_a_404_suggestion_marks_the_title(base):
    page = html(base + "doc/record/trata-de-personas-en-mexicox")
    assert page.status_code == 404
    assert SPANISH_LINK.search(page.text).group(1) == ' lang="es"'


@pytest.mark.e2e
def test_json_and_rdf_search_results_carry_the_language(base):
    hits = requests.get(base + "search", params={"q": "mexico"},
                        headers={"Accept": "application/json"}, timeout=30).json()["hits"]
    languages = {hit["id"]: hit["language"] for hit in hits}
    assert languages[SPANISH["id"]] == "es" and languages[ENGLISH["id"]] == "en"
    turtle = requests.get(base + "search", params={"q": "trata"},
                          headers={"Accept": "text/turtle"}, timeout=30).text
    assert '"Trata de personas en México"@es' in turtle


@pytest.mark.e2e
def test_the_index_keeps_each_title_language(served):
    path = next(served[1].glob("**/search.sqlite"))
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        stored = dict(connection.execute("SELECT id, language FROM records"))
    assert stored[SPANISH["id"]] == "es" and stored[ENGLISH["id"]] == "en"
    assert {language for identifier, language in stored.items()
            if identifier not in (SPANISH["id"], ENGLISH["id"])} <= {"en", "fr", "es"}
    assert title_languages(path, [SPANISH["id"], "no-such-record"]) == {SPANISH["id"]: "es"}
    added = {a.id: a.language for a in latest_additions(SearchIndex(path), 100)}
    assert added[SPANISH["id"]] == "es"


def test_searchable_takes_the_title_language_and_the_index_keeps_it(tmp_path):
    record = URIRef("http://example.org/id/record/r")
    found = searchable(record, [(record, DCTERMS.title, Literal("La traite des êtres humains",
                                                                lang="fr"))])
    assert found.language == "fr"
    path = tmp_path / "search.sqlite"
    writer = IndexWriter(path, dict, None)
    writer.add("r", "2026-12-07T00:00:00Z", found)
    writer.finish()
    writer.wait()
    assert title_languages(path, ["r"]) == {"r": "fr"}
    hit, = by_year(SearchIndex(path), SearchQuery())[1]
    assert (hit.title, hit.language) == ("La traite des êtres humains", "fr")


def test_an_index_of_the_layout_before_languages_is_not_current(tmp_path):
    path = tmp_path / "search.sqlite"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA user_version = 2")
    assert not is_current(path)
    assert title_languages(path, ["r"]) == {}


@pytest.mark.e2e
def test_an_index_without_languages_is_refused_then_rebuilt_by_the_next_ingest(tmp_path):
    """A generation published before titles had languages in the index: search says why
    it is unavailable; the next ingest of the same sources builds the index anew."""
    published = tmp_path / "var" / "current" / "search.sqlite"

    def published_before_languages():
        ingest(tmp_path, LISTING)
        # The layout of version 2, as that version wrote it.
        with closing(sqlite3.connect(published.resolve())) as connection:
            connection.execute("ALTER TABLE records DROP COLUMN language")
            connection.execute("PRAGMA user_version = 2")
            connection.commit()

    published_before_languages()
    # The ingests above publish under the default base URI: a remote store holds the
    # generation under that base, so the server must serve the same one.
    with running_server(tmp_path, settings={"CTLIB_BASE_URI": BASE}) as url:
        refused = requests.get(url + "search", timeout=30)
    assert refused.status_code == 503 and "run `ctlib ingest` again" in refused.text
    ingest(tmp_path, LISTING)
    assert is_current(published.resolve())
    with closing(sqlite3.connect(f"file:{published.resolve()}?mode=ro", uri=True)) as connection:
        assert connection.execute("SELECT COUNT(*), COUNT(language) FROM records"
                                  ).fetchone() == (10, 10)


def ingest(folder, *sources):
    subprocess.run([sys.executable, "-m", "ctlib.cli", "ingest", "-q", *map(str, sources)],
                   cwd=folder, env=cli_env(folder), check=True, capture_output=True, timeout=120)
