"""Concept and scheme pages as a reader sees them: where the concept sits (a breadcrumb),
its labels under the names of their languages, its codes and its matches elsewhere named
after their standards, its count, and a search that finds its records. The real server
over the real listing and a partner's file; a concept page at phone width in Chromium."""

import re

import pytest
from lxml import html

from ctlib.records.language import language_name
from ctlib.web.descriptions.concept_page import code_name, matched
from ctlib.web.descriptions.locator import locator

from .chromium import needs_chromium
from .conftest import DATA, ROOT
from .server import get, running_server

BROWSER = "text/html"
EASTERN_EUROPE = "def/regions/eastern-europe"
IVORY_COAST = "def/countries/ci"
RDF_NAMES = ("ConceptScheme", "exactMatch", "notation", "prefLabel", "inScheme", "Class")


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("concepts"),
                        [ROOT / "data" / "library-listing.txt", DATA / "partner.jsonl"]) as url:
        yield url


def page_of(url: str):
    response = get(url, BROWSER)
    assert response.status_code == 200, url
    return html.fromstring(response.content)


def words(element) -> str:
    return " ".join(element.text_content().split())


def breadcrumb(page) -> list[tuple[str, str]]:
    return [(words(a), a.get("href"))
            for a in page.xpath('//nav[@aria-label="Breadcrumb"]/ol/li/a')]


def row(page, name: str):
    """The <dd> of the property list row called ``name``."""
    found = page.xpath(f'//dl[@class="properties"]/dt[normalize-space()="{name}"]'
                       '/following-sibling::dd[1]')
    assert found, f"no row {name!r}"
    return found[0]


def test_the_breadcrumb_leads_from_the_scheme_down_to_the_concept(base):
    page = page_of(base + EASTERN_EUROPE)
    # Worldwide, the regions scheme's only top concept, says no more than "Regions"
    assert breadcrumb(page) == [("Regions", "/def/regions"), ("Europe", "/def/regions/europe"),
                                ("Eastern Europe", "/" + EASTERN_EUROPE)]
    current = page.xpath('//nav[@aria-label="Breadcrumb"]//a[@aria-current="page"]')
    assert [words(a) for a in current] == ["Eastern Europe"]


def test_a_country_follows_its_m49_region_rather_than_a_grouping(base):
    # Ethiopia is in Eastern Africa (M49) and in the Horn of Africa and IGAD (groupings)
    assert [label for label, _ in breadcrumb(page_of(base + "def/countries/et"))] == \
        ["Regions", "Africa", "Sub-Saharan Africa", "Eastern Africa", "Ethiopia"]
    assert "Horn of Africa" in words(row(page_of(base + "def/countries/et"), "Broader"))


def test_labels_are_shown_under_the_names_of_their_languages(base):
    names = row(page_of(base + EASTERN_EUROPE), "Names")
    assert [words(li) for li in names.xpath(".//li")] == [
        "English: Eastern Europe", "French: Europe orientale", "Spanish: Europa oriental"]
    assert names.xpath('.//span[@lang="fr"]/text()') == ["Europe orientale"]
    assert names.xpath('.//span[@lang="es"]/text()') == ["Europa oriental"]


def test_the_count_and_the_search_that_finds_the_records(base):
    page = page_of(base + "def/regions/europe")
    said = words(page.xpath('//p[@class="concept-records"]')[0])
    assert said.startswith("4 records, 0 tagged Europe itself"), said
    link = page.xpath('//a[normalize-space()="Search the records about this"]')[0]
    assert link.get("href") == "/search?region=europe&sort=newest"
    listed = sorted(words(a) for a in page.xpath('//ol[@class="records"]/li/a'))
    found = page_of(base + link.get("href").lstrip("/"))
    assert sorted(words(h) for h in found.xpath("//ol[@class='hits']/li//h3")) == listed
    assert [words(a) for a in found.xpath('//main//a[@aria-current="true"]')] == ["Europe"]


def test_codes_and_matches_are_named_after_their_standards(base):
    page = page_of(base + IVORY_COAST)
    assert [words(li) for li in row(page, "Codes").xpath(".//li")] == [
        "M49: 384", "ISO 3166 alpha-2: CI", "ISO 3166 alpha-3: CIV"]
    same = row(page, "Same as")
    assert [words(li) for li in same.xpath(".//li")] == [
        "ISO 3166 alpha-3: CIV (EU Publications Office)", "Wikidata: Q1008"]
    assert same.xpath(".//a/@href") == [
        "http://publications.europa.eu/resource/authority/country/CIV",
        "http://www.wikidata.org/entity/Q1008"]
    kind = words(page.xpath('//p[@class="kind"]')[0])
    assert kind == "Concept in the scheme Countries"


