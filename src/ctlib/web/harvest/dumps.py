"""The dump files of the published generation under /dump/ (written by ctlib/dumps.py).

They are served as the gzip files they are, ``Content-Type: application/gzip`` and no
``Content-Encoding``: a client stores exactly the bytes whose SHA-256 is published
beside them, and a Range request resumes an interrupted download. The ETag is that
SHA-256, so every worker answers the same and an ingest that changed nothing keeps
it; Last-Modified is when the file was written. The file is read from disk
in pieces as the client takes them: memory does not grow with its size.

``/dump/`` lists them: a page for browsers, and for everything else the lines of
``sha256sum`` (``curl -s URL/dump/ > SHA256SUMS; sha256sum -c SHA256SUMS``).

``/dump/changes/{generation}.rdfp.gz`` is the RDF Patch that made each published
generation from the one before (ctlib/history/patches.py), served the same way; a
published patch never changes, so it may be cached for good. The page lists them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, render_template, request, send_file

from ... import dumps
from ...formats import BY_NAME
from ...history import patches
from ..core import digests, languages
from ..core.errors import NotFound, ServiceUnavailable
from ..core.negotiation import negotiate
from ..core.responses import etag, rendered, respond

blueprint = Blueprint("dumps", __name__)

PATCHES = "dump/changes/"

GZIP = "application/gzip"
TEXT = "text/plain"
"""send_file adds the charset to text types itself."""
PAGE = BY_NAME["html"]
FOREVER = "public, max-age=31536000, immutable"
"""A published patch: its generation's changes, which never change."""


@blueprint.get("/dump/")
def index():
    written = [_written(dump) for dump in dumps.DUMPS]
    if _wants_html():
        body = render_template("dumps.html", dumps=written,
                               patches=list(reversed(published_patches()))).encode("utf-8")
        language = languages.page_language()
        content_type, tag = PAGE.content_type, etag(body, PAGE, language)
    else:
        language = None
        body = "".join(f"{w.sha256}  {w.dump.name}\n" for w in written).encode("utf-8")
        content_type, tag = f"{TEXT}; charset=utf-8", hashlib.sha1(body).hexdigest()[:20] + "-sums"
    entry = rendered(200, body, content_type, tag, max(w.modified for w in written),
                     f'<{_ctx().absolute("catalog")}>; rel="describedby"',
                     languages.vary(language))
    status, headers, body = respond(entry, request.headers.get("If-None-Match"),
                                    request.headers.get("If-Modified-Since"), None)
    return current_app.response_class(body, status=status, headers=headers)


@blueprint.get("/dump/<name>")
def dump_file(name: str):
    checksum = name.endswith(".sha256")
    dump = dumps.BY_FILE_NAME.get(name.removesuffix(".sha256"))
    if dump is None:
        known = ", ".join(f"{d.name}, {d.checksum_name}" for d in dumps.DUMPS)
        raise NotFound(f"there is no dump called {name!r}; the dumps are: {known}")
    written = _written(dump)
    return _file(written.path.with_name(dump.checksum_name) if checksum else written.path,
                 written.sha256, written.modified, "dump/" + dump.checksum_name, checksum)


@blueprint.get(f"/{PATCHES}<name>")
def patch_file(name: str):
    checksum = name.endswith(".sha256")
    found = {patch.name: patch for patch in published_patches()}.get(name.removesuffix(".sha256"))
    if found is None:
        raise NotFound(f"there is no patch called {name!r}: a patch is named after the "
                       f"generation it made ({{generation}}{patches.SUFFIX}), and /dump/ and "
                       "/catalog list those published")
    response = _file(found.checksum_path if checksum else found.path, found.sha256,
                     datetime.fromisoformat(found.published), PATCHES + found.checksum_path.name,
                     checksum)
    response.headers["Cache-Control"] = FOREVER
    return response


def published_patches() -> list[patches.PatchFile]:
    """The patches of the published generation and those before it, oldest first."""
    return _patches(str(_ctx().config.data_dir), _ctx().published.snapshot().generation)


@lru_cache(maxsize=4)
def _patches(data_dir: str, generation: str) -> list[patches.PatchFile]:
    return patches.patch_files(Path(data_dir), generation)


def _file(path: Path, sha256: str, modified: datetime, checksum_path: str, checksum: bool):
    """A file or its checksum file, conditional and resumable, its ETag its SHA-256."""
    response = send_file(path, mimetype=TEXT if checksum else GZIP, conditional=True,
                         etag=f"{sha256}-sha256" if checksum else sha256,
                         last_modified=modified, max_age=None)
    response.headers["Access-Control-Allow-Origin"] = "*"
    # The file's own hash, computed as it was written; a checksum file is a line.
    response.headers[digests.REPR_DIGEST] = digests.repr_digest(path.read_bytes()) \
        if checksum else digests.from_hex(sha256)
    if not checksum:
        response.headers["Link"] = f'<{_ctx().absolute(checksum_path)}>; ' \
                                   'rel="describedby"; type="text/plain"'
    return response


def _written(dump: dumps.DumpFile) -> dumps.Written:
    found = dumps.read(_generation_path(), dump)
    if found is None:
        raise ServiceUnavailable("the published generation has no dump files; the next "
                                 "`ctlib ingest` writes them")
    return found


def _wants_html() -> bool:
    """Only a client that names text/html gets the page (as with error pages)."""
    accept = request.headers.get("Accept") or ""
    return "text/html" in accept and negotiate(accept, (PAGE,)) is not None


def _generation_path() -> Path:
    return _ctx().published.snapshot().path


def _ctx():
    return current_app.extensions["ctlib"]
