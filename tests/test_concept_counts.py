"""One count for a concept on every page that shows it: the records of the concept and
of every concept under it, with the number tagged with the concept itself second where
it differs. A catalogue where a narrower concept (Eastern Europe, Child Trafficking)
has records and its broader one (Europe, Forms of Trafficking and Exploitation) has
some of its own."""

import json
import re

import pytest
from lxml import html

from ctlib.config import load_config
from ctlib.search.query import ConceptCount
from ctlib.web.app import create_app
from ctlib.web.core.counted import count_in_words

from .server import get, running_server

BROWSER = "text/html"


def record(number: int, region: str, country: str, category: str) -> dict:
    return {"title": f"Report on counting number {number}", "summary": "Text.",
            "year": "2020", "region": [region], "country": [country], "category": [category]}


RECORDS = [
    # named with Eastern Europe (and Poland, inside it), and a narrower category
    *(record(n, "Eastern Europe", "Poland", "Child Trafficking") for n in range(3)),
    # named with Europe only, Poland inside Eastern Europe, and the broader category
    record(3, "Europe", "Poland", "Forms of Trafficking and Exploitation"),
    *(record(n, "Europe", "France", "Referral Mechanisms") for n in (4, 5)),
]
EUROPE = "6 records, 3 tagged Europe itself"
EASTERN_EUROPE = "4 records, 3 tagged Eastern Europe itself"
FORMS = "Forms of Trafficking and Exploitation"
FORMS_SAID = f"4 records, 1 tagged {FORMS} itself"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("counts")
    source = folder / "nested.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    with running_server(folder, [source]) as url:
        yield url


def text_of(url: str) -> str:
    response = get(url, BROWSER)
    assert response.status_code == 200, url
    return " ".join(html.fromstring(response.content).text_content().split())


@pytest.mark.parametrize("language, said", [
    ("en", [EUROPE, "4 records", "1 record", "1,234 records"]),
    ("fr", ["6 notices, dont 3 indexées « Europe » directement", "4 notices", "1 notice",
            "1\u202f234 notices"])])
def test_the_count_says_the_directly_tagged_number_only_where_it_differs(language, said):
    with create_app(load_config({})).test_request_context(f"/?lang={language}"):
        assert [count_in_words(ConceptCount(6, 3), "Europe"),
                count_in_words(ConceptCount(4, 4), "Poland"),
                count_in_words(ConceptCount(1, 1), "Poland"),
                count_in_words(ConceptCount(1234, 1234), "Poland")] == said


@pytest.mark.parametrize("path, said", [
    ("browse/regions", [f"Europe {EUROPE}", f"Eastern Europe {EASTERN_EUROPE}"]),
    ("def/regions", [f"Europe ({EUROPE})", f"Eastern Europe ({EASTERN_EUROPE})"]),
    ("def/regions/europe", [f"Records ({EUROPE})"]),
    ("def/regions/eastern-europe", [f"Records ({EASTERN_EUROPE})"]),
    ("def/regions/europe/records", [f"narrower concepts: {EUROPE}.", "Records 1–6 of 6"]),
    ("def/regions/eastern-europe/records", [f"narrower concepts: {EASTERN_EUROPE}.",
                                            "Records 1–4 of 4"]),
    ("browse/categories", [f"{FORMS} {FORMS_SAID}"]),
    ("def/categories", [f"{FORMS} ({FORMS_SAID})"]),
    ("def/categories/forms-of-exploitation", [f"Records ({FORMS_SAID})"]),
    ("def/categories/forms-of-exploitation/records", [f"narrower concepts: {FORMS_SAID}."]),
    ("search?region=europe", ["6 records"]),
    ("search?region=eastern-europe", ["4 records"]),
    ("search?category=forms-of-exploitation", ["4 records"]),
])
def test_every_page_gives_the_same_count(base, path, said):
    page = text_of(base + path)
    for words in said:
        assert words in page, (path, words)


def test_the_concept_page_lists_the_records_of_narrower_concepts(base):
    page = get(base + "def/regions/europe", BROWSER).text
    assert len(set(re.findall(r'href="/doc/record/[^"]+"', page))) == 6


def test_the_search_facets_count_as_the_other_pages(base):
    page = html.fromstring(get(base + "search", BROWSER).content)
    facets = {" ".join(li.text_content().split()) for li in page.xpath("//li")}
    assert {"Europe 6", "Eastern Europe 4", f"{FORMS} 4"} <= facets


def test_the_home_charts_count_as_the_other_pages(base):
    page = html.fromstring(get(base, BROWSER).content)

    def table(section: str) -> dict[str, str]:
        return {row.xpath("string(th)"): row.xpath("string(td)") for row in page.xpath(
            f'//section[@id="{section}"]//table/tbody/tr')}
    assert table("records-per-region") == {"Eastern Europe": "4", "Western Europe": "2"}
    assert table("records-per-category")[FORMS] == "4"
