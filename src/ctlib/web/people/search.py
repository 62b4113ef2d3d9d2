"""/search: free text and facets over the search index, as a page for people, as JSON
(docs/search.md) and as RDF (a Hydra collection of the matching records).

The URL says everything about a search (``q``, ``region``, ``country``, ``category``,
``author``, ``from``, ``to``, ``sort``, ``page``, ``size``, and for the author facet
``more`` and ``who``), so every search can be shared; answers are cached per
generation, query, format and language. Besides, all its records as CSV and the page's
records as BibTeX or RIS.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, current_app, render_template, request
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from ... import __version__
from ...describe import Description
from ...formats import BY_EXTENSION, SEARCH_FORMATS, Format
from ...rdf.namespaces import DCTERMS, XSD
from ...search.index import is_current
from ...search.query import (
    CONCEPT_FACETS,
    FACETS,
    MARK,
    PAGE_SIZE,
    PAGE_SIZES,
    SORTS,
    TOP_AUTHORS,
    Hit,
    Results,
    SearchIndex,
    SearchQuery,
    search,
    total_of,
)
from ..core import languages
from ..core.errors import BadRequest, NotAcceptable, NotFound, ServiceUnavailable
from ..core.languages import N_
from ..core.languages import gettext as _
from ..core.negotiation import negotiate
from ..core.parameters import MAX_PAGE, listed_number, whole_number
from ..core.responses import Rendered, etag, rendered, respond
from ..descriptions.citations import WRITERS
from ..descriptions.page import Citation
from ..descriptions.record_page import from_search
from ..descriptions.rendering import serialize
from ..harvest.collections import HYDRA, hydra_page, modified_time, page_links, record_page

blueprint = Blueprint("search", __name__)

FACET_TITLES = {"region": N_("Region"), "country": N_("Country"),
                "category": N_("Category"), "author": N_("Author")}
"""A facet's heading, and a chip's name for a value chosen in it (translated where shown)."""
WITHOUT = {"words": N_("Without the words “%(value)s”"),
           "region": N_("Without region “%(value)s”"),
           "country": N_("Without country “%(value)s”"),
           "category": N_("Without category “%(value)s”"),
           "author": N_("Without author “%(value)s”"),
           "years": N_("Without years “%(value)s”")}
"""The link to a search without one of its constraints, when it found nothing."""
SHOW_EVERY = {"region": N_("Show every region"), "country": N_("Show every country"),
              "category": N_("Show every category"), "author": N_("Show every author")}
SORT_NAMES = {"relevance": N_("relevance"), "newest": N_("newest"), "oldest": N_("oldest"),
              "title": N_("title")}
"""Each of SORTS as the page names it: "sorted by relevance · newest · oldest · title"."""
FACET_SHOWN = 8
"""Values of a facet listed before "Show more"."""
FACET_SENT = 40
"""Values of a facet a page holds unless it lists that facet whole (``more=``): the
countries alone, each value a link with the whole search, were half of a 60 KB page."""
EXPORT_ROWS = 10_000
"""Hits a CSV export holds at most: the first, in the search's order."""
CSV_COLUMNS = ("id", "title", "language", "year", "authors", "places", "categories", "uri")


def search_index(snapshot) -> SearchIndex:
    """The generation's index (read per generation by ``WebContext.search_indexes``)."""
    if not is_current(snapshot.search_path):
        raise ServiceUnavailable("this catalogue was published without a search index of "
                                 "this version: run `ctlib ingest` again to build it")
    return SearchIndex(snapshot.search_path)


def _ctx():
    return current_app.extensions["ctlib"]


@blueprint.get("/search")
@blueprint.get("/search.<extension>")
def search_page(extension: str | None = None):
    fmt = _format(extension)
    query = parse_query(request.args)
    ctx = _ctx()
    snapshot = ctx.published.snapshot()
    language = None if fmt.rdf_format is not None else languages.page_language()
    key = (snapshot.generation, "search", _query_string(query), fmt.name, language)
    entry = ctx.cache.get(key, lambda: _render(snapshot, query, fmt, language))
    status, headers, body = respond(entry, request.headers.get("If-None-Match"),
                                    request.headers.get("If-Modified-Since"), None)
    return current_app.response_class(body, status=status, headers=headers)


