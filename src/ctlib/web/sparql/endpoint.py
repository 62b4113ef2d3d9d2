"""/sparql: the SPARQL 1.1 Protocol endpoint, its service description and the query
page for people.

Each query is checked (``sparql.guard``), evaluated in a query process that has no
network and is killed at the deadline (``sparql.pool``), and sent back whole in the
negotiated format. Browsers get the query page with the results as a table.
"""

from __future__ import annotations

import hashlib
import itertools
import tempfile
import time
from contextlib import contextmanager
from typing import IO
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request
from werkzeug.wsgi import wrap_file

from ...formats import DESCRIPTION_FORMATS, QUERY_RESULT_FORMATS, Format
from ...published.snapshot import Snapshot
from ...sparql import examples, guard, protocol, syntax
from ...sparql.evaluation import Job
from ...sparql.forward import Forwarded
from ...sparql.guard import QueryRefused
from ...sparql.pool import Answer, QueryFailed, QueryStopped
from ...sparql.service_description import service_description
from ..core import digests, errors, languages
from ..core.cors import cors_headers
from ..core.languages import N_
from ..core.negotiation import negotiate
from . import citation, results

blueprint = Blueprint("sparql", __name__)
blueprint.context_processor(lambda: {"answered_from": citation.current()})

HTML_ROWS = 1000
"""Rows shown on the query page; the download links give the whole result."""
SPOOL_MEMORY_BYTES = 1 << 20
"""A result up to this size is held in memory until sent; a larger one in a
temporary file."""
EXPOSED = "X-SPARQL-Row-Limit, X-SPARQL-Truncated, " + citation.EXPOSED
"""The headers of our own a script on another site may read."""
BODY_FACTOR = 3
"""A request body may be this many times the longest query: form encoding can triple
a query's bytes."""
PROBLEM = "ctlib.sparql.problem"
"""The WSGI environ key under which the shorter path (fast_path) hands this view the
error it met, for the view to answer as it answers its own."""


class Problem(errors.HTTPProblem):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        # Marked for the catalogues: an error page says its title in the page's language.
        self.title = {400: N_("Bad request"), 403: N_("Forbidden"),
                      405: N_("Method not allowed"), 406: N_("Not acceptable"),
                      413: N_("Query too large"), 415: N_("Unsupported media type"),
                      503: N_("Query stopped")}.get(status, N_("Error"))


@blueprint.before_request
def _state_asked() -> None:
    citation.check_asked()


@blueprint.after_request
def _cors(response: Response) -> Response:
    response.headers.update(common_headers(current_app.extensions["ctlib"], citation.current(),
                                           request.method))
    return response


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint():
    met = request.environ.get(PROBLEM)
    if met is not None:  # the shorter path (fast_path) ran into it, and may have run the query
        raise met
    ctx = current_app.extensions["ctlib"]
    asked, query_names_dataset = understood(request, ctx.config.sparql_max_query_bytes)
    if asked.query is None:
        return _without_query(ctx, asked)
    return answer(ctx, asked, query_names_dataset)


def understood(request: Request, limit: int) -> tuple[protocol.ProtocolRequest, bool]:
    """The protocol request ``request`` makes, its query (if any) passed by the guard;
    and whether the query names its own dataset (FROM)."""
    if (request.content_length or 0) > BODY_FACTOR * limit:
        raise Problem(413, f"the request body is {request.content_length:,} bytes; queries "
                           f"of up to {limit:,} bytes are accepted")
    try:
        asked = protocol.read(request.method, request.content_type, request.args,
                              request.form if request.mimetype == protocol.FORM else MultiDict(),
                              request.get_data() if request.mimetype == protocol.DIRECT else None)
        keywords = frozenset() if asked.query is None else guard.check(asked.query, limit)
    except QueryRefused as refused:
        raise Problem(refused.status, refused.message) from None
    return asked, "FROM" in keywords


def _without_query(ctx, asked: protocol.ProtocolRequest):
    """The query page for browsers, the service description for everything else."""
    fmt = chosen(asked, DESCRIPTION_FORMATS, request.headers.get("Accept"))
    if fmt is None:
        raise Problem(406, "the service description is available as "
                           + ", ".join(f.media_type for f in DESCRIPTION_FORMATS))
    if fmt.rdf_format is None:
        return _page(ctx, None, False)
    described = service_description(ctx.uris, ctx.config.title, ctx.published.snapshot().store)
    body = ox.serialize(described, format=fmt.rdf_format, prefixes=examples.prefixes(ctx.uris.base))
    return Response(body, 200, {"Content-Type": fmt.content_type, "Vary": "Accept"})


