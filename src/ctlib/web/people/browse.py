"""/browse: the catalogue by vocabulary (each scheme as a tree with record counts), by
year and by author (paged, in filing order: filing.py), every count a link to the search that lists those records.
Counts come from the search index, once per generation."""

from __future__ import annotations

from functools import partial
from itertools import groupby
from operator import attrgetter
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request

from ...rdf.uris import fold
from ...search.query import (
    CONCEPT_FACETS,
    NO_RECORDS,
    authors_by_name,
    concept_counts,
    year_counts,
)
from ..core import languages
from ..core.counted import count_in_words
from ..core.errors import NotFound
from ..core.languages import N_
from ..core.languages import gettext as _
from ..core.parameters import MAX_PAGE, whole_number
from .filing import Filed, filed, in_filing_order

blueprint = Blueprint("browse", __name__)

FACET_OF_SCHEME = {scheme: facet for facet, scheme in CONCEPT_FACETS.items()}
AUTHORS_PER_PAGE = 100
SCHEME_TITLES = {"regions": N_("Regions"), "countries": N_("Countries"),
                 "categories": N_("Categories")}
"""In English: translated where shown."""


def _ctx():
    return current_app.extensions["ctlib"]


def _cached(name: str, make):
    ctx = _ctx()
    snapshot = ctx.published.snapshot()
    index = ctx.search_indexes.of(snapshot)
    return ctx.cache.get((snapshot.generation, "browse", name), lambda: make(index))


def _page(template: str, **values):
    body = render_template(template, schemes=SCHEME_TITLES, **values)
    return body, 200, {"Content-Type": "text/html; charset=utf-8",
                       "Vary": languages.PAGE_VARY}


@blueprint.get("/browse/")
def browse_index():
    return _page("browse.html", view="index")


@blueprint.get("/browse/<scheme>")
def browse_scheme(scheme: str):
    facet = FACET_OF_SCHEME.get(scheme)
    if facet is None:
        known = ", ".join(f"/browse/{s}" for s in FACET_OF_SCHEME)
        raise NotFound(f"/browse/{scheme}: no such vocabulary; there are {known}")
    ctx = _ctx()
    snapshot = ctx.published.snapshot()
    index = ctx.search_indexes.of(snapshot)
    counts = concept_counts(index)
    language = languages.page_language()
    tree = [{"label": label, "depth": c.depth, "count": counts.get(c.uri, NO_RECORDS).records,
             "language": c.label_language(language, ctx.config.language),
             "said": count_in_words(counts.get(c.uri, NO_RECORDS), label),
             "href": "/" + c.uri[len(ctx.uris.base):],
             "search": "/search?" + urlencode({facet: c.key})}
            for c in index.concepts.in_order(scheme)
            for label in [c.label(language, ctx.config.language)]]
    return _page("browse.html", view="scheme", title=_(SCHEME_TITLES[scheme]), tree=tree)



@blueprint.get("/browse/years")
def browse_years():
    years = _cached("years", year_counts)
    return _page("browse.html", view="years", years=years,
                 most=max((n for _, n in years), default=0))


@blueprint.get("/browse/authors")
def browse_authors():
    """Every author in filing order (filing.py), AUTHORS_PER_PAGE a page; ``q`` keeps
    the names that contain it, ``page`` picks a page; each initial links to the page
    where it starts."""
    everyone = _cached("authors", _filed_authors)
    q = fold(request.args.get("q", ""))
    authors = [a for a in everyone if q in a.folded] if q else everyone
    pages = max(1, -(-len(authors) // AUTHORS_PER_PAGE))
    page = whole_number("page", request.args.get("page", "1"), 1, MAX_PAGE)
    if page > pages:
        raise NotFound(f"page={page}: the list of authors has {pages} page{'s' * (pages > 1)}")
    first = (page - 1) * AUTHORS_PER_PAGE
    return _page("browse.html", view="authors", title=_("Authors"), q=request.args.get("q", ""),
                 page_url=_authors_href(q, page),
                 groups=[(initial, list(group)) for initial, group in groupby(
                     authors[first:first + AUTHORS_PER_PAGE], key=attrgetter("initial"))],
                 total=len(authors),
                 page=page, pages=pages, everyone=len(everyone),
                 letters=_letter_pages(authors), href=partial(_authors_href, q))


def _filed_authors(index) -> list[Filed]:
    return in_filing_order([filed(*row) for row in authors_by_name(index)])


def _letter_pages(authors: list[Filed]) -> dict[str, int]:
    """Each initial, in list order, and the page its first author is on."""
    pages: dict[str, int] = {}
    for position, author in enumerate(authors):
        pages.setdefault(author.initial, position // AUTHORS_PER_PAGE + 1)
    return pages


def _authors_href(q: str, page: int = 1, letter: str | None = None) -> str:
    query = urlencode([(name, value) for name, value in (("q", q), ("page", page))
                       if value and value != 1])
    return "/browse/authors" + ("?" + query if query else "") + \
        (f"#letter-{letter}" if letter else "")
