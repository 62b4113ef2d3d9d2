"""/sparql: the SPARQL 1.1 Protocol endpoint, its service description and the query
page for people.

Each query is checked (``sparql.guard``), evaluated in a query process that has no
network and is killed at the deadline (``sparql.pool``), and sent back whole in the
negotiated format. Browsers get the query page with the results as a table.
"""

from __future__ import annotations

import json
import tempfile
from contextlib import contextmanager
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.wsgi import wrap_file

from ...formats import DESCRIPTION_FORMATS, QUERY_RESULT_FORMATS, Format
from ...sparql import examples, guard, protocol, syntax
from ...sparql.evaluation import Job
from ...sparql.forward import Forwarded
from ...sparql.guard import QueryRefused
from ...sparql.pool import Answer, QueryFailed, QueryStopped
from ...sparql.service_description import service_description
from ..core import errors, languages
from ..core.languages import N_
from ..core.negotiation import negotiate

blueprint = Blueprint("sparql", __name__)

HTML_ROWS = 1000
"""Rows shown on the query page; the download links give the whole result."""
SPOOL_MEMORY_BYTES = 1 << 20
"""A result up to this size is held in memory until sent; a larger one in a
temporary file."""
CORS = {"Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "X-SPARQL-Row-Limit, X-SPARQL-Truncated"}


class Problem(errors.HTTPProblem):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        # Marked for the catalogues: an error page says its title in the page's language.
        self.title = {400: N_("Bad request"), 403: N_("Forbidden"),
                      405: N_("Method not allowed"), 406: N_("Not acceptable"),
                      413: N_("Query too large"), 415: N_("Unsupported media type"),
                      503: N_("Query stopped")}.get(status, N_("Error"))


@blueprint.after_request
def _cors(response: Response) -> Response:
    response.headers.update(CORS)
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint():
    ctx = current_app.extensions["ctlib"]
    limit = ctx.config.sparql_max_query_bytes
    if (request.content_length or 0) > 3 * limit:  # form encoding can triple a query
        raise Problem(413, f"the request body is {request.content_length:,} bytes; queries "
                           f"of up to {limit:,} bytes are accepted")
    try:
        asked = protocol.read(request.method, request.content_type, request.args,
                              request.form if request.mimetype == protocol.FORM else MultiDict(),
                              request.get_data() if request.mimetype == protocol.DIRECT else None)
        if asked.query is None:
            return _without_query(ctx, asked)
        keywords = guard.check(asked.query, limit)
        return _answer(ctx, asked, "FROM" in keywords)
    except QueryRefused as refused:
        raise Problem(refused.status, refused.message) from None


def _without_query(ctx, asked: protocol.ProtocolRequest):
    """The query page for browsers, the service description for everything else."""
    fmt = _chosen(asked, DESCRIPTION_FORMATS)
    if fmt is None:
        raise Problem(406, "the service description is available as "
                           + ", ".join(f.media_type for f in DESCRIPTION_FORMATS))
    if fmt.rdf_format is None:
        return _page(ctx, None, False)
    described = service_description(ctx.uris, ctx.config.title, ctx.published.snapshot().store)
    body = ox.serialize(described, format=fmt.rdf_format, prefixes=examples.prefixes(ctx.uris.base))
    return Response(body, 200, {"Content-Type": fmt.content_type, "Vary": "Accept"})


def _answer(ctx, asked: protocol.ProtocolRequest, query_names_dataset: bool):
    formats = {kind: _chosen(asked, offered) for kind, offered in QUERY_RESULT_FORMATS.items()}
    if all(fmt is not None and fmt.name == "html" for fmt in formats.values()):
        return _page(ctx, asked, query_names_dataset)
    answer = _run(ctx, asked, query_names_dataset, {kind: fmt.name if fmt else None
                                                    for kind, fmt in formats.items()},
                  ctx.config.sparql_max_rows)
    fmt = next(f for f in QUERY_RESULT_FORMATS[answer.kind] if f.name == answer.format_name)
    body, size = answer.body
    rows, truncated = answer.end
    headers = {"Content-Type": fmt.content_type, "Vary": "Accept", "Content-Length": str(size),
               "X-SPARQL-Row-Limit": str(ctx.config.sparql_max_rows)}
    if asked.formats:  # named in the URL: what the query page's downloads ask for
        headers["Content-Disposition"] = f'attachment; filename="results.{fmt.extension}"'
    if truncated:
        headers["X-SPARQL-Truncated"] = f"the result was cut after {rows:,} rows"
    return Response(wrap_file(request.environ, body), 200, headers, direct_passthrough=True)


class Whole:
    """A query's whole result, read from the query process as fast as it is written, so
    the process is free for the next query however slowly the client reads, and the
    headers can say how many rows there were before the body is sent."""

    def __init__(self, answer: Answer | Forwarded, timeout: float):
        self.kind, self.format_name = answer.kind, answer.format_name
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)
        try:
            with _problems(timeout):
                spool.write(answer.first)
                for chunk in answer.rest():
                    spool.write(chunk)
        except BaseException:
            spool.close()
            raise
        finally:
            answer.close()
        self.end: tuple[int, bool] = answer.end
        """(rows, truncated)"""
        self.body = spool, spool.tell()
        """The result (a file at its start) and its size in bytes."""
        spool.seek(0)


