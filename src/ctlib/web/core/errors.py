"""Errors carry their HTTP status; one handler renders every one of them, as HTML for
browsers and as plain text for everything else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from ...formats import BY_NAME
from .languages import N_, PAGE_VARY
from .languages import gettext as _
from .negotiation import negotiate

ERROR_FORMATS = (BY_NAME["html"],)


@dataclass(frozen=True)
class Suggestion:
    """A page that may be the one looked for: a link, its words, and what names it."""

    href: str
    text: str
    identifier: str
    language: str | None = None
    """The text's, where it is data (a record's title)."""


class HTTPProblem(Exception):
    status = 500
    title = N_("Server error")
    """In English, as a plain-text error says it; the HTML page translates it."""

    def __init__(self, message: str, headers: dict | None = None,
                 suggest: Callable[[], list[Suggestion]] | None = None):
        """``suggest`` is called only for a page that people read: finding what is
        close costs more than a machine's plain error deserves."""
        super().__init__(message)
        self.message = message
        self.headers = headers or {}
        self.suggest = suggest


class BadRequest(HTTPProblem):
    status, title = 400, N_("Bad request")


class NotFound(HTTPProblem):
    status, title = 404, N_("Not found")


class NotAcceptable(HTTPProblem):
    status, title = 406, N_("Not acceptable")


class ServiceUnavailable(HTTPProblem):
    status, title = 503, N_("Service unavailable")


class MethodNotAllowed(HTTPProblem):
    status, title = 405, N_("Method not allowed")


TITLES = {problem.status: problem.title for problem in (
    HTTPProblem, BadRequest, NotFound, MethodNotAllowed, NotAcceptable, ServiceUnavailable)}
"""Ours for the statuses Werkzeug raises too, so that its errors are translated alike."""


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPProblem, render_problem)
    app.register_error_handler(HTTPException, _render_werkzeug)


def render_problem(problem: HTTPProblem):
    headers = {"Access-Control-Allow-Origin": "*", "Vary": "Accept", **problem.headers}
    if _wants_html():
        body = render_template("error.html", status=problem.status, title=_(problem.title),
                               message=problem.message,
                               suggestions=problem.suggest() if problem.suggest else [])
        return body, problem.status, {"Content-Type": "text/html; charset=utf-8", **headers,
                                      "Vary": PAGE_VARY}
    body = f"{problem.status} {problem.title}\n\n{problem.message}\n"
    return body, problem.status, {"Content-Type": "text/plain; charset=utf-8", **headers}


def _render_werkzeug(error: HTTPException):
    problem = HTTPProblem(error.description or error.name)
    problem.status = error.code or 500
    problem.title = TITLES.get(problem.status, error.name)
    return render_problem(problem)


def _wants_html() -> bool:
    """Only a client that names text/html gets an HTML error page."""
    return "text/html" in (request.headers.get("Accept") or "") and \
        negotiate(request.headers.get("Accept"), ERROR_FORMATS) is not None
