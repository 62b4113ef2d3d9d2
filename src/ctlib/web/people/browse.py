"""/browse: the catalogue by vocabulary (each scheme as a tree with record counts), by
year and by author, every count a link to the search that lists those records.
Counts come from the search index, once per generation."""

from __future__ import annotations

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
from ..core.errors import NotFound
from ..core.negotiation import negotiate_language

blueprint = Blueprint("browse", __name__)

FACET_OF_SCHEME = {scheme: facet for facet, scheme in CONCEPT_FACETS.items()}
SCHEME_TITLES = {"regions": "Regions", "countries": "Countries", "categories": "Categories"}


def _ctx():
    return current_app.extensions["ctlib"]


def _cached(name: str, make):
    ctx = _ctx()
    snapshot = ctx.published.snapshot()
    index = ctx.search_indexes.of(snapshot)
    return ctx.cache.get((snapshot.generation, "browse", name), lambda: make(index))


def _page(template: str, **values):
    body = render_template(template, **values)
    return body, 200, {"Content-Type": "text/html; charset=utf-8", "Vary": "Accept-Language"}


@blueprint.get("/browse/")
def browse_index():
    return _page("browse.html", view="index", schemes=SCHEME_TITLES)


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
    language = negotiate_language(request.headers.get("Accept-Language"),
                                  snapshot.label_languages, ctx.config.language)
    tree = [{"label": label, "depth": c.depth, "count": counts.get(c.uri, NO_RECORDS).records,
             "language": c.label_language(language, ctx.config.language),
             "said": counts.get(c.uri, NO_RECORDS).words(label),
             "href": "/" + c.uri[len(ctx.uris.base):],
             "search": "/search?" + urlencode({facet: c.key})}
            for c in index.concepts.in_order(scheme)
            for label in [c.label(language, ctx.config.language)]]
    return _page("browse.html", view="scheme", title=SCHEME_TITLES[scheme], tree=tree)


@blueprint.get("/browse/years")
def browse_years():
    years = _cached("years", year_counts)
    return _page("browse.html", view="years", years=years,
                 most=max((n for _, n in years), default=0))


@blueprint.get("/browse/authors")
def browse_authors():
    """Authors by the first letter of their name (a large catalogue has tens of
    thousands): ``letter`` picks one, the first by default."""
    authors = _cached("authors", authors_by_name)
    letters = sorted({_initial(name) for _, name, _ in authors})
    letter = request.args.get("letter", letters[0] if letters else "")
    if letters and letter not in letters:
        raise NotFound(f"no author's name starts with {letter!r}; letters: {' '.join(letters)}")
    shown = [(key, name, n, "/search?" + urlencode({"author": key}))
             for key, name, n in authors if _initial(name) == letter]
    return _page("browse.html", view="authors", authors=shown, letters=letters, letter=letter)


def _initial(name: str) -> str:
    first = fold(name)[:1].upper()
    return first if first.isalpha() else "#"
