"""Search: relevance on the real listing, facets against SPARQL, the three answers of
/search, and the index following re-ingests."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import requests
from rdflib import Graph, URIRef
from werkzeug.datastructures import MultiDict

from ctlib.search.bitmaps import Postings, bitmap, count, parse_rowids, rowids
from ctlib.search.index import SCHEMA
from ctlib.search.query import SearchIndex, _by_relevance, _by_year, match_expression
from ctlib.web.core.errors import BadRequest
from ctlib.web.people.search import parse_query

from .conftest import DATA, ROOT, cli_env
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
NRM = "after-the-national-referral-mechanism-what-next-for-5a7e13"
IGAD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
HYDRA = "http://www.w3.org/ns/hydra/core#"


@pytest.mark.parametrize("typed, expression", [
    ("referral", '"referral"'),
    ("National Referral", '"National" AND "Referral"'),
    ('"horn of africa" igad', '"horn of africa" AND "igad"'),
    ("traff*", '"traff"*'),
    ('e-mail "unclosed phrase', '"e mail" AND "unclosed phrase"'),
    ('AND OR NOT NEAR ( ) : ^ "', '"AND" AND "OR" AND "NOT" AND "NEAR"'),
    ("*** ---", None),
    ("", None),
])
def test_what_people_type_becomes_a_safe_expression(typed, expression):
    assert match_expression(typed) == expression


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    return tmp_path_factory.mktemp("search")


@pytest.fixture(scope="module")
def base(served):
    sources = [LISTING, DATA / "hostile.jsonl", DATA / "unusual-ids.jsonl"]
    with running_server(served, sources) as url:
        yield url


def found(base: str, **params) -> dict:
    response = requests.get(f"{base}search", params=params,
                            headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def ids(result: dict) -> list[str]:
    return [hit["id"] for hit in result["hits"]]


def test_referral_ranks_the_national_referral_mechanism_report_first(base):
    assert ids(found(base, q="referral"))[0] == NRM


def test_horn_of_africa_finds_the_igad_desk_review_through_its_region(base):
    result = found(base, q="Horn of Africa")
    assert ids(result)[0] == IGAD
    assert "Horn" not in result["hits"][0]["title"]  # found by its region, not its title


@pytest.mark.parametrize("typed", ["Éthiopie", "ETHIOPIA", "etiopia", '"desk review"',
                                   "counter-traffick*", "MESSELE"])
def test_accents_case_phrases_prefixes_and_labels_in_every_language(base, typed):
    assert IGAD in ids(found(base, q=typed))


def test_title_matches_are_highlighted_and_snippets_escaped(base):
    hit = found(base, q="referral")["hits"][0]
    assert "<mark>Referral</mark>" in hit["highlighted_title"]
    page = requests.get(f"{base}search", params={"q": "markup"},
                        headers={"Accept": "text/html"}, timeout=30).text
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert "<script>alert" not in page


def sparql(base: str, query: str) -> list[dict]:
    response = requests.post(f"{base}sparql", data={"query": query},
                             headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def test_facet_counts_equal_sparql_counts(base):
    facets = found(base)["facets"]
    rows = sparql(base, f"""
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?region (COUNT(DISTINCT ?record) AS ?n) WHERE {{
          ?record a dcterms:BibliographicResource ;
                  dcterms:spatial/(skos:broader|^skos:narrower)* ?region .
          ?region skos:inScheme <{base}def/regions> .
        }} GROUP BY ?region""")
    expected = {row["region"]["value"].rsplit("/", 1)[1]: int(row["n"]["value"]) for row in rows}
    # Worldwide, the top region, holds every record: a facet value that narrows nothing
    assert expected["eastern-africa"] >= 1 and expected.pop("worldwide") == found(base)["total"]
    assert {v["key"]: v["count"] for v in facets["region"]} == expected
    rows = sparql(base, """
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?year (COUNT(?record) AS ?n) WHERE {
          ?record a dcterms:BibliographicResource ; dcterms:issued ?year } GROUP BY ?year""")
    assert {y["year"]: y["count"] for y in found(base)["years"]} == \
        {int(row["year"]["value"]): int(row["n"]["value"]) for row in rows}


def test_filters_combine_and_narrow(base):
    everything = found(base)["total"]
    africa = found(base, region="africa")
    assert 0 < africa["total"] < everything
    both = found(base, region="africa", country="et")
    assert ids(both) == [IGAD]
    either = found(base, country=["et", "td"])
    assert set(ids(either)) == {IGAD, "hostile-markup"}
    years = found(base, **{"from": "2018", "to": "2019"})
    assert years["total"] and all(2018 <= hit["year"] <= 2019 for hit in years["hits"])
    author = found(base, author="rakeb-messele")
    assert ids(author) == [IGAD]


def test_sort_and_paging_links_walk_every_hit(base):
    first = found(base, sort="newest")
    years = [hit["year"] for hit in first["hits"]]
    assert years == sorted(years, reverse=True)
    seen, page = [], first
    while True:
        seen += ids(page)
        if "next" not in page["links"]:
            break
        page = requests.get(page["links"]["next"].replace("http://localhost:8080/", base),
                            headers={"Accept": "application/json"}, timeout=30).json()
    assert len(seen) == len(set(seen)) == first["total"]


def test_rdf_answer_is_a_hydra_collection_of_the_hits(base):
    response = requests.get(f"{base}search", params={"q": "trafficking"},
                            headers={"Accept": "text/turtle"}, timeout=30)
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    members = set(graph.objects(None, URIRef(HYDRA + "member")))
    total = found(base, q="trafficking")["total"]
    assert len(members) == min(total, 20) > 0
    assert int(next(graph.objects(None, URIRef(HYDRA + "totalItems")))) == total
    assert requests.get(f"{base}search.jsonld", params={"q": "trafficking"},
                        timeout=30).headers["Content-Type"].startswith("application/ld+json")


def test_html_page_is_shareable_and_cached(base):
    page = requests.get(f"{base}search", params={"q": "referral", "region": "worldwide"},
                        headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert 'value="referral"' in page.text and f'href="/doc/record/{NRM}?back=' in page.text
    assert "Remove filter Region: Worldwide" in page.text
    again = requests.get(page.url, headers={"Accept": "text/html",
                                            "If-None-Match": page.headers["ETag"]}, timeout=30)
    assert again.status_code == 304


@pytest.mark.parametrize("params", [{"page": "0"}, {"size": "1000"}, {"from": "x"},
                                    {"sort": "random"}])
def test_bad_parameters_are_400_naming_them(base, params):
    response = requests.get(f"{base}search", params=params, timeout=30)
    name = next(iter(params))
    assert response.status_code == 400 and name in response.text


NOT_ASCII_NUMBERS = ["²", "³", "٣", "３", "+3", "-1", "3_0", "1e3", "0x10", "1" * 5000,
                     "0" * 30 + "1"]
"""What str.isdigit or int takes for a number and a parameter must not."""


@pytest.mark.parametrize("name", ["page", "size", "from", "to"])
@pytest.mark.parametrize("value", NOT_ASCII_NUMBERS, ids=range(len(NOT_ASCII_NUMBERS)))
def test_numbers_are_ascii_digits_of_bounded_length(name, value):
    with pytest.raises(BadRequest) as refused:
        parse_query(MultiDict({name: value}))
    assert refused.value.message.startswith(f"{name}=") and len(refused.value.message) < 200


def test_numbers_in_range_are_read():
    query = parse_query(MultiDict({"page": "007", "size": " 50 ", "from": "1990", "to": "0"}))
    assert (query.page, query.size, query.year_from, query.year_to) == (7, 50, 1990, 0)


def test_browse_pages_count_what_search_finds(base):
    regions = requests.get(f"{base}browse/regions", timeout=30).text
    africa = found(base, region="africa")["total"]
    assert f'href="/search?region=africa">{africa} record' in regions
    years = requests.get(f"{base}browse/years", timeout=30).text
    assert 'href="/search?from=2018&amp;to=2018' in years
    authors = requests.get(f"{base}browse/authors", params={"q": "rakeb"}, timeout=30).text
    assert "Messele, Rakeb" in authors
    home = requests.get(base, timeout=30).text
    assert 'href="/search"' in home and 'href="/browse/"' in home


def ingest(tmp, *sources):
    subprocess.run([sys.executable, "-m", "ctlib.cli", "ingest", "-q", *map(str, sources)],
                   cwd=tmp, env=cli_env(tmp), check=False, capture_output=True, timeout=120)


def current(tmp) -> Path:
    return (tmp / "var" / "current").resolve()


def test_an_ingest_that_changes_nothing_links_the_index_and_load_keeps_it(tmp_path):
    ingest(tmp_path, LISTING)
    first = current(tmp_path)
    ingest(tmp_path, LISTING)
    same = current(tmp_path)
    assert same != first and os.path.samefile(first / "search.sqlite", same / "search.sqlite")
    subprocess.run([sys.executable, "-m", "ctlib.cli", "load", "--graph",
                    "http://example.org/extra", str(DATA / "sparql-protocol" / "data1.nt")],
                   cwd=tmp_path, env=cli_env(tmp_path), check=True, capture_output=True,
                   timeout=120)
    loaded = current(tmp_path)
    assert os.path.samefile(same / "search.sqlite", loaded / "search.sqlite")
    ingest(tmp_path, LISTING, DATA / "unusual-ids.jsonl")
    changed = current(tmp_path)
    assert not os.path.samefile(loaded / "search.sqlite", changed / "search.sqlite")


def test_index_follows_reingests(tmp_path):
    """Withdrawn records leave the index, changed ones are replaced, others are kept."""
    changed = tmp_path / "changed.jsonl"
    changed.write_text((DATA / "unusual-ids.jsonl").read_text(encoding="utf-8").splitlines()[0]
                       .replace("Its id has a slash", "Zanzibar now appears in it") + "\n",
                       encoding="utf-8")
    with running_server(tmp_path, [LISTING, DATA / "unusual-ids.jsonl"],
                        [LISTING, changed]) as url:
        assert ids(found(url, q="Zanzibar")) == ["CT/2019 #7"]
        assert found(url, q="umlaut")["total"] == 0  # the other record was withdrawn
        assert ids(found(url, q="referral"))[0] == NRM
        assert found(url)["total"] == 11


def test_words_and_facets_rank_within_the_facets(base):
    assert ids(found(base, q="trafficking", country="et")) == [IGAD]
    assert ids(found(base, q="referral", region="worldwide"))[0] == NRM
    # Every listing record is filed under Referral Mechanisms, so "referral" is no test here.
    assert found(base, q="simulation")["total"] >= 1
    assert found(base, q="simulation", country="et")["total"] == 0


def test_facet_labels_follow_accept_language(base):
    french = requests.get(f"{base}search", params={"country": "et"}, timeout=30,
                          headers={"Accept": "application/json", "Accept-Language": "fr"})
    labels = {v["key"]: v["label"] for v in french.json()["facets"]["country"]}
    assert labels["et"] == "Éthiopie" and "Accept-Language" in french.headers["Vary"]
    english = found(base, country="et")
    assert {v["key"]: v["label"] for v in english["facets"]["country"]}["et"] == "Ethiopia"
    tree = requests.get(f"{base}browse/countries", headers={"Accept-Language": "es"}, timeout=30)
    assert ">Etiopía</a>" in tree.text and "Accept-Language" in tree.headers["Vary"]


def test_a_prefix_stands_for_the_indexed_terms_it_begins():
    expand = {"traff": ["trafficked", "trafficking"], "zz": []}.get
    assert match_expression("traff* victims", expand) == \
        '("trafficked" OR "trafficking") AND "victims"'
    assert match_expression("zz*", expand) == '"zz"*'
    assert match_expression("many*", lambda prefix: [f"many{n}" for n in range(65)]) == \
        '"many"*'


def old_bitmap(ids) -> int:
    """The bitmaps' definition when they were Python ints: bit n for rowid n."""
    return sum(1 << n for n in set(ids))


