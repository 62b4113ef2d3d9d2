"""A record page as a library record, end to end: the real server over the listing, the
partner file and records with a url, read over HTTP."""

import json
import re
from urllib.parse import quote

import lxml.html
import pytest

from ctlib.records.tabular import read_csv
from ctlib.web.descriptions.record_page import back_to_results

from .conftest import ROOT, cli_env, run
from .server import get, running_server

AUTHOR = "Grace Hopper"
WITH_URL = {"id": "U-1", "title": "Handbook Online", "summary": "First part.\n\nSecond part.",
            "authors": [AUTHOR], "year": 2020, "country": ["Ukraine"],
            "category": ["Victim Identification"],
            "url": "https://docs.example.org/handbook.pdf?lang=en&part=1"}
SAME_AUTHOR = {"id": "U-2", "title": "Handbook Offline", "authors": [AUTHOR], "year": 2012,
               "category": ["Referral Mechanisms"]}
TURTLE_URL = "<https://docs.example.org/handbook.pdf?lang=en&part=1>"
RECORD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("record-page")
    urls = folder / "urls.jsonl"
    urls.write_text("".join(json.dumps(r) + "\n" for r in (WITH_URL, SAME_AUTHOR)))
    with running_server(folder, [ROOT / "data" / "library-listing.txt",
                                 ROOT / "tests" / "data" / "partner.jsonl", urls]) as url:
        yield url


def page_of(base: str, identifier: str, query: str = ""):
    response = get(f"{base}doc/record/{identifier}{query}", "text/html")
    assert response.status_code == 200
    return response, lxml.html.fromstring(response.text)


def text(element) -> str:
    return " ".join(element.text_content().split())


def facts(tree) -> dict[str, str]:
    names = tree.xpath("//article//dl[contains(@class, 'facts')]/dt")
    return {text(dt): text(dt.getnext()) for dt in names}


def details(tree) -> dict[str, str]:
    names = tree.xpath("//section[@class='technical']//dt")
    return {text(dt): text(dt.getnext()) for dt in names}


def test_the_page_leads_with_what_a_reader_scans_for(base):
    _, tree = page_of(base, "P-001")
    assert list(facts(tree)) == ["Authors", "Year", "Regions", "Countries", "Category"]
    assert facts(tree)["Regions"] == "Eastern Europe" and facts(tree)["Countries"] == "Ukraine"
    headings = [text(h) for h in tree.xpath("//main//h1 | //main//h2")]
    assert headings.index("Summary") < headings.index("Cite this") \
        < headings.index("Technical details")
    assert "partner.jsonl" not in text(tree.xpath("//article")[0])


def test_technical_details_say_in_words_what_machines_read(base):
    _, tree = page_of(base, "P-001")
    found = details(tree)
    assert found["Source file"] == "partner.jsonl" and found["Identifier"] == "P-001"
    assert found["Type"] == "Text http://purl.org/dc/dcmitype/Text"
    assert found["Class"].startswith("Bibliographic resource")
    assert found["Class"].endswith("http://purl.org/dc/terms/BibliographicResource")
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4} \d{4}-\d\d-\d\dT[\d:]+Z",
                        found["Last modified"])


def test_the_category_note_stays_by_the_category(base):
    listed = get(f"{base}search", "application/json").json()
    record = next(hit["id"] for hit in listed["hits"] if hit["id"].startswith("after-the"))
    _, tree = page_of(base, record)
    assert facts(tree)["Category"] == ("Referral Mechanisms Category from the listing: "
                                       "listed under the section Referral Mechanisms")
    # Shown by the category, so not again among the other notes (how the language was
    # chosen, say) in the technical details.
    assert "listed under the section" not in details(tree).get("Notes", "")


def test_search_results_carry_the_search_to_the_record_and_back(base):
    search = get(f"{base}search?q=handbook&sort=newest", "text/html")
    link = lxml.html.fromstring(search.text).xpath("//ol[@class='hits']//h3/a/@href")[0]
    assert link == "/doc/record/U-1?back=q%3Dhandbook%26sort%3Dnewest"
    response, tree = page_of(base, link.removeprefix("/doc/record/"))
    assert tree.xpath("//p[@class='back']/a/@href") == ["/search?q=handbook&sort=newest"]
    plain, plain_tree = page_of(base, "U-1")  # the same page, cached: no link for others
    assert not plain_tree.xpath("//p[@class='back']")
    assert response.headers["ETag"] != plain.headers["ETag"]


