"""ResourceSync (ANSI/NISO Z39.99-2017, with the 1.1 additions) as a Source: see
docs/harvesting.md, "ResourceSync".

    /.well-known/resourcesync                      source description
    /resourcesync/capabilitylist.xml               capability list (and the RDF patches)
    /resourcesync/resourcelist.xml                 resource list, or past CTLIB_SITEMAP_SIZE
    /resourcesync/resourcelist-{n}.xml               records a resource list index of these
    /resourcesync/changelist.xml                   change list index
    /resourcesync/changelist/{generation}/{n}.xml  one generation's changes (n-th part)
    /resourcesync/resourcedump.xml                 the N-Triples dump

The resources are the records' canonical descriptions, ``/doc/record/{id}.nt``: their
hash and length in the lists are those of the bytes served there. Every document is
rendered once per served generation (the representation cache).
"""

from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, current_app

from ... import __version__, dumps
from ...formats import BY_NAME, Format
from ...history.patches import patch_files
from ...history.versions import Change, Published, Version
from ..core.errors import NotFound
from ..core.responses import Rendered, answer, etag, rendered
from .changes import Part, PublishedChanges, published_changes
from .collections import modified_time, record_page

blueprint = Blueprint("resourcesync", __name__)

XML = Format("resourcesync", "application/xml", "xml", None, "ResourceSync")
SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"
RS = "http://www.openarchives.org/rs/terms/"
PATCH = RS + "patch"
"""The specification's relation to a patch; here, from the capability list to the RDF
Patch of each ingest (ResourceSync has no capability for a dataset's patches)."""
DESCRIPTION_TYPE = BY_NAME["nt"].content_type
ROOT = "/.well-known/resourcesync"


@blueprint.get(ROOT)
def source_description():
    return _cached("description", None, _source_description)


@blueprint.get("/resourcesync/capabilitylist.xml")
def capability_list():
    return _cached("capabilitylist", None, _capability_list)


@blueprint.get("/resourcesync/resourcelist.xml")
def resource_list():
    return _cached("resourcelist", None, lambda changes: _resource_list(changes, None))


@blueprint.get("/resourcesync/resourcelist-<int:number>.xml")
def resource_list_part(number: int):
    return _cached("resourcelist", number, lambda changes: _resource_list(changes, number))


@blueprint.get("/resourcesync/changelist.xml")
def change_list_index():
    return _cached("changelist", None, _change_list_index)


@blueprint.get("/resourcesync/changelist/<generation>/<int:number>.xml")
def change_list(generation: str, number: int):
    return _cached("changelist", (generation, number),
                   lambda changes: _change_list(changes, generation, number))


@blueprint.get("/resourcesync/resourcedump.xml")
def resource_dump():
    return _cached("resourcedump", None, _resource_dump)


def _cached(name: str, part, render):
    ctx = _ctx()
    snapshot = ctx.published.snapshot()
    entry = ctx.cache.get((snapshot.generation, "resourcesync", name, part),
                          lambda: _rendered(name, part, render(published_changes())))
    return answer(entry)


def _rendered(name: str, part, body: bytes) -> Rendered:
    snapshot = _ctx().published.snapshot()
    key = f"{__version__} {snapshot.generation} {_size()} {name} {part}"
    return rendered(200, body, XML.content_type, etag(key.encode(), XML),
                    modified_time(snapshot.published), f'<{_url(ROOT)}>; rel="up"')


def _source_description(changes: PublishedChanges) -> bytes:
    return _urlset("description", {}, [_ln("describedby", _url(".well-known/void"))],
                   [_url_entry(_url("resourcesync/capabilitylist.xml"),
                               {"capability": "capabilitylist"})])


def _capability_list(changes: PublishedChanges) -> bytes:
    capabilities = [("resourcelist", "resourcelist.xml"), ("resourcedump", "resourcedump.xml"),
                    ("changelist", "changelist.xml")]
    patches = [_ln(PATCH, _url(f"dump/changes/{patch.generation}.rdfp.gz"), {
        "type": "application/gzip", "hash": f"sha-256:{patch.sha256}",
        "length": str(patch.length), "modified": patch.published})
        for patch in patch_files(_ctx().config.data_dir)]
    return _urlset("capabilitylist", {}, [_ln("up", _url(ROOT)), *patches],
                   [_url_entry(_url(f"resourcesync/{path}"), {"capability": capability})
                    for capability, path in capabilities])


