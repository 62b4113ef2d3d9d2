"""The query page's results as people read them, from the real server: prefixed names,
labels beside our concepts and agents, datatypes on hover, language tags, the row count
and time, the chart of a label and a number, the over-limit message; sorting and
filtering in Chromium."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests
from lxml import html

from ctlib.web.sparql import endpoint, results

from .conftest import ROOT
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PER_REGION = """SELECT ?region (COUNT(?r) AS ?records) WHERE {
  ?r dcterms:spatial ?region . ?region skos:inScheme scheme:regions }
GROUP BY ?region ORDER BY DESC(?records)"""


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("results"), [LISTING]) as url:
        yield url


def page(base: str, query: str, **params) -> html.HtmlElement:
    response = requests.get(base + "sparql", params={"query": query, **params},
                            headers={"Accept": BROWSER}, timeout=30)
    assert response.status_code == 200, response.text
    return html.fromstring(response.text)


def cells(tree: html.HtmlElement) -> list[html.HtmlElement]:
    return tree.xpath("//table[@class='results']/tbody//td")


def label(cell: html.HtmlElement) -> str:
    return cell.xpath(".//span[@class='label']")[0].text_content()


def test_iris_are_prefixed_names_by_our_prefixes_and_the_querys_own(base):
    tree = page(base, "PREFIX c: <%sdef/countries/>\n"
                      "SELECT ?c ?type WHERE { VALUES ?c { c:et } ?c a ?type }" % base)
    country, kind = cells(tree)
    link = country.find("a")
    assert link.text == "c:et" and link.get("title") == base + "def/countries/et"
    assert link.get("href") == "/def/countries/et"
    assert kind.find("a").text == "skos:Concept"


def test_our_concepts_and_agents_have_their_label_beside_them_in_the_page_language(base):
    query = "SELECT ?c WHERE { VALUES ?c { countries:et countries:ci } }"
    for language, ethiopia in (("en", "Ethiopia"), ("fr", "Éthiopie"), ("es", "Etiopía")):
        labels = [label(td) for td in cells(page(base, query, lang=language))]
        assert len(labels) == 2 and labels[0] == ethiopia
    agent = cells(page(base, "SELECT ?a WHERE { ?a a foaf:Agent ; foaf:name ?n } LIMIT 1"))[0]
    assert agent.find("a").text.startswith("agent:")
    assert label(agent).strip()


def test_datatypes_are_on_hover_and_languages_are_small_tags(base):
    tree = page(base, 'SELECT ?n ?t WHERE { BIND(42 AS ?n) BIND("Trata"@es AS ?t) }')
    number, text = cells(tree)
    assert number.get("title") == "xsd:integer" and number.text_content() == "42"
    assert "number" in number.get("class") and number.get("data-sort") == "42"
    assert "xsd:" not in tree.xpath("//table")[0].text_content()
    assert text.find("small").text == "es"
    assert text.xpath("span[@lang='es']")[0].text == "Trata"


def test_the_row_count_and_the_time_the_query_took(base):
    count = page(base, "SELECT ?r { ?r a dcterms:BibliographicResource }").get_element_by_id(
        "row-count").text_content()
    assert count.startswith("10 rows, in ") and count.endswith(" ms.")


def test_a_label_and_a_number_are_drawn_as_the_home_pages_bar_chart(base):
    tree = page(base, PER_REGION)
    bars = tree.xpath("//section[@class='results-chart']/ol/li")
    assert len(bars) == len(cells(tree)) // 2 > 1
    first = bars[0]
    assert first.find("a").get("href").startswith("/def/regions/")
    assert label(first) == \
        label(cells(tree)[0])
    assert first.xpath(".//*[local-name()='rect']")[0].get("width") == "100.0"
    assert not page(base, "SELECT ?r { ?r a dcterms:BibliographicResource }").xpath(
        "//section[@class='results-chart']"), "no number column, no chart"


def test_a_result_over_the_page_limit_says_so_and_links_to_the_whole_result(base):
    query = "SELECT ?s ?p ?o { ?s ?p ?o }"
    tree = page(base, query)
    assert len(tree.xpath("//table/tbody/tr")) == endpoint.HTML_ROWS
    assert tree.get_element_by_id("row-count").text_content().startswith(
        f"More than {endpoint.HTML_ROWS:,} rows: the first {endpoint.HTML_ROWS:,} are shown")
    links = {a.text: a.get("href") for a in tree.get_element_by_id("truncated").findall("a")}
    assert set(links) == {"CSV", "JSON"}
    whole = requests.get(base + links["CSV"].lstrip("/"), timeout=30)
    assert whole.headers["Content-Type"].startswith("text/csv")
    assert whole.text.count("\n") > endpoint.HTML_ROWS + 1


def test_the_table_sorts_and_filters_in_the_browser(base, browser):
    tab = browser.new_page()
    tab.goto(base + "sparql?" + requests.compat.urlencode({"query": PER_REGION}))
    heading = tab.locator("table.results thead th").nth(1)
    heading.get_by_role("button").click()
    assert heading.get_attribute("aria-sort") == "ascending"
    counts = [float(v) for v in tab.locator("table.results tbody td.number").evaluate_all(
        "cells => cells.map(c => c.dataset.sort)")]
    assert counts == sorted(counts)
    heading.get_by_role("button").click()
    assert heading.get_attribute("aria-sort") == "descending"
    first = tab.locator("table.results tbody tr").first.locator(".label").inner_text()
    tab.get_by_label("Filter rows").fill(first)
    visible = tab.locator("table.results tbody tr:visible")
    assert visible.count() == 1 and first in visible.inner_text()
    total = tab.locator("table.results tbody tr").count()
    assert tab.locator("#rows-shown").inner_text() == f"1 of {total} rows shown"
    tab.close()


def test_without_javascript_the_table_is_plain(base):
    tree = page(base, PER_REGION)
    assert tree.xpath("//div[@class='table-tools']")[0].get("hidden") is not None
    assert not tree.xpath("//table//button")


XSD = "http://www.w3.org/2001/XMLSchema#"
OURS = {"scheme": "http://x.org/def/", "countries": "http://x.org/def/countries/"}


@pytest.mark.parametrize("iri, short", [
    ("http://x.org/def/countries/ci", "countries:ci"),  # the longest namespace wins
    ("http://x.org/def/regions/002", "http://x.org/def/regions/002"),  # not a local name
    ("http://x.org/def/countries/", "http://x.org/def/countries/"),
    ("http://x.org/def/countries/ci.", "http://x.org/def/countries/ci."),
    ("http://other.org/a", "o:a"),
])
def test_names_are_prefixed_where_they_read_back_as_prefixed_names(iri, short):
    names = results.Names(OURS, "PREFIX o: <http://other.org/>\nSELECT * {}")
    assert names.short(iri) == short


def test_a_querys_own_prefix_wins_over_ours_for_the_same_namespace():
    names = results.Names(OURS, "prefix c: <http://x.org/def/countries/> SELECT * {}")
    assert names.short("http://x.org/def/countries/ci") == "c:ci"


def number(value: str, datatype: str = "integer") -> results.Cell:
    return results.cell(ox.Literal(value, datatype=ox.NamedNode(XSD + datatype)),
                        results.Names({}, ""), "http://x.org/")


@pytest.mark.parametrize("rows, drawn", [
    ([[results.Cell("a"), number("3")], [results.Cell("b"), number("1.5", "decimal")]], 2),
    ([[number("3"), results.Cell("a")]], 1),  # the number may come first
    ([[results.Cell("a"), number("-1")]], 0),  # a bar cannot be negative
    ([[results.Cell("a"), number("0")]], 0),  # nothing to draw
    ([[number("1"), number("2")]], 0),  # no label column
    ([[results.Cell("a"), number("x")]], 0),  # an ill-typed number is not counted
    ([[results.Cell("a"), results.Cell("")]], 0),  # unbound
])
def test_a_chart_is_drawn_for_one_label_and_one_number_column(rows, drawn):
    assert len(results.chart(["label", "count"], rows)) == drawn
