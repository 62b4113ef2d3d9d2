"""The search page on a phone, in headless Chromium: filters behind a button above the
results, the chosen ones as chips, nothing wider than the screen, targets big enough."""

import pytest

from .conftest import DATA, ROOT
from .server import running_server
from .test_browser import assert_no_sideways_scroll

TARGETS = """() => [...document.querySelectorAll('main a, main button, main summary')]
  .filter(e => e.offsetParent && e.parentElement.tagName !== 'P')
  .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
  .filter(([, r]) => r.width < 24 || r.height < 24).map(([text]) => text)"""
"""Links and buttons smaller than 24 x 24 px (WCAG 2.2, 2.5.8), not counting links in
a paragraph's line of text (the exception for inline targets)."""


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("search-browser"),
                        [ROOT / "data" / "library-listing.txt", DATA / "partner.jsonl"]) as url:
        yield url


@pytest.mark.parametrize("width", [390, 320])
def test_on_a_phone_the_filters_button_comes_before_the_results(base, browser, width,
                                                                   tmp_path):
    page = browser.new_page(viewport={"width": width, "height": 844})
    page.goto(f"{base}search?q=trafficking&region=africa")
    button = page.locator("details.filters > summary")
    assert button.inner_text() == "Filters (1)"
    first = page.locator("ol.hits > li").first
    assert button.bounding_box()["y"] + button.bounding_box()["height"] <= \
        first.bounding_box()["y"]
    assert button.bounding_box()["height"] >= 44
    assert button.bounding_box()["y"] < 844  # on the first screen
    chip = page.get_by_role("list", name="Filters in use").get_by_role("link")
    assert chip.inner_text().startswith("Region: Africa") and chip.is_visible()
    region = page.get_by_role("link", name="Sub-Saharan Africa", exact=True)
    assert not region.is_visible()
    button.click()
    assert region.is_visible()
    assert_no_sideways_scroll(page, width)
    assert page.evaluate(TARGETS) == []
    page.screenshot(path=str(tmp_path / f"search-{width}.png"), full_page=True)
    with page.expect_navigation():
        chip.click()
    assert "region=" not in page.url and page.locator("ul.chosen").count() == 0
    page.close()


def test_on_a_wide_screen_the_filters_are_open_beside_the_results(base, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{base}search?q=trafficking")
    region = page.get_by_role("link", name="Sub-Saharan Africa", exact=True)
    assert region.is_visible()
    assert region.bounding_box()["x"] > page.locator("ol.hits > li").first.bounding_box()["x"]
    assert_no_sideways_scroll(page, 1280)
    page.close()
