"""Every kind of page, checked as assistive technology and small screens meet it.

One real server (the library listing, a partner's records, one withdrawn record) and one
headless Chromium for the module. axe-core (shipped by axe-playwright-python, injected
from disk: nothing is fetched from outside) runs on each page kind at a desktop and a
phone width, in the light and the dark colour scheme, and must find nothing at any
impact level. Beside it, what axe does not measure: sideways scrolling at 320 px, the
size of every target (WCAG 2.2 2.5.8), the focus ring's contrast, and the record
summary's "Read more".
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import requests
from lxml import html

from .chromium import skip_without_chromium
from .conftest import DATA
from .server import running_server, withdrawal_ingests

skip_without_chromium()

from axe_playwright_python.sync_playwright import Axe  # noqa: E402

RECORD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 5"
# Labels beside IRIs, language tags, and a label and a number: the chart.
LABELLED = "SELECT ?c ?l WHERE { ?c skos:prefLabel ?l } LIMIT 20"
COUNTED = ("SELECT ?region (COUNT(?r) AS ?records) WHERE { ?r dcterms:spatial ?region . "
           "?region skos:inScheme scheme:regions } GROUP BY ?region")
PAGES = {
    "home": "",
    "browse": "browse/",
    "browse-regions": "browse/regions",
    "browse-years": "browse/years",
    "browse-authors": "browse/authors",
    "record": f"doc/record/{RECORD}",
    "agent": "doc/agent/rakeb-messele",
    "concept": "def/countries/et",
    "scheme": "def/regions",
    "sparql": "sparql",
    "sparql-results": f"sparql?query={quote(QUERY)}",
    "sparql-labels": f"sparql?query={quote(LABELLED)}",
    "sparql-chart": f"sparql?query={quote(COUNTED)}",
    "saved-queries": "query/",
    "saved-query": "query/everything-about-a-country?country=ci",
    "withdrawn": "doc/record/soon-withdrawn",
    "record-version": None,  # named by its generation: see path_of
    # the message names the URL asked for whole: one long word on a phone
    "not-found": "doc/record/nosuchrecordofcountertraffickinginitiatives",
    "catalogue": "catalog",
    "void": ".well-known/void",
    "dumps": "dump/",
    "search-results": "search?q=trafficking",
    "search-nothing": "search?q=traficking",
    # the card a reconciliation client shows in a frame beside a candidate
    "reconcile-preview": f"reconcile/preview?id=id/record/{RECORD}",
}
WIDTHS = {"desktop": 1280, "phone": 390}


def path_of(base: str, kind: str) -> str:
    """The page's path; a record version's names its generation, read from the TimeMap."""
    if PAGES[kind] is not None:
        return PAGES[kind]
    timemap = requests.get(f"{base}doc/record/{RECORD}/timemap", timeout=10).text
    return re.search(r"<[^>]*/(doc/record/[^>]+/versions/[^>]+)>", timemap).group(1)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    first, second = withdrawal_ingests()
    partner = [DATA / "partner.jsonl"]
    with running_server(tmp_path_factory.mktemp("accessibility"), first + partner,
                        second + partner) as url:
        yield url


@pytest.fixture(scope="module")
def axe():
    return Axe()


def opened(browser, url: str, width: int, scheme: str = "light"):
    page = browser.new_page(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page.goto(url)
    return page


# Every rule, the experimental ones too (label-content-name-mismatch is one); details of
# the violations only, which keeps a run short.
EVERY_RULE = """axe.run(document, {resultTypes: ["violations"], rules: Object.fromEntries(
    axe.getRules(["experimental"]).map(rule => [rule.ruleId, {enabled: true}]))})"""
# The dark scheme changes colours only: the rules about colours, again.
COLOUR_RULES = """axe.run(document, {resultTypes: ["violations"], runOnly: {type: "rule",
    values: ["color-contrast", "link-in-text-block", "non-text-contrast"]
              .filter(id => axe.getRules().some(rule => rule.ruleId === id))}})"""


def violations(axe, page, rules: str = EVERY_RULE) -> list[str]:
    """Each rule axe finds broken, with the elements that break it."""
    page.evaluate(axe.axe_script)
    found = page.evaluate(rules)["violations"]
    return [f"{rule['id']} ({rule['impact']}): "
            + "; ".join(" ".join(node["target"]) for node in rule["nodes"][:5])
            for rule in found]


def assert_no_violations(axe, browser, url: str, width: int) -> None:
    page = opened(browser, url, width)
    light = violations(axe, page)
    page.emulate_media(color_scheme="dark")
    dark = violations(axe, page, COLOUR_RULES)
    page.close()
    assert (light, dark) == ([], []), f"light: {light}\ndark: {dark}"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("kind", PAGES)
def test_axe_finds_nothing(base, browser, axe, kind, width):
    assert_no_violations(axe, browser, base + path_of(base, kind), width)


@pytest.mark.parametrize("kind", PAGES)
def test_a_320_px_screen_scrolls_nothing_sideways_and_every_target_is_24_px(
        base, browser, kind):
    page = opened(browser, base + path_of(base, kind), 320)
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(WIDER_THAN_THE_SCREEN)
    small = page.evaluate(TOO_SMALL)
    page.close()
    assert overflow <= 0, f"{overflow}px wider than the screen: {wide}"
    assert small == [], small


WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5).map(e => e.tagName + "." + e.className)"""

