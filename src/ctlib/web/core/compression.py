"""Responses compressed for clients that accept it (gzip, brotli), as WSGI middleware
around the whole app, the cached descriptions' fast path included.

A compressed body is a representation of its own (RFC 9110, 8.8.3): its ETag is the
identity one with the coding appended inside the quotes (``"abc-br"``), and every
compressible response says ``Vary: Accept-Encoding``. So that a 304 answers exactly
the variant the client holds, the conditional headers are evaluated here, after the
body is known, rather than by the view. Bodies with a strong ETag are compressed once
and kept in the representation cache under that ETag; a large body (a SPARQL result)
is compressed into a temporary file, so memory does not grow with it. Either way the
compressed bytes' Repr-Digest replaces the identity one (digests.py). Bodies of
unknown length (streams), partial content and files already compressed (the .gz
dumps) pass as they are.
"""

from __future__ import annotations

import gzip
import hashlib
import tempfile
import zlib
from functools import lru_cache
from http import HTTPStatus

import brotli
from werkzeug.datastructures import Headers
from werkzeug.http import parse_accept_header, parse_date
from werkzeug.wsgi import FileWrapper

from .digests import REPR_DIGEST, field, repr_digest
from .responses import not_modified

CODINGS = ("br", "gzip")
"""What the server offers, preferred first when a client gives two the same quality."""
MIN_BYTES = 860
"""Smaller bodies are sent as they are: the headers of a compressed one cost more than
compression saves (about one TCP packet)."""
MEMORY_BYTES = 1 << 20
"""A body up to this size is compressed in memory; a larger one through a temporary
file (as SPARQL results are spooled, web/sparql/endpoint.py)."""
CHUNK_BYTES = 64 << 10
COMPRESSIBLE_TYPES = frozenset((
    "application/json", "application/n-triples", "application/n-quads", "application/trig",
    "application/xml", "application/javascript", "application/x-bibtex",
    "application/x-research-info-systems"))
"""Besides text/*, and the JSON and XML of every kind (``+json``, ``+xml``): what
deploy/nginx.conf's gzip_types lists. Not application/gzip: the dumps are compressed."""
BROTLI_QUALITY = 5
"""As small as quality 9 on pages, about 15 % larger than quality 11, in under a
millisecond where 11 takes 50 to 120 (bench/RESULTS.md, "Page weight"): searches are
compressed per request, not once."""
GZIP_LEVEL = 6


def compressible(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";")[0].strip().lower()
    return media_type.startswith("text/") or media_type.endswith(("+json", "+xml")) or \
        media_type in COMPRESSIBLE_TYPES


@lru_cache(maxsize=256)
def chosen_coding(accept_encoding: str | None) -> str | None:
    """The coding the client prefers among CODINGS (RFC 9110, 12.5.3), or None for the
    identity. ``q=0`` refuses a coding; ``*`` stands for every coding not named."""
    accepted = parse_accept_header(accept_encoding or "")
    named = {value.lower(): quality for value, quality in accepted}
    best, best_quality = None, 0.0
    for coding in CODINGS:
        quality = named.get(coding, named.get("*", 0.0))
        if quality > best_quality:
            best, best_quality = coding, quality
    return best


def compress(body: bytes, coding: str) -> bytes:
    if coding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def _compressor(coding: str):
    """An object with ``process``/``finish`` for compressing a body in pieces."""
    if coding == "br":
        return brotli.Compressor(quality=BROTLI_QUALITY)
    gz = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return _Deflating(gz)


class _Deflating:
    def __init__(self, compressor):
        self.process, self.finish = compressor.compress, compressor.flush


def coded_etag(etag: str, coding: str) -> str:
    """``"abc"`` → ``"abc-br"``; ``W/"abc"`` → ``W/"abc-br"``."""
    return f'{etag[:-1]}-{coding}"' if etag.endswith('"') else etag


