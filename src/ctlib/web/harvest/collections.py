"""Paged collections of records, for harvesters and for people (Hydra).

/doc/record/                              every published record
/def/{scheme}/{concept}/records           the records of a concept or of its narrower ones
... .{ttl,jsonld,rdf,nt,html}             one fixed format: /doc/record.ttl, .../records.ttl

Negotiated like descriptions. Each page is a hydra:PartialCollectionView of the
collection (``hydra:totalItems``, ``hydra:member``s with title and modification time)
with first/previous/next/last as IRIs, in the body and in the Link header. The order is
the record index's (identifier order); parameters are in paging.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, current_app, redirect, render_template, request

from ... import __version__
from ...describe import Description
from ...formats import BY_EXTENSION, DESCRIPTION_FORMATS, Format
from ...published.records import RecordIndex
from ...rdf.namespaces import DCTERMS, RDF, SKOS, XSD
from ...search.query import NO_RECORDS, concept_counts
from ..core import languages
from ..core.counted import count_in_words
from ..core.errors import NotAcceptable, NotFound
from ..core.languages import N_
from ..core.languages import gettext as _
from ..core.negotiation import negotiate
from ..core.responses import Rendered, etag, rendered, respond
from ..descriptions.rendering import serialize
from .paging import MAX_SIZE, Page, PageRequest, page_of, parse_request

blueprint = Blueprint("collections", __name__)

HYDRA = "http://www.w3.org/ns/hydra/core#"
MEMBER_DETAILS = tuple(ox.NamedNode(str(p)) for p in (RDF.type, DCTERMS.title, DCTERMS.modified))
"""What the page says of each member; its own description says the rest."""
_TYPE, _TITLE, _SUBJECT, _LICENSE, _PREF_LABEL, _CONCEPT, _INTEGER = (
    ox.NamedNode(str(term)) for term in (RDF.type, DCTERMS.title, DCTERMS.subject,
                                         DCTERMS.license, SKOS.prefLabel, SKOS.Concept,
                                         XSD.integer))
LINK_RELATIONS = {"first": "first", "previous": "prev", "next": "next", "last": "last"}
"""The Link header's (and HTML's) name of each Hydra relation between pages."""


@dataclass(frozen=True)
class Collection:
    path: str
    """Its negotiated URL's path: ``doc/record/``."""
    stem: str
    """Its fixed-format URLs' path before the extension: ``doc/record``."""
    title: str
    """Its title in English, as its RDF says it; its page says it in the page's language."""
    concept: str | None = None
    """The concept whose records it holds (with those of its narrower concepts)."""

    def path_for(self, fmt: Format | None) -> str:
        return self.path if fmt is None else f"{self.stem}.{fmt.extension}"


def record_page(identifier: str) -> str:
    """The path of a record's page (its description)."""
    return f"doc/record/{quote(identifier, safe='')}"