def answer(ctx, asked: protocol.ProtocolRequest, query_names_dataset: bool):
    accept = request.headers.get("Accept")
    if wants_page(asked, accept):
        return _page(ctx, asked, query_names_dataset)
    snapshot = citation.answering(ctx.published.snapshot())
    headers, body = result(ctx, asked, query_names_dataset, accept, snapshot)
    return Response(wrap_file(request.environ, body), 200, headers, direct_passthrough=True)


def result(ctx, asked: protocol.ProtocolRequest, query_names_dataset: bool,
           accept: str | None, snapshot: Snapshot) -> tuple[dict[str, str], IO[bytes]]:
    """The headers and body of the answer to ``asked`` from ``snapshot``, in the format
    negotiated; the headers every response of the blueprint has come on top."""
    formats = {kind: chosen(asked, offered, accept)
               for kind, offered in QUERY_RESULT_FORMATS.items()}
    answer = _run(ctx, asked, query_names_dataset, {kind: fmt.name if fmt else None
                                                    for kind, fmt in formats.items()},
                  ctx.config.sparql_max_rows, snapshot)
    fmt = next(f for f in QUERY_RESULT_FORMATS[answer.kind] if f.name == answer.format_name)
    body, size = answer.body
    rows, truncated = answer.end
    headers = {"Content-Type": fmt.content_type, "Vary": "Accept", "Content-Length": str(size),
               digests.REPR_DIGEST: answer.digest,
               "X-SPARQL-Row-Limit": str(ctx.config.sparql_max_rows)}
    if asked.formats:  # named in the URL: what the query page's downloads ask for
        headers["Content-Disposition"] = f'attachment; filename="results.{fmt.extension}"'
    if truncated:
        headers["X-SPARQL-Truncated"] = f"the result was cut after {rows:,} rows"
    return headers, body


def common_headers(ctx, snapshot: Snapshot | None, method: str) -> dict[str, str]:
    """What every response of /sparql says besides its own: the catalogue state it
    answered from, and that scripts on any site may read it."""
    return {**citation.headers_of(ctx, snapshot), **cors_headers(method, EXPOSED)}


class Whole:
    """A query's whole result, read from the query process as fast as it is written, so
    the process is free for the next query however slowly the client reads, and the
    headers can say how many rows there were, and the body's digest, before the body
    is sent."""

    def __init__(self, answer: Answer | Forwarded, timeout: float):
        self.kind, self.format_name = answer.kind, answer.format_name
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)
        sha256 = hashlib.sha256()
        try:
            with _problems(timeout):
                for chunk in itertools.chain((answer.first,), answer.rest()):
                    spool.write(chunk)
                    sha256.update(chunk)
        except BaseException:
            spool.close()
            raise
        finally:
            answer.close()
        self.end: tuple[int, bool] = answer.end
        """(rows, truncated)"""
        self.body = spool, spool.tell()
        """The result (a file at its start) and its size in bytes."""
        self.digest = digests.field(sha256.digest())
        """Its Repr-Digest."""
        spool.seek(0)


def _run(ctx, asked: protocol.ProtocolRequest, query_names_dataset: bool, formats: dict,
         max_rows: int, snapshot: Snapshot) -> Whole:
    timeout = min(asked.timeout or ctx.config.sparql_timeout, ctx.config.sparql_timeout)
    job = Job(store_path=snapshot.store_path, query=asked.query,
              base_iri=ctx.uris.base, formats=formats, max_rows=max_rows,
              default_graphs=asked.default_graphs, named_graphs=asked.named_graphs,
              dataset_given=asked.dataset_given, query_names_dataset=query_names_dataset,
              prefixes=examples.prefixes(ctx.uris.base))
    with _problems(timeout):
        answer = (Forwarded(snapshot.store, job, timeout) if snapshot.remote
                  else ctx.query_pool.run(job, timeout))
    return Whole(answer, timeout)


@contextmanager
def _problems(timeout: float):
    """A query that failed or ran out of time, as the response that says so."""
    try:
        yield
    except QueryFailed as failed:
        raise Problem(failed.status, failed.message) from None
    except QueryStopped as stopped:
        raise Problem(503, f"{stopped}: queries may run for {timeout:g} s here. Narrow the "
                           "query: a more specific pattern, a LIMIT.") from None


