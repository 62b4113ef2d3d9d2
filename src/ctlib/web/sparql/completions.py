"""/sparql/completions: what the query page's editor offers as a word is typed, from the
published generation's completions (``ctlib.sparql.completions``).

    GET /sparql/completions?q=Côte&limit=20
    {"completions": [{"text": "countries:ci", "label": "Côte d’Ivoire",
                      "kind": "concept", "count": 123}, ...]}

Answers are cached per generation and carry an ETag; CORS as on /sparql.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict

from flask import Blueprint, Response, current_app, request

from ...formats import SEARCH_JSON
from ...sparql.completions import Completer, folded
from ..core.cors import allow_any_origin
from ..core.errors import BadRequest, ServiceUnavailable
from ..core.parameters import whole_number
from ..core.responses import etag, rendered, respond

blueprint = Blueprint("sparql_completions", __name__)

LIMIT, MAX_LIMIT = 20, 50
MAX_WORD = 200
"""Characters of ``q``: longer than any prefixed name, label or name of the catalogue."""


@blueprint.after_request
def _cors(response: Response) -> Response:
    return allow_any_origin(response)


def completer(snapshot) -> Completer:
    """The generation's completions (read per generation by ``WebContext.completers``)."""
    try:
        return Completer(snapshot.completions_path)
    except sqlite3.Error:
        raise ServiceUnavailable("this catalogue was published without completions of this "
                                 "version: run `ctlib ingest` again to compute them") from None


@blueprint.get("/sparql/completions")
def completions():
    word, limit = _word(), _limit()
    ctx = current_app.extensions["ctlib"]
    snapshot = ctx.published.snapshot()
    entry = ctx.cache.get((snapshot.generation, "completions", folded(word), limit),
                          lambda: _render(ctx.completers.of(snapshot), word, limit))
    status, headers, body = respond(entry, request.headers.get("If-None-Match"), None, None)
    return current_app.response_class(body, status=status, headers=headers)


def _word() -> str:
    word = request.args.get("q", "")
    if not word.strip():
        raise BadRequest("q: give the word being typed (q=dcterms:ti, q=Côte, q=2018)")
    if len(word) > MAX_WORD:
        raise BadRequest(f"q is {len(word):,} characters long; completions are for words of "
                         f"up to {MAX_WORD}")
    return word


def _limit() -> int:
    value = request.args.get("limit", "").strip()
    return whole_number("limit", value, 1, MAX_LIMIT) if value else LIMIT


def _render(completer: Completer, word: str, limit: int):
    found = completer.complete(word, limit)
    body = json.dumps({"completions": [asdict(c) for c in found]}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    return rendered(200, body, SEARCH_JSON.content_type, etag(body, SEARCH_JSON), None,
                    '</sparql>; rel="service"')
