"""The home page over HTTP: its charts say what SPARQL on the same server says, its
latest additions are the records published last, and it is cached per generation."""

import json

import pytest
import requests
from lxml import html

from ctlib.web.core.dates import in_words

from .conftest import DATA, ROOT
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
ADDED = [DATA / "partner.jsonl", DATA / "hostile.jsonl"]
SVG = "{http://www.w3.org/2000/svg}"
PREFIXES = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The listing, then a second ingest that adds records to it: these are the latest
    additions."""
    with running_server(tmp_path_factory.mktemp("home"), [LISTING], [LISTING, *ADDED]) as url:
        yield url


@pytest.fixture(scope="module")
def page(base):
    response = requests.get(base, headers={"Accept": "text/html"}, timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return html.fromstring(response.content)


def sparql(base: str, query: str) -> list[dict[str, str]]:
    response = requests.get(f"{base}sparql", params={"query": PREFIXES + query},
                            headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200, response.text
    return [{name: value["value"] for name, value in row.items()}
            for row in response.json()["results"]["bindings"]]


def counts_by(base: str, query: str, key: str) -> dict[str, int]:
    return {row[key]: int(row["n"]) for row in sparql(base, query)}


def table(page, section: str) -> dict[str, int]:
    """The numbers a chart's section gives as text (its table)."""
    rows = page.xpath(f'//section[@id="{section}"]//table/tbody/tr')
    return {row.xpath("string(th)"): int(row.xpath("string(td)").replace(",", ""))
            for row in rows}


def chart(page, section: str):
    charts = page.xpath(f'//section[@id="{section}"]/*[local-name()="svg"]')
    assert len(charts) == 1
    svg = charts[0]
    assert svg.get("role") == "img" and svg.get("aria-label")
    assert svg.xpath('string(*[local-name()="title"])') == svg.get("aria-label")
    assert "viewBox" in svg.attrib or "viewbox" in svg.attrib
    return svg


def bar_links(page, section: str) -> dict[str, tuple[int, str]]:
    """Each bar of a section's bar chart, a list of links: its label, count and link.
    The links are not inside an image (axe: nested-interactive), and each one's name is
    the text it shows (its label and count)."""
    assert not page.xpath(f'//section[@id="{section}"]//*[@role="img"]//a')
    bars = page.xpath(f'//section[@id="{section}"]/ol[@class="chart-bars"]/li[not(@class)]/a')
    assert all(bar.xpath('.//*[local-name()="svg"]/@aria-hidden') == ["true"] for bar in bars)
    return {bar.xpath('string(span[@class="label"])'):
            (int(bar.xpath('string(span[@class="count"])').replace(",", "")), bar.get("href"))
            for bar in bars}


def test_records_per_year_are_what_sparql_counts(base, page):
    expected = counts_by(base, """
        SELECT ?year (COUNT(DISTINCT ?record) AS ?n) WHERE {
          ?record a dcterms:BibliographicResource ; dcterms:issued ?year } GROUP BY ?year""",
                         "year")
    assert table(page, "records-per-year") == expected
    svg = chart(page, "records-per-year")
    titles = svg.xpath('.//*[local-name()="rect"]/*[local-name()="title"]/text()')
    assert sorted(titles) == sorted(f"{year}: {n} record" + ("" if n == 1 else "s")
                                    for year, n in expected.items())
    assert "2010" in svg.xpath('.//*[local-name()="text"]/text()')  # a year with no records


def test_records_per_region_are_what_sparql_counts_over_the_hierarchy(base, page):
    # The same facts asked another way: records under each M49 sub-region (a region
    # with a code, two steps below the top).
    expected = counts_by(base, f"""
        SELECT ?label (COUNT(DISTINCT ?record) AS ?n) WHERE {{
          <{base}def/regions> skos:hasTopConcept ?top .
          ?region skos:broader/skos:broader ?top ; skos:notation [] ;
                  skos:inScheme <{base}def/regions> .
          ?record dcterms:spatial/skos:broader* ?region .
          ?region skos:prefLabel ?label FILTER (LANG(?label) = "en")
        }} GROUP BY ?label""", "label")
    assert "Worldwide" not in expected and expected["Sub-Saharan Africa"] >= 1
    assert table(page, "records-per-region") == expected
    links = bar_links(page, "records-per-region")
    assert {label: n for label, (n, _) in links.items()} == expected  # under the chart's limit
    assert links["Sub-Saharan Africa"][1] == "/def/regions/sub-saharan-africa"