class Compressing:
    """WSGI middleware; ``cache`` has ``get(key, make)`` (the RepresentationCache)."""

    def __init__(self, app, cache):
        self.app = app
        self.cache = cache

    def __call__(self, environ, start_response):
        coding = chosen_coding(environ.get("HTTP_ACCEPT_ENCODING"))
        if coding is None:
            return self.app(environ, _varying(start_response))
        return self._negotiated(environ, start_response, coding)

    def _negotiated(self, environ, start_response, coding: str):
        inner, conditions = dict(environ), (None, None)
        if environ["REQUEST_METHOD"] in ("GET", "HEAD"):
            inner["REQUEST_METHOD"] = "GET"  # a HEAD's length is the compressed GET's
            conditions = inner.pop("HTTP_IF_NONE_MATCH", None), \
                inner.pop("HTTP_IF_MODIFIED_SINCE", None)
        answered = []
        body = self.app(inner, lambda status, headers, exc_info=None:
                        answered.append((status, Headers(headers))) or (lambda data: None))
        status, headers = answered[-1]
        coded = _should_compress(status, headers)
        etag = headers.get("ETag")
        if etag and coded:
            headers["ETag"] = coded_etag(etag, coding)
        if etag and _not_modified(status, headers, conditions):
            if coded and not etag.startswith("W/"):
                body = self._compressed(body, headers, coding, etag)  # for its digest
            elif etag.startswith("W/"):
                # Each rendering differs (weakly equal): this one's digest is not that
                # of the body the client holds.
                headers.remove(REPR_DIGEST)
            _close(body)
            for name in ("Content-Length", "Content-Type", "Content-Encoding"):
                headers.remove(name)
            status, body = "304 Not Modified", []
        elif coded:
            body = self._compressed(body, headers, coding, etag)
        start_response(status, headers.to_wsgi_list())
        if environ["REQUEST_METHOD"] == "HEAD":
            _close(body)
            return []
        return body

    def _compressed(self, body, headers: Headers, coding: str, etag: str | None):
        """The body in ``coding``, ``headers`` changed to say so (its length and digest
        are those of the compressed bytes, RFC 9530, 3). ``etag`` (the identity body's)
        names it in the cache when it is strong: compressed and hashed once."""
        length = int(headers["Content-Length"])
        if length > MEMORY_BYTES:
            coded, size, digest = _compressed_file(body, coding)
        else:
            whole = _read(body)
            if etag and not etag.startswith("W/"):
                coded, digest = self.cache.get(("coded", etag, length, coding),
                                               lambda: _coded(whole, coding))
            else:
                coded, digest = _coded(whole, coding)
            size, coded = len(coded), [coded]
        headers["Content-Encoding"] = coding
        headers["Content-Length"] = str(size)
        headers[REPR_DIGEST] = digest
        headers.remove("Accept-Ranges")  # ranges are served of the identity body only
        return coded


def _coded(body: bytes, coding: str) -> tuple[bytes, str]:
    coded = compress(body, coding)
    return coded, repr_digest(coded)


def _should_compress(status: str, headers: Headers) -> bool:
    if not compressible(headers.get("Content-Type")):
        return False
    _add_vary(headers)
    return (int(status[:3]) not in (204, 206, 304) and "Content-Encoding" not in headers
            and "Content-Range" not in headers
            and int(headers.get("Content-Length", 0)) >= MIN_BYTES)


def _not_modified(status: str, headers: Headers, conditions) -> bool:
    if_none_match, if_modified_since = conditions
    if int(status[:3]) != HTTPStatus.OK or (if_none_match is None and
                                            if_modified_since is None):
        return False
    return not_modified(headers["ETag"].removeprefix("W/").strip('"'),
                        parse_date(headers.get("Last-Modified")),
                        if_none_match, if_modified_since)


def _varying(start_response):
    """``start_response`` adding Vary to compressible responses sent uncompressed: a
    shared cache must not give this identity body to a client that asked for gzip."""
    def varying(status, headers, exc_info=None):
        wrapped = Headers(headers)
        if compressible(wrapped.get("Content-Type")):
            _add_vary(wrapped)
        return start_response(status, wrapped.to_wsgi_list(), exc_info)
    return varying


def _add_vary(headers: Headers) -> None:
    named = [v.strip().lower() for v in headers.get("Vary", "").split(",") if v.strip()]
    if "accept-encoding" not in named and "*" not in named:
        headers["Vary"] = ", ".join([headers["Vary"], "Accept-Encoding"]) \
            if named else "Accept-Encoding"


def _read(body) -> bytes:
    try:
        return b"".join(body)
    finally:
        _close(body)


def _compressed_file(body, coding: str):
    """A large body compressed piece by piece into a temporary file: (pieces, size,
    Repr-Digest)."""
    spool = tempfile.SpooledTemporaryFile(max_size=MEMORY_BYTES)
    sha256 = hashlib.sha256()
    try:
        for piece in _compressing(body, coding):
            spool.write(piece)
            sha256.update(piece)
    finally:
        _close(body)
    size = spool.tell()
    spool.seek(0)
    return FileWrapper(spool, CHUNK_BYTES), size, field(sha256.digest())


def _compressing(body, coding: str):
    compressor = _compressor(coding)
    for piece in body:
        yield compressor.process(piece)
    yield compressor.finish()


def _close(body) -> None:
    close = getattr(body, "close", None)
    if close is not None:
        close()
