"""Memento (RFC 7089) for records, from the record history (history/versions.py).

/id/record/{id} and /doc/record/{id}    TimeGates: Accept-Datetime -> 302 to a version
/doc/record/{id}/versions/{generation}  a Memento, negotiated like every description
/doc/record/{id}/timemap                its TimeMap (application/link-format)
/dump/timemap                           the dataset's TimeMap, over publications

A TimeGate asked for an instant before the first version redirects to the first: RFC
7089 (section 4.1.1) leaves the choice of the "best" Memento to the server, and the
first is the closest there is. Only generations up to the one served count: a
publication that failed at its switch is never shown.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, current_app, redirect, render_template, request
from werkzeug.http import http_date, parse_date

from ...describe import Description
from ...formats import DESCRIPTION_FORMATS
from ...history import patches
from ...history.versions import DELETED, Version
from ..core import languages
from ..core.errors import BadRequest, NotAcceptable, NotFound
from ..core.negotiation import negotiate
from .page import page
from .paths import split_extension
from .rendering import serialize

blueprint = Blueprint("memento", __name__)
LINK_FORMAT = "application/link-format; charset=utf-8"


def _ctx():
    return current_app.extensions["ctlib"]


def record_links(identifier: str) -> list[str]:
    """The Link relations of every current description of a record and its TimeGates."""
    uris = _ctx().uris
    original = str(uris.record(identifier))
    return [f'<{original}>; rel="original timegate"',
            f'<{_ctx().absolute(_path(identifier, "timemap"))}>; rel="timemap"; '
            'type="application/link-format"']


def asks_for_a_time() -> bool:
    return "Accept-Datetime" in request.headers


def time_gate(identifier: str):
    """The 302 to the version current at Accept-Datetime."""
    asked = parse_date(request.headers["Accept-Datetime"])
    if asked is None:
        raise BadRequest(f"Accept-Datetime {request.headers['Accept-Datetime']!r} is not an "
                         "HTTP date (RFC 7089 asks for RFC 1123: "
                         "'Tue, 08 Dec 2026 01:14:26 GMT')")
    versions = _versions(identifier)
    chosen = _history().version_at(identifier, asked)
    if chosen is None:  # before the first version: the closest is the first
        chosen = versions[0]
    elif chosen.generation > versions[-1].generation:  # recorded, never served
        chosen = versions[-1]
    response = redirect(_ctx().absolute(_path(identifier, f"versions/{chosen.generation}")), 302)
    response.headers["Vary"] = "Accept-Datetime"
    response.headers["Link"] = ", ".join(record_links(identifier))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/doc/record/<path:identifier>/timemap")
def timemap(identifier: str):
    return _timemap(record_links(identifier)[0], _path(identifier, "timemap"),
                    [(_path(identifier, f"versions/{v.generation}"), v.published)
                     for v in _versions(identifier)])


@blueprint.get("/dump/timemap")
def dataset_timemap():
    """The dataset's TimeMap: each publication after the first has as memento the RDF
    Patch that made it from the one before, so applying them in order to the first dump
    rebuilds the dataset as it was then (the dumps themselves are only kept for
    CTLIB_KEEP_GENERATIONS generations; the first publication has no patch)."""
    ctx = _ctx()
    made = patches.patch_files(ctx.config.data_dir, ctx.published.snapshot().generation)
    if not made:
        raise NotFound("no publication has a patch yet: the first is its dump, /dump/")
    return _timemap(f'<{ctx.absolute(".well-known/void")}>; rel="original"', "dump/timemap",
                    [(f"dump/changes/{p.name}", p.published) for p in made])


def _timemap(original: str, path: str, mementos: list[tuple[str, str]]):
    """An application/link-format TimeMap (RFC 7089, section 5): the ``original`` link,
    then ``mementos`` (path, ISO publication time) oldest first."""
    ctx = _ctx()
    first, last = _http(mementos[0][1]), _http(mementos[-1][1])
    links = [original,
             f'<{ctx.absolute(path)}>; rel="self"; type="application/link-format"; '
             f'from="{first}"; until="{last}"']
    links += [f'<{ctx.absolute(memento)}>; rel="{_relation(n, len(mementos))}"; '
              f'datetime="{_http(when)}"' for n, (memento, when) in enumerate(mementos)]
    response = current_app.response_class(",\n".join(links) + "\n", content_type=LINK_FORMAT)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/doc/record/<path:identifier>/versions/<name>")
def version(identifier: str, name: str):
    generation, fixed = split_extension(name)
    found = next((v for v in _versions(identifier) if v.generation == generation), None)
    if found is None:
        raise NotFound(f"{identifier!r} has no version {generation!r}: its versions are "
                       f"listed at {_ctx().absolute(_path(identifier, 'timemap'))}")
    path = _path(identifier, f"versions/{generation}")
    fmt = fixed or negotiate(request.headers.get("Accept"), DESCRIPTION_FORMATS)
    if fmt is None or fmt not in DESCRIPTION_FORMATS:
        raise NotAcceptable(f"/{path} is available as: "
                            + ", ".join(f.media_type for f in DESCRIPTION_FORMATS))
    headers = {"Memento-Datetime": _http(found.published), "Vary": "Accept",
               "Access-Control-Allow-Origin": "*",
               "Link": ", ".join(record_links(identifier) + [
                   f'<{_ctx().absolute(f"{path}.{f.extension}")}>; rel="alternate"; '
                   f'type="{f.media_type}"' for f in DESCRIPTION_FORMATS])}
    if found.kind == DELETED:
        return (f"410 Gone\n\n{identifier} was withdrawn on {found.published}\n",
                410, {**headers, "Content-Type": "text/plain; charset=utf-8"})
    body = _history().description(identifier, generation)
    return _body(identifier, found, path, fmt, body), 200, \
        {**headers, "Content-Type": fmt.content_type}


def _body(identifier: str, found: Version, path: str, fmt, body: bytes) -> bytes:
    if fmt.name == "nt":
        return body  # the stored bytes themselves: their hash is the one published
    ctx = _ctx()
    subject = str(ctx.uris.record(identifier))
    description = Description(ox.NamedNode(subject),
                              list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)), None)
    if fmt.rdf_format is not None:
        return serialize(description, fmt, ctx.absolute("context.jsonld"))
    language = languages.page_language()
    return render_template(
        "version.html", page=page(description, ctx.uris.base, language),
        published=found.published[:10], current=f"/doc/record/{quote(identifier, safe='')}",
        timemap="/" + _path(identifier, "timemap"), page_url="/" + path,
        formats=[(f.label, f"/{path}.{f.extension}", f.media_type)
                 for f in DESCRIPTION_FORMATS]).encode("utf-8")


def _versions(identifier: str) -> list[Version]:
    """The record's versions up to the generation served; 404 when it has none."""
    served = _ctx().published.snapshot().generation
    versions = [v for v in _history().versions(identifier) if v.generation <= served]
    if not versions:
        raise NotFound(f"{_ctx().uris.record(identifier)} has no published version")
    return versions


def _history():
    ctx = _ctx()
    return ctx.history.of(ctx.published.snapshot())


def _path(identifier: str, tail: str) -> str:
    return f"doc/record/{quote(identifier, safe='')}/{tail}"


def _relation(n: int, count: int) -> str:
    return "memento" + (" first" if n == 0 else "") + (" last" if n == count - 1 else "")


def _http(published: str) -> str:
    return http_date(datetime.fromisoformat(published.replace("Z", "+00:00")))
