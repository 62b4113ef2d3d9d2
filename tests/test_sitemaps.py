"""/sitemap.xml and /robots.txt end to end: the real server, its answers validated
against the sitemaps.org schemas (tests/data/sitemaps/) and every URL in them fetched."""

from urllib.parse import quote

import pytest
import requests
from lxml import etree

from ctlib.config import load_config

from .conftest import DATA, ROOT
from .server import running_server

SCHEMAS = DATA / "sitemaps"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SOURCES = [ROOT / "data" / "library-listing.txt", DATA / "unusual-ids.jsonl"]
RECORDS = """SELECT ?record ?modified WHERE {
  ?record a dcterms:BibliographicResource ; dcterms:modified ?modified }"""
VOCABULARY = """SELECT (COUNT(DISTINCT ?resource) AS ?n) WHERE {
  ?resource a ?type VALUES ?type { skos:Concept skos:ConceptScheme } }"""


@pytest.fixture(scope="module")
def urlset_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))


@pytest.fixture(scope="module")
def index_schema():
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "siteindex.xsd")))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The listing, then the listing and two more records: records of two ingests."""
    with running_server(tmp_path_factory.mktemp("sitemap"), SOURCES[:1], SOURCES) as url:
        yield url


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A server whose sitemaps hold at most 100 URLs: the catalogue needs several."""
    with running_server(tmp_path_factory.mktemp("sitemaps"), SOURCES,
                        settings={"CTLIB_SITEMAP_SIZE": "100"}) as url:
        yield url


def get(url: str, **headers) -> requests.Response:
    return requests.get(url, headers=headers, allow_redirects=False, timeout=30)


def xml(response: requests.Response):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    return etree.fromstring(response.content)


def sparql(base: str, query: str) -> list[dict]:
    answer = requests.get(f"{base}sparql", params={"query": query}, timeout=30,
                          headers={"Accept": "application/sparql-results+json"})
    return answer.json()["results"]["bindings"]


def listed(sitemap) -> dict[str, str]:
    return {url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
            for url in sitemap.iterfind("s:url", NS)}


def test_sitemap_lists_every_record_with_its_modification_time(base, urlset_schema):
    sitemap = xml(get(f"{base}sitemap.xml"))
    assert urlset_schema.validate(sitemap), urlset_schema.error_log
    urls = listed(sitemap)
    records = sparql(base, RECORDS)
    assert len(records) == 12
    assert len({row["modified"]["value"] for row in records}) == 2  # not one time for all
    for row in records:
        page = row["record"]["value"].replace(f"{base}id/", f"{base}doc/")
        assert urls[page] == row["modified"]["value"], page
    assert f"{base}doc/record/{quote('CT/2019 #7', safe='')}" in urls
    vocabulary = int(sparql(base, VOCABULARY)[0]["n"]["value"])
    assert len(urls) == 1 + len(records) + vocabulary
    for page in (base, f"{base}def/regions", f"{base}def/regions/horn-of-africa",
                 f"{base}def/categories/referral-mechanisms"):
        assert page in urls, page


def test_sitemap_becomes_an_index_past_the_limit(base, small, urlset_schema, index_schema):
    index = xml(get(f"{small}sitemap.xml"))
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert index_schema.validate(index), index_schema.error_log
    parts = [s.findtext("s:loc", namespaces=NS) for s in index.iterfind("s:sitemap", NS)]
    assert len(parts) >= 3
    assert parts == [f"{small}sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    seen: list[str] = []
    for number, part in enumerate(parts, 1):
        sitemap = xml(get(part))
        assert urlset_schema.validate(sitemap), (part, urlset_schema.error_log)
        urls = listed(sitemap)
        assert len(urls) == 100 if number < len(parts) else 0 < len(urls) <= 100
        lastmod = index.find(f"s:sitemap[{number}]/s:lastmod", NS).text
        assert lastmod == max(urls.values())
        seen += [url[len(small):] for url in urls]
    whole = [url[len(base):] for url in listed(xml(get(f"{base}sitemap.xml")))]
    assert seen == whole  # the same pages, in the same order, as in one file


def test_every_url_in_the_sitemap_answers_200(base):
    session = requests.Session()
    urls = listed(xml(get(f"{base}sitemap.xml")))
    for url in urls:
        response = session.get(url, headers={"Accept": "text/html"}, timeout=30,
                               allow_redirects=False)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "text/html; charset=utf-8", url


@pytest.mark.parametrize("path", ["sitemap-0.xml", "sitemap-1.xml", "sitemap-99.xml"])
def test_sitemaps_that_do_not_exist_answer_404(base, path):
    assert get(base + path).status_code == 404


def test_past_the_last_part_answers_404(small):
    parts = len(xml(get(f"{small}sitemap.xml")).findall("s:sitemap", NS))
    assert get(f"{small}sitemap-{parts}.xml").status_code == 200
    assert get(f"{small}sitemap-{parts + 1}.xml").status_code == 404


def test_robots_txt_allows_all_and_names_the_sitemap(base):
    response = get(f"{base}robots.txt", Host="proxy.example.org")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    assert f"Sitemap: {base}sitemap.xml" in lines


def test_urls_come_from_the_configured_base_not_the_host_header(small):
    index = get(f"{small}sitemap.xml", Host="proxy.example.org")
    part = get(f"{small}sitemap-1.xml", Host="proxy.example.org")
    assert "proxy.example.org" not in index.text + part.text
    assert all(url.startswith(small) for url in listed(xml(part)))


@pytest.mark.parametrize("path", ["sitemap.xml", "sitemap-2.xml", "robots.txt"])
def test_conditional_requests_answer_304(small, path):
    first = get(small + path)
    assert first.headers["ETag"] == get(small + path).headers["ETag"]
    again = get(small + path, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert get(small + path, **{"If-None-Match": '"other"'}).status_code == 200
    if "Last-Modified" in first.headers:
        since = first.headers["Last-Modified"]
        assert get(small + path, **{"If-Modified-Since": since}).status_code == 304


def test_sitemap_parts_are_different_documents(small):
    assert get(f"{small}sitemap-1.xml").headers["ETag"] != \
        get(f"{small}sitemap-2.xml").headers["ETag"]


def test_sitemap_size_setting_is_bounded_by_the_protocol():
    assert load_config({"sitemap_size": "50000"}, environ={}).sitemap_size == 50000
    with pytest.raises(ValueError, match="CTLIB_SITEMAP_SIZE"):
        load_config(environ={"CTLIB_SITEMAP_SIZE": "50001"})
    with pytest.raises(ValueError, match="CTLIB_SITEMAP_SIZE"):
        load_config(environ={"CTLIB_SITEMAP_SIZE": "0"})
