"""/openapi.json: an OpenAPI 3.1 description of ctlib's JSON and HTTP interfaces.

The description is a data file beside this module (``openapi.json``), written by hand
and checked in tests against the OpenAPI schema and against the real server; serving
it only names the server, from the configured base URI."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Blueprint, current_app

from ... import __version__
from ...formats import Format
from ..core.responses import answer, etag, rendered

blueprint = Blueprint("openapi", __name__)

OPENAPI_PATH = "openapi.json"
OPENAPI = Format("openapi", "application/vnd.oai.openapi+json;version=3.1", "json", None,
                 "OpenAPI")
DESCRIPTION = Path(__file__).with_name("openapi.json")


@blueprint.get(f"/{OPENAPI_PATH}")
def openapi():
    ctx = current_app.extensions["ctlib"]
    body = json.dumps(description(ctx.absolute("")), indent=1).encode()
    return answer(rendered(200, body, OPENAPI.media_type, etag(body, OPENAPI), None,
                           f'<{ctx.absolute(OPENAPI_PATH)}>; rel="self"'))


def description(base: str) -> dict:
    """The description, its server the service at ``base`` and its version ctlib's."""
    document = _document()
    return document | {"info": document["info"] | {"version": __version__},
                       "servers": [{"url": base.rstrip("/")}]}


@cache
def _document() -> dict:
    return json.loads(DESCRIPTION.read_text(encoding="utf-8"))