def _format(extension: str | None) -> Format:
    if extension is not None:
        fmt = next((f for f in SEARCH_FORMATS if f.extension == extension),
                   BY_EXTENSION.get(extension))
        if fmt is None or fmt not in SEARCH_FORMATS:
            known = ", ".join(f".{f.extension}" for f in SEARCH_FORMATS)
            raise NotFound(f"/search.{extension}: there is no format {extension!r}; "
                           f"formats: {known}")
        return fmt
    fmt = negotiate(request.headers.get("Accept"), SEARCH_FORMATS)
    if fmt is None:
        available = ", ".join(f.media_type for f in SEARCH_FORMATS)
        raise NotAcceptable(f"/search is available as: {available}", headers={"Vary": "Accept"})
    return fmt


def parse_query(args: MultiDict) -> SearchQuery:
    """The search a URL asks for; a value that cannot be read is a 400 naming it."""
    return SearchQuery(
        text=args.get("q", "").strip(),
        filters={facet: tuple(v for v in args.getlist(facet) if v) for facet in FACETS
                 if any(args.getlist(facet))},
        year_from=_number(args, "from", 0, 9999), year_to=_number(args, "to", 0, 9999),
        sort=_choice(args, "sort", SORTS), page=_number(args, "page", 1, MAX_PAGE) or 1,
        size=listed_number("size", size, PAGE_SIZES) if (size := args.get("size", "").strip())
        else PAGE_SIZE,
        more=_choice(args, "more", ("", *FACETS)),
        author_named=args.get("who", "").strip()[:100])


def _number(args: MultiDict, name: str, least: int, most: int) -> int | None:
    value = args.get(name, "").strip()
    return whole_number(name, value, least, most) if value else None


def _choice(args: MultiDict, name: str, choices: tuple[str, ...]) -> str:
    value = args.get(name, "").strip() or choices[0]
    if value not in choices:
        raise BadRequest(f"{name}={value!r}: give one of {', '.join(choices)}")
    return value


def _query_string(query: SearchQuery, **changes) -> str:
    """The URL parameters of ``query`` with ``changes`` (None removes a parameter)."""
    values: dict[str, object] = {
        "q": query.text, **{facet: list(keys) for facet, keys in query.filters.items()},
        "from": query.year_from, "to": query.year_to,
        "sort": None if query.sort == SORTS[0] else query.sort,
        "page": None if query.page == 1 else query.page,
        "size": None if query.size == PAGE_SIZE else query.size,
        "more": query.more or None, "who": query.author_named}
    values.update(changes)
    pairs = []
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            if item not in (None, ""):
                pairs.append((name, str(item)))
    return urlencode(pairs)


def _url(query: SearchQuery, fmt: Format | None = None, **changes) -> str:
    path = "search" if fmt is None else f"search.{fmt.extension}"
    found = _query_string(query, **changes)
    return f"/{path}?{found}" if found else f"/{path}"


def _render(snapshot, query: SearchQuery, fmt: Format, language: str | None) -> Rendered:
    """``language``: of the facet labels in HTML and JSON; None for RDF, which has none."""
    ctx = _ctx()
    index = ctx.search_indexes.of(snapshot)
    exported = fmt.name == "csv"
    results = search(index, replace(query, page=1, size=EXPORT_ROWS) if exported else query,
                     language or ctx.config.language, ctx.config.language,
                     snippets=not exported)
    if fmt.name == "html":
        body = _html(results, index, language).encode("utf-8")
    elif exported:
        body = _csv(results).encode("utf-8")
    elif fmt.name in WRITERS:
        body = _citations(results, fmt.name).encode("utf-8")
    elif fmt.rdf_format is None:
        body = json.dumps(_json(results), ensure_ascii=False, indent=1).encode("utf-8")
    else:
        body = serialize(Description(ox.NamedNode(ctx.absolute(_url(query))),
                                     _triples(results), None), fmt,
                         ctx.absolute("context.jsonld"))
    key = f"{__version__} {snapshot.generation} {_url(query, fmt)} {language}"
    return rendered(200, body, fmt.content_type, etag(key.encode("utf-8"), fmt, language),
                    modified_time(snapshot.published),
                    # an export links the pages of the search it holds, not its own one page
                    _link_header(replace(results, query=query)),
                    vary=languages.vary(language))


def _pages(results: Results) -> dict[str, str]:
    query, last = results.query, results.pages
    pages = {"first": _url(query, page=1), "last": _url(query, page=last)}
    if query.page > 1:
        pages["previous"] = _url(query, page=min(query.page - 1, last))
    if query.page < last:
        pages["next"] = _url(query, page=query.page + 1)
    return pages