@pytest.mark.parametrize("ids", [[], [0], [5, 1, 5, 63, 64, 700], list(range(0, 1000, 3))])
def test_a_bitmap_has_the_bits_of_its_rowids(ids):
    bits = bitmap(np.array(ids, dtype=np.int64), 1000)
    assert int.from_bytes(bits.view(np.uint8).tobytes(), "little") == old_bitmap(ids)
    assert rowids(bits).tolist() == sorted(set(ids)) and count(bits) == len(set(ids))
    with pytest.raises(ValueError):  # shared by every search: never changed in place
        bits &= bits


def test_rowids_are_parsed_from_what_sqlite_concatenates():
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")
    connection.executemany("INSERT INTO t VALUES (?)", [(n,) for n in (3, 17, 1_000_001)])
    listed = connection.execute("SELECT group_concat(n) FROM t").fetchone()[0]
    assert parse_rowids(listed).tolist() == [3, 17, 1_000_001]
    nothing = connection.execute("SELECT group_concat(n) FROM t WHERE n < 0").fetchone()[0]
    assert parse_rowids(nothing).tolist() == []


def test_postings_are_read_per_concept_year_and_author():
    connection = sqlite3.connect(":memory:")
    connection.executescript(SCHEMA)
    connection.executemany("INSERT INTO records (rowid, id, title, year, added) "
                           "VALUES (?, ?, '', ?, '')",
                           [(1, "a", 2020), (2, "b", 2021), (4, "c", None), (70, "d", 2020)])
    connection.executemany("INSERT INTO record_concepts VALUES (?, ?, 1)",
                           [(1, 9), (70, 9), (2, 8)])
    postings = Postings.read(connection)
    assert postings.size == 71 and rowids(postings.everything).tolist() == [1, 2, 4, 70]
    assert {k: rowids(v).tolist() for k, v in postings.concepts.items()} == {8: [2], 9: [1, 70]}
    assert {k: rowids(v).tolist() for k, v in postings.years.items()} == \
        {2020: [1, 70], 2021: [2], None: [4]}
    assert postings.authors == {}
    assert rowids(postings.union([postings.concepts[8], postings.years[None]])).tolist() == \
        [2, 4]
    assert count(postings.union([])) == 0


