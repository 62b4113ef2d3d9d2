"""A record page in headless Chromium: Copy link, Back to results, the page on paper and
at phone width. Skipped without Chromium as test_browser is (its rules and browser)."""

import pytest

from .conftest import ROOT
from .server import running_server
from .test_browser import RECORD, TITLE, WIDTHS, assert_no_sideways_scroll


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("record-browser"),
                        [ROOT / "data" / "library-listing.txt"]) as url:
        yield url


@pytest.mark.parametrize("device", WIDTHS)
def test_the_record_page_fits_the_screen(base, browser, device, tmp_path):
    width, height = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{base}doc/record/{RECORD}?back=q%3Ddesk")
    assert page.get_by_role("heading", level=2, name="More like this").is_visible()
    assert_no_sideways_scroll(page, width)
    page.screenshot(path=str(tmp_path / f"record-{device}.png"), full_page=True)
    page.close()


def test_copy_link_copies_the_records_uri(base, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{base}doc/record/{RECORD}")
    page.get_by_role("button", name="Copy link").click()
    page.locator("#copy-link-status").filter(has_text="Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == f"{base}id/record/{RECORD}"
    context.close()


def test_without_scripts_the_uri_is_there_to_select_and_no_button_shows(base, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}doc/record/{RECORD}")
    assert page.locator("#record-uri").inner_text() == f"{base}id/record/{RECORD}"
    assert not page.get_by_role("button", name="Copy link").is_visible()
    context.close()


def test_a_result_leads_to_its_record_and_back_to_the_results(base, browser):
    page = browser.new_page()
    page.goto(f"{base}search?q=desk+review&sort=newest")
    with page.expect_navigation():
        page.locator("ol.hits h3 a").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    with page.expect_navigation():
        page.get_by_role("link", name="← Back to results").click()
    assert page.url == f"{base}search?q=desk+review&sort=newest"
    page.close()


def test_on_paper_the_citation_and_uri_stay_and_the_screens_tools_go(base, browser):
    page = browser.new_page(viewport={"width": 800, "height": 1000})
    page.goto(f"{base}doc/record/{RECORD}")
    page.emulate_media(media="print")
    for hidden in ("header.site nav", "section.similar", "nav.formats", "button#copy-bibtex",
                   "text=Copy link", ".cite ul.downloads", ".title-search"):
        assert not page.locator(hidden).first.is_visible(), hidden
    for shown in ("h1", "section.cite .reference", "#record-uri", "section.technical"):
        assert page.locator(shown).first.is_visible(), shown
    page.emulate_media(media="screen")
    assert page.locator("section.similar").is_visible()
    page.close()
