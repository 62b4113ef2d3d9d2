"""Paged record collections (Hydra) end to end: the real `ctlib serve`, spoken to over
HTTP, its pages parsed with rdflib and followed from link to link."""

import shutil
import subprocess
import sys
from datetime import datetime, timezone
from urllib.parse import quote

import pytest
import requests
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF

from ctlib.formats import DESCRIPTION_FORMATS

from .conftest import DATA, ROOT, cli_env, into_the_next_second
from .server import get, running_server, withdrawal_ingests

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LISTING = ROOT / "data" / "library-listing.txt"
RECORD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PARSE_AS = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}
MEDIA = {f.name: f.media_type for f in DESCRIPTION_FORMATS}
PUBLISHED = """SELECT ?record WHERE {
  ?record a dcterms:BibliographicResource FILTER NOT EXISTS { ?record owl:deprecated true } }"""


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("collections"), *withdrawal_ingests()) as url:
        yield url


def sparql_records(base: str) -> set[str]:
    answer = requests.get(f"{base}sparql", params={"query": PUBLISHED},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
    return {row["record"]["value"] for row in answer.json()["results"]["bindings"]}


def page_graph(url: str, fmt: str) -> Graph:
    response = get(url, MEDIA[fmt])
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == f"{MEDIA[fmt]}; charset=utf-8"
    return Graph().parse(data=response.text, format=PARSE_AS[fmt], publicID=url)


def view_of(graph: Graph) -> URIRef:
    views = list(graph.subjects(RDF.type, HYDRA.PartialCollectionView))
    assert len(views) == 1
    return views[0]


def collection_of(graph: Graph) -> URIRef:
    collections = list(graph.subjects(RDF.type, HYDRA.Collection))
    assert len(collections) == 1
    return collections[0]


def walk(start: str, fmt: str, relation=HYDRA.next) -> list[tuple[str, Graph]]:
    """Every page from ``start`` on, following ``relation`` to the end."""
    pages, url = [], start
    while url is not None:
        graph = page_graph(url, fmt)
        pages.append((url, graph))
        assert len(pages) < 50, "the links go round in circles"
        url = graph.value(view_of(graph), relation)
        url = str(url) if url is not None else None
    return pages


def members(graph: Graph) -> list[str]:
    return [str(m) for m in graph.objects(collection_of(graph), HYDRA.member)]


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_following_next_links_collects_exactly_the_stores_records(base, fmt):
    pages = walk(f"{base}doc/record/?limit=4", fmt)
    collected = [m for _, graph in pages for m in members(graph)]
    expected = sparql_records(base)
    assert len(expected) == 13
    assert len(collected) == len(set(collected)) and set(collected) == expected
    assert f"{base}id/record/soon-withdrawn" not in collected
    assert [len(members(graph)) for _, graph in pages] == [4, 4, 4, 1]
    for url, graph in pages:
        whole = collection_of(graph)
        assert whole == URIRef(f"{base}doc/record/")
        assert graph.value(whole, HYDRA.totalItems).toPython() == 13
        assert graph.value(whole, HYDRA.view) == URIRef(url)
        assert graph.value(view_of(graph), HYDRA.first) == URIRef(f"{base}doc/record/?limit=4")
        assert graph.value(view_of(graph), HYDRA.last) == URIRef(pages[-1][0])
        for member in members(graph):
            assert graph.value(URIRef(member), DCTERMS.title) is not None, member
            assert graph.value(URIRef(member), DCTERMS.modified) is not None, member


def test_members_come_in_identifier_order_across_pages(base):
    pages = walk(f"{base}doc/record/?limit=3", "ttl")
    identifiers = [sorted(members(graph)) for _, graph in pages]
    flat = [m for page in identifiers for m in page]
    assert flat == sorted(flat)


def test_previous_links_lead_back_from_the_last_page_to_the_first(base):
    forward = [url for url, _ in walk(f"{base}doc/record/?limit=5", "ttl")]
    first = page_graph(forward[0], "ttl")
    last = str(first.value(view_of(first), HYDRA.last))
    backward = [url for url, _ in walk(last, "ttl", HYDRA.previous)]
    assert backward == forward[::-1]


def test_first_page_by_default_names_its_size_and_has_no_next(base):
    graph = page_graph(f"{base}doc/record/", "ttl")
    view = view_of(graph)
    assert view == URIRef(f"{base}doc/record/?limit=100")
    assert view != collection_of(graph)
    assert graph.value(view, HYDRA.next) is None and graph.value(view, HYDRA.previous) is None
    assert len(members(graph)) == 13


def test_every_format_describes_the_same_page(base):
    query = f"?limit=5&after={RECORD}"
    graphs = {}
    for fmt in PARSE_AS:
        fixed = get(f"{base}doc/record.{fmt}{query}")
        assert fixed.headers["Content-Type"] == f"{MEDIA[fmt]}; charset=utf-8"
        graphs[fmt] = Graph().parse(data=fixed.text, format=PARSE_AS[fmt])
        negotiated = get(f"{base}doc/record/{query}", MEDIA[fmt])
        assert negotiated.headers["Content-Location"] == f"{base}doc/record.{fmt}{query}"
        assert negotiated.headers["Vary"] == "Accept, Accept-Encoding"
    reference = graphs.pop("ttl")
    assert len(members(reference)) == 5
    for name, graph in graphs.items():
        assert isomorphic(graph, reference), name


def test_link_header_names_the_neighbouring_pages_and_every_format(base):
    response = get(f"{base}doc/record/?limit=5&after={RECORD}", "text/turtle")
    links = requests.utils.parse_header_links(response.headers["Link"])
    by_relation = {link["rel"]: link["url"] for link in links if link["rel"] != "alternate"}
    graph = Graph().parse(data=response.text, format="turtle")
    view = view_of(graph)
    assert by_relation["next"] == str(graph.value(view, HYDRA.next))
    assert by_relation["prev"] == str(graph.value(view, HYDRA.previous))
    assert by_relation["first"] == f"{base}doc/record/?limit=5"
    assert by_relation["canonical"] == f"{base}doc/record/?limit=5&after={RECORD}"
    alternates = {link["type"]: link["url"] for link in links if link["rel"] == "alternate"}
    for fmt in DESCRIPTION_FORMATS:
        assert alternates[fmt.media_type] == \
            f"{base}doc/record.{fmt.extension}?limit=5&after={RECORD}"


def test_identifiers_that_need_encoding_page_correctly(base):
    first = page_graph(f"{base}doc/record/?limit=1", "ttl")
    after = str(first.value(view_of(first), HYDRA.next))
    assert after == f"{base}doc/record/?limit=1&after={quote('CT/2019 #7', safe=':')}"
    second = page_graph(after, "ttl")
    assert members(second) == [f"{base}id/record/{quote('Zürich-100%', safe='')}"]


@pytest.mark.parametrize("query, complaint", [
    ("limit=0", "limit='0' is not a whole number from 1 to 1000"),
    ("limit=1001", "not a whole number from 1 to 1000"), ("limit=ten", "not a whole number"),
    ("limit=%D9%A3", "not a whole number"), ("limit=%2B3", "not a whole number"),
    ("limit=3_0", "not a whole number"), (f"limit={'1' * 5000}", "not a whole number"), ("modified_since=yesterday", "ISO 8601"),
    ("modified_since=2024-13-01", "ISO 8601"), ("page=2", "unknown parameter 'page'"),
    ("modified_since=9999-12-31T23:59:59-23:59", "ISO 8601"),
    ("modified_since=0001-01-01T00:00:00%2B23:59", "ISO 8601"),
    ("limit=5&limit=6", "limit is given 2 times")])
def test_bad_parameters_are_refused_with_a_message(base, query, complaint):
    response = get(f"{base}doc/record/?{query}", "text/turtle")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert complaint in response.text


def test_the_largest_page_size_is_accepted(base):
    graph = page_graph(f"{base}doc/record/?limit=1000", "ttl")
    assert view_of(graph) == URIRef(f"{base}doc/record/?limit=1000")


def test_modified_since_filters_and_every_link_keeps_it(base):
    since = "modified_since=2000-01-01T00:00:00Z"
    graph = page_graph(f"{base}doc/record/?modified_since=2000-01-01&limit=5", "ttl")
    assert collection_of(graph) == URIRef(f"{base}doc/record/?{since}")
    view = view_of(graph)
    for relation in (HYDRA.first, HYDRA.next, HYDRA.last):
        assert f"?{since}&limit=5" in str(graph.value(view, relation)), relation
    assert graph.value(collection_of(graph), HYDRA.totalItems).toPython() == 13
    future = page_graph(f"{base}doc/record/?modified_since=2999-01-01T00:00:00%2B02:00", "ttl")
    assert members(future) == [] and \
        future.value(collection_of(future), HYDRA.totalItems).toPython() == 0


def test_concept_collection_holds_the_records_of_narrower_concepts(base):
    concept = f"{base}def/regions/sub-saharan-africa"
    direct = requests.get(f"{base}sparql", timeout=30, params={
        "query": f"ASK {{ ?record dcterms:spatial|dcterms:subject <{concept}> }}"}).json()
    assert direct["boolean"] is False  # only narrower regions name these records
    graph = page_graph(f"{concept}/records", "ttl")
    assert set(members(graph)) == {f"{base}id/record/{RECORD}", f"{base}id/record/hostile-markup"}
    whole = collection_of(graph)
    assert whole == URIRef(f"{concept}/records")
    assert graph.value(whole, DCTERMS.subject) == URIRef(concept)
    assert graph.value(whole, HYDRA.totalItems).toPython() == 2


def test_concept_collection_pages_and_formats(base):
    concept = f"{base}def/regions/worldwide"
    pages = walk(f"{concept}/records?limit=3", "jsonld")
    collected = [m for _, graph in pages for m in members(graph)]
    assert len(collected) == len(set(collected)) == 13  # every record is somewhere in the world
    fixed = get(f"{concept}/records.nt?limit=3")
    assert fixed.headers["Content-Type"] == "application/n-triples; charset=utf-8"


def test_concept_page_links_to_its_collection(base):
    page = get(f"{base}def/regions/sub-saharan-africa", BROWSER).text
    assert 'href="/def/regions/sub-saharan-africa/records"' in page


@pytest.mark.parametrize("path", ["def/regions/atlantis/records", "def/nothing/here/records",
                                  "doc/record.nq", "doc/record.png",
                                  "def/regions/worldwide/records.exe"])
def test_unknown_concepts_and_formats_answer_404(base, path):
    response = get(base + path, "text/turtle")
    assert response.status_code == 404 and response.text.strip()


def test_unacceptable_type_answers_406(base):
    response = get(f"{base}doc/record/", "image/png")
    assert response.status_code == 406 and "text/turtle" in response.text


def test_without_the_slash_redirects_to_the_configured_base(base):
    response = get(f"{base}doc/record?limit=5", Host="proxy.example.org")
    assert response.status_code == 301
    assert response.headers["Location"] == f"{base}doc/record/?limit=5"


def test_links_come_from_the_configured_base_not_the_host_header(base):
    response = get(f"{base}doc/record/?limit=5", "text/turtle", Host="proxy.example.org")
    assert "proxy.example.org" not in response.text + response.headers["Link"]


def test_conditional_requests_answer_304(base):
    url = f"{base}doc/record/?limit=5&after={RECORD}"
    turtle = get(url, "text/turtle")
    etags = {get(url, "text/turtle").headers["ETag"] for _ in range(6)}
    assert etags == {turtle.headers["ETag"]}  # whichever worker answers
    assert turtle.headers["ETag"] != get(url, "application/ld+json").headers["ETag"]
    other_page = get(f"{base}doc/record/?limit=5", "text/turtle")
    assert turtle.headers["ETag"] != other_page.headers["ETag"]
    again = get(url, "text/turtle", **{"If-None-Match": turtle.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert get(url, "application/ld+json",
               **{"If-None-Match": turtle.headers["ETag"]}).status_code == 200
    since = turtle.headers["Last-Modified"]
    assert get(url, "text/turtle", **{"If-Modified-Since": since}).status_code == 304
    assert get(url, "text/turtle",
               **{"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"}).status_code == 200


def test_head_has_the_headers_of_get(base):
    url = f"{base}doc/record.jsonld?limit=2"
    head, full = requests.head(url, timeout=30), requests.get(url, timeout=30, stream=True)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["ETag"] == full.headers["ETag"]
    assert int(head.headers["Content-Length"]) == len(full.raw.read(decode_content=False))


def test_html_page_lists_links_and_pages(base):
    response = get(f"{base}doc/record/?limit=5", BROWSER)
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    page = response.text
    assert "<h1>All records</h1>" in page and "Records 1–5 of 13" in " ".join(page.split())
    assert 'href="/doc/record/CT%2F2019%20%237"' in page
    assert f'<link rel="next" href="{base}doc/record/?limit=5&amp;after=counter-trafficking' in page
    assert f'<link rel="alternate" type="text/turtle" href="{base}doc/record.ttl?limit=5"' in page
    assert 'rel="next"' in response.headers["Link"]


def test_html_page_shows_markup_in_titles_as_text(base):
    page = get(f"{base}doc/record/?limit=1&after=hostile", BROWSER).text
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_home_page_links_harvesters_to_every_way_in(base):
    page = get(base, BROWSER).text
    for href in ('/doc/record/', '/.well-known/void', '/catalog', '/dump/', '/oai', '/sparql',
                 '/sitemap.xml'):
        assert f'href="{href}"' in page, href


def test_pages_stay_valid_and_modified_since_finds_changes_across_reingests(tmp_path):
    source = tmp_path / "listing.txt"
    shutil.copy(LISTING, source)
    env = cli_env(tmp_path)

    def ingest(url, *paths):
        subprocess.run([sys.executable, "-m", "ctlib.cli", "ingest", "-q", *map(str, paths)],
                       env=env | {"CTLIB_BASE_URI": url}, check=True, capture_output=True,
                       timeout=120)

    with running_server(tmp_path, [source]) as url:
        first = page_graph(f"{url}doc/record/?limit=4", "ttl")
        second_page = str(first.value(view_of(first), HYDRA.next))
        before = set(members(page_graph(second_page, "ttl")))
        into_the_next_second()
        since = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        source.write_text(source.read_text().replace("Rakeb Messele", "Rakeb Messele Ayele"))
        ingest(url, source)
        changed = page_graph(f"{url}doc/record/?modified_since={since}", "ttl")
        assert members(changed) == [f"{url}id/record/{RECORD}"]
        assert collection_of(changed) == URIRef(f"{url}doc/record/?modified_since={since}")

        ingest(url, source, DATA / "unusual-ids.jsonl")  # two records that sort first
        assert set(members(page_graph(second_page, "ttl"))) == before  # no offset shifted
        added = members(page_graph(f"{url}doc/record/?modified_since={since}", "ttl"))
        assert set(added) == {f"{url}id/record/{RECORD}",
                              f"{url}id/record/{quote('CT/2019 #7', safe='')}",
                              f"{url}id/record/{quote('Zürich-100%', safe='')}"}


def test_html_page_is_in_the_language_chosen_and_its_rdf_title_stays_english(base):
    concept = f"{base}def/regions/sub-saharan-africa"
    page = " ".join(get(f"{concept}/records?lang=fr", BROWSER).text.split())
    assert '<html lang="fr">' in page
    assert "<h1>Notices sur " in page  # the label is the vocabulary's, in French where it has one
    assert "Notices 1 à 2 sur 2, par ordre d’identifiant." in page
    assert ">Modifiées depuis</label>" in page and 'aria-label="Pages de notices"' in page
    spanish = " ".join(get(f"{base}doc/record/?limit=5&lang=es", BROWSER).text.split())
    assert "<h1>Todos los registros</h1>" in spanish and "Registros 1–5 de 13" in spanish
    assert ">Siguiente</a>" in spanish
    graph = page_graph(f"{concept}/records", "ttl")
    assert graph.value(collection_of(graph), DCTERMS.title).language == "en"
