"""OAI-PMH in a browser: every response names static/oai.xsl, which turns it into a
page of verb links and tables (checked with libxslt through lxml, and in Chromium)."""

from __future__ import annotations

import re

import pytest
import requests
from lxml import etree, html

from .chromium import needs_chromium
from .conftest import DATA, ROOT
from .server import running_server

STYLESHEET = ROOT / "src" / "ctlib" / "web" / "static" / "oai.xsl"
VERBS = ["Identify", "ListSets", "ListMetadataFormats", "ListIdentifiers", "ListRecords"]
PAGE_SIZE = 4


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("oai-pages"),
                        [ROOT / "data" / "library-listing.txt", DATA / "partner.jsonl"],
                        settings={"CTLIB_OAI_PAGE_SIZE": str(PAGE_SIZE)}) as url:
        yield url


def oai(base: str, **arguments) -> requests.Response:
    return requests.get(base + "oai", params=arguments, timeout=30)


def as_page(answer: requests.Response) -> html.HtmlElement:
    transform = etree.XSLT(etree.parse(str(STYLESHEET)))
    return html.fromstring(str(transform(etree.fromstring(answer.content))))


def test_every_answer_names_the_stylesheet_which_is_served_as_xslt(base):
    for arguments in ({"verb": "Identify"}, {"verb": "Nonsense"}):
        document = etree.fromstring(oai(base, **arguments).content).getroottree()
        [instruction] = [node for node in document.getroot().itersiblings(preceding=True)
                         if isinstance(node, etree._ProcessingInstruction)]
        assert instruction.target == "xml-stylesheet"
        assert instruction.get("type") == "text/xsl"
        # fingerprinted, as every static file: browsers keep it for a year
        assert re.fullmatch(r"/static/oai\.[0-9a-f]{12}\.xsl", instruction.get("href"))
    served = requests.get(base + instruction.get("href").removeprefix("/"), timeout=30)
    assert served.status_code == 200
    assert served.headers["Content-Type"].split(";")[0] == "application/xslt+xml"


def test_each_verb_becomes_a_table_and_every_page_links_every_verb(base):
    pages = {verb: as_page(oai(base, verb=verb, **({"metadataPrefix": "oai_dc"} if verb in (
        "ListIdentifiers", "ListRecords") else {}))) for verb in VERBS}
    for verb, page in pages.items():
        assert page.xpath("string(//h1)").strip() == verb
        assert page.xpath("//nav[@aria-label='Verbs']//a/text()") == VERBS
        assert page.xpath("//table"), verb
    assert pages["Identify"].xpath("//tr[th='repositoryName']/td/text()") == [
        "Counter-Trafficking Resource Library"]
    assert "?verb=ListRecords&metadataPrefix=oai_dc&set=region:africa" in \
        pages["ListSets"].xpath("//a/@href")
    records = pages["ListRecords"].xpath("//table[@class='record']")
    assert len(records) == PAGE_SIZE
    assert records[0].xpath("//td[@lang='en']") and records[0].xpath(".//th[.='dc:title']")


def test_a_resumption_token_links_the_next_part_and_a_record_its_getrecord(base):
    first = as_page(oai(base, verb="ListRecords", metadataPrefix="oai_dc"))
    [following] = first.xpath("//a[@rel='next']/@href")
    token = following.split("resumptionToken=")[1]
    second = as_page(oai(base, verb="ListRecords", resumptionToken=token))
    assert second.xpath("//table[@class='record']/caption/a/text()") != \
        first.xpath("//table[@class='record']/caption/a/text()")
    identifier = first.xpath("string(//table[@class='record']/caption/a/@href)")
    assert identifier.startswith("?verb=GetRecord&metadataPrefix=oai_dc&identifier=")
    got = as_page(oai(base, verb="GetRecord", metadataPrefix="oai_dc",
                      identifier=identifier.split("identifier=")[1]))
    assert got.xpath("//table[@class='record']//th[.='dc:title']")


def test_an_error_is_shown_with_its_code(base):
    page = as_page(oai(base, verb="GetRecord", metadataPrefix="oai_dc", identifier="nothing"))
    assert page.xpath("string(//p[@class='error']/strong)") == "idDoesNotExist"


@needs_chromium
def test_chromium_shows_identify_and_listrecords_as_tables(base, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(base + "oai?verb=Identify")
        assert page.locator("table tr").count() >= 7
        # Chromium covers the page top with a banner saying XSLT is going away: a click
        # at the link's place lands on the banner, so the link is clicked in the page.
        with page.expect_navigation():
            page.get_by_role("link", name="ListRecords", exact=True).dispatch_event("click")
        assert page.url.endswith("/oai?verb=ListRecords&metadataPrefix=oai_dc")
        page.locator("table.record").first.wait_for()  # the stylesheet has been applied
        assert page.locator("table.record").count() == PAGE_SIZE
        assert page.get_by_role("link", name="Next part").is_visible()
        overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    finally:
        page.close()
    assert overflow <= 0
