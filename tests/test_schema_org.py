"""The schema.org JSON-LD in the pages, as dataset search engines and other search
engines read it: every type and property exists in schema.org (release 30.0, kept in
tests/data/schemaorg/) and each property is used on a type its domain includes; the
dataset markup of the home page and /catalog has what Google's dataset documentation
requires and recommends; no title can break out of the script element."""

import gzip
import json
from html.parser import HTMLParser

import pytest
import requests

from ctlib.dataset.coverage import Coverage
from ctlib.dataset.facts import DatasetFacts
from ctlib.dataset.schema_org import dataset_markup
from ctlib.dataset.void import DescribedDataset, Site

from .chromium import needs_chromium
from .conftest import DATA, ROOT
from .server import running_server

VOCABULARY = DATA / "schemaorg" / "schemaorg-current-https.jsonld.gz"
SCHEMA = "schema:"
DATASET_PAGES = ("", "catalog", ".well-known/void")
RECORD_PAGES = ("doc/record/P-001", "doc/record/hostile-markup")
HOSTILE_TITLE = "<script>alert('title')</script> & Other \"Quotes\""

GOOGLE_REQUIRED = ("name", "description")
GOOGLE_RECOMMENDED = ("creator", "identifier", "isAccessibleForFree", "keywords", "license",
                      "spatialCoverage", "temporalCoverage", "url", "includedInDataCatalog",
                      "distribution")
"""Google's recommended Dataset properties that the catalogue has something true to say
for. Left out, as it has nothing to say: alternateName, citation, funder, hasPart,
isBasedOn, isPartOf, measurementTechnique, sameAs, variableMeasured, version."""
GOOGLE_DOWNLOAD = ("contentUrl", "encodingFormat")
"""Recommended of each distribution (DataDownload)."""