def modified_time(iso: str) -> datetime | None:
    """A registry time (ISO 8601, ``Z``) as Last-Modified wants it."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")) if iso else None


def _ctx():
    return current_app.extensions["ctlib"]


@blueprint.get("/doc/record")
def all_records_without_slash():
    return redirect(_ctx().absolute("doc/record/") + _query_string(), 301)


@blueprint.get("/doc/record/")
@blueprint.get("/doc/record.<extension>")
def all_records(extension: str | None = None):
    return _serve(Collection("doc/record/", "doc/record", N_("All records")), extension)


@blueprint.get("/def/<scheme>/<concept>/records")
@blueprint.get("/def/<scheme>/<concept>/records.<extension>")
def concept_records(scheme: str, concept: str, extension: str | None = None):
    ctx = _ctx()
    uri = str(ctx.uris.concept(scheme, concept))
    label = _label(ctx.published.snapshot().store, uri, ctx.config.language)
    if label is None:
        raise NotFound(f"{uri} is not a concept of this catalogue")
    path = uri[len(ctx.uris.base):] + "/records"
    return _serve(Collection(path, path, f"Records about {label}", uri), extension)


def _serve(collection: Collection, extension: str | None):
    fixed = _fixed_format(collection, extension)
    fmt = fixed or negotiate(request.headers.get("Accept"), DESCRIPTION_FORMATS)
    asked = parse_request(request.args)
    if fmt is None:
        available = ", ".join(f.media_type for f in DESCRIPTION_FORMATS)
        raise NotAcceptable(f"/{collection.path} is available as: {available}",
                            headers={"Vary": "Accept"})
    ctx = _ctx()
    snapshot = ctx.published.snapshot()
    language = languages.page_language() if fmt.name == "html" else None
    key = (snapshot.generation, "collection", collection.path, asked.query(), fmt.name,
           language)
    entry = ctx.cache.get(key, lambda: _render(snapshot, collection, asked, fmt, language))
    location = None if fixed else _url(collection, asked.query(), fmt)
    status, headers, body = respond(entry, request.headers.get("If-None-Match"),
                                    request.headers.get("If-Modified-Since"), location)
    return current_app.response_class(body, status=status, headers=headers)


def _fixed_format(collection: Collection, extension: str | None) -> Format | None:
    if extension is None:
        return None
    fmt = BY_EXTENSION.get(extension)
    if fmt is None or fmt.dataset:
        known = ", ".join(f".{f.extension}" for f in DESCRIPTION_FORMATS)
        raise NotFound(f"/{collection.stem}.{extension}: there is no format {extension!r}; "
                       f"formats: {known}")
    return fmt


def _render(snapshot, collection: Collection, asked: PageRequest, fmt: Format,
            language: str | None) -> Rendered:
    ctx = _ctx()
    members = ctx.concept_members.of(snapshot.store, snapshot.generation, collection.concept) \
        if collection.concept else None
    page = page_of(RecordIndex(snapshot.registry_path), asked, members)
    if fmt.rdf_format is None:
        body = _html(snapshot, collection, asked, page)
    else:
        triples = _triples(snapshot.store, collection, asked, page)
        body = serialize(Description(ox.NamedNode(_url(collection, asked.filters())), triples,
                                     None), fmt, ctx.absolute("context.jsonld"))
    # Keyed on what the page is, not on its bytes: every worker, before and after a
    # restart, gives the same ETag for the same generation and query.
    key = f"{__version__} {snapshot.generation} {_url(collection, asked.query(), fmt)}"
    return rendered(200, body, fmt.content_type, etag(key.encode("utf-8"), fmt, language),
                    modified_time(snapshot.published), _link_header(collection, asked, page),
                    languages.vary(language))


def _triples(store: ox.Store, collection: Collection, asked: PageRequest,
             page: Page) -> list[ox.Triple]:
    ctx = _ctx()
    whole = ox.NamedNode(_url(collection, asked.filters()))
    said = hydra_page(whole, ox.NamedNode(_url(collection, asked.query())), page.total,
                      {relation: _url(collection, target.query())
                       for relation, target in _pages(page)})
    said.append(ox.Triple(whole, _TITLE, ox.Literal(collection.title, language="en")))
    if collection.concept:
        said.append(ox.Triple(whole, _SUBJECT, ox.NamedNode(collection.concept)))
    if ctx.config.licence:
        said.append(ox.Triple(whole, _LICENSE, ox.NamedNode(ctx.config.licence)))
    for record in page.records:
        node = ox.NamedNode(ctx.uris.record(record.id))
        said.append(ox.Triple(whole, _hydra("member"), node))
        for predicate in MEMBER_DETAILS:
            said += [ox.Triple(q.subject, q.predicate, q.object)
                     for q in store.quads_for_pattern(node, predicate, None, None)]
    return sorted(set(said), key=str)


def _html(snapshot, collection: Collection, asked: PageRequest, page: Page) -> bytes:
    ctx = _ctx()
    concept = collection.concept
    counted = concept_counts(ctx.search_indexes.of(snapshot)).get(concept, NO_RECORDS) \
        if concept else None
    label = _label(snapshot.store, concept, languages.page_language()) if concept else None
    return render_template(
        "collection.html", collection=collection, page=page, asked=asked, max_size=MAX_SIZE,
        heading=_("Records about %(concept)s", concept=label) if concept else _(collection.title),
        records=[("/" + record_page(r.id), r.title or r.id, r.modified) for r in page.records],
        pages={relation: _url(collection, target.query()) for relation, target in _pages(page)},
        current=_url(collection, asked.query()), page_url=_url(collection, asked.query()),
        rel=LINK_RELATIONS,
        formats=[(f.label, _url(collection, asked.query(), f), f.media_type)
                 for f in DESCRIPTION_FORMATS],
        concept_href="/" + concept[len(ctx.uris.base):] if concept else None,
        concept_count=count_in_words(counted, label) if concept else None,
        action="/" + collection.path).encode("utf-8")


def _pages(page: Page) -> list[tuple[str, PageRequest]]:
    """(Hydra relation, page) for each page this one links to."""
    linked = [("first", page.first), ("previous", page.previous), ("next", page.next),
              ("last", page.last)]
    return [(relation, target) for relation, target in linked if target is not None]


def hydra_page(whole: ox.NamedNode, view: ox.NamedNode, total: int,
               pages: dict[str, str]) -> list[ox.Triple]:
    """A collection of ``total`` members seen through ``view``, one of its pages, with
    links to the other ``pages`` (Hydra relation -> URL); the members are the caller's."""
    return [ox.Triple(whole, _TYPE, _hydra("Collection")),
            ox.Triple(whole, _hydra("totalItems"), ox.Literal(str(total), datatype=_INTEGER)),
            ox.Triple(whole, _hydra("view"), view),
            ox.Triple(view, _TYPE, _hydra("PartialCollectionView")),
            *(ox.Triple(view, _hydra(relation), ox.NamedNode(url))
              for relation, url in pages.items())]


def page_links(pages: dict[str, str]) -> list[str]:
    """Link header values for the pages (Hydra relation -> URL) a page links to."""
    return [f'<{url}>; rel="{LINK_RELATIONS[relation]}"' for relation, url in pages.items()]


def _link_header(collection: Collection, asked: PageRequest, page: Page) -> str:
    links = page_links({relation: _url(collection, target.query())
                        for relation, target in _pages(page)})
    links += [f'<{_url(collection, asked.query(), f)}>; rel="alternate"; type="{f.media_type}"'
              for f in DESCRIPTION_FORMATS]
    links.append(f'<{_url(collection, asked.query())}>; rel="canonical"')
    return ", ".join(links)


def _url(collection: Collection, query: str, fmt: Format | None = None) -> str:
    return _ctx().absolute(collection.path_for(fmt)) + query


def _label(store: ox.Store, concept: str, language: str) -> str | None:
    """The concept's preferred label in ``language`` (any other if it has none there);
    None when ``concept`` is no concept."""
    node = ox.NamedNode(concept)
    if not any(store.quads_for_pattern(node, _TYPE, _CONCEPT, None)):
        return None
    labels = [q.object for q in store.quads_for_pattern(node, _PREF_LABEL, None, None)]
    preferred = [label for label in labels if label.language == language] or labels
    return min((label.value for label in preferred), default=concept)


def _hydra(term: str) -> ox.NamedNode:
    return ox.NamedNode(HYDRA + term)


def _query_string() -> str:
    raw = request.query_string.decode("latin-1")
    return "?" + raw if raw else ""