def wants_page(asked: protocol.ProtocolRequest, accept: str | None) -> bool:
    """A browser's request: HTML is the format chosen for every kind of result."""
    return all(fmt is not None and fmt.name == "html"
               for fmt in (chosen(asked, offered, accept)
                           for offered in QUERY_RESULT_FORMATS.values()))


def chosen(asked: protocol.ProtocolRequest, offered: tuple[Format, ...],
           accept: str | None) -> Format | None:
    """A ``format`` parameter naming one of ``offered`` wins over Accept. Clients send
    the same parameter whatever the kind of result (SPARQLWrapper sends ``xml`` for
    RDF/XML and for SPARQL XML alike), so one that names nothing here is passed over."""
    for word in asked.formats:
        found = next((f for f in offered if f.is_named(word)), None)
        if found is not None:
            return found
    return negotiate(accept, offered)


def _page(ctx, asked: protocol.ProtocolRequest | None, query_names_dataset: bool):
    """The query page; with the results of ``asked`` as a table when there is a query."""
    table, error, status = None, None, 200
    if asked is not None:
        try:
            table = _table(ctx, asked, query_names_dataset)
        except Problem as problem:
            error, status = problem.message, problem.status
    prologue = examples.prologue(ctx.uris.base)
    shown = asked.query if asked is not None else prologue + "\n" + examples.examples()[0].query
    body = render_template(
        "sparql.html", query=shown, table=table, error=error, examples=examples.examples(),
        error_at=syntax.position(error) if error else None,
        prologue=prologue, permalink=citation.pinned(_permalink(asked)),
        # The language switch names the page, not the query: the query is sent once.
        page_url="/sparql",
        graphs=_graphs(asked))
    return body, status, {"Content-Type": "text/html; charset=utf-8",
                          "Vary": languages.PAGE_VARY}


def _graphs(asked: protocol.ProtocolRequest | None) -> list[tuple[str, str]]:
    """The dataset a query was asked over, kept by the page's form for its downloads."""
    if asked is None:
        return []
    return [("default-graph-uri", g) for g in asked.default_graphs] + \
        [("named-graph-uri", g) for g in asked.named_graphs]


def _permalink(asked: protocol.ProtocolRequest | None) -> str:
    if asked is None:
        return ""
    return "/sparql?" + urlencode([("query", asked.query), *_graphs(asked)])


def _table(ctx, asked: protocol.ProtocolRequest, query_names_dataset: bool) -> dict:
    """The result as columns and rows of cells, for the page, with how long the query took
    (run and read whole: what the person waited for)."""
    started = time.perf_counter()
    answer = _run(ctx, asked, query_names_dataset,
                  {"solutions": "json", "boolean": "json", "graph": "nt"}, HTML_ROWS,
                  citation.answering(ctx.published.snapshot()))
    milliseconds = (time.perf_counter() - started) * 1000
    spool, _ = answer.body
    with spool:
        body = spool.read()
    timing = {"kind": answer.kind, "milliseconds": round(milliseconds)}
    if answer.kind == "boolean":
        answered = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        return {**timing, "boolean": bool(answered)}
    names = results.Names(examples.prefixes(ctx.uris.base), asked.query)
    if answer.kind == "graph":
        columns = ["subject", "predicate", "object"]
        terms = [[t.subject, t.predicate, t.object]
                 for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    else:
        solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        columns = [variable.value for variable in solutions.variables]
        terms = [[solution[name] for name in columns] for solution in solutions]
    rows = [[results.cell(term, names, ctx.uris.base) for term in row] for row in terms]
    results.label(rows, ctx.published.snapshot().store, ctx.uris.base,
                  languages.page_language())
    return {**timing, "columns": columns, "rows": rows, "bars": results.chart(columns, rows),
            "truncated": answer.end[1], "limit": HTML_ROWS,
            "downloads": _downloads(asked, ("csv", "json"))}


def _downloads(asked: protocol.ProtocolRequest, formats: tuple[str, ...]) -> dict[str, str]:
    """Links to the whole result in ``formats``, each the permalink asking for it."""
    return {fmt: _permalink(asked) + "&" + urlencode({"format": fmt}) for fmt in formats}
