"""What every page shares: the icon (and /favicon.ico for those who ask for it), and a
footer that promises machine-readable twins only on pages that list formats."""

from __future__ import annotations

import pytest
import requests
from lxml import html

from .conftest import ROOT
from .server import running_server

WITH_FORMATS = ["catalog", "search", "doc/agent/rakeb-messele", "def/regions"]
WITHOUT_FORMATS = ["", "browse/authors", "sparql", "dump/", "no-such-page"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("chrome"),
                        [ROOT / "data" / "library-listing.txt"]) as url:
        yield url


def page(base: str, path: str) -> html.HtmlElement:
    return html.fromstring(requests.get(base + path, headers={"Accept": "text/html"},
                                        timeout=30).content)


def test_every_page_links_the_svg_icon_and_favicon_ico_leads_to_it(base):
    [icon] = page(base, "").xpath("//head/link[@rel='icon']")
    assert icon.get("type") == "image/svg+xml"
    served = requests.get(base + icon.get("href").lstrip("/"), timeout=30)
    assert served.status_code == 200 and served.headers["Content-Type"].startswith("image/svg+xml")
    assert served.content.lstrip().startswith(b"<svg")
    asked = requests.get(base + "favicon.ico", timeout=30)
    assert asked.history[0].status_code == 302 and asked.url == served.url
    assert asked.history[0].headers["Cache-Control"] == "public, max-age=86400"


@pytest.mark.parametrize("path", WITH_FORMATS + WITHOUT_FORMATS)
def test_the_footer_promises_twins_only_where_formats_are_listed(base, path):
    shown = page(base, path)
    footer = shown.xpath("string(//footer)")
    listed = bool(shown.xpath("//nav[@class='formats']//a"))
    assert listed == (path in WITH_FORMATS)
    assert ("machine-readable twins" in footer) == listed
    assert shown.xpath("//footer//a/@href") == ["/catalog", "/dump/", "/sparql",
                                                "/oai?verb=Identify"]