def test_sorting_by_year_pages_through_whole_years_by_their_counts():
    years = {2020: [1, 3, 5], 2021: [2, 4], None: [7]}
    postings = Postings(10, bitmap(np.arange(10), 10),
                        {}, {y: bitmap(np.array(r), 10) for y, r in years.items()}, {})
    hits = bitmap(np.array([1, 2, 3, 4, 5, 7]), 10)
    assert _by_year(postings, hits, True, 0, 10) == [2, 4, 1, 3, 5, 7]
    assert _by_year(postings, hits, True, 1, 3) == [4, 1, 3]
    assert _by_year(postings, hits, False, 2, 3) == [5, 2, 4]
    assert _by_year(postings, hits, True, 5, 3) == [7]
    assert _by_year(postings, hits, True, 6, 3) == []


@pytest.mark.parametrize("typed", ["referral", "trafficking", "victim*", "national", "report"])
def test_ranking_keeps_the_order_of_title_matches_then_every_match_by_rank(base, served, typed):
    """ORDER BY the BM25 expression with a LIMIT, as FTS5's ORDER BY rank of all."""
    index = SearchIndex(current(served) / "search.sqlite")
    expression = match_expression(typed, index.terms_starting)
    connection, expected = index.connection(), []
    for match in (f"title : ({expression})", expression):
        expected += [rowid for (rowid,) in connection.execute(
            "SELECT rowid FROM search WHERE search MATCH ? ORDER BY rank", (match,))
            if rowid not in expected]
    assert len(expected) >= 3
    for wanted in (1, 3, 20, len(expected) + 5):
        assert _by_relevance(index, expression, [], wanted) == expected[:wanted]
