"""The query page's editor (Yasqe, served by ctlib from static/vendor/) in headless
Chromium, with every request to another host refused and recorded: the editor must need
none. Without JavaScript the form works as before."""

from urllib.parse import urlsplit

import pytest

from .chromium import editor_text, set_query, skip_without_chromium
from .conftest import ROOT
from .server import running_server

skip_without_chromium()

LOCAL_HOSTS = ("127.0.0.1", "localhost")
RECORDS_BY_TITLE = ("SELECT ?record ?title WHERE {\n"
                    "  ?record a dcterms:BibliographicResource ; dcterms:title ?title .\n"
                    "}\nORDER BY ?title")


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("editor"),
                        [ROOT / "data" / "library-listing.txt"]) as url:
        yield url


@pytest.fixture
def page(browser):
    """A page whose requests to any other host are refused; the test fails if any was
    attempted."""
    page = browser.new_page()
    outside: list[str] = []

    def only_local(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    yield page
    page.close()
    assert outside == [], f"the page asked other hosts: {outside}"


def test_the_textarea_becomes_an_editor_with_line_numbers_and_colours(base, page):
    page.goto(f"{base}sparql")
    editor = page.locator(".CodeMirror")
    editor.wait_for()
    assert page.locator("#query").is_hidden()
    assert page.locator(".CodeMirror-linenumber").first.is_visible()
    assert page.locator(".CodeMirror .cm-keyword").first.inner_text() == "PREFIX"
    assert "SELECT" in editor_text(page)
    assert page.evaluate("document.activeElement.id") != "query-editor"
    page.get_by_label("Query", exact=True).focus()
    assert page.evaluate("document.activeElement.id") == "query-editor"


def test_brackets_are_matched(base, page):
    page.goto(f"{base}sparql")
    set_query(page, "SELECT * WHERE { ?s ?p ?o }")
    page.locator(".CodeMirror").evaluate(
        "element => element.CodeMirror.setCursor({line: 0, ch: 15})")
    assert page.locator(".CodeMirror-matchingbracket").count() == 2


def test_a_typo_is_marked_at_its_line_after_the_query_ran(base, page):
    page.goto(f"{base}sparql")
    set_query(page, "SELECT ?s\nWHERE { ?s ?p ?o }\nLIMIT x")
    with page.expect_navigation():
        page.get_by_role("button", name="Run query").click()
    error = page.locator("#error pre")
    assert "line 3, column 7: expected" in error.inner_text()
    marked = page.locator(".CodeMirror .query-error-line")
    assert marked.count() == 1 and "LIMIT x" in marked.inner_text()
    assert page.locator(".CodeMirror .query-error-at").inner_text() == "x"
    cursor = page.locator(".CodeMirror").evaluate("element => element.CodeMirror.getCursor()")
    assert cursor == {"line": 2, "ch": 6, "sticky": None} or (cursor["line"], cursor["ch"]) == (2, 6)


def test_ctrl_enter_runs_the_query_from_the_editor_and_shows_results(base, page):
    page.goto(f"{base}sparql")
    set_query(page, RECORDS_BY_TITLE)
    page.locator(".CodeMirror").click()
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert page.locator("table.results tbody tr").count() == 10
    assert editor_text(page) == RECORDS_BY_TITLE


def test_an_example_fills_the_editor(base, page):
    page.goto(f"{base}sparql")
    page.get_by_role("link", name="Recent documents", exact=True).click()
    assert "# Recent documents" in editor_text(page)
    assert "PREFIX dcterms:" in editor_text(page)
    assert page.evaluate("document.activeElement.id") == "query-editor"


def test_tab_indents_and_escape_then_tab_moves_on(base, page):
    page.goto(f"{base}sparql")
    set_query(page, "")
    page.locator(".CodeMirror").click()
    page.keyboard.press("Tab")
    assert editor_text(page) == "  "
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "run"


def test_without_javascript_the_form_still_works(base, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}sparql")
    assert page.locator("#query").is_visible() and page.locator(".CodeMirror").count() == 0
    page.locator("#query").fill(RECORDS_BY_TITLE)
    with page.expect_navigation():
        page.get_by_role("button", name="Run query").click()
    assert page.locator("table.results tbody tr").count() == 10
    context.close()


# Needs /sparql/completions (issue 18, item 2, built apart): fails until it is merged.
def test_completions_come_from_this_catalogue(base, page):
    """Typing a country's name offers its concept, with its label, from ctlib alone."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url)
            if "/sparql/completions" in request.url else None)
    page.goto(f"{base}sparql")
    set_query(page, "SELECT * WHERE { ?record dcterms:spatial ")
    editor = page.locator(".CodeMirror")
    editor.click()
    editor.evaluate("element => element.CodeMirror.setCursor({line: 0, ch: 999})")
    page.keyboard.type("Côte")
    hints = page.locator(".CodeMirror-hints li")
    hints.first.wait_for()
    assert "countries:ci" in hints.all_inner_texts()[0]
    assert len(asked) <= 2, f"one request per pause in the typing, not per key: {asked}"
    page.keyboard.press("Enter")
    assert editor_text(page).endswith("dcterms:spatial countries:ci")
