"""Cached descriptions answered before Flask is involved.

A request for a description already rendered in this generation needs nothing but a
dictionary lookup and a header list; going through Flask's request and response
objects cost more than that (bench/RESULTS.md). Anything else, including every
cache miss, passes through to the Flask app, which renders and fills the cache.
"""

from __future__ import annotations

from http import HTTPStatus

from ...store import StoreUnavailable
from ..core.languages import choose_language
from ..core.negotiation import negotiate
from ..core.responses import Rendered, respond
from .paths import NotATarget, parse_target
from .rendering import MISSING


class CachedDescriptions:
    def __init__(self, app, context):
        self.app = app
        self.context = context

    def __call__(self, environ, start_response):
        found = self._cached(environ)
        if found is None:
            return self.app(environ, start_response)
        status, headers, body = found
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _cached(self, environ):
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or environ.get("QUERY_STRING") \
                or "HTTP_ACCEPT_DATETIME" in environ:  # a TimeGate's question: the app answers
            return None
        try:
            target = parse_target(environ.get("PATH_INFO", ""), self.context.uris)
        except NotATarget:
            return None
        if target is None:
            return None
        fmt = target.fixed or negotiate(environ.get("HTTP_ACCEPT"), target.offered)
        try:
            snapshot = self.context.published.current()
        except StoreUnavailable:
            return None  # the app answers 503 and says why
        if fmt is None or snapshot is None:
            return None
        language = None if fmt.name != "html" else choose_language(
            None, environ.get("HTTP_COOKIE"), environ.get("HTTP_ACCEPT_LANGUAGE"),
            self.context.config.language)
        entry = self.context.cache.peek(
            (snapshot.generation, target.subject, fmt.name, 1, language))
        if entry is MISSING or not isinstance(entry, Rendered):
            return None
        location = None if target.fixed else \
            self.context.absolute(f"{target.path}.{fmt.extension}")
        return respond(entry, environ.get("HTTP_IF_NONE_MATCH"),
                       environ.get("HTTP_IF_MODIFIED_SINCE"), location)
