"""Dereferenceable URIs: /id/ answers 303, /doc/ and /def/ are negotiated descriptions.

/id/{kind}/{id}            303 See Other to /doc/{kind}/{id}
/doc/{kind}/{id}           negotiated (Vary: Accept, Content-Location)
/doc/{kind}/{id}.{ext}     one fixed format
/def/{scheme}[/{concept}]  negotiated the same way, with .{ext} for one format
"""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import quote

from flask import Blueprint, Response, current_app, redirect, render_template, request

from ..describe import Description, describe
from ..formats import DESCRIPTION_FORMATS, Format
from ..rdf.namespaces import FOAF, RDF, SKOS
from .browse import concept_tree, records_linking_to
from .errors import NotAcceptable, NotFound
from .negotiation import negotiate
from .representations import JSONLD_CONTEXT, etag, serialize
from .responses import Rendered, rendered, respond
from .targets import KINDS, NotATarget, Target, parse_target
from .views import citation, page

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


@blueprint.get("/doc/<path:name>")
@blueprint.get("/def/<path:name>")
def description(name: str):
    try:
        target = parse_target(request.path, _ctx().uris)
    except NotATarget as error:
        raise NotFound(str(error)) from None
    return _serve(target)


@blueprint.get("/context.jsonld")
def context():
    response = current_app.response_class(
        _json({"@context": JSONLD_CONTEXT}), content_type="application/ld+json; charset=utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def _serve(target: Target) -> Response:
    fmt = target.fixed or negotiate(request.headers.get("Accept"), DESCRIPTION_FORMATS)
    if fmt is None:
        available = ", ".join(f.media_type for f in DESCRIPTION_FORMATS)
        raise NotAcceptable(f"{target.path} is available as: {available}",
                            headers={"Vary": "Accept", "Link": link_header(target.path)})
    snapshot = _ctx().published.snapshot()
    page_number = _page_number() if fmt.rdf_format is None else 1
    key = (snapshot.generation, target.subject, fmt.name, page_number)
    entry = _ctx().cache.get(key, lambda: _render(snapshot, target, fmt, page_number))
    if entry is None:
        raise NotFound(f"{_ctx().absolute(target.path)} is not in this catalogue",
                       headers={"Vary": "Accept"})
    status, headers, body = respond(
        entry, request.headers.get("If-None-Match"),
        request.headers.get("If-Modified-Since"), content_location(target, fmt))
    return current_app.response_class(body, status=status, headers=headers)


def content_location(target: Target, fmt: Format) -> str | None:
    """Only a negotiated answer names the fixed-format URL it came from."""
    return None if target.fixed else _ctx().absolute(f"{target.path}.{fmt.extension}")


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _render(snapshot, target: Target, fmt: Format, page_number: int) -> Rendered | None:
    ctx = _ctx()
    description = describe(snapshot.store, target.subject, target.document, ctx.dataset_uri,
                           ctx.config.licence)
    if description is None:
        return None
    status = 410 if description.withdrawn else 200
    if fmt.rdf_format is None:
        body = _html(snapshot.store, description, page_number)
    else:
        body = serialize(description, fmt, ctx.absolute("context.jsonld"))
    modified = description.modified or description.withdrawn or snapshot.published
    return rendered(status, body, fmt.content_type, etag(body, fmt), _datetime(modified),
                    link_header(target.path))


def _html(store, description: Description, page_number: int) -> bytes:
    ctx = _ctx()
    view = page(description, ctx.uris.base, ctx.config.language)
    cited = citation(description, ctx.config.language)
    types = {t.value for t in description.objects(str(RDF.type))}
    kind = "concept" if str(SKOS.Concept) in types else \
        "agent" if str(FOAF.Agent) in types else None
    return render_template(
        "resource.html", page=view, description=description,
        formats=_format_links(view.subject), citation=cited,
        schema_org=cited.schema_org(view.subject, _page_url(view.subject), ctx.config.licence)
        if cited else None,
        records=records_linking_to(store, view.subject, kind, page_number) if kind else None,
        tree=concept_tree(store, view.subject, ctx.config.language)
        if str(SKOS.ConceptScheme) in types else None,
        base=ctx.uris.base).encode("utf-8")


def link_header(path: str) -> str:
    """The Link header of a negotiated description: each format's URL, and the canonical one."""
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
    ctx = _ctx()
    path = subject[len(ctx.uris.base):] if subject.startswith(ctx.uris.base) else subject
    return format_links("doc/" + path[3:] if path.startswith("id/") else path)


def format_links(path: str) -> list[tuple[str, str, str]]:
    """(label, href, media type) of every format of the description at ``path``, for the
    page's own links."""
    return [(f.label, f"/{path}.{f.extension}", f.media_type) for f in DESCRIPTION_FORMATS]


def _datetime(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")) if iso else None


def _json(value) -> str:
    return json.dumps(value, indent=2)