def _resource_list(changes: PublishedChanges, number: int | None) -> bytes:
    """The resource list, or (for None, past one part) the index of its parts."""
    latest, size = changes.latest, _size()
    state = _state(changes, latest)
    at = {"at": latest.published} if latest else {}
    count = sum(1 for _ in _state(changes, latest))
    parts = max(1, -(-count // size))
    if number is None and parts == 1:
        return _urlset("resourcelist", at, _up(), map(_version_entry, state))
    if number is None:
        return _index("resourcelist", at, _up(), [
            _sitemap(_url(f"resourcesync/resourcelist-{n}.xml"), {}) for n in range(1, parts + 1)])
    if parts == 1 or not 1 <= number <= parts:
        raise NotFound(f"there is no resourcelist-{number}.xml; /resourcesync/resourcelist.xml "
                       "lists the resource lists")
    start = (number - 1) * size
    return _urlset("resourcelist", at, [*_up(), _ln("index", _url("resourcesync/resourcelist.xml"))],
                   map(_version_entry, islice(state, start, start + size)))


def _state(changes: PublishedChanges, latest: Published | None) -> Iterator[Version]:
    return iter(changes.history.state(latest.id)) if latest else iter(())


def _change_list_index(changes: PublishedChanges) -> bytes:
    first = changes.generations[0].published if changes.generations else None
    return _index("changelist", {"from": first} if first else {}, _up(),
                  [_sitemap(_change_list_url(part), _period(changes, part.generation))
                   for part in changes.parts(_size())])


def _change_list(changes: PublishedChanges, generation: str, number: int) -> bytes:
    part, listed = changes.part(generation, number, _size())
    return _urlset("changelist", _period(changes, part.generation),
                   [*_up(), _ln("index", _url("resourcesync/changelist.xml"))],
                   map(_change_entry, listed))


def _resource_dump(changes: PublishedChanges) -> bytes:
    """The N-Triples dump as the one "package" (not the ZIP the specification describes:
    the dump is the file partners already use, with its SHA-256)."""
    written = dumps.read(_ctx().published.snapshot().path, dumps.DUMPS[0])
    entries = [] if written is None else [_url_entry(_url(f"dump/{written.dump.name}"), {
        "type": "application/gzip", "hash": f"sha-256:{written.sha256}",
        "length": str(written.size)}, written.modified.strftime("%Y-%m-%dT%H:%M:%SZ"))]
    at = {"at": changes.latest.published} if changes.latest else {}
    return _urlset("resourcedump", at, _up(), entries)


def _period(changes: PublishedChanges, generation: Published) -> dict[str, str]:
    """A generation's changes happened after the previous one's publication, until its own."""
    previous = next((g.published for g in changes.generations if g.id == generation.previous),
                    None)
    return ({"from": previous} if previous else {}) | {"until": generation.published}


def _version_entry(version: Version) -> str:
    return _url_entry(_description_url(version.record), _hashed(version), version.published)


def _change_entry(change: Change) -> str:
    return _url_entry(_description_url(change.record),
                      {"change": change.kind, "datetime": change.published} | _hashed(change),
                      change.published)


def _hashed(item: Version | Change) -> dict[str, str]:
    if item.hash is None:
        return {}
    return {"hash": f"sha-256:{item.hash}", "length": str(item.length), "type": DESCRIPTION_TYPE}


def _change_list_url(part: Part) -> str:
    return _url(f"resourcesync/changelist/{part.generation.id}/{part.number}.xml")


def _description_url(record: str) -> str:
    return _url(record_page(record) + ".nt")


def _url_entry(loc: str, md: dict[str, str], lastmod: str | None = None) -> str:
    modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    return f"<url><loc>{escape(loc)}</loc>{modified}{_md(md)}</url>\n"


def _sitemap(loc: str, md: dict[str, str]) -> str:
    return f"<sitemap><loc>{escape(loc)}</loc>{_md(md)}</sitemap>\n"


def _md(attributes: dict[str, str]) -> str:
    return f"<rs:md{_attributes(attributes)}/>" if attributes else ""


def _ln(rel: str, href: str, attributes: dict[str, str] | None = None) -> str:
    return f"<rs:ln{_attributes({'rel': rel, 'href': href} | (attributes or {}))}/>\n"


def _up() -> list[str]:
    return [_ln("up", _url("resourcesync/capabilitylist.xml"))]


def _urlset(capability: str, md: dict[str, str], links: list[str],
            entries: Iterable[str]) -> bytes:
    return _document("urlset", capability, md, links, entries)


def _index(capability: str, md: dict[str, str], links: list[str],
           entries: Iterable[str]) -> bytes:
    return _document("sitemapindex", capability, md, links, entries)


def _document(root: str, capability: str, md: dict[str, str], links: list[str],
              entries: Iterable[str]) -> bytes:
    head = f"<rs:md{_attributes({'capability': capability} | md)}/>\n"
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<{root} xmlns="{SITEMAPS}" xmlns:rs="{RS}">\n{head}{"".join(links)}'
            f'{"".join(entries)}</{root}>\n').encode("utf-8")


def _attributes(attributes: dict[str, str]) -> str:
    return "".join(f" {name}={quoteattr(value)}" for name, value in attributes.items())


def _size() -> int:
    return _ctx().config.sitemap_size


def _url(path: str) -> str:
    return _ctx().absolute(path)


def _ctx():
    return current_app.extensions["ctlib"]