def test_records_per_category_count_narrower_categories_and_link_to_their_concepts(base, page):
    rows = sparql(base, """
        SELECT ?category ?label (COUNT(DISTINCT ?record) AS ?n) WHERE {
          ?record dcterms:subject/skos:broader* ?category .
          ?category skos:prefLabel ?label FILTER (LANG(?label) = "en")
        } GROUP BY ?category ?label""")
    expected = {row["label"]: int(row["n"]) for row in rows}
    assert "Referral Mechanisms" in expected
    assert table(page, "records-per-category") == expected
    links = bar_links(page, "records-per-category")
    assert {label: n for label, (n, _) in links.items()} == expected
    for row in rows:
        href = links[row["label"]][1]
        assert base + href.lstrip("/") == row["category"]
        assert requests.get(base + href.lstrip("/"), headers={"Accept": "text/html"},
                            timeout=30).status_code == 200


def test_the_counts_are_what_sparql_counts(base, page):
    [totals] = sparql(base, """
        SELECT (COUNT(DISTINCT ?record) AS ?records) (COUNT(DISTINCT ?author) AS ?authors)
        WHERE { ?record a dcterms:BibliographicResource .
                OPTIONAL { ?record dcterms:creator ?author } }""")
    used = counts_by(base, """
        SELECT ?scheme (COUNT(DISTINCT ?concept) AS ?n) WHERE {
          ?record dcterms:spatial|dcterms:subject ?concept . ?concept skos:inScheme ?scheme
        } GROUP BY ?scheme""", "scheme")
    shown = {dt.text_content(): int(dd.text_content().replace(",", ""))
             for dt, dd in zip(page.xpath("//dl[@class='home-counts']//dt"),
                               page.xpath("//dl[@class='home-counts']//dd"))}
    assert shown == {"Records": int(totals["records"]), "Authors": int(totals["authors"]),
                     "Countries": used[f"{base}def/countries"],
                     "Regions": used[f"{base}def/regions"],
                     "Categories": used[f"{base}def/categories"]}
    assert shown["Records"] == 14


def test_the_latest_additions_are_the_records_the_last_ingest_added(base, page):
    items = page.xpath('//section[@aria-labelledby="latest"]//ol/li')
    assert len(items) == 10
    hrefs = [item.xpath("string(a/@href)") for item in items]
    titles = [item.xpath("string(a)") for item in items]
    # The second ingest added these four (its other lines are not records); they come
    # first, newest year first, and the listing's records follow, newest year first.
    added = {row["record"] for row in sparql(base, """
        SELECT ?record WHERE {
          ?record a dcterms:BibliographicResource ; dcterms:modified ?modified .
          { SELECT (MAX(?m) AS ?modified) WHERE {
              ?r a dcterms:BibliographicResource ; dcterms:modified ?m } } }""")}
    assert len(added) == 4
    assert {base + href.lstrip("/") for href in hrefs[:4]} == \
        {uri.replace("/id/record/", "/doc/record/") for uri in added}
    years = [int(item.xpath("string(span)")) for item in items]
    assert years[:4] == sorted(years[:4], reverse=True)
    assert years[4:] == sorted(years[4:], reverse=True)
    assert """<script>alert('title')</script> & Other "Quotes\"""" in titles
    for href, title in zip(hrefs, titles):
        assert href.startswith("/doc/record/")
        response = requests.get(base + href.lstrip("/"), headers={"Accept": "text/html"},
                                timeout=30)
        assert response.status_code == 200
        assert html.fromstring(response.content).xpath("string(//h1)") == title


def test_the_latest_additions_say_when_each_was_added(page):
    times = page.xpath('//section[@aria-labelledby="latest"]//ol/li//time')
    assert len(times) == 10
    stamps = [time.get("datetime") for time in times]
    for time, stamp in zip(times, stamps):
        assert time.text == in_words(stamp) and time.getparent().text == "added "
    # The second ingest's four records were added after the listing's six.
    assert min(stamps[:4]) > max(stamps[4:])


def test_the_record_count_opens_the_search_of_every_record_newest_first(base, page):
    [count] = page.xpath("//dl[@class='home-counts']//dt[.='Records']/../dd/a")
    assert count.get("href") == "/search?sort=newest"
    found = requests.get(base + "search?sort=newest", headers={"Accept": "application/json"},
                         timeout=30).json()
    assert found["total"] == int(count.text) and found["query"]["q"] == ""
    years = [hit["year"] for hit in found["hits"]]
    assert years == sorted(years, reverse=True)


