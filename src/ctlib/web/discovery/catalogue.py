"""The API catalogue at /.well-known/api-catalog (RFC 9727): every service ctlib offers,
as an RFC 9264 linkset, each with its machine-readable description (``service-desc``),
the page that explains it to people (``service-doc``, where there is one) and its
liveness (``status``, RFC 8631). ``SERVICES`` is the one list: a new interface is added
here, and the catalogue, its test and the home page's link follow."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Blueprint, current_app

from ...formats import BY_NAME, SEARCH_JSON, Format
from ..core.responses import answer, etag, rendered
from ..harvest.activity import FEED
from . import health
from .openapi import OPENAPI, OPENAPI_PATH

blueprint = Blueprint("api_catalog", __name__)

PATH = ".well-known/api-catalog"
CATALOG = Format("api-catalog",
                 'application/linkset+json;profile="https://www.rfc-editor.org/info/rfc9727"',
                 "json", None, "API catalogue")
HTML = BY_NAME["html"].media_type
TURTLE = BY_NAME["ttl"].media_type
JSON = SEARCH_JSON.media_type


@dataclass(frozen=True)
class Link:
    path: str
    type: str


@dataclass(frozen=True)
class Service:
    anchor: str
    """Where the service answers (a path under the base URI)."""
    desc: tuple[Link, ...]
    doc: tuple[Link, ...] = ()


DESCRIBED_BY_OPENAPI = Link(OPENAPI_PATH, OPENAPI.media_type)
SERVICES = (
    Service("sparql", (Link("sparql", TURTLE),), (Link("sparql", HTML),)),
    Service("oai", (Link("oai?verb=Identify", "text/xml"),)),
    Service("dump/", (Link(".well-known/void", TURTLE), Link("dump/", "text/plain")),
            (Link("dump/", HTML),)),
    Service(".well-known/void", (Link(".well-known/void", TURTLE),),
            (Link(".well-known/void", HTML),)),
    Service("catalog", (Link("catalog", TURTLE),), (Link("catalog", HTML),)),
    Service("doc/record/", (Link("doc/record/", BY_NAME["jsonld"].media_type),),
            (Link("doc/record/", HTML),)),
    Service("search.json", (DESCRIBED_BY_OPENAPI,), (Link("search", HTML),)),
    Service("sparql/completions", (DESCRIBED_BY_OPENAPI,), (Link("sparql", HTML),)),
    Service("query/", (Link("query/", JSON), DESCRIBED_BY_OPENAPI), (Link("query/", HTML),)),
    Service("reconcile", (Link("reconcile", JSON), DESCRIBED_BY_OPENAPI)),
    Service("activity/", (Link("activity/", FEED.media_type), DESCRIBED_BY_OPENAPI)),
    Service(".well-known/resourcesync",
            (Link(".well-known/resourcesync", "application/xml"),)),
    Service(health.PATH, (DESCRIBED_BY_OPENAPI,)),
)


@blueprint.get(f"/{PATH}")
def api_catalog():
    ctx = current_app.extensions["ctlib"]
    body = json.dumps(linkset(ctx.absolute), indent=1).encode()
    # Built from the base URI alone: the same for every generation, never 503.
    return answer(rendered(200, body, CATALOG.media_type, etag(body, CATALOG), None,
                           catalog_link(ctx.absolute)))


def linkset(absolute) -> dict:
    """The catalogue: first its own anchor with every service as an ``item``, then each
    service with its links (RFC 9727, section 4)."""
    own = {"anchor": absolute(PATH),
           "item": [{"href": absolute(service.anchor)} for service in SERVICES]}
    return {"linkset": [own, *(_context(service, absolute) for service in SERVICES)]}


def catalog_link(absolute) -> str:
    """The ``Link`` header that points to the catalogue (RFC 9727, section 3)."""
    return f'<{absolute(PATH)}>; rel="api-catalog"'


def _context(service: Service, absolute) -> dict:
    context = {"anchor": absolute(service.anchor),
               "service-desc": [_target(link, absolute) for link in service.desc]}
    if service.doc:
        context["service-doc"] = [_target(link, absolute) for link in service.doc]
    return context | {"status": [{"href": absolute(health.PATH), "type": health.HEALTH}]}


def _target(link: Link, absolute) -> dict:
    return {"href": absolute(link.path), "type": link.type}
