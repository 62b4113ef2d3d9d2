"""Pages for people that are not descriptions of one resource: the home page.

The home page shows what the catalogue holds: counts, charts of records per year,
region and category, and the latest additions. At 100,000 records the queries behind
them take a few seconds, so they run once per published generation (and worker), and
the rendered page is cached like every other representation, with its ETag and
Last-Modified.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request

from ...dataset.coverage import coverage
from ...formats import BY_NAME
from ...published.snapshot import Snapshot
from ...rdf.namespaces import DCTERMS, SKOS
from ...search.query import latest_additions
from ..core import charts, languages
from ..core.languages import SOURCE_LANGUAGE
from ..core.languages import gettext as _
from ..core.responses import Rendered, etag, rendered, respond
from ..discovery.catalogue import catalog_link
from ..harvest.collections import modified_time, record_page
from ..harvest.dataset import schema_org

blueprint = Blueprint("home", __name__)

HTML = BY_NAME["html"]
RECORD = DCTERMS.BibliographicResource
CHART_BARS = 8
LATEST = 10

SCHEMES = f"""
SELECT ?scheme ?label (COUNT(DISTINCT ?concept) AS ?concepts) WHERE {{
  ?scheme a <{SKOS.ConceptScheme}> ; <{SKOS.prefLabel}> ?label .
  OPTIONAL {{ ?concept <{SKOS.inScheme}> ?scheme }}
}} GROUP BY ?scheme ?label"""
"""Each scheme with its labels in every language (a row each) and its concepts."""
RECORDS = f"SELECT (COUNT(DISTINCT ?record) AS ?n) WHERE {{ ?record a <{RECORD}> }}"
AUTHORS = f"SELECT (COUNT(DISTINCT ?author) AS ?n) WHERE {{ ?record <{DCTERMS.creator}> ?author }}"
CONCEPTS_USED = f"""
SELECT ?scheme (COUNT(?concept) AS ?n) WHERE {{
  ?concept <{SKOS.inScheme}> ?scheme .
  FILTER EXISTS {{ VALUES ?link {{ <{DCTERMS.spatial}> <{DCTERMS.subject}> }}
                  ?record ?link ?concept }}
}} GROUP BY ?scheme"""


@dataclass(frozen=True)
class Addition:
    href: str
    title: str
    language: str | None
    """The title's."""
    year: int | None
    added: str
    """When it was first published (ISO 8601)."""


@dataclass(frozen=True)
class HomeFacts:
    """What the home page says about one generation."""
    records: int
    authors: int
    concepts_used: dict[str, int]
    """Concepts of each scheme (by its name: ``regions``) that some record names."""
    schemes: list[dict]
    """Each scheme's ``href``, ``concepts`` and ``labels`` (language -> label), in the
    order of their English labels."""
    records_per_year: dict[int, int]
    regions: dict[str, int]
    """Concept URI -> records."""
    categories: dict[str, int]
    latest: list[Addition]


