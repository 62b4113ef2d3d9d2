"""Integrity fields (RFC 9530): every representation says its SHA-256 in ``Repr-Digest``.

The digest covers the representation data as sent, content coding included (RFC 9530,
3): a gzip or brotli body carries the digest of the compressed bytes (compression.py
replaces the identity one). It is computed where the body is made and kept with it:
once per cached description (responses.rendered), once per compressed entry, while a
SPARQL result is spooled, from the hash published beside a dump. Anything else Flask
answers with a body in memory gets it in ``add_repr_digest``.

``Want-Repr-Digest`` and ``Want-Content-Digest`` are answered by ``AnsweringWants``:
SHA-256 is the only algorithm offered, and it is sent unless the client marks it not
acceptable (``sha-256=0``). ``Content-Digest`` equals ``Repr-Digest`` on a whole
response; a partial one (206), a 304 and a HEAD's, which have other content or none,
get none.
"""

from __future__ import annotations

import base64
import hashlib

from werkzeug.datastructures import Headers

REPR_DIGEST = "Repr-Digest"
CONTENT_DIGEST = "Content-Digest"
ALGORITHM = "sha-256"
WITHOUT_CONTENT = (204, 206, 304)
"""Statuses whose body is not the whole representation (or is none)."""


def field(sha256: bytes) -> str:
    """The field value (a structured-field dictionary) of a raw SHA-256 digest."""
    return f"{ALGORITHM}=:{base64.b64encode(sha256).decode('ascii')}:"


def repr_digest(body: bytes) -> str:
    return field(hashlib.sha256(body).digest())


def from_hex(sha256_hex: str) -> str:
    """The field value of a SHA-256 given in hexadecimal (as in a .sha256 file)."""
    return field(bytes.fromhex(sha256_hex))


def add_repr_digest(response):
    """A Flask ``after_request``: the digest of a body held in memory, when the view did
    not give one. Files and streams say their own (or nothing: their body is not read
    here). A 304 has no body to hash: views that can (responses.respond) carry the
    200's digest on it."""
    if REPR_DIGEST not in response.headers and response.status_code not in WITHOUT_CONTENT \
            and not response.direct_passthrough and not response.is_streamed:
        response.headers[REPR_DIGEST] = repr_digest(response.get_data())
    return response


class AnsweringWants:
    """WSGI middleware applying ``Want-Repr-Digest``/``Want-Content-Digest`` to the
    headers the app sends. A request without them passes untouched (the fast path)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        wants_repr = environ.get("HTTP_WANT_REPR_DIGEST")
        wants_content = environ.get("HTTP_WANT_CONTENT_DIGEST")
        if wants_repr is None and wants_content is None:
            return self.app(environ, start_response)
        refuses_repr = wants_repr is not None and not _accepts_sha256(wants_repr)
        adds_content = wants_content is not None and _accepts_sha256(wants_content) and \
            environ["REQUEST_METHOD"] != "HEAD"

        def answering(status, headers, exc_info=None):
            wrapped = Headers(headers)
            digest = wrapped.get(REPR_DIGEST)
            if adds_content and digest and int(status[:3]) not in WITHOUT_CONTENT:
                wrapped[CONTENT_DIGEST] = digest
            if refuses_repr:
                wrapped.remove(REPR_DIGEST)
            return start_response(status, wrapped.to_wsgi_list(), exc_info)
        return self.app(environ, answering)


def _accepts_sha256(want: str) -> bool:
    """Whether a Want-*-Digest field (a dictionary of integers 0 to 10, RFC 9530, 4)
    leaves SHA-256 acceptable: a preference of 0 means not acceptable. A field that
    names only algorithms not offered, or that does not parse, still gets SHA-256:
    the client can ignore what it did not ask for."""
    for member in want.split(","):
        key, _, value = member.partition("=")
        if key.strip().lower() == ALGORITHM:
            return value.split(";")[0].strip() != "0"
    return True
