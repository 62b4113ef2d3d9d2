"""The change feed: Activity Streams 2.0 in the shape of IIIF Change Discovery 1.0, see
docs/harvesting.md, "Change feed".

    /activity/                          the OrderedCollection: how many, first and last page
    /activity/{generation}/{n}          the n-th page of one generation's changes

Pages go oldest first and each lists its changes (``Create``, ``Update``, ``Delete``) in
record order, so the newest activity is last. A page's URL names its generation: it
lists the same activities for ever, and only gains a ``next`` once a later ingest has
changes, so a harvester that keeps the URL of the last page it read catches up from it.
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app

from ... import __version__
from ...formats import Format
from ...history.versions import Change
from ..core.responses import answer, etag, rendered
from .changes import Part, PublishedChanges, published_changes
from .collections import modified_time, record_page

blueprint = Blueprint("activity", __name__)

FEED = Format("activity", 'application/ld+json;profile="https://www.w3.org/ns/activitystreams"',
              "json", None, "Activity Streams")
CONTEXT = "http://iiif.io/api/discovery/1/context.json"
ACTIVITY = {"created": "Create", "updated": "Update", "deleted": "Delete"}


@blueprint.get("/activity/")
def collection():
    return _cached(None, _collection)


@blueprint.get("/activity/<generation>/<int:number>")
def page(generation: str, number: int):
    return _cached((generation, number), lambda changes: _page(changes, generation, number))


def _cached(name, render):
    ctx = _ctx()
    snapshot = ctx.published.snapshot()

    def rendering():
        body = json.dumps(render(published_changes()), ensure_ascii=False, indent=1).encode()
        key = f"{__version__} {snapshot.generation} {ctx.config.activity_page_size} {name}"
        return rendered(200, body, FEED.content_type, etag(key.encode(), FEED),
                        modified_time(snapshot.published),
                        f'<{ctx.absolute("activity/")}>; rel="collection"')

    return answer(ctx.cache.get((snapshot.generation, "activity", name), rendering))


def _collection(changes: PublishedChanges) -> dict:
    parts = changes.parts(_size())
    feed = {"@context": CONTEXT, "id": _url("activity/"), "type": "OrderedCollection",
            "totalItems": changes.total()}
    if parts:
        feed |= {"first": _reference(parts[0]), "last": _reference(parts[-1])}
    return feed


def _page(changes: PublishedChanges, generation: str, number: int) -> dict:
    part, listed = changes.part(generation, number, _size())
    parts = changes.parts(_size())
    at = parts.index(part)
    page = {"@context": CONTEXT, "id": _page_url(part), "type": "OrderedCollectionPage",
            "partOf": {"id": _url("activity/"), "type": "OrderedCollection"},
            "startIndex": part.start}
    if at > 0:
        page["prev"] = _reference(parts[at - 1])
    if at + 1 < len(parts):
        page["next"] = _reference(parts[at + 1])
    return page | {"orderedItems": [_activity(change) for change in listed]}


def _activity(change: Change) -> dict:
    """The record's URI as the object; its canonical description, with the hash and
    length ResourceSync gives, as ``seeAlso`` (none for a deletion)."""
    record = {"id": str(_ctx().uris.record(change.record)), "type": "Document"}
    if change.hash is not None:
        record["seeAlso"] = [{"id": _url(record_page(change.record) + ".nt"), "type": "Dataset",
                              "format": "application/n-triples",
                              "hash": f"sha-256:{change.hash}", "length": change.length}]
    return {"type": ACTIVITY[change.kind], "object": record, "endTime": change.published}


def _reference(part: Part) -> dict:
    return {"id": _page_url(part), "type": "OrderedCollectionPage"}


def _page_url(part: Part) -> str:
    return _url(f"activity/{part.generation.id}/{part.number}")


def _size() -> int:
    return _ctx().config.activity_page_size


def _url(path: str) -> str:
    return _ctx().absolute(path)


def _ctx():
    return current_app.extensions["ctlib"]