TOO_SMALL = """() => {
  // WCAG 2.2 2.5.8 exempts a target in a sentence: a link inside a paragraph's text.
  const inSentence = e => e.tagName === "A" && e.closest("p") !== null
      && e.closest("p").textContent.trim().length > e.textContent.trim().length;
  return [...document.querySelectorAll("a[href], button, input, select, textarea, summary")]
    .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
    .filter(e => !inSentence(e) && !e.classList.contains("skip"))
    // The query editor's input only holds the caret: its target is the whole editor.
    .filter(e => e.closest(".CodeMirror") === null)
    .map(e => [e, e.getBoundingClientRect()])
    .filter(([e, box]) => box.width < 23.5 || box.height < 23.5)
    .map(([e, box]) => `${e.tagName} "${e.textContent.trim().slice(0, 30)}" `
                       + `${Math.round(box.width)}x${Math.round(box.height)}`);
}"""
MAIN_CONTROLS = {
    "": ["header.site nav a", "header.site .brand", "form.home-search button"],
    "sparql": ["form.sparql button[type=submit]"],
    f"doc/record/{RECORD}": ["#read-more", "#copy-bibtex"],
}


def test_the_main_controls_are_44_px_tall(base, browser):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    heights = {}
    for path, selectors in MAIN_CONTROLS.items():
        page.goto(base + path)
        for selector in selectors:
            boxes = [page.locator(selector).nth(n).bounding_box()
                     for n in range(page.locator(selector).count())]
            assert boxes, selector
            heights[selector] = min(box["height"] for box in boxes)
    page.close()
    assert {s: h for s, h in heights.items() if h < 44} == {}


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS colours as Chromium computes them ("rgb(r, g, b)")."""
    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                  for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_focus_ring_stands_out_from_the_page(base, browser, scheme):
    page = opened(browser, base + f"doc/record/{RECORD}", 1280, scheme)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past "Skip to main content", to the catalogue's name
    ring = page.evaluate("""() => { const style = getComputedStyle(document.activeElement);
        return [style.outlineStyle, style.outlineWidth, style.outlineColor]; }""")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.close()
    assert ring[0] == "solid" and float(ring[1].removesuffix("px")) >= 2
    assert contrast(ring[2], background) >= 3, (ring, background)
    page_is_dark = contrast(background, "rgb(0, 0, 0)") < 1.5
    assert page_is_dark == (scheme == "dark"), background


def test_a_long_summary_folds_behind_read_more(base, browser):
    page = opened(browser, base + f"doc/record/{RECORD}", 390)
    summary, button = page.locator("#summary-text"), page.locator("#read-more")
    assert button.get_attribute("aria-controls") == "summary-text" and button.is_visible()
    cite_top = page.locator("section.cite").bounding_box()["y"]
    assert button.inner_text() == "Read more" and button.get_attribute("aria-expanded") == "false"
    assert summary.evaluate("e => e.scrollHeight > e.clientHeight")
    button.click()
    assert button.get_attribute("aria-expanded") == "true" and button.inner_text() == "Show less"
    assert summary.evaluate("e => e.scrollHeight <= e.clientHeight")
    assert page.locator("section.cite").bounding_box()["y"] > cite_top + 300
    button.click()
    page.emulate_media(media="print")  # on paper, the whole summary
    assert summary.evaluate("e => e.scrollHeight <= e.clientHeight")
    page.goto(base + "doc/record/P-001")  # short: nothing to fold
    assert page.locator("#summary-text").is_visible()
    assert page.locator("#read-more").is_hidden()
    page.close()


@pytest.mark.parametrize("path", ["", "browse/regions"])
def test_every_value_says_its_language_where_it_is_not_the_pages(base, path):
    """The page says its language (html lang); a label in that language inherits it,
    and a value in another one (a record's English title on a French page) carries
    its own lang, so that a screen reader speaks each as it is written."""
    french = html.fromstring(requests.get(base + path, headers={"Accept-Language": "fr"},
                                          timeout=30).content)
    english = html.fromstring(requests.get(base + path, timeout=30).content)
    assert (french.get("lang"), english.get("lang")) == ("fr", "en")
    orientale = french.xpath('//*[text()="Europe orientale"]')
    assert orientale and {label.get("lang") for label in orientale} == {None}
    eastern = english.xpath('//*[text()="Eastern Europe"]')
    assert eastern and {label.get("lang") for label in eastern} == {None}
    if path == "":  # the latest additions: titles in English, on a French page
        titles = french.xpath('//main//a[starts-with(@href, "/doc/record/")]')
        assert titles and "en" in {title.get("lang") for title in titles}
        assert not english.xpath('//main//a[starts-with(@href, "/doc/record/")][@lang="en"]')
