"""/query/: the example queries as named queries with typed parameters
(docs/saved-queries.md). ``/query/{name}?param=value`` answers like /sparql (same
query processes, time and memory limits, formats by Accept or ``format=``); a browser
gets the query's page: what it does, a form for its parameters, its text.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, render_template, request
from werkzeug.datastructures import MultiDict

from ...formats import BY_NAME, SEARCH_JSON
from ...rdf.sparql_words import keywords
from ...sparql import examples, protocol
from ...sparql.examples import Example
from ...sparql.guard import QueryRefused
from ...sparql.parameters import ParameterError
from ..core import errors, languages
from ..core.negotiation import negotiate
from . import citation
from .endpoint import Problem, answer, common_headers, wants_page

blueprint = Blueprint("saved", __name__)
blueprint.context_processor(lambda: {"answered_from": citation.current()})

LIST_FORMATS = (SEARCH_JSON, BY_NAME["html"])
ASIDE = frozenset({"format", "generation", "timeout", languages.PARAMETER})
"""Parameters every saved query takes, besides its own."""
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@blueprint.before_request
def _state_asked() -> None:
    citation.check_asked()


@blueprint.after_request
def _headers(response):
    response.headers.update(common_headers(current_app.extensions["ctlib"], citation.current(),
                                           request.method))
    return response


@blueprint.get("/query/")
def index():
    fmt = negotiate(request.headers.get("Accept"), LIST_FORMATS)
    if fmt is None:
        raise errors.NotAcceptable("the saved queries are listed as application/json "
                                   "or text/html")
    if fmt.name == "html":
        body = render_template("queries.html", queries=examples.examples())
        return body, 200, {"Content-Type": "text/html; charset=utf-8",
                           "Vary": languages.PAGE_VARY}
    response = jsonify({"queries": [_listed(e) for e in examples.examples()]})
    response.headers["Vary"] = "Accept"
    return response


@blueprint.get("/query/<name>")
def saved(name: str):
    example = examples.named(name)
    if example is None:
        raise errors.NotFound(f"there is no saved query {name!r}; /query/ lists them")
    ctx = current_app.extensions["ctlib"]
    values = _values(example)
    try:
        text = example.bound(values, examples.prefixes(ctx.uris.base))
        asked = protocol.read("GET", None, MultiDict(
            [*request.args.items(multi=True),
             ("query", examples.prologue(ctx.uris.base) + "\n" + text)]), MultiDict(), None)
    except ParameterError as error:
        raise Problem(400, str(error)) from None
    except QueryRefused as refused:
        raise Problem(refused.status, refused.message) from None
    if wants_page(asked, request.headers.get("Accept")):
        return _page(example, values, text)
    return answer(ctx, asked, False)


def _values(example: Example) -> dict[str, str]:
    """The query's parameters given in the request; a 400 for any other parameter."""
    names = {p.name for p in example.parameters}
    for given in request.args:
        if given not in names and given not in ASIDE:
            takes = ", ".join(sorted(names)) or "no parameters of its own"
            raise Problem(400, f"unknown parameter {given!r}: /query/{example.name} takes "
                               f"{takes}")
    return {name: request.args[name] for name in names if name in request.args}


def _page(example: Example, values: dict[str, str], query: str):
    graph = next(k for k in keywords(example.text) if k in FORMS) in ("CONSTRUCT", "DESCRIBE")
    permalink = citation.pinned(_url(example, values))
    body = render_template(
        "query.html", query=example, values=values, text=query, graph=graph,
        permalink=permalink, run="/sparql?" + urlencode({"query": query}))
    return body, 200, {"Content-Type": "text/html; charset=utf-8", "Vary": languages.PAGE_VARY}


def _listed(example: Example) -> dict:
    return {"name": example.name, "title": example.title, "description": example.description,
            "url": current_app.extensions["ctlib"].absolute(f"query/{example.name}"),
            "parameters": [{"name": p.name, "type": p.type, "scheme": p.scheme,
                            "default": p.default} for p in example.parameters],
            "query": example.text}


def _url(example: Example, parameters: dict[str, str]) -> str:
    return f"/query/{example.name}" + ("?" + urlencode(parameters) if parameters else "")
