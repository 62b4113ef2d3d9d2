"""/sitemap.xml and /robots.txt, for crawlers.

The sitemap lists the home page, every published record's page with its modification
time, and every concept scheme and concept with the generation's publication time.
Past ``CTLIB_SITEMAP_SIZE`` URLs (the protocol allows 50,000 in one file)
/sitemap.xml is a sitemap index of /sitemap-1.xml, /sitemap-2.xml, ... Each file is
rendered once per generation, reading the record index as it goes.
"""

from __future__ import annotations

from itertools import islice
from typing import Iterator
from xml.sax.saxutils import escape

from flask import Blueprint, current_app

from ... import __version__
from ...formats import Format
from ...published.records import RecordIndex, Selection
from ...rdf.namespaces import SKOS
from ..core.errors import NotFound
from ..core.responses import Rendered, answer, etag, rendered
from .collections import modified_time, record_page

blueprint = Blueprint("sitemaps", __name__)

SITEMAP = Format("sitemap", "application/xml", "xml", None, "Sitemap")
ROBOTS = Format("robots", "text/plain", "txt", None, "robots.txt")
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
VOCABULARY = f"""
SELECT DISTINCT ?resource WHERE {{
  VALUES ?type {{ <{SKOS.ConceptScheme}> <{SKOS.Concept}> }}
  ?resource a ?type .
  FILTER (STRSTARTS(STR(?resource), "%s"))
}} ORDER BY ?resource"""


def _ctx():
    return current_app.extensions["ctlib"]


@blueprint.get("/robots.txt")
def robots():
    body = f"User-agent: *\nAllow: /\n\nSitemap: {_ctx().absolute('sitemap.xml')}\n".encode()
    return answer(rendered(200, body, ROBOTS.content_type, etag(body, ROBOTS), None,
                            _canonical("robots.txt")))


@blueprint.get("/sitemap.xml")
def sitemap():
    return answer(_cached(None))


@blueprint.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int):
    return answer(_cached(number))


def _cached(number: int | None) -> Rendered:
    ctx = _ctx()
    snapshot = ctx.published.snapshot()
    key = (snapshot.generation, "sitemap", number)
    entry = ctx.cache.get(key, lambda: _render(snapshot, number))
    if entry is None:
        raise NotFound(f"there is no sitemap-{number}.xml; /sitemap.xml lists the sitemaps")
    return entry


def _render(snapshot, number: int | None) -> Rendered | None:
    """/sitemap-{number}.xml, or /sitemap.xml (a sitemap or the index of several) for None;
    None if there is no such sitemap."""
    ctx = _ctx()
    size = ctx.config.sitemap_size
    vocabulary = [row["resource"].value for row in snapshot.store.query(
        VOCABULARY % (ctx.uris.base + "def/"), use_default_graph_as_union=True)]
    index = RecordIndex(snapshot.registry_path)
    total = 1 + index.count(Selection()) + len(vocabulary)
    parts = -(-total // size)
    entries = _entries(index, vocabulary, snapshot.published)
    if number is None:
        body = _index(entries, size) if parts > 1 else _urlset(entries)
    elif parts > 1 and 1 <= number <= parts:
        start = (number - 1) * size
        body = _urlset(islice(entries, start, start + size))
    else:
        return None
    key = f"{__version__} {snapshot.generation} {size} {number}"
    path = "sitemap.xml" if number is None else f"sitemap-{number}.xml"
    return rendered(200, body, SITEMAP.content_type, etag(key.encode(), SITEMAP),
                    modified_time(snapshot.published), _canonical(path))


def _entries(index: RecordIndex, vocabulary: list[str],
             published: str) -> Iterator[tuple[str, str]]:
    """(URL, last modified) of every page the sitemap lists, in a stable order."""
    ctx = _ctx()
    yield ctx.uris.base, published
    for record in index.records(Selection()):
        yield ctx.absolute(record_page(record.id)), record.modified
    for uri in vocabulary:
        yield uri, published


def _urlset(entries) -> bytes:
    urls = "".join(f"<url><loc>{escape(url)}</loc><lastmod>{modified}</lastmod></url>\n"
                   for url, modified in entries)
    return _document("urlset", urls)


def _index(entries, size: int) -> bytes:
    """One <sitemap> per ``size`` entries, with the latest modification time in it."""
    sitemaps, number = [], 0
    while part := list(islice(entries, size)):
        number += 1
        latest = max(modified for _, modified in part)
        sitemaps.append(f"<sitemap><loc>{escape(_ctx().absolute(f'sitemap-{number}.xml'))}</loc>"
                        f"<lastmod>{latest}</lastmod></sitemap>\n")
    return _document("sitemapindex", "".join(sitemaps))


def _document(root: str, children: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NAMESPACE}">\n'
            f"{children}</{root}>\n").encode("utf-8")


def _canonical(path: str) -> str:
    return f'<{_ctx().absolute(path)}>; rel="canonical"'
