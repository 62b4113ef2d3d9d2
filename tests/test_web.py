"""End to end: the real `ctlib serve` process, spoken to over HTTP."""

import re
from urllib.parse import quote, urlencode

import pytest
import requests
from lxml import html
from rdflib import Graph
from rdflib.compare import isomorphic

from ctlib.formats import DESCRIPTION_FORMATS
from ctlib.web.core.dates import in_words

from .conftest import ROOT
from .server import get, running_server, withdrawal_ingests

LISTING = ROOT / "data" / "library-listing.txt"
RECORD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_FORMATS = [f for f in DESCRIPTION_FORMATS if f.rdf_format is not None]
PARSE_AS = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("web"), *withdrawal_ingests()) as url:
        yield url


@pytest.mark.parametrize("kind, identifier", [("record", RECORD), ("agent", "rakeb-messele")])
def test_thing_uri_answers_303_to_its_document(base, kind, identifier):
    response = get(f"{base}id/{kind}/{identifier}", "text/turtle")
    assert response.status_code == 303
    assert response.headers["Location"] == f"{base}doc/{kind}/{identifier}"


@pytest.mark.parametrize("accept, media_type", [
    (None, "text/turtle"), ("*/*", "text/turtle"), ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"), ("application/rdf+xml", "application/rdf+xml"),
    ("application/n-triples", "application/n-triples"), (BROWSER, "text/html"),
    ("text/turtle;q=0.2, application/ld+json;q=0.9", "application/ld+json")])