def test_a_scheme_page_counts_its_concepts_and_records_and_names_its_source(base):
    page = page_of(base + "def/regions")
    assert words(page.xpath('//p[@class="kind"]')[0]) == "A vocabulary of 45 concepts"
    assert words(page.xpath('//p[@class="concept-records"]')[0]) == \
        "13 records about its concepts."
    source = row(page, "Taken from").xpath(".//a")[0]
    assert (words(source), source.get("href")) == \
        ("UN M49 standard", "https://unstats.un.org/unsd/methodology/m49/")
    # the tree lists the concepts once: no second list of top concepts
    assert page.xpath('//dt[normalize-space()="Top concepts"]') == []


@pytest.mark.parametrize("path", [EASTERN_EUROPE, IVORY_COAST, "def/regions",
                                  "def/countries", "def/categories/referral-mechanisms"])
def test_no_rdf_name_is_shown(base, path):
    shown = words(page_of(base + path).xpath("//body")[0])
    assert not [name for name in RDF_NAMES if name in shown], shown


def test_names_of_codes_matches_and_languages():
    assert [code_name("countries", c) for c in ("384", "CI", "CIV")] == \
        ["M49", "ISO 3166 alpha-2", "ISO 3166 alpha-3"]
    assert code_name("regions", "151") == "M49"
    assert code_name("categories", "X1") == "Code"
    assert (matched("http://www.wikidata.org/entity/Q55").name,
            matched("http://www.wikidata.org/entity/Q55").text) == ("Wikidata", "Q55")
    assert matched("https://example.org/thing/7").name == "example.org"
    assert [language_name(c) for c in ("en", "fr", "es", "pt-BR", None, "zz")] == \
        ["English", "French", "Spanish", "Portuguese (Brazil)", "No language", "zz"]


def inside(view: str, x: float, y: float) -> bool:
    left, top, width, height = map(float, view.split())
    return left <= x <= left + width and top <= y <= top + height


def test_a_locator_shows_the_country_among_its_neighbours():
    ivory_coast = locator("384")
    assert inside(ivory_coast.view, -5.5, -7.5)  # its middle (latitudes negated)
    assert ivory_coast.outline.startswith("M") and ivory_coast.ring is None
    malta = locator("470")  # too small to see: ringed
    assert malta.ring is not None and inside(malta.view, malta.ring[0], malta.ring[1])
    # the United States with Alaska and Hawaii, not the whole world across the Aleutians
    assert float(locator("840").view.split()[2]) < 200
    assert locator("010") is None  # Antarctica is below the map
    assert locator("999") is None


def test_a_country_page_has_a_locator_of_its_own_and_a_region_none(base):
    page = page_of(base + IVORY_COAST)
    svg = page.xpath('//figure[@class="locator"]/svg')[0]
    [land] = svg.xpath("use/@href")
    assert re.fullmatch(r"/static/world\.[0-9a-f]{12}\.svg#land", land)
    assert svg.xpath('path[@class="here"]/@d') == [locator("384").outline]
    assert words(page.xpath('//figure[@class="locator"]/figcaption')[0]) == \
        "Côte d'Ivoire on the map"
    assert page_of(base + EASTERN_EUROPE).xpath('//figure[@class="locator"]') == []
    world = get(base + land.removeprefix("/").removesuffix("#land"))
    assert world.status_code == 200 and 'id="land"' in world.text
    assert "http" not in world.text.replace('xmlns="http://www.w3.org/2000/svg"', "")


@needs_chromium
def test_a_concept_page_fits_a_phone_and_its_breadcrumb_wraps(base, browser, tmp_path):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(base + IVORY_COAST)
        overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"page is {overflow}px wider than a 390px screen"
        tops = page.evaluate("[...document.querySelectorAll('nav.breadcrumb li')]"
                             ".map(li => Math.round(li.getBoundingClientRect().top))")
        assert len(tops) == 5 and len(set(tops)) > 1, tops
        assert page.get_by_role("link", name="Search the records about this").is_visible()
        land = page.locator("figure.locator use").bounding_box()  # world.svg was loaded
        assert land is not None and land["width"] > 300, land
        page.screenshot(path=str(tmp_path / "concept-phone.png"), full_page=True)
    finally:
        page.close()