def _absolute_pages(results: Results) -> dict[str, str]:
    return {name: _ctx().absolute(href) for name, href in _pages(results).items()}


def _link_header(results: Results) -> str:
    return ", ".join(page_links(_absolute_pages(results)))


def _marked(text: str) -> Markup:
    """Escaped text with the index's highlight marks as <mark> elements."""
    return Markup(str(escape(text)).replace(MARK[0], "<mark>").replace(MARK[1], "</mark>"))


def _plain(text: str) -> str:
    return text.replace(MARK[0], "").replace(MARK[1], "")


def _html(results: Results, index: SearchIndex, language: str) -> str:
    query = results.query
    whole = _whole_lists(results)
    facets = {facet: [(value, _url(query, page=None, **{facet: _toggled(query, facet, value.key)}))
                      for value in (values[:FACET_SENT] if facet in whole else values)]
              for facet, values in results.facets.items()}
    hits = [{"href": from_search("/" + record_page(hit.id), _query_string(query)),
             "title": _marked(hit.title), "language": hit.language,
             "snippet": _marked(hit.snippet), "year": hit.year,
             "places": hit.places, "categories": hit.categories,
             "authors": [(name, _url(SearchQuery(), author=[key])) for key, name in hit.authors]}
            for hit in results.hits]
    return render_template(
        "search.html", results=results, query=query, hits=hits, facets=facets,
        page_url=_url(query),
        facet_titles={facet: _(title) for facet, title in FACET_TITLES.items()},
        show_every={facet: _(words) for facet, words in SHOW_EVERY.items()},
        facet_shown=FACET_SHOWN,
        chosen=_chosen(results, index, language),
        pages=_pages(results), decades=_decades(results),
        suggestion=_suggestion(results), whole_lists=whole,
        sorts=[(s, _(SORT_NAMES[s]), _url(query, sort=s, page=None)) for s in SORTS],
        sizes=[(n, _url(query, size=n, page=None)) for n in PAGE_SIZES],
        default_size=PAGE_SIZE,
        formats=[(_("%(format)s of this page", format=f.label) if f.name in WRITERS
                  else f.label, _url(query, f), f.media_type)
                 for f in SEARCH_FORMATS if f.name != "html"],
        start=(query.page - 1) * query.size)


def _suggestion(results: Results) -> tuple[str, str] | None:
    """(the respelt words, the search with them) when there are some."""
    if results.suggestion is None:
        return None
    return results.suggestion, _url(results.query, q=results.suggestion, page=None)


def _whole_lists(results: Results) -> dict[str, str]:
    """The search listing a facet whole, for each facet cut short on this page: one with
    more values than FACET_SENT, or the top authors when there may be more of them."""
    query = results.query
    cut = {facet for facet, values in results.facets.items() if len(values) > FACET_SENT}
    if not query.author_named and len(results.facets.get("author", ())) >= TOP_AUTHORS:
        cut.add("author")
    return {facet: _url(query, more=facet, page=None) for facet in cut if facet != query.more}


def _chosen(results: Results, index: SearchIndex, language: str) -> list[dict]:
    """Every constraint of the search (the words, each filter, the years) with the
    search without it, in the page's words; when nothing was found, also how many that
    one would find."""
    query = results.query
    without = [(kind, label, replace(query, page=1, **change))
               for kind, label, change in _constraints(results, index, language)]
    return [{"title": _(FACET_TITLES.get(kind, N_("Years"))), "label": label,
             "without": _(WITHOUT[kind], value=label), "href": _url(other),
             "words": kind == "words",
             "total": None if results.total else total_of(index, other)}
            for kind, label, other in without]


def _constraints(results: Results, index: SearchIndex, language: str
                 ) -> list[tuple[str, str, dict]]:
    """(kind: "words", a facet or "years"; label; the change to the query that takes
    it away)."""
    query = results.query
    found = [("words", query.text, {"text": ""})] if query.text else []
    found += [(facet, _label_of(results, index, facet, key, language),
               {"filters": {**query.filters,
                            facet: tuple(k for k in keys if k != key)}})
              for facet, keys in query.filters.items() for key in keys]
    if query.year_from is not None or query.year_to is not None:
        found.append(("years", f"{query.year_from or '…'}–{query.year_to or '…'}",
                      {"year_from": None, "year_to": None}))
    return found


def _toggled(query: SearchQuery, facet: str, key: str) -> list[str]:
    keys = list(query.filters.get(facet, ()))
    return [k for k in keys if k != key] if key in keys else [*keys, key]


