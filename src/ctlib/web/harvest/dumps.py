"""The dump files of the published generation under /dump/ (written by ctlib/dumps.py).

They are served as the gzip files they are, ``Content-Type: application/gzip`` and no
``Content-Encoding``: a client stores exactly the bytes whose SHA-256 is published
beside them, and a Range request resumes an interrupted download. The ETag is that
SHA-256, so every worker answers the same and an ingest that changed nothing keeps
it; Last-Modified is when the file was written. The file is read from disk
in pieces as the client takes them: memory does not grow with its size.

``/dump/`` lists them: a page for browsers, and for everything else the lines of
``sha256sum`` (``curl -s URL/dump/ > SHA256SUMS; sha256sum -c SHA256SUMS``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, current_app, render_template, request, send_file

from ... import dumps
from ...formats import BY_NAME
from ..core import digests, languages
from ..core.errors import NotFound, ServiceUnavailable
from ..core.negotiation import negotiate
from ..core.responses import etag, rendered, respond

blueprint = Blueprint("dumps", __name__)

GZIP = "application/gzip"
TEXT = "text/plain"
"""send_file adds the charset to text types itself."""
PAGE = BY_NAME["html"]


@blueprint.get("/dump/")
def index():
    written = [_written(dump) for dump in dumps.DUMPS]
    if _wants_html():
        body = render_template("dumps.html", dumps=written).encode("utf-8")
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
    path = written.path.with_name(dump.checksum_name) if checksum else written.path
    response = send_file(path, mimetype=TEXT if checksum else GZIP, conditional=True,
                         etag=f"{written.sha256}-sha256" if checksum else written.sha256,
                         last_modified=written.modified, max_age=None)
    response.headers["Access-Control-Allow-Origin"] = "*"
    # The dump's own hash, computed as it was written; a checksum file is a line.
    response.headers[digests.REPR_DIGEST] = digests.repr_digest(path.read_bytes()) \
        if checksum else digests.from_hex(written.sha256)
    if not checksum:
        response.headers["Link"] = f'<{_ctx().absolute("dump/" + dump.checksum_name)}>; ' \
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