class FactsOfGeneration:
    """The home page's facts of the published generation, computed by the first request
    after an ingest while the others wait for it (one computation, not one per thread)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._held: tuple[str, HomeFacts] | None = None

    def of(self, snapshot: Snapshot, compute) -> HomeFacts:
        with self._lock:
            if self._held is None or self._held[0] != snapshot.generation:
                self._held = (snapshot.generation, compute(snapshot))
            return self._held[1]


@blueprint.record_once
def _keep_facts(state) -> None:
    state.app.extensions["ctlib.home"] = FactsOfGeneration()


@blueprint.get("/")
def home():
    ctx = _ctx()
    snapshot = ctx.published.snapshot()
    language = languages.page_language()
    entry = ctx.cache.get((snapshot.generation, "home", language),
                          lambda: _render(snapshot, language))
    status, headers, body = respond(entry, request.headers.get("If-None-Match"),
                                    request.headers.get("If-Modified-Since"), None)
    return current_app.response_class(body, status=status, headers=headers)


def _render(snapshot: Snapshot, language: str) -> Rendered:
    facts = current_app.extensions["ctlib.home"].of(snapshot, _facts)
    bars = _labelled(snapshot, facts, language)
    schemes = [{"href": scheme["href"], "concepts": scheme["concepts"],
                "label": label, "language": label_language}
               for scheme in facts.schemes
               for label, label_language in [_in(scheme["labels"], language)]]
    body = render_template("home.html", facts=facts, published=snapshot.published,
                           bars=bars, charts=_charts(facts, bars, language),
                           schemes=schemes, schema_org=schema_org(snapshot)).encode("utf-8")
    return rendered(200, body, HTML.content_type, etag(body, HTML, language),
                    modified_time(snapshot.published),
                    f'<{_ctx().absolute("")}>; rel="canonical", '
                    + catalog_link(_ctx().absolute), vary=languages.vary(language))


def _labelled(snapshot: Snapshot, facts: HomeFacts, language: str) -> dict[str, list]:
    """The region and category bars, labelled in ``language`` where a label is."""
    concepts = _ctx().search_indexes.of(snapshot).concepts.by_uri
    fallback = _ctx().config.language

    def bar(uri: str, count: int) -> charts.Bar:
        if uri not in concepts:
            return charts.Bar(uri, count, _path(uri))
        concept = concepts[uri]
        return charts.Bar(concept.label(language, fallback), count, _path(uri),
                          concept.label_language(language, fallback))
    return {scheme: [bar(uri, count) for uri, count in getattr(facts, scheme).items()]
            for scheme in ("regions", "categories")}


def _charts(facts: HomeFacts, bars: dict[str, list], language: str) -> dict:
    """The years as a column chart; the regions and categories as the bars shown
    and the rest summarised (home.html lists them)."""
    return {
        "years": charts.column_chart(_("Records per year"), facts.records_per_year,
                                      language),
        "regions": charts.top(bars["regions"], CHART_BARS, "/def/regions"),
        "categories": charts.top(bars["categories"], CHART_BARS, "/def/categories"),
    }


def _facts(snapshot: Snapshot) -> HomeFacts:
    ctx = _ctx()
    uris = ctx.uris
    index = ctx.search_indexes.of(snapshot)
    covered = coverage(snapshot.store, index, uris.scheme("regions"))
    return HomeFacts(
        records=_count(snapshot, RECORDS),
        authors=_count(snapshot, AUTHORS),
        concepts_used={uris.scheme_name(row["scheme"].value): int(row["n"].value)
                       for row in _query(snapshot, CONCEPTS_USED)},
        schemes=_schemes(snapshot),
        records_per_year=covered.records_per_year, regions=covered.regions,
        categories=covered.categories,
        latest=[Addition("/" + record_page(a.id), a.title, a.language, a.year, a.added)
                for a in latest_additions(index, LATEST)])


def _schemes(snapshot: Snapshot) -> list[dict]:
    schemes: dict[str, dict] = {}
    for row in _query(snapshot, SCHEMES):
        scheme = schemes.setdefault(row["scheme"].value, {
            "href": _path(row["scheme"].value), "concepts": int(row["concepts"].value),
            "labels": {}})
        scheme["labels"][row["label"].language or ""] = row["label"].value
    return sorted(schemes.values(), key=lambda s: _in(s["labels"], SOURCE_LANGUAGE)[0])


def _in(labels: dict[str, str], language: str) -> tuple[str, str | None]:
    """The label in ``language``, else in English, else any; and its language."""
    for code in (language, SOURCE_LANGUAGE, *sorted(labels)):
        if code in labels:
            return labels[code], code or None
    return "", None


def _query(snapshot: Snapshot, query: str):
    return snapshot.store.query(query, use_default_graph_as_union=True)


def _count(snapshot: Snapshot, query: str) -> int:
    return int(next(iter(_query(snapshot, query)))["n"].value)


def _path(uri: str) -> str:
    """A URI of this catalogue as a path, so that links work on whatever host serves it."""
    base = _ctx().uris.base
    return "/" + uri[len(base):] if uri.startswith(base) else uri


def _ctx():
    return current_app.extensions["ctlib"]
