"""A SPARQL 1.1 Protocol request, read from an HTTP request (section 2.1 of the
Protocol): query by GET, by form POST or as the body of an application/sparql-query
POST; the dataset from default-graph-uri and named-graph-uri; updates refused."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from .guard import QueryRefused

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = ("this endpoint is read-only: SPARQL Update requests are refused; "
             "send queries (SELECT, CONSTRUCT, DESCRIBE, ASK)")


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None
    """None: no query was sent (a GET of the endpoint itself)."""
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    timeout: float | None
    formats: tuple[str, ...]
    """The ``format`` parameters, if any: format names or media types."""

    @property
    def dataset_given(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def read(method: str, content_type: str | None, args: MultiDict, form: MultiDict,
         body: bytes | None) -> ProtocolRequest:
    """``body`` is only read for application/sparql-query POSTs."""
    if method == "GET":
        return _from_parameters(args, None)
    if method != "POST":
        raise QueryRefused(405, f"{method} is not a SPARQL Protocol method; use GET or POST")
    media = (content_type or "").split(";")[0].strip().lower()
    if media == FORM:
        return _from_parameters(args, form)
    if media == DIRECT:
        if "query" in args or "update" in args:
            raise QueryRefused(400, "an application/sparql-query POST carries the query in "
                                    "its body, not in a 'query' parameter")
        try:
            query = (body or b"").decode("utf-8")
        except UnicodeDecodeError as error:
            raise QueryRefused(400, f"the query is not UTF-8: byte {error.start} cannot be "
                                    "decoded") from None
        return _request(query, args)
    if media == UPDATE:
        raise QueryRefused(403, READ_ONLY)
    if not media:
        raise QueryRefused(400, f"a POST needs a Content-Type: {FORM} or {DIRECT}")
    raise QueryRefused(415, f"cannot read a POST of {media}; send {FORM} or {DIRECT}")


def _from_parameters(args: MultiDict, form: MultiDict | None) -> ProtocolRequest:
    """GET parameters, or a form POST's (where graph URIs may also be in the URL)."""
    source = form if form is not None else args
    if "update" in source or "update" in args:
        raise QueryRefused(403, READ_ONLY)
    queries = source.getlist("query")
    if len(queries) > 1:
        raise QueryRefused(400, f"{len(queries)} 'query' parameters; send exactly one")
    if form is not None and "query" in args:
        raise QueryRefused(400, "a form POST carries the query in its body, not in the URL")
    merged = MultiDict(args)
    if form is not None:
        for key, value in form.items(multi=True):
            if key != "query":
                merged.add(key, value)
    return _request(queries[0] if queries else None, merged)


def _request(query: str | None, parameters: MultiDict) -> ProtocolRequest:
    return ProtocolRequest(
        query=query,
        default_graphs=tuple(parameters.getlist("default-graph-uri")),
        named_graphs=tuple(parameters.getlist("named-graph-uri")),
        timeout=_timeout(parameters.get("timeout")),
        formats=tuple(parameters.getlist("format")),
    )


def _timeout(value: str | None) -> float | None:
    if value is None or value == "":
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise QueryRefused(400, f"timeout={value!r} is not a number of seconds") from None
    if not seconds > 0:
        raise QueryRefused(400, f"timeout={value!r}: give a positive number of seconds")
    return seconds