class Vocabulary:
    """schema.org's classes, each with its superclasses, and properties, each with the
    types its domain and range include."""

    def __init__(self, graph: list[dict]):
        def ids(node: dict, key: str) -> set[str]:
            value = node.get(key, [])
            return {v["@id"] for v in (value if isinstance(value, list) else [value])}
        parents = {n["@id"]: ids(n, "rdfs:subClassOf") for n in graph
                   if "rdfs:Class" in _list(n["@type"])}
        self.classes = {cls: self._closure(cls, parents) for cls in parents}
        self.domains = {n["@id"]: ids(n, "schema:domainIncludes") for n in graph
                        if "rdf:Property" in _list(n["@type"])}
        self.ranges = {n["@id"]: ids(n, "schema:rangeIncludes") for n in graph
                       if "rdf:Property" in _list(n["@type"])}

    @staticmethod
    def _closure(cls: str, parents: dict[str, set[str]]) -> set[str]:
        found, waiting = {cls}, [cls]
        while waiting:
            for parent in parents.get(waiting.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    waiting.append(parent)
        return found

    def problems(self, node: dict, where: str, expected: set[str] | None = None) -> list[str]:
        """What is wrong with ``node``: unknown types or properties, a property used on a
        type outside its domain. An untyped node is taken to be of each type the
        property it is the value of expects: one of them must fit."""
        types = {SCHEMA + t for t in _list(node["@type"])} if "@type" in node else expected
        found = [f"{where}: no schema.org type {t}" for t in types or () if t not in self.classes]
        for key, value in node.items():
            if key.startswith("@"):
                continue
            prop, at = SCHEMA + key, f"{where}.{key}"
            if prop not in self.domains:
                found.append(f"{at}: no schema.org property {prop}")
                continue
            if types and not any(self.domains[prop] & self.classes.get(t, set()) for t in types):
                found.append(f"{at}: {prop} is not a property of {sorted(types)}")
            for item in _list(value):
                if isinstance(item, dict):
                    found += self.problems(item, at, self.ranges[prop])
        return found


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    with gzip.open(VOCABULARY) as file:
        return Vocabulary(json.load(file)["@graph"])


class _ScriptData(HTMLParser):
    """The text of each ``<script type="application/ld+json">``, as an HTML parser
    reads it: where an unescaped "</script>" would end it."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and ("type", "application/ld+json") in attrs
        if self._inside:
            self.found.append("")

    def handle_endtag(self, tag):
        self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.found[-1] += data


def json_ld(page: str) -> list[dict]:
    parser = _ScriptData()
    parser.feed(page)
    return [json.loads(text) for text in parser.found]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("schema-org"),
                        [ROOT / "data" / "library-listing.txt", DATA / "partner.jsonl",
                         DATA / "hostile.jsonl"]) as url:
        yield url


def page_markup(base: str, path: str) -> dict:
    response = requests.get(f"{base}{path}", headers={"Accept": "text/html"}, timeout=60)
    assert response.status_code == 200, response.text
    found = json_ld(response.text)
    assert len(found) == 1, f"/{path}: {len(found)} JSON-LD scripts"
    return found[0]


# The vocabulary check itself, on markup known to be wrong.

def test_the_check_finds_unknown_terms_and_properties_outside_their_domain(vocabulary):
    wrong = {"@type": "Dataset", "name": "x", "colour": "red", "recipeYield": "4",
             "creator": {"name": "someone", "gtin": "1"}, "about": {"@type": "Nonesuch"}}
    assert sorted(vocabulary.problems(wrong, "wrong")) == sorted([
        "wrong.colour: no schema.org property schema:colour",
        "wrong.recipeYield: schema:recipeYield is not a property of ['schema:Dataset']",
        "wrong.creator.gtin: schema:gtin is not a property of "
        "['schema:Organization', 'schema:Person']",
        "wrong.about: no schema.org type schema:Nonesuch"])


def test_the_dataset_markup_is_made_from_the_facts(vocabulary):
    site = Site("https://example.org/", "https://example.org/id/dataset", "Test Library",
                "https://creativecommons.org/licenses/by/4.0/", "Test Publisher", "en")
    facts = DatasetFacts("2024-05-01T10:00:00Z", 10, 3, {}, {}, [])
    covered = Coverage({2001: 2, 2019: 5}, {"https://example.org/def/regions/x": 3},
                       {"https://example.org/def/categories/y": 4})
    markup = dataset_markup(DescribedDataset(site, facts, [], {}), covered,
                            {"https://example.org/def/categories/y": "Prevention"})
    assert markup["temporalCoverage"] == "2001/2019"
    assert markup["keywords"] == ["Prevention"]
    assert markup["spatialCoverage"] == [{"@type": "Place", "@id": "https://example.org/def/"
                                          "regions/x", "name": "https://example.org/def/regions/x"}]
    assert markup["creator"]["name"] == "Test Publisher"
    assert markup["includedInDataCatalog"]["url"] == "https://example.org/catalog"
    assert vocabulary.problems(markup, "dataset") == []
    bare = dataset_markup(DescribedDataset(site, facts, [], {}), Coverage({}, {}, {}), {})
    assert "temporalCoverage" not in bare


# The pages of the real server.

@pytest.mark.parametrize("path", DATASET_PAGES + RECORD_PAGES)
def test_every_type_and_property_is_schema_org_and_in_its_domain(base, vocabulary, path):
    markup = page_markup(base, path)
    assert markup["@context"] == "https://schema.org"
    assert vocabulary.problems(markup, path or "/") == []


@pytest.mark.parametrize("path", DATASET_PAGES)
def test_the_dataset_has_what_google_requires_and_recommends(base, path):
    markup = page_markup(base, path)
    assert markup["@type"] == "Dataset"
    missing = [p for p in GOOGLE_REQUIRED + GOOGLE_RECOMMENDED if not markup.get(p)]
    assert missing == []
    assert 50 <= len(markup["description"]) <= 5000
    assert markup["includedInDataCatalog"]["@type"] == "DataCatalog"
    assert {d["encodingFormat"] for d in markup["distribution"]} == {
        "application/n-triples", "application/n-quads"}
    for download in markup["distribution"]:
        assert all(download.get(p) for p in GOOGLE_DOWNLOAD)
        response = requests.head(download["contentUrl"], timeout=30)
        assert response.status_code == 200
        assert download["contentSize"] == f'{response.headers["Content-Length"]} bytes'
    first, _, last = markup["temporalCoverage"].partition("/")
    assert 1900 < int(first) <= int(last) < 2100
    assert "Sub-Saharan Africa" in {place["name"] for place in markup["spatialCoverage"]}
    assert "Referral Mechanisms" in markup["keywords"]


def test_the_home_page_and_the_catalogue_describe_the_same_dataset(base):
    assert page_markup(base, "") == page_markup(base, "catalog")


def test_a_hostile_title_stays_inside_the_script_as_data(base):
    page = requests.get(f"{base}doc/record/hostile-markup", headers={"Accept": "text/html"},
                        timeout=60).text
    assert "<script>alert" not in page
    assert json_ld(page)[0]["name"] == HOSTILE_TITLE


@needs_chromium
def test_chromium_reads_the_hostile_title_as_json_ld(base, browser):
    page = browser.new_page()
    try:
        page.goto(f"{base}doc/record/hostile-markup")
        names = page.evaluate("""() => [...document.querySelectorAll(
            'script[type="application/ld+json"]')].map(s => JSON.parse(s.textContent).name)""")
        assert names == [HOSTILE_TITLE]
        assert page.evaluate("() => document.querySelectorAll('script:not([src])').length") == 1
    finally:
        page.close()