def test_negotiated_document(base, accept, media_type):
    response = get(f"{base}doc/record/{RECORD}", accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    # A page's labels also follow Accept-Language (tests/test_languages.py); RDF has them all.
    # A record's description is also its TimeGate (tests/test_memento.py).
    assert response.headers["Vary"] == (
        "Accept, Accept-Language, Cookie, Accept-Datetime, Accept-Encoding"
        if media_type == "text/html" else "Accept, Accept-Datetime, Accept-Encoding")
    extension = next(f.extension for f in DESCRIPTION_FORMATS if f.media_type == media_type)
    assert response.headers["Content-Location"] == f"{base}doc/record/{RECORD}.{extension}"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_every_format_describes_the_same_graph(base):
    graphs = {}
    for fmt in RDF_FORMATS:
        response = get(f"{base}doc/record/{RECORD}.{fmt.extension}")
        assert response.headers["Content-Type"] == fmt.content_type
        graphs[fmt.name] = Graph().parse(data=response.text, format=PARSE_AS[fmt.name],
                                         publicID=f"{base}doc/record/{RECORD}")
    reference = graphs.pop("ttl")
    assert len(reference) > 30
    for name, graph in graphs.items():
        assert isomorphic(graph, reference), name


def test_description_holds_labels_of_linked_concepts_and_document_metadata(base):
    graph = Graph().parse(data=get(f"{base}doc/record/{RECORD}.ttl").text, format="turtle")
    turtle = graph.serialize(format="nt")
    assert f'<{base}def/regions/horn-of-africa> <http://www.w3.org/2004/02/skos/core#prefLabel> "Horn of Africa"@en' in turtle
    assert f'<{base}id/agent/rakeb-messele> <http://xmlns.com/foaf/0.1/name> "Rakeb Messele"' in turtle
    assert f'<{base}doc/record/{RECORD}> <http://xmlns.com/foaf/0.1/primaryTopic> <{base}id/record/{RECORD}>' in turtle
    assert "http://purl.org/dc/terms/license" in turtle and "http://rdfs.org/ns/void#inDataset" in turtle


def test_jsonld_uses_the_published_context(base):
    document = get(f"{base}doc/record/{RECORD}.jsonld").json()
    assert document["@context"] == f"{base}context.jsonld"
    context = get(f"{base}context.jsonld").json()
    assert context["@context"]["dcterms"] == "http://purl.org/dc/terms/"


def test_link_headers_name_every_format_and_the_canonical_uri(base):
    links = get(f"{base}doc/record/{RECORD}").headers["Link"]
    for fmt in DESCRIPTION_FORMATS:
        assert f'<{base}doc/record/{RECORD}.{fmt.extension}>; rel="alternate"; type="{fmt.media_type}"' in links
    assert f'<{base}doc/record/{RECORD}>; rel="canonical"' in links


def test_not_acceptable_lists_the_available_types(base):
    response = get(f"{base}doc/record/{RECORD}", "image/png")
    assert response.status_code == 406
    assert response.headers["Content-Type"].startswith("text/plain")
    for fmt in DESCRIPTION_FORMATS:
        assert fmt.media_type in response.text


def test_etags_are_per_representation_and_answer_304(base):
    url = f"{base}doc/record/{RECORD}"
    turtle = get(url, "text/turtle")
    jsonld = get(url, "application/ld+json")
    assert turtle.headers["ETag"] != jsonld.headers["ETag"]
    assert turtle.headers["ETag"].startswith('"') and not turtle.headers["ETag"].startswith("W/")
    assert get(url, "text/turtle", **{"If-None-Match": turtle.headers["ETag"]}).status_code == 304
    assert get(url, "application/ld+json",
               **{"If-None-Match": turtle.headers["ETag"]}).status_code == 200
    since = turtle.headers["Last-Modified"]
    assert get(url, "text/turtle", **{"If-Modified-Since": since}).status_code == 304


def test_head_has_the_headers_of_get_and_no_body(base):
    url = f"{base}doc/record/{RECORD}.ttl"
    head = requests.head(url, timeout=10)
    full = requests.get(url, timeout=10, stream=True)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["ETag"] == full.headers["ETag"]
    assert int(head.headers["Content-Length"]) == len(full.raw.read(decode_content=False))


@pytest.mark.parametrize("path", ["def/regions", "def/regions/eastern-africa",
                                  "def/countries/et", "def/categories/referral-mechanisms"])
def test_schemes_and_concepts_negotiate(base, path):
    turtle = get(base + path, "text/turtle")
    assert turtle.status_code == 200 and turtle.headers["Vary"] == "Accept, Accept-Encoding"
    assert turtle.headers["Content-Location"] == f"{base}{path}.ttl"
    html = get(base + path, BROWSER)
    assert html.headers["Content-Type"] == "text/html; charset=utf-8"
    assert get(f"{base}{path}.jsonld").headers["Content-Type"].startswith("application/ld+json")


def test_unknown_answers_404_as_text_or_html(base):
    text = get(f"{base}doc/record/no-such-record", "text/turtle")
    assert text.status_code == 404 and text.headers["Content-Type"].startswith("text/plain")
    html = get(f"{base}doc/record/no-such-record", BROWSER)
    assert html.status_code == 404 and "<h1>Not found</h1>" in html.text


def test_withdrawn_record_answers_410_with_when(base):
    response = get(f"{base}doc/record/soon-withdrawn", "text/turtle")
    assert response.status_code == 410
    graph = Graph().parse(data=response.text, format="turtle")
    assert "http://www.w3.org/ns/prov#invalidatedAtTime" in graph.serialize(format="nt")
    assert get(f"{base}doc/record/soon-withdrawn", BROWSER).status_code == 410


@pytest.mark.parametrize("identifier", ["CT/2019 #7", "Zürich-100%"])
def test_unusual_identifiers_are_percent_encoded_both_ways(base, identifier):
    encoded = quote(identifier, safe="")
    redirect = get(f"{base}id/record/{encoded}")
    assert redirect.status_code == 303
    assert redirect.headers["Location"] == f"{base}doc/record/{encoded}"
    response = get(redirect.headers["Location"], "application/n-triples")
    assert response.status_code == 200
    assert f"<{base}id/record/{encoded}>" in response.text


def test_rdflib_parses_a_record_uri_following_the_redirect(base):
    graph = Graph().parse(f"{base}id/record/{RECORD}")
    assert any("Desk Review" in str(o) for o in graph.objects())


def test_html_page_escapes_and_links(base):
    page = get(f"{base}doc/record/{RECORD}", BROWSER).text
    assert "<h1>Desk Review of Counter-Trafficking Initiatives in IGAD and EAC Regions</h1>" in page
    assert 'href="/def/regions/horn-of-africa"' in page
    assert f'<link rel="alternate" type="text/turtle" href="/doc/record/{RECORD}.ttl"' in page


def test_home_page(base):
    page = get(base, BROWSER)
    assert page.status_code == 200
    assert '<dt>Records</dt><dd><a href="/search?sort=newest">13</a></dd>' in page.text


def test_record_page_carries_citation_tags_and_schema_org(base):
    import json
    import re
    page = get(f"{base}doc/record/{RECORD}", BROWSER).text
    assert '<meta name="citation_title" content="Desk Review of Counter-Trafficking Initiatives in IGAD and EAC Regions">' in page
    assert '<meta name="citation_author" content="Rakeb Messele">' in page
    assert '<meta name="citation_publication_date" content="2012">' in page
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    work = json.loads(embedded.group(1))
    assert work["@type"] == "CreativeWork" and work["datePublished"] == "2012"
    assert {"name": "Rakeb Messele"} in work["author"]
    assert {"@type": "Place", "name": "Horn of Africa"} in work["spatialCoverage"]


def test_concept_page_lists_its_records(base):
    page = get(f"{base}def/regions/horn-of-africa", BROWSER).text
    assert "Records (1 record)" in page
    assert f'href="/doc/record/{RECORD}"' in page


def test_agent_page_lists_the_agents_records(base):
    page = get(f"{base}doc/agent/rakeb-messele", BROWSER).text
    assert "Records (1)" in page and "Desk Review of Counter-Trafficking" in page


def test_scheme_page_shows_the_concept_tree_with_counts(base):
    page = get(f"{base}def/regions", BROWSER).text
    assert '<a href="/def/regions/worldwide">Worldwide</a>' in page
    assert '<a href="/def/regions/horn-of-africa">Horn of Africa</a>' in page
    # Worldwide: every record with a place, of which six listing records and one from
    # unusual-ids.jsonl name it
    assert re.search(r"worldwide\">Worldwide</a>\s*<span class=\"count\">\(\d+ records, "
                     r"7 tagged Worldwide itself\)", page)


def test_scheme_page_lists_its_concepts_once(base):
    page = html.fromstring(get(f"{base}def/regions", BROWSER).content)
    assert "Top concepts" not in page.xpath("//dt/text()")
    assert len(page.xpath("//a[@href='/def/regions/worldwide']")) == 1


def test_withdrawn_record_page_says_when_in_words_and_where_to_look(base):
    response = get(f"{base}doc/record/soon-withdrawn", BROWSER)
    assert response.status_code == 410
    page = html.fromstring(response.content)
    [when] = page.xpath("//p[@class='notice']/time")
    assert when.text == in_words(when.get("datetime"))
    assert page.xpath("normalize-space(//p[@class='notice'])").startswith(
        f"Withdrawn from the catalogue on {when.text}.")
    for rdf_name in ("deprecated", "invalidatedAtTime", "true"):
        assert rdf_name not in page.xpath("string(//main)").split(), rdf_name
    title = "A Record That Will Be Withdrawn"
    assert page.xpath("string(//h1)") == title
    [search] = page.xpath("//a[starts-with(@href, '/search?')]/@href")
    assert search == "/search?" + urlencode({"q": title})
    reference = page.xpath("normalize-space(//section[@class='cite']//p[@class='reference'])")
    assert reference.startswith(f"{title}.") and f"{base}id/record/soon-withdrawn" in reference


def test_not_found_page_offers_a_search(base):
    response = get(f"{base}doc/record/no-such-record", BROWSER)
    assert response.status_code == 404
    [form] = html.fromstring(response.content).xpath("//main//form[@role='search']")
    assert form.get("action") == "/search" and form.get("method") == "get"
    assert form.xpath(".//input[@type='search']/@name") == ["q"]


def test_markup_in_the_data_is_shown_as_text(base):
    page = get(f"{base}doc/record/hostile-markup", BROWSER).text
    assert "<script>alert" not in page and "<img src=x" not in page and "<i>Someone" not in page
    assert "<h1>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; Other &#34;Quotes&#34;</h1>" in page
    embedded = page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in embedded


@pytest.mark.parametrize("path", ["dump", "browse", f"id/record/{RECORD}"])
def test_redirects_name_the_configured_base_whatever_the_host_header(base, path):
    response = get(f"{base}{path}", BROWSER, Host="evil.example")
    assert response.status_code in (303, 308)
    assert response.headers["Location"].startswith(base)


def test_no_header_a_client_sends_changes_the_links_of_a_page(base):
    page = get(f"{base}doc/record/{RECORD}", BROWSER, SCRIPT_NAME="//evil.example",
               **{"X-Forwarded-Host": "evil.example", "X-Forwarded-Prefix": "//evil.example"})
    assert page.status_code == 200 and "evil.example" not in page.text
    sneaky = requests.get(f"{base}/evil.example/doc/record/{RECORD}", timeout=30,
                          headers={"SCRIPT_NAME": "//evil.example", "Accept": BROWSER})
    assert "evil.example" not in sneaky.text
    assert "evil.example" not in get(f"{base}doc/record/{RECORD}", BROWSER).text


def test_a_reingest_is_served_without_a_restart(tmp_path):
    import shutil
    import subprocess
    import sys

    from .conftest import cli_env
    source = tmp_path / "listing.txt"
    shutil.copy(LISTING, source)
    ask = {"query": 'ASK { ?agent foaf:name "Rakeb Messele Ayele" }'}
    with running_server(tmp_path, [source]) as url:
        before = get(f"{url}doc/record/{RECORD}.nt")
        assert requests.get(f"{url}sparql", params=ask, timeout=30).json()["boolean"] is False
        source.write_text(source.read_text().replace("Rakeb Messele", "Rakeb Messele Ayele"))
        subprocess.run([sys.executable, "-m", "ctlib.cli", "ingest", "-q", str(source)],
                       env=cli_env(tmp_path) | {"CTLIB_BASE_URI": url}, check=True, timeout=120)
        after = get(f"{url}doc/record/{RECORD}.nt")
        assert "Rakeb Messele Ayele" in after.text and "Rakeb Messele Ayele" not in before.text
        assert after.headers["ETag"] != before.headers["ETag"]
        assert get(f"{url}doc/record/{RECORD}.nt",
                   **{"If-None-Match": before.headers["ETag"]}).status_code == 200
        assert requests.get(f"{url}sparql", params=ask, timeout=30).json()["boolean"] is True


@pytest.mark.parametrize("accept", ["text/turtle", BROWSER, "application/ld+json"])
def test_cached_answers_have_the_same_headers_and_body_as_the_first(base, accept):
    url = f"{base}doc/agent/olena-kovalenko-{accept[:4]}"  # unknown: 404 both times
    assert get(url, accept).status_code == get(url, accept).status_code == 404
    url = f"{base}def/countries/ch"
    first, second = get(url, accept), get(url, accept)
    ignore = {"Date", "Server", "Connection", "Keep-Alive"}
    assert {k: v for k, v in first.headers.items() if k.title() not in ignore} == \
        {k: v for k, v in second.headers.items() if k.title() not in ignore}
    assert first.content == second.content
