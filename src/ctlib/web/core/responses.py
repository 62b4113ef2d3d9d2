"""A rendered answer (a description, a page, a list) and the HTTP response made from it.

Everything a response needs is computed once, when the description is rendered, and
cached with it; answering a request is then building a header list, with the
conditional-request rules (RFC 9110, section 13) applied here, in one place.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from flask import current_app, request
from werkzeug.http import http_date, parse_date

from ...formats import Format
from .digests import REPR_DIGEST, repr_digest

CONDITIONAL_STATUSES = (200,)


@dataclass(frozen=True)
class Rendered:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]
    """Content-Type, ETag, Repr-Digest, Last-Modified, Vary, Link, CORS: the same for
    every request, so computed once, when the body is rendered."""
    etag: str
    last_modified: datetime | None


def etag(body: bytes, fmt: Format, language: str | None = None) -> str:
    """Strong, and different for every format of the same description and every
    language of its page (even where no label differs: a validator of the English page
    must never get a French request a 304)."""
    tag = f"{hashlib.sha1(body).hexdigest()[:20]}-{fmt.name}"
    return f"{tag}-{language}" if language else tag


def rendered(status: int, body: bytes, content_type: str, etag: str,
             last_modified: datetime | None, link: str, vary: str = "Accept") -> Rendered:
    """An empty ``link`` sends no Link header; a Link header is readable by scripts on
    other sites too (signposts are for any machine)."""
    headers = [("Content-Type", content_type), ("ETag", f'"{etag}"'),
               (REPR_DIGEST, repr_digest(body)), ("Vary", vary),
               ("Access-Control-Allow-Origin", "*")]
    if link:
        headers += [("Link", link), ("Access-Control-Expose-Headers", "Link")]
    if last_modified is not None:
        headers.append(("Last-Modified", http_date(last_modified)))
    return Rendered(status, body, tuple(headers), etag, last_modified)


def with_body(entry: Rendered, body: bytes, tag: str) -> Rendered:
    """``entry`` with another body, its ETag ``tag`` and its digest, every other header
    the same."""
    replaced = {"ETag": f'"{tag}"', REPR_DIGEST: repr_digest(body)}
    headers = tuple((name, replaced.get(name, value)) for name, value in entry.headers)
    return replace(entry, body=body, headers=headers, etag=tag)


def respond(entry: Rendered, if_none_match: str | None, if_modified_since: str | None,
            content_location: str | None) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) for a GET of ``entry``; a HEAD sends the same without
    the body (the WSGI server or the caller leaves it out). A 304 keeps the 200's
    Repr-Digest: the client can check the body it holds against it."""
    headers = list(entry.headers)
    if content_location:
        headers.append(("Content-Location", content_location))
    if entry.status in CONDITIONAL_STATUSES and not_modified(
            entry.etag, entry.last_modified, if_none_match, if_modified_since):
        return 304, [h for h in headers if h[0] != "Content-Type"], b""
    headers.append(("Content-Length", str(len(entry.body))))
    return entry.status, headers, entry.body


def answer(entry: Rendered):
    """The response to the current GET (or HEAD) of ``entry``."""
    status, headers, body = respond(entry, request.headers.get("If-None-Match"),
                                    request.headers.get("If-Modified-Since"), None)
    return current_app.response_class(body, status=status, headers=headers)


def not_modified(etag: str, last_modified: datetime | None, if_none_match: str | None,
                 if_modified_since: str | None) -> bool:
    """Whether a client holding these validators has the representation tagged ``etag``
    (without quotes) and modified at ``last_modified``: If-None-Match decides when given."""
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/").strip('"') for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if if_modified_since and last_modified is not None:
        since = parse_date(if_modified_since)
        return since is not None and last_modified.replace(microsecond=0) <= since
    return False