@pytest.mark.parametrize("hostile", ["//evil.example", "https://evil.example/x",
                                     "javascript:alert(1)", "q=x&next=https://evil.example",
                                     "x" * 3000])
def test_a_back_value_that_is_no_search_gives_no_link(base, hostile):
    response, tree = page_of(base, "U-1", f"?back={quote(hostile, safe='')}")
    assert not tree.xpath("//p[@class='back']") and "evil" not in response.text


def test_back_links_keep_only_the_search_parameters():
    assert back_to_results("q=a b&region=x&region=y&page=2") == \
        "/search?q=a+b&region=x&region=y&page=2"
    assert back_to_results("") == "/search"
    assert back_to_results("q=%22%3E%3Cscript%3E") == "/search?q=%22%3E%3Cscript%3E"
    assert back_to_results(None) is None and back_to_results("back=/search") is None


def test_more_like_this_lists_other_records_and_opens_the_search(base):
    _, tree = page_of(base, "U-1")
    lists = {text(s.xpath("h3")[0]): s for s in tree.xpath("//section[@class='similar']/section")}
    assert list(lists) == ["By the same authors", "About the same places",
                           "In the same category", "From 2018 to 2022"]
    by_author = lists["By the same authors"]
    assert [text(a) for a in by_author.xpath(".//li/a")] == ["Handbook Offline"]
    assert by_author.xpath(".//p/a/@href") == ["/search?author=grace-hopper&sort=newest"]
    assert "Identifying Victims of Trafficking at Borders" in [
        text(a) for a in lists["About the same places"].xpath(".//li/a")]
    assert lists["From 2018 to 2022"].xpath(".//p/a/@href") == [
        "/search?from=2018&to=2022&sort=newest"]
    titles = [text(a) for s in lists.values() for a in s.xpath(".//li/a")]
    assert "Handbook Online" not in titles


def test_a_source_url_reaches_turtle_and_the_page(base):
    turtle = get(f"{base}doc/record/U-1.ttl").text
    assert f"<https://schema.org/url> {TURTLE_URL}" in turtle
    assert f"<http://www.w3.org/ns/dcat#landingPage> {TURTLE_URL}" in turtle
    response, tree = page_of(base, "U-1")
    link = tree.xpath("//p[@class='holding']/a")[0]
    assert text(link) == "Open the document at docs.example.org"
    assert link.get("href") == WITH_URL["url"] and link.get("rel") == "noopener noreferrer"
    assert 'href="https://docs.example.org/handbook.pdf?lang=en&amp;part=1"' in response.text
    assert [text(p) for p in tree.xpath("//section[@class='summary']/div/p")] == [
        "First part.", "Second part."]


def test_without_a_url_the_page_says_the_library_holds_the_description(base):
    _, tree = page_of(base, "P-001")
    holding = tree.xpath("//p[@class='holding']")[0]
    assert "holds this description, not the document" in text(holding)
    assert holding.xpath(".//a/@href") == [
        "/search?q=Identifying+Victims+of+Trafficking+at+Borders"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/x", "ftp://x.org/a",
                                 "see the shelf", "https://x.org/<b>"])
def test_a_url_that_is_no_web_address_is_a_violation_of_its_field(tmp_path, url):
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps({"id": "B-1", "title": "Bad address", "url": url}) + "\n")
    result = run(tmp_path, "validate", source, check_code=None)
    line = next(line for line in result.stdout.splitlines() + result.stderr.splitlines()
                if "record-url" in line)
    assert line.startswith(f"{source}:1  B-1  url  ") and "violation" in line
    assert "absolute web address starting with http:// or https://" in line


def test_a_record_page_needs_no_search_index_only_its_lists_do(tmp_path):
    settings = {"CTLIB_BASE_URI": "http://library.example/"}
    run(tmp_path, "ingest", "-q", ROOT / "data" / "library-listing.txt",
        env=cli_env(tmp_path) | settings)
    ((tmp_path / "var" / "current").resolve() / "search.sqlite").unlink()
    with running_server(tmp_path, settings=settings) as base:
        assert get(f"{base}search", "text/html").status_code == 503
        response = get(f"{base}doc/record/{RECORD}", "text/html")
        assert response.status_code == 200 and "Technical details" in response.text
        assert "More like this" not in response.text


def test_a_csv_url_column_is_the_records_url(tmp_path):
    source = tmp_path / "urls.csv"
    source.write_text("id,title,url\nC-1,With an address,https://example.org/a.pdf\n")
    record = next(iter(read_csv(source)))
    assert record.first("url") == "https://example.org/a.pdf"
