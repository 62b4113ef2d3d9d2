"""Pages as people see them: the real server, opened in headless Chromium.

Uses Debian's chromium (installed by .ci/run). Without it these tests are skipped,
except where CTLIB_REQUIRE_BROWSER is set (CI), where they fail.
"""

import os
import shutil

import pytest

from .conftest import ROOT
from .server import running_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM and not os.environ.get("CTLIB_REQUIRE_BROWSER"):
    pytest.skip("no chromium on this machine", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

RECORD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
TITLE = "Desk Review of Counter-Trafficking Initiatives in IGAD and EAC Regions"
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("browser"),
                        [ROOT / "data" / "library-listing.txt"]) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


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
