"""The dataset described for harvesters: VoID at /.well-known/void, DCAT at /catalog.

Both are negotiated like every other description (Turtle, JSON-LD, RDF/XML,
N-Triples, HTML; ``.ext`` for one format) and rendered once per generation and format
from what ingest counted (``dataset.json``) and the dump files; the cache, ETags and
304s are those of every description (responses.py).
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from flask import Blueprint, current_app, render_template, request
from rdflib import Graph

from ... import dumps
from ...dataset.coverage import coverage
from ...dataset.dcat import catalog_graph
from ...dataset.facts import DatasetFacts
from ...dataset.schema_org import dataset_markup
from ...dataset.void import DescribedDataset, Site, void_graph
from ...describe import Description
from ...formats import BY_EXTENSION, DESCRIPTION_FORMATS, Format
from ...rdf.namespaces import SKOS
from ..core import languages
from ..core.errors import NotAcceptable, NotFound, ServiceUnavailable
from ..core.languages import N_
from ..core.negotiation import negotiate
from ..core.responses import Rendered, etag, rendered, respond
from ..descriptions.rendering import serialize
from ..descriptions.routes import format_links, link_header
from . import dataset_page
from .dumps import published_patches

blueprint = Blueprint("dataset", __name__)

BUILDERS: dict[str, Callable[[DescribedDataset], Graph]] = {
    Site.VOID: void_graph, Site.CATALOG: catalog_graph}
"""Each document and the graph it serves."""
HEADINGS = {Site.VOID: N_("About this dataset"), Site.CATALOG: N_("Data catalogue")}
"""What each document's page for people is called (translated where it is shown)."""


@blueprint.get(f"/{Site.VOID}", defaults={"path": Site.VOID})
@blueprint.get(f"/{Site.VOID}.<extension>", defaults={"path": Site.VOID})
@blueprint.get(f"/{Site.CATALOG}", defaults={"path": Site.CATALOG})
@blueprint.get(f"/{Site.CATALOG}.<extension>", defaults={"path": Site.CATALOG})
def description(path: str, extension: str | None = None):
    fmt = _format(path, extension)
    snapshot = _ctx().published.snapshot()
    language = languages.page_language() if fmt.name == "html" else None
    entry = _ctx().cache.get((snapshot.generation, path, fmt.name, language),
                             lambda: _render(snapshot, path, fmt, language))
    location = None if extension else _ctx().absolute(f"{path}.{fmt.extension}")
    status, headers, body = respond(entry, request.headers.get("If-None-Match"),
                                    request.headers.get("If-Modified-Since"), location)
    return current_app.response_class(body, status=status, headers=headers)


def _format(path: str, extension: str | None) -> Format:
    if extension is not None:
        fmt = BY_EXTENSION.get(extension)
        if fmt is None or fmt not in DESCRIPTION_FORMATS:
            raise NotFound(f"/{path} is available as " + ", ".join(
                f"/{path}.{f.extension}" for f in DESCRIPTION_FORMATS))
        return fmt
    fmt = negotiate(request.headers.get("Accept"), DESCRIPTION_FORMATS)
    if fmt is None:
        raise NotAcceptable(f"/{path} is available as: " + ", ".join(
            f.media_type for f in DESCRIPTION_FORMATS),
            headers={"Vary": "Accept", "Link": link_header(path)})
    return fmt


def _render(snapshot, path: str, fmt: Format, language: str | None) -> Rendered:
    described = _described(snapshot, language)
    if fmt.rdf_format is None:
        body = render_template(
            "dataset.html", described=described, heading=HEADINGS[path], path=path,
            page_url=f"/{path}",
            formats=format_links(path),
            lead=dataset_page.lead(described.site.title),
            categories=_categories(described), classes=dataset_page.classes(described.facts),
            linksets=dataset_page.linksets(described.facts),
            licence=dataset_page.licence_name(described.site.licence),
            schema_org=schema_org(snapshot)).encode("utf-8")
    else:
        triples = _triples(BUILDERS[path](described))
        body = serialize(Description(ox.NamedNode(_ctx().absolute(path)), triples,
                                     described.facts.modified), fmt,
                         _ctx().absolute("context.jsonld"))
    return rendered(200, body, fmt.content_type, etag(body, fmt, language),
                    described.facts.modified_at, link_header(path), languages.vary(language))


def schema_org(snapshot) -> dict | None:
    """The dataset's schema.org markup, for the pages that embed it (home, /catalog,
    /.well-known/void); None while the generation has no dataset description."""
    try:
        described = _described(snapshot, None)
    except ServiceUnavailable:
        return None
    ctx = _ctx()
    covered = coverage(snapshot.store, ctx.search_indexes.of(snapshot),
                       ctx.uris.scheme("regions"))
    concepts = ctx.search_indexes.of(snapshot).concepts.by_uri
    return dataset_markup(described, covered, {
        uri: concepts[uri].label(ctx.config.language)
        for uri in (*covered.regions, *covered.categories) if uri in concepts})


def _described(snapshot, language: str | None) -> DescribedDataset:
    """What the documents are made from; the concepts labelled in the page's ``language``
    (the RDF's in CTLIB_LANGUAGE's, ``language`` None)."""
    generation = snapshot.path
    facts = DatasetFacts.read(generation)
    written = [dumps.read(generation, dump) for dump in dumps.DUMPS]
    if facts is None or None in written:
        raise ServiceUnavailable("the published generation has no dataset description; the "
                                 "next `ctlib ingest` writes it")
    return DescribedDataset(_site(_ctx()), facts, written,
                            _labels(snapshot.store, facts.subsets,
                                    language or _ctx().config.language),
                            published_patches())


def _site(ctx) -> Site:
    config = ctx.config
    return Site(ctx.uris.base, ctx.dataset_uri, config.title, config.licence, config.publisher,
                config.language)


def _triples(graph: Graph) -> list[ox.Triple]:
    """In a stable order: the same description always gives the same bytes."""
    return sorted(ox.parse(graph.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES),
                  key=str)


def _labels(store: ox.Store, concepts, language: str) -> dict[str, str]:
    """The preferred label of each concept, in the page language if it has one."""
    labels = {}
    for concept in concepts:
        found = {q.object.language: q.object.value for q in store.quads_for_pattern(
            ox.NamedNode(concept), ox.NamedNode(str(SKOS.prefLabel)), None, None)}
        label = found.get(language) or found.get("en") or next(iter(found.values()), None)
        if label:
            labels[concept] = label
    return labels


def _categories(described: DescribedDataset) -> list[tuple[str, str, int]]:
    """(label, link, records) of each subset with records, by label: a page of "(0)"
    rows says nothing (the VoID keeps them, for machines)."""
    base = described.site.base
    return sorted((described.labels.get(concept, concept),
                   "/" + concept[len(base):] if concept.startswith(base) else concept, records)
                  for concept, records in described.facts.subsets.items() if records)


def _ctx():
    return current_app.extensions["ctlib"]