def _label_of(results: Results, index: SearchIndex, facet: str, key: str,
              language: str) -> str:
    """A chosen value's label: from the facet, or, when no hit has it, the concept's."""
    listed = next((v.label for v in results.facets.get(facet, ()) if v.key == key), None)
    concept = index.concepts.by_key.get((CONCEPT_FACETS.get(facet), key))
    return listed or (concept.label(language, _ctx().config.language) if concept else key)


def _decades(results: Results) -> list[tuple[str, int, str]]:
    """Records per decade among the hits, each a link narrowing the search to it."""
    decades: dict[int, int] = {}
    for year, count in results.years:
        decades[year // 10 * 10] = decades.get(year // 10 * 10, 0) + count
    return [(_("%(decade)ss", decade=start), count,
             _url(results.query, page=None, **{"from": start, "to": start + 9}))
            for start, count in sorted(decades.items())]


def _csv(results: Results) -> str:
    """Every hit (up to EXPORT_ROWS), a row each; several values of a cell joined by "; "."""
    ctx = _ctx()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for hit in results.hits:
        writer.writerow([hit.id, _plain(hit.title), hit.language or "", hit.year or "",
                         "; ".join(name for _key, name in hit.authors), "; ".join(hit.places),
                         "; ".join(hit.categories), str(ctx.uris.record(hit.id))])
    return out.getvalue()


def _citations(results: Results, writer: str) -> str:
    """The page's hits cited one after the other, as a reference manager imports them."""
    ctx = _ctx()
    return "\n".join(WRITERS[writer](_cited(hit), hit.id, str(ctx.uris.record(hit.id)),
                                      ctx.config.publisher) for hit in results.hits)


def _cited(hit: Hit) -> Citation:
    return Citation(_plain(hit.title), [name for _key, name in hit.authors],
                    None if hit.year is None else str(hit.year), None, hit.language,
                    hit.places, hit.categories)


def _json(results: Results) -> dict:
    ctx = _ctx()
    query = results.query
    return {
        "query": {"q": query.text, "filters": {f: list(k) for f, k in query.filters.items()},
                  "from": query.year_from, "to": query.year_to, "sort": query.sort,
                  "page": query.page, "size": query.size},
        "total": results.total, "pages": results.pages,
        "links": _absolute_pages(results),
        "hits": [{"id": hit.id, "uri": str(ctx.uris.record(hit.id)),
                  "page": ctx.absolute(record_page(hit.id)), "title": _plain(hit.title),
                  "language": hit.language, "snippet": _plain(hit.snippet), "highlighted_title": str(_marked(hit.title)),
                  "highlighted_snippet": str(_marked(hit.snippet)), "year": hit.year,
                  "places": hit.places, "categories": hit.categories,
                  "authors": [{"id": key, "name": name, "uri": str(ctx.uris.agent(key))}
                              for key, name in hit.authors]}
                 for hit in results.hits],
        "facets": {facet: [{"key": v.key, "label": v.label, "count": v.count,
                            "selected": v.selected, "depth": v.depth,
                            "search": ctx.absolute(_url(query, page=None, **{
                                facet: _toggled(query, facet, v.key)}))}
                           for v in values] for facet, values in results.facets.items()},
        "years": [{"year": year, "count": count} for year, count in results.years],
        "suggestion": None if results.suggestion is None else {
            "q": results.suggestion,
            "search": ctx.absolute(_url(query, q=results.suggestion, page=None))},
    }


_TITLE, _ISSUED, _YEAR = (ox.NamedNode(str(t)) for t in (DCTERMS.title, DCTERMS.issued,
                                                          XSD.gYear))


def _triples(results: Results) -> list[ox.Triple]:
    ctx = _ctx()
    query = results.query
    whole = ox.NamedNode(ctx.absolute(_url(query, page=None)))
    said = hydra_page(whole, ox.NamedNode(ctx.absolute(_url(query, page=query.page))),
                      results.total, _absolute_pages(results))
    for hit in results.hits:
        record = ox.NamedNode(str(ctx.uris.record(hit.id)))
        said += [ox.Triple(whole, ox.NamedNode(HYDRA + "member"), record),
                 ox.Triple(record, _TITLE, ox.Literal(_plain(hit.title),
                                                        language=hit.language))]
        if hit.year is not None:
            said.append(ox.Triple(record, _ISSUED, ox.Literal(str(hit.year), datatype=_YEAR)))
    return said
