"""Dereferenceable URIs: /id/ answers 303, /doc/ and /def/ are negotiated descriptions.

/id/{kind}/{id}            303 See Other to /doc/{kind}/{id}
/doc/{kind}/{id}           negotiated (Vary: Accept, Content-Location)
/doc/{kind}/{id}.{ext}     one fixed format
/def/{scheme}[/{concept}]  negotiated the same way, with .{ext} for one format
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, current_app, redirect, render_template, request

from ..describe import Description, describe
from ..formats import BY_EXTENSION, DESCRIPTION_FORMATS, Format
from ..rdf.namespaces import FOAF, RDF, SKOS
from .browse import concept_tree, records_linking_to
from .errors import NotAcceptable, NotFound
from .negotiation import negotiate
from .representations import JSONLD_CONTEXT, Representation, representation, serialize
from .views import citation, page

KINDS = ("record", "agent")
blueprint = Blueprint("resources", __name__)


def _ctx():
    return current_app.extensions["ctlib"]


@blueprint.get("/id/<kind>/<path:identifier>")
def thing(kind: str, identifier: str):
    if kind not in KINDS:
        raise NotFound(f"there is no kind of thing called {kind!r}; kinds: {', '.join(KINDS)}")
    response = redirect(_ctx().absolute(f"doc/{kind}/{quote(identifier, safe='')}"), 303)
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/doc/<kind>/<path:name>")
def document(kind: str, name: str):
    if kind not in KINDS:
        raise NotFound(f"there is no kind of document called {kind!r}; kinds: {', '.join(KINDS)}")
    identifier, fixed = _split_extension(name)
    subject = getattr(_ctx().uris, kind)(identifier)
    path = f"doc/{kind}/{quote(identifier, safe='')}"
    return _serve(str(subject), path, fixed, document=_ctx().absolute(path))


@blueprint.get("/def/<path:name>")
def definition(name: str):
    name, fixed = _split_extension(name)
    parts = name.split("/")
    if len(parts) > 2:
        raise NotFound(f"/def/{name} names no scheme or concept")
    uris = _ctx().uris
    subject = uris.scheme(parts[0]) if len(parts) == 1 else uris.concept(*parts)
    path = "def/" + "/".join(quote(p, safe="") for p in parts)
    return _serve(str(subject), path, fixed, document=None)


@blueprint.get("/context.jsonld")
def context():
    response = current_app.response_class(
        _json({"@context": JSONLD_CONTEXT}), content_type="application/ld+json; charset=utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def _split_extension(name: str) -> tuple[str, Format | None]:
    stem, dot, extension = name.rpartition(".")
    fmt = BY_EXTENSION.get(extension) if dot else None
    if fmt is None or fmt.dataset:
        return name, None
    return stem, fmt


def _serve(subject: str, path: str, fixed: Format | None, document: str | None) -> Response:
    fmt = fixed or negotiate(request.headers.get("Accept"), DESCRIPTION_FORMATS)
    if fmt is None:
        available = ", ".join(f.media_type for f in DESCRIPTION_FORMATS)
        raise NotAcceptable(f"{path} is available as: {available}",
                            headers={"Vary": "Accept", "Link": _links(path)})
    snapshot = _ctx().published.snapshot()
    page_number = _page_number() if fmt.rdf_format is None else 1
    key = (snapshot.generation, subject, fmt.name, page_number)
    found = _ctx().cache.get(key, lambda: _render(snapshot, subject, document, fmt, page_number))
    if found is None:
        raise NotFound(f"{_ctx().absolute(path)} is not in this catalogue",
                       headers={"Vary": "Accept"})
    status, rendered, modified = found
    response = current_app.response_class(rendered.body, status=status,
                                          content_type=rendered.content_type)
    _headers(response, path, fmt, fixed is None, rendered, modified)
    return response.make_conditional(request)


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _render(snapshot, subject: str, document: str | None, fmt: Format, page_number: int):
    ctx = _ctx()
    description = describe(snapshot.store, subject, document, ctx.dataset_uri,
                           ctx.config.licence)
    if description is None:
        return None
    status = 410 if description.withdrawn else 200
    modified = description.modified or description.withdrawn or snapshot.published
    if fmt.rdf_format is None:
        return status, _html(snapshot.store, description, fmt, page_number), modified
    body = serialize(description, fmt, ctx.absolute("context.jsonld"))
    return status, representation(body, fmt), modified


def _html(store, description: Description, fmt: Format, page_number: int) -> Representation:
    ctx = _ctx()
    view = page(description, ctx.uris.base, ctx.config.language)
    cited = citation(description, ctx.config.language)
    types = {t.value for t in description.objects(str(RDF.type))}
    kind = "concept" if str(SKOS.Concept) in types else \
        "agent" if str(FOAF.Agent) in types else None
    body = render_template(
        "resource.html", page=view, description=description,
        formats=_format_links(view.subject), citation=cited,
        schema_org=cited.schema_org(view.subject, _page_url(view.subject), ctx.config.licence)
        if cited else None,
        records=records_linking_to(store, view.subject, kind, page_number) if kind else None,
        tree=concept_tree(store, view.subject, ctx.config.language)
        if str(SKOS.ConceptScheme) in types else None,
        base=ctx.uris.base)
    return representation(body.encode("utf-8"), fmt)


def _headers(response: Response, path: str, fmt: Format, negotiated: bool,
             rendered: Representation, modified: str | None) -> None:
    response.set_etag(rendered.etag)
    if modified:
        response.headers["Last-Modified"] = _http_date(modified)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = _links(path)
    response.headers["Access-Control-Allow-Origin"] = "*"
    if negotiated:
        response.headers["Content-Location"] = _ctx().absolute(f"{path}.{fmt.extension}")


def _links(path: str) -> str:
    ctx = _ctx()
    links = [f'<{ctx.absolute(f"{path}.{f.extension}")}>; rel="alternate"; type="{f.media_type}"'
             for f in DESCRIPTION_FORMATS]
    links.append(f'<{ctx.absolute(path)}>; rel="canonical"')
    return ", ".join(links)


def _page_url(subject: str) -> str:
    """The HTML page of a thing: its /doc/ URL."""
    base = _ctx().uris.base
    return base + "doc/" + subject[len(base) + 3:] if subject.startswith(base + "id/") else subject


def _format_links(subject: str) -> list[tuple[str, str, str]]:
    """(label, href, media type) of every format, for the page's own links."""
    ctx = _ctx()
    path = subject[len(ctx.uris.base):] if subject.startswith(ctx.uris.base) else subject
    if path.startswith("id/"):
        path = "doc/" + path[3:]
    return [(f.label, f"/{path}.{f.extension}", f.media_type) for f in DESCRIPTION_FORMATS]


def _http_date(iso: str) -> str:
    from datetime import datetime

    from werkzeug.http import http_date
    return http_date(datetime.fromisoformat(iso.replace("Z", "+00:00")))


def _json(value) -> str:
    import json
    return json.dumps(value, indent=2)