def _run(ctx, asked: protocol.ProtocolRequest, query_names_dataset: bool, formats: dict,
         max_rows: int) -> Whole:
    timeout = min(asked.timeout or ctx.config.sparql_timeout, ctx.config.sparql_timeout)
    snapshot = ctx.published.snapshot()
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


def _chosen(asked: protocol.ProtocolRequest, offered: tuple[Format, ...]) -> Format | None:
    """A ``format`` parameter naming one of ``offered`` wins over Accept. Clients send
    the same parameter whatever the kind of result (SPARQLWrapper sends ``xml`` for
    RDF/XML and for SPARQL XML alike), so one that names nothing here is passed over."""
    for word in asked.formats:
        found = next((f for f in offered if f.is_named(word)), None)
        if found is not None:
            return found
    return negotiate(request.headers.get("Accept"), offered)


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
        prologue=prologue, permalink=_permalink(asked), page_url=_permalink(asked),
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
    """The result as columns and rows of cells, for the page."""
    answer = _run(ctx, asked, query_names_dataset,
                  {"solutions": "json", "boolean": "json", "graph": "nt"}, HTML_ROWS)
    spool, _ = answer.body
    with spool:
        body = spool.read()
    rows_truncated = answer.end[1]
    if answer.kind == "graph":
        triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        columns = ["subject", "predicate", "object"]
        rows = [[_cell(ctx, t.subject), _cell(ctx, t.predicate), _cell(ctx, t.object)]
                for t in triples]
    else:
        data = json.loads(body)
        if "boolean" in data:
            return {"kind": answer.kind, "boolean": data["boolean"]}
        columns = data["head"]["vars"]
        rows = [[_json_cell(ctx, binding.get(name)) for name in columns]
                for binding in data["results"]["bindings"]]
    return {"kind": answer.kind, "columns": columns, "rows": rows,
            "truncated": rows_truncated, "limit": HTML_ROWS}


def _cell(ctx, term) -> dict:
    if isinstance(term, ox.NamedNode):
        return _iri_cell(ctx, term.value)
    if isinstance(term, ox.Literal):
        return {"text": term.value, "language": term.language,
                "datatype": None if term.language else _short(ctx, term.datatype.value)}
    return {"text": str(term)}


def _json_cell(ctx, value: dict | None) -> dict:
    if value is None:
        return {"text": ""}
    if value["type"] == "uri":
        return _iri_cell(ctx, value["value"])
    if value["type"] == "literal":
        datatype = value.get("datatype")
        return {"text": value["value"], "language": value.get("xml:lang"),
                "datatype": _short(ctx, datatype) if datatype else None}
    return {"text": f"_:{value['value']}" if value["type"] == "bnode" else str(value["value"])}


def _iri_cell(ctx, iri: str) -> dict:
    """Our resources link to their pages here; other web IRIs are linked as they are, and
    nothing else is (a query can make up a javascript: IRI)."""
    if iri.startswith(ctx.uris.base):
        href = "/" + iri[len(ctx.uris.base):]
    else:
        href = iri if iri.startswith(("http://", "https://")) else None
    return {"text": _short(ctx, iri), "href": href, "title": iri}


def _short(ctx, iri: str) -> str:
    for name, namespace in examples.prefixes(ctx.uris.base).items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{name}:{iri[len(namespace):]}"
    return iri
