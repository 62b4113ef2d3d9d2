"""SPARQL Protocol requests answered before Flask is involved.

A light query takes the query process about a millisecond; Flask's request context,
routing, hooks and response object cost about half as much again (bench/RESULTS.md,
"The fixed cost of a light query"). A protocol request (a query, by GET or POST, for
a result format rather than the query page) needs none of it: this path calls the
view's own functions (``endpoint``) with the request read by werkzeug alone, and
adds the headers the blueprint's hook adds. Everything else passes to the Flask app:
the query page, the service description, ``?lang=`` (the page's language cookie),
a POST without a Content-Length. An error met here (a refused query, one that failed
or ran out of time) is handed to the view in the environ, so that it is answered by
the same error handling as every other, without running the query again.
"""

from __future__ import annotations

import io

from flask import Request
from werkzeug.wsgi import wrap_file

from ...store import NoCatalogue, StoreUnavailable
from ..core import errors, languages
from . import citation, endpoint

METHODS = frozenset({"GET", "POST"})


class SparqlProtocol:
    def __init__(self, app, context):
        self.app = app
        self.context = context

    def __call__(self, environ, start_response):
        if not _may_take(environ, self.context.config.sparql_max_query_bytes):
            return self.app(environ, start_response)
        request = Request(environ)
        body = request.get_data() if request.method == "POST" else b""  # kept: see below
        try:
            answered = self._answered(request)
        except errors.HTTPProblem as problem:
            environ[endpoint.PROBLEM] = problem
            answered = None
        if answered is None:  # the app's request reads the body again
            environ["wsgi.input"] = io.BytesIO(body)
            return self.app(environ, start_response)
        headers, body = answered
        start_response("200 OK", list(headers.items()))
        return wrap_file(environ, body)

    def _answered(self, request: Request):
        """The headers and body of the answer, or None for the Flask app to answer."""
        if languages.PARAMETER in request.args:
            return None
        ctx = self.context
        try:
            snapshot = ctx.published.snapshot()
        except (NoCatalogue, StoreUnavailable):
            return None  # the app answers 503 and says why
        citation.check(snapshot, request.args.get("generation"))
        asked, query_names_dataset = endpoint.understood(request,
                                                         ctx.config.sparql_max_query_bytes)
        accept = request.headers.get("Accept")
        if asked.query is None or endpoint.wants_page(asked, accept):
            return None
        headers, body = endpoint.result(ctx, asked, query_names_dataset, accept, snapshot)
        headers.update(endpoint.common_headers(ctx, snapshot, request.method))
        return headers, body


def _may_take(environ, limit: int) -> bool:
    """/sparql by GET, or by a POST whose body has a length the view would read: it is
    read whole here, and put back for the app should this path pass the request on."""
    if environ.get("PATH_INFO") != "/sparql" or environ["REQUEST_METHOD"] not in METHODS:
        return False
    if environ["REQUEST_METHOD"] == "GET":
        return True
    length = environ.get("CONTENT_LENGTH", "")
    return length.isdigit() and int(length) <= endpoint.BODY_FACTOR * limit