def test_the_author_count_opens_the_authors_list(base, page):
    [count] = page.xpath("//dl[@class='home-counts']//dt[.='Authors']/../dd/a")
    assert count.get("href") == "/browse/authors"
    authors = html.fromstring(requests.get(base + "browse/authors", timeout=30).content)
    assert authors.xpath("string(//h1)") == "Authors"


def test_a_catalogue_without_categories_shows_no_category_chart(tmp_path):
    source = tmp_path / "uncategorised.jsonl"
    source.write_text(json.dumps({"id": "no-category", "title": "A Record Without Category",
                                  "summary": "Filed under no topic.", "year": "2020",
                                  "country": ["Switzerland"]}) + "\n")
    with running_server(tmp_path, [source]) as url:
        home = requests.get(url, timeout=30)
        catalog = requests.get(url + "catalog", headers={"Accept": "text/html"}, timeout=30)
    assert home.status_code == 200 and "A Record Without Category" in home.text
    assert "Records per category" not in home.text and 'id="records-per-category"' \
        not in home.text
    assert catalog.status_code == 200
    assert "Records by category" not in catalog.text and "(0)" not in catalog.text


def test_the_search_form_asks_the_search_page(page):
    [form] = page.xpath("//form[@action='/search']")
    assert form.get("method") == "get" and form.get("role") == "search"
    [field] = form.xpath(".//input[@name='q']")
    label = form.xpath(f"string(.//label[@for='{field.get('id')}'])")
    assert label == "Search the library"


def test_the_page_keeps_its_ways_in(page):
    headings = page.xpath("//h2/text()")
    for heading in ("Browse by vocabulary", "Query the catalogue", "For harvesters",
                    "Latest additions", "Records per year"):
        assert heading in headings
    assert len(page.xpath("//h1")) == 1


def test_the_page_is_rendered_once_per_generation_and_validates(base):
    first = requests.get(base, timeout=30)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    again = requests.get(base, headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and again.content == b""
    since = requests.get(base, headers={"If-Modified-Since": first.headers["Last-Modified"]},
                         timeout=30)
    assert since.status_code == 304
    # Another worker renders the same bytes: the ETag does not depend on who answers.
    etags = {requests.get(base, timeout=30).headers["ETag"] for _ in range(6)}
    assert etags == {first.headers["ETag"]}


def test_chart_labels_follow_accept_language(base):
    french = requests.get(base, headers={"Accept-Language": "fr"}, timeout=30)
    english = requests.get(base, headers={"Accept-Language": "en"}, timeout=30)
    assert "Europe orientale" in french.text and "Europe orientale" not in english.text
    assert "Eastern Europe" in english.text
    labels = html.fromstring(french.content).xpath('//ol[@class="chart-bars"]//span[@class="label"]')
    # The label is in the page's own language: no lang of its own.
    assert {label.text: label.get("lang") for label in labels}["Europe orientale"] is None
    assert html.fromstring(french.content).get("lang") == "fr"
    assert "Accept-Language" in french.headers["Vary"]
    assert french.headers["ETag"] != english.headers["ETag"]


@pytest.mark.parametrize("language, words", [
    ("fr", ["En chiffres", "Notices par année", "Notices par région", "Derniers ajouts",
            "Pour les moissonneurs", "Parcourir par vocabulaire"]),
    ("es", ["En cifras", "Registros por año", "Registros por región",
            "Últimas incorporaciones", "Para recolectores", "Explorar por vocabulario"])])
def test_the_page_is_in_the_language_chosen(base, language, words):
    response = requests.get(base + f"?lang={language}", timeout=30)
    page = html.fromstring(response.content)
    text = page.text_content()
    assert page.get("lang") == language and all(word in text for word in words)
    assert "In numbers" not in text and "Latest additions" not in text
    # The chart's own words and its numbers as text, and the schemes' labels.
    svg = chart(page, "records-per-year")
    assert svg.get("aria-label") == words[1]
    assert all(title.text.split(": ")[1].split()[1] in (
        {"fr": ("notice", "notices"), "es": ("registro", "registros")}[language])
        for title in svg.iter(SVG + "title") if ":" in (title.text or ""))
    assert page.xpath('//section[@aria-labelledby="vocabularies"]//a/text()')[0] in (
        "Catégories", "Categorías")
    assert response.headers["ETag"] != requests.get(base, timeout=30).headers["ETag"]
