"""Pages as people see them: the real server, opened in headless Chromium.

Uses Debian's chromium (installed by .ci/run). Without it these tests are skipped,
except where CTLIB_REQUIRE_BROWSER is set (CI), where they fail.
"""

import re

import pytest

from .chromium import editor_text, set_query, skip_without_chromium
from .conftest import ROOT
from .server import running_server

skip_without_chromium()

RECORD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
TITLE = "Desk Review of Counter-Trafficking Initiatives in IGAD and EAC Regions"
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("browser"),
                        [ROOT / "data" / "library-listing.txt"]) as url:
        yield url


@pytest.mark.parametrize("device", WIDTHS)
def test_record_page_shows_its_title_and_links(base, browser, device, tmp_path):
    width, height = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": height})
    response = page.goto(f"{base}id/record/{RECORD}")
    assert response.status == 200 and page.url == f"{base}doc/record/{RECORD}"
    heading = page.get_by_role("heading", level=1)
    assert heading.is_visible() and heading.inner_text() == TITLE
    assert page.title().startswith(TITLE)
    for label in ("Horn of Africa", "Ethiopia", "Rakeb Messele", "Turtle", "JSON-LD"):
        assert page.get_by_role("link", name=label, exact=True).is_visible(), label
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a {width}px screen"
    page.screenshot(path=str(tmp_path / f"record-{device}.png"), full_page=True)
    page.get_by_role("link", name="Horn of Africa", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Horn of Africa"
    page.close()


def test_keyboard_focus_is_visible(base, browser):
    page = browser.new_page()
    page.goto(f"{base}doc/record/{RECORD}")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.close()


@pytest.mark.parametrize("device", WIDTHS)
def test_cite_this_box_copies_the_bibtex(base, browser, device, tmp_path):
    width, height = WIDTHS[device]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    requested = same_origin_requests(page, base)
    page.goto(f"{base}doc/record/{RECORD}")
    box = page.locator("section.cite")
    assert box.get_by_role("heading", name="Cite this").is_visible()
    assert TITLE in box.locator(".reference").inner_text()
    for label in ("BibTeX", "RIS", "CSL-JSON"):
        assert box.get_by_role("link", name=label, exact=True).is_visible(), label
    assert_no_sideways_scroll(page, width)
    page.screenshot(path=str(tmp_path / f"cite-{device}.png"), full_page=True)
    box.get_by_role("button", name="Copy BibTeX").click()
    page.get_by_role("status").filter(has_text="Copied.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    bib = page.request.get(f"{base}doc/record/{RECORD}.bib").text()
    assert copied.startswith(f"@techreport{{{RECORD},") and copied == bib
    assert all(url.startswith(base) for url in requested), requested
    context.close()


@pytest.mark.parametrize("device", WIDTHS)
def test_search_a_facet_a_result_and_its_citation(base, browser, device, tmp_path):
    width, height = WIDTHS[device]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    requested = same_origin_requests(page, base)
    page.goto(base)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Site").get_by_role("link", name="Search").click()
    page.get_by_label("Words in titles, summaries, authors, places and topics").fill(
        "trafficking")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()
    assert page.locator("ol.hits > li").count() > 1
    facets = page.get_by_role("complementary", name="Narrow the search")
    if device == "phone":  # behind their button above the results
        facets.get_by_text("Filters", exact=True).click()
    with page.expect_navigation():
        facets.get_by_role("link", name="Eastern Africa", exact=True).click()
    assert "Region: Eastern Africa" in page.get_by_role("list", name="Filters in use").inner_text()
    assert page.get_by_role("heading", level=2, name="1 record").is_visible()
    assert_no_sideways_scroll(page, width)
    page.screenshot(path=str(tmp_path / f"search-{device}.png"), full_page=True)
    with page.expect_navigation():
        page.locator("ol.hits > li h3").get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    page.locator("section.cite").get_by_role("button", name="Copy BibTeX").click()
    page.get_by_role("status").filter(has_text="Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()").startswith(f"@techreport{{{RECORD},")
    assert_only_ours(requested, base)
    context.close()


# --- the SPARQL query page ---

RECORDS_BY_TITLE = ("SELECT ?record ?title WHERE {\n"
                    "  ?record a dcterms:BibliographicResource ; dcterms:title ?title .\n"
                    "}\nORDER BY ?title")


def same_origin_requests(page, base: str) -> list[str]:
    """Every URL the page asks for, from now on: the test asserts they are all ours."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def assert_only_ours(requested: list[str], base: str) -> None:
    """The page asked for something, and for nothing from another origin."""
    assert requested and all(url.startswith(base) for url in requested), \
        [url for url in requested if not url.startswith(base)]


def result_rows(page) -> list[list[str]]:
    return page.locator("table.results tbody tr").evaluate_all(
        "rows => rows.map(row => Array.from(row.cells, cell => cell.innerText))")


def assert_no_sideways_scroll(page, width: int) -> None:
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a {width}px screen"


@pytest.mark.parametrize("device", WIDTHS)
def test_query_page_runs_an_example_and_links_the_results(base, browser, device, tmp_path):
    width, height = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": height})
    requested = same_origin_requests(page, base)
    page.goto(f"{base}sparql")
    assert page.get_by_role("heading", level=1).inner_text() == "Query the catalogue with SPARQL"
    assert_no_sideways_scroll(page, width)
    page.screenshot(path=str(tmp_path / f"sparql-{device}.png"), full_page=True)

    page.get_by_role("link", name="Recent documents", exact=True).click()
    assert page.url == f"{base}sparql", "picking an example must not leave the page"
    assert "# Recent documents" in editor_text(page)
    assert "PREFIX dcterms:" in editor_text(page)
    assert page.evaluate("document.activeElement.id") == "query-editor"

    with page.expect_navigation():
        page.get_by_role("button", name="Run query").click()
    table = page.locator("table.results")
    assert table.is_visible()
    assert table.locator("thead th").all_inner_texts() == ["record", "title", "year", "places"]
    assert len(result_rows(page)) == 10
    assert re.fullmatch(r"10 rows, in [\d,]+ ms\.", page.locator("#row-count").inner_text())
    link = table.get_by_role("link", name=f"record:{RECORD}", exact=True)
    assert link.get_attribute("href") == f"/id/record/{RECORD}"
    assert link.get_attribute("title") == f"{base}id/record/{RECORD}"
    assert_no_sideways_scroll(page, width)
    page.screenshot(path=str(tmp_path / f"sparql-results-{device}.png"), full_page=True)

    link.click()
    page.wait_for_load_state()
    assert page.url == f"{base}doc/record/{RECORD}"
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert_only_ours(requested, base)
    page.close()


def test_ctrl_enter_runs_the_query_and_the_permalink_and_csv_give_the_same(base, browser):
    page = browser.new_page()
    requested = same_origin_requests(page, base)
    page.goto(f"{base}sparql")
    set_query(page, RECORDS_BY_TITLE)
    page.locator(".CodeMirror").click()
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    rows = result_rows(page)
    assert len(rows) == 10 and rows[0][0].startswith("record:")
    assert editor_text(page) == RECORDS_BY_TITLE

    permalink = page.get_by_role("link", name="Permalink", exact=True)
    with page.expect_navigation():
        permalink.click()
    assert result_rows(page) == rows
    assert editor_text(page) == RECORDS_BY_TITLE

    with page.expect_download() as started:
        page.get_by_role("button", name="CSV", exact=True).click()
    download = started.value
    assert download.suggested_filename == "results.csv"
    lines = download.path().read_text(encoding="utf-8").splitlines()
    assert lines[0] == "record,title" and len(lines) == 11
    assert [line.split(",", 1)[0] for line in lines[1:]] == \
        [f"{base}id/record/{row[0][len('record:'):]}" for row in rows]
    assert page.get_by_role("button", name="Run query").is_enabled()
    assert_only_ours(requested, base)
    page.close()


def test_a_query_too_long_for_a_url_is_sent_by_post(base, browser):
    page = browser.new_page()
    page.goto(f"{base}sparql")
    query = RECORDS_BY_TITLE + "\n" + "# a long comment to make the query long\n" * 150
    set_query(page, query)
    with page.expect_navigation():
        page.get_by_role("button", name="Run query").click()
    assert page.url == f"{base}sparql"  # a POST: the query is not in the address
    assert len(result_rows(page)) == 10
    assert page.get_by_role("link", name="Permalink").count() == 0
    assert page.get_by_role("button", name="CSV", exact=True).is_visible()
    page.close()


def test_values_a_query_makes_up_are_shown_as_text_never_as_links_or_markup(base, browser):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{base}sparql")
    set_query(page, 'SELECT ?x ?y WHERE {\n  BIND (IRI("javascript:alert(1)") AS ?x)\n'
                    '  BIND ("<script>alert(2)</script><b>bold</b>" AS ?y)\n}')
    with page.expect_navigation():
        page.get_by_role("button", name="Run query").click()
    cells = page.locator("table.results tbody td")
    assert cells.nth(0).inner_text() == "javascript:alert(1)"
    assert cells.nth(0).locator("a").count() == 0
    assert page.locator("a[href^='javascript:' i]").count() == 0
    assert cells.nth(1).inner_text() == "<script>alert(2)</script><b>bold</b>"
    assert cells.nth(1).locator("script, b").count() == 0
    assert dialogs == []
    page.close()


def test_the_home_page_and_every_header_link_to_the_query_page(base, browser):
    page = browser.new_page()
    page.goto(base)
    assert page.get_by_role("link", name="SPARQL query page").get_attribute("href") == "/sparql"
    page.goto(f"{base}doc/record/{RECORD}")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Site").get_by_role("link", name="SPARQL query").click()
    assert page.url == f"{base}sparql"
    assert page.get_by_role("heading", level=1).inner_text() == "Query the catalogue with SPARQL"
    page.close()


# --- record collections (/doc/record/ and a concept's records) ---

@pytest.mark.parametrize("device", WIDTHS)
def test_all_records_page_through_with_the_form_and_the_pager(base, browser, device, tmp_path):
    width, height = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": height})
    requested = same_origin_requests(page, base)
    page.goto(base)
    with page.expect_navigation():
        page.get_by_role("link", name="All records", exact=True).click()
    assert page.url == f"{base}doc/record/"
    assert page.get_by_role("heading", level=1).inner_text() == "All records"
    items = page.locator("ol.records > li")
    assert items.count() == 10

    page.get_by_label("Per page").fill("4")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    position = page.locator("#position")
    assert " ".join(position.inner_text().split()).startswith("Records 1–4 of 10")
    assert items.count() == 4
    pager = page.get_by_role("navigation", name="Pages of records")
    assert pager.get_by_role("link").all_inner_texts() == ["Next", "Last"]
    assert_no_sideways_scroll(page, width)
    page.screenshot(path=str(tmp_path / f"records-{device}.png"), full_page=True)

    with page.expect_navigation():
        pager.get_by_role("link", name="Next").click()
    assert " ".join(position.inner_text().split()).startswith("Records 5–8 of 10")
    assert pager.get_by_role("link").all_inner_texts() == ["First", "Previous", "Next", "Last"]
    with page.expect_navigation():
        pager.get_by_role("link", name="Last").click()
    assert " ".join(position.inner_text().split()).startswith("Records 9–10 of 10")
    assert pager.get_by_role("link").all_inner_texts() == ["First", "Previous"]
    assert_no_sideways_scroll(page, width)

    first_title = items.first.get_by_role("link").inner_text()
    with page.expect_navigation():
        items.first.get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text() == first_title
    assert_only_ours(requested, base)
    page.close()


def test_a_concept_page_leads_to_the_records_of_its_narrower_concepts(base, browser):
    page = browser.new_page()
    page.goto(f"{base}def/regions/sub-saharan-africa")
    with page.expect_navigation():
        page.get_by_role("link", name="Records about it or a narrower concept").click()
    assert page.url == f"{base}def/regions/sub-saharan-africa/records"
    assert page.get_by_role("heading", level=1).inner_text() == \
        "Records about Sub-Saharan Africa"
    assert page.locator("ol.records > li").all_inner_texts()[0].startswith(TITLE)
    page.close()


@pytest.mark.parametrize("device", WIDTHS)
def test_year_bars_are_as_long_as_their_counts(base, browser, device, tmp_path):
    """The listing has years of 1 and of 2 records: bars of half and all of the track
    (a cap on the bar's width once made them all about as long)."""
    width, height = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{base}browse/years")
    rows = page.locator("table.years tbody tr")
    counts = [int(text) for text in rows.locator(".count").all_inner_texts()]
    lengths = [box["width"] for box in
               (bar.bounding_box() for bar in rows.locator(".bar").all())]
    assert set(counts) == {1, 2}
    longest = max(lengths)
    for count, length in zip(counts, lengths):
        assert length == pytest.approx(longest * count / 2, abs=1.5), (count, lengths)
    assert_no_sideways_scroll(page, width)
    page.screenshot(path=str(tmp_path / f"years-{device}.png"), full_page=True)
    page.close()


# --- the home page ---

@pytest.fixture(scope="module")
def home_base(tmp_path_factory):
    """The listing names no category: a partner's delivery adds records that do."""
    with running_server(tmp_path_factory.mktemp("home"),
                        [ROOT / "data" / "library-listing.txt",
                         ROOT / "tests" / "data" / "partner.jsonl"]) as url:
        yield url


@pytest.mark.parametrize("device", WIDTHS)
def test_home_page_charts_fit_the_screen_and_a_bar_opens_its_concept(home_base, browser,
                                                                     device, tmp_path):
    width, height = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": height})
    requested = same_origin_requests(page, home_base)
    page.goto(home_base)
    charts = [page.get_by_role("img", name="Records per year"),
              *(page.get_by_role("list", name=name)
                for name in ("Records per region", "Records per category"))]
    for chart in charts:
        chart.scroll_into_view_if_needed()
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert box["width"] >= min(width - 40, 400), f"a chart is only {box['width']}px wide"
    search = page.get_by_role("main").get_by_role("search")
    assert search.get_by_label("Search the library").is_visible()
    assert_no_sideways_scroll(page, width)
    page.screenshot(path=str(tmp_path / f"home-{device}.png"), full_page=True)

    bar = page.get_by_role("list", name="Records per category").get_by_role(
        "link", name="Victim Identification 1")
    with page.expect_navigation():
        bar.click()
    assert page.url == f"{home_base}def/categories/victim-identification"
    assert page.get_by_role("heading", level=1).inner_text() == "Victim Identification"
    assert_only_ours(requested, home_base)
    page.close()


def test_the_home_page_search_box_asks_the_search_page(home_base, browser):
    page = browser.new_page()
    page.goto(home_base)
    search = page.get_by_role("main").get_by_role("search")
    search.get_by_label("Search the library").fill("border officials")
    with page.expect_navigation():
        search.get_by_role("button", name="Search").click()
    assert page.url == f"{home_base}search?q=border+officials"
    page.close()


@pytest.mark.parametrize("device", WIDTHS)
def test_dataset_page_and_a_mistyped_record_read_as_pages_for_people(base, browser, device,
                                                                     tmp_path):
    width, height = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{base}catalog")
    download = page.get_by_role("link", name="Download catalogue.nt.gz")
    assert download.is_visible() and download.get_attribute("href") == "/dump/catalogue.nt.gz"
    assert page.get_by_role("cell", name="Records").first.is_visible()
    assert_no_sideways_scroll(page, width)
    page.screenshot(path=str(tmp_path / f"catalog-{device}.png"), full_page=True)
    response = page.goto(f"{base}doc/record/{RECORD[:5]}x{RECORD[6:]}")
    assert response.status == 404
    assert_no_sideways_scroll(page, width)
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state()
    assert page.url == f"{base}doc/record/{RECORD}"
    page.close()
