"""OAI-PMH 2.0 at /oai, by GET and by POST (application/x-www-form-urlencoded): see
docs/oai.md. Protocol errors are answered in XML with status 200, as the protocol wants.

A GET answer carries a weak ETag of the published generation, the settings that shape
answers and the arguments, and the generation's time as Last-Modified: a harvester that
asks again before the next ingest gets 304 without the page being rendered again. Weak,
since responseDate differs between two renderings of the same answer.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime

from flask import Blueprint, current_app, request, url_for
from werkzeug.http import http_date

from ...oai.repository import Repository, SetsByGeneration
from ...published.snapshot import Snapshot
from ..core.responses import Rendered, respond

blueprint = Blueprint("oai", __name__)

CONTENT_TYPE = "text/xml; charset=utf-8"
STYLESHEET = "oai.xsl"
"""What a browser shows a response through (as DSpace and EPrints do): each verb a link,
records as tables. Harvesters ignore it."""
SHAPING_SETTINGS = ("base_uri", "title", "admin_email", "oai_page_size", "language", "licence")
"""The settings an answer depends on besides the data and the arguments."""


@blueprint.record_once
def _start(state) -> None:
    state.app.extensions["ctlib_oai_sets"] = SetsByGeneration()


@blueprint.route("/oai", methods=["GET", "POST"])
def endpoint():
    ctx = current_app.extensions["ctlib"]
    snapshot = ctx.published.snapshot()
    if request.method == "POST":
        return _response(200, _headers(), _render(ctx, snapshot, list(request.form.lists())))
    given = list(request.args.lists())
    etag, published = _etag(ctx, snapshot, given), _published(snapshot)
    entry = Rendered(200, b"", _headers(etag, published), etag, published)
    status, headers, _ = respond(entry, request.headers.get("If-None-Match"),
                                 request.headers.get("If-Modified-Since"), None)
    if status == 304:
        return _response(304, headers, b"")
    # rendered only now, so that a 304 costs no rendering
    status, headers, body = respond(replace(entry, body=_render(ctx, snapshot, given)),
                                    None, None, None)
    return _response(status, headers, body)


def _render(ctx, snapshot: Snapshot, given: list[tuple[str, list[str]]]) -> bytes:
    sets = current_app.extensions["ctlib_oai_sets"].of(snapshot, ctx.uris)
    return Repository(ctx.config, ctx.uris, ctx.concept_members, snapshot, sets,
                      _stylesheet()).respond(given)


def _stylesheet() -> str:
    return url_for("static", filename=STYLESHEET)


def _etag(ctx, snapshot: Snapshot, given: list[tuple[str, list[str]]]) -> str:
    key = json.dumps([snapshot.generation, [str(ctx.config[name]) for name in SHAPING_SETTINGS],
                      _stylesheet(), sorted(given)])
    return "oai-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def _headers(etag: str | None = None, published: datetime | None = None
             ) -> tuple[tuple[str, str], ...]:
    headers = [("Content-Type", CONTENT_TYPE), ("Access-Control-Allow-Origin", "*")]
    if etag is not None:
        headers.append(("ETag", f'W/"{etag}"'))
    if published is not None:
        headers.append(("Last-Modified", http_date(published)))
    return tuple(headers)


def _published(snapshot: Snapshot) -> datetime | None:
    if not snapshot.published:
        return None
    return datetime.fromisoformat(snapshot.published)


def _response(status: int, headers, body: bytes):
    return current_app.response_class(body, status=status, headers=list(headers))
