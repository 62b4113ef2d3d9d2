"""The catalogue on any SPARQL 1.1 server: Query and Update protocols, Graph Store
HTTP protocol, nothing specific to one product.

Every generation is loaded into fresh named graphs (``{base}graph/generation/{id}/{n}``),
each standing for one graph of the catalogue (records, meta, a vocabulary, a loaded
graph). The bookkeeping graph ``{base}graph/generations`` says which stored graph
stands for which, and which generation is published::

    <{base}graph/generations> :published <{base}graph/generation/{id}> .
    <{base}graph/generation/{id}> :graph <{base}graph/generation/{id}/1> .
    <{base}graph/generation/{id}/1> :name <{base}graph/records> ; :sha256 "..." .

A generation is described first, then uploaded graph by graph, and published by one
small update that replaces the ``:published`` triple: stores without transactions
across requests still never show a half-loaded catalogue. A graph with the same
content as in the published generation is not uploaded again; the new generation
names the stored graph it already has, and it is dropped with the last generation
that names it. Readers name the published
generation's graphs as the dataset of every query (``default-graph-uri``,
``named-graph-uri``), and see the catalogue's graph names, never the stored ones.
"""

from __future__ import annotations

import hashlib
import itertools
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator
from urllib.parse import urljoin

import pyoxigraph as ox
import requests
from requests.adapters import HTTPAdapter
from requests.auth import HTTPDigestAuth
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from ..rdf.namespaces import PREFIXES
from ..rdf.sparql_words import keywords

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
UPLOAD_LINES = 200_000
"""Triples per request when a graph is uploaded. Oxigraph server applies each request
as one transaction, and a big one is slow: the 1.29M triples of 100k records took
129 s as one PUT and 38.5 s in parts of 200,000 (52.1 s in parts of 50,000)."""
RETRIES = 4
"""Attempts after a failed connection, waiting 0.25, 0.5, 1, 2 s between them."""


class StoreUnavailable(RuntimeError):
    """The store's server cannot be reached or refused a request; the message names it."""


class StoreTimeout(StoreUnavailable):
    """The store did not answer in time."""


class StoreRefused(StoreUnavailable):
    """The store answered 4xx: the request (a query sent on to it) was at fault."""

    def __init__(self, message: str, answer: str):
        super().__init__(message)
        self.answer = answer


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    data: str
    """The Graph Store HTTP Protocol endpoint (``?graph=`` is added)."""
    user: str = ""
    password: str = ""
    auth: str = "basic"
    """The HTTP authentication scheme: ``basic`` or ``digest``."""

    @classmethod
    def from_config(cls, config) -> "Endpoints":
        """Oxigraph server's paths below ``CTLIB_STORE`` unless given one by one."""
        root = config.store.rstrip("/") + "/"
        return cls(config.store_query_url or urljoin(root, "query"),
                   config.store_update_url or urljoin(root, "update"),
                   config.store_data_url or urljoin(root, "store"),
                   config.store_user, config.store_password, config.store_auth)


class Client:
    """HTTP to the store: pooled connections, retries with backoff when a connection
    cannot be made (never when a request may have reached the server), and errors that
    name the server."""

    def __init__(self, endpoints: Endpoints, timeout: float):
        self.endpoints = endpoints
        self.timeout = timeout
        self.session = self._session(Retry(total=RETRIES, connect=RETRIES, read=0, status=0,
                                           other=0, backoff_factor=0.25, allowed_methods=None))
        self.once = self._session(Retry(total=0, connect=0, read=0, status=0, other=0))
        """For a request with a deadline of its own (a /sparql query): no retry carries it
        past the deadline (a busy Virtuoso leaves new connections waiting for seconds)."""

    def _session(self, retry: Retry) -> requests.Session:
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32, max_retries=retry)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        if self.endpoints.user and self.endpoints.auth == "digest":
            session.auth = HTTPDigestAuth(self.endpoints.user, self.endpoints.password)
        elif self.endpoints.user:
            session.auth = (self.endpoints.user, self.endpoints.password)
        return session

    def query(self, query: str, default_graphs: Iterable[str] = (),
              named_graphs: Iterable[str] = (), timeout: float | None = None):
        """Solutions, a boolean, or an iterator of triples, read as they arrive."""
        response = self._send("POST", self.endpoints.query, timeout, stream=True,
                              data=[("query", query),
                                    *(("default-graph-uri", g) for g in default_graphs),
                                    *(("named-graph-uri", g) for g in named_graphs)],
                              headers={"Accept": _accepted(query),
                                       "Accept-Encoding": "identity"})
        kind = response.headers.get("Content-Type", "").split(";")[0].strip()
        if kind == RESULTS_JSON:
            return ox.parse_query_results(response.raw, ox.QueryResultsFormat.JSON)
        if kind == N_TRIPLES:
            return ox.parse(response.raw, ox.RdfFormat.N_TRIPLES)
        response.close()
        raise StoreUnavailable(f"the SPARQL store at {self.endpoints.query} answered a query "
                               f"with {kind or 'no content type'}, not SPARQL JSON results "
                               "or N-Triples")

    def update(self, update: str) -> None:
        self._send("POST", self.endpoints.update, None, data={"update": update}).close()

    def put_graph(self, graph: str, ntriples: BinaryIO, lines: int = UPLOAD_LINES) -> None:
        """Replace ``graph`` with the N-Triples read from ``ntriples``: the first ``lines``
        by PUT, each further ``lines`` added by POST (a triple is one line)."""
        method, part = "PUT", b"".join(itertools.islice(ntriples, lines))
        while method == "PUT" or part:
            self._send(method, self.endpoints.data, None, params={"graph": graph},
                       data=part, headers={"Content-Type": N_TRIPLES}).close()
            method, part = "POST", b"".join(itertools.islice(ntriples, lines))

    def _send(self, method: str, url: str, timeout: float | None, **arguments):
        seconds = timeout or self.timeout
        try:
            session = self.session if timeout is None else self.once
            response = session.request(method, url, timeout=(min(seconds, 10), seconds),
                                       **arguments)
        except requests.RequestException as error:
            if _timed_out(error):
                raise StoreTimeout(f"the SPARQL store at {url} did not answer within "
                                   f"{seconds:g} s") from error
            raise StoreUnavailable(f"the SPARQL store at {url} cannot be reached "
                                   f"({_reason(error)})") from error
        if response.status_code >= 400:
            text = response.text[:500].strip()
            response.close()
            message = f"the SPARQL store at {url} answered {method} with " \
                      f"{response.status_code}: {text}"
            if response.status_code < 500:
                raise StoreRefused(message, text)
            raise StoreUnavailable(message)
        return response


def _timed_out(error: requests.RequestException) -> bool:
    """A timeout, also when it comes wrapped as a failed retry."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(error, requests.Timeout) or isinstance(reason, ReadTimeoutError)


def _accepted(query: str) -> str:
    """The one format to ask for, by the query's form: offered both, a store may answer
    a CONSTRUCT or DESCRIBE in a results format (Virtuoso does, in a JSON of its own)."""
    form = next((word for word in keywords(query) if word not in ("BASE", "PREFIX")), "")
    return N_TRIPLES if form in ("CONSTRUCT", "DESCRIBE") else RESULTS_JSON


def _reason(error: Exception) -> str:
    while error.__context__ is not None and not str(error):
        error = error.__context__
    text = str(error)
    return text.rsplit(": ", 1)[-1].rstrip("')\"") if "Max retries" in text else text


class Generations:
    """The bookkeeping of generations in the store, and publishing one."""

    def __init__(self, client: Client, base: str):
        self.client = client
        self.book = f"{base}graph/generations"
        self.generation_prefix = f"{base}graph/generation/"
        self.published_term = f"<{self.book}#published>"
        self.graph_term = f"<{self.book}#graph>"
        self.name_term = f"<{self.book}#name>"
        self.digest_term = f"<{self.book}#sha256>"
        """Of a stored graph's N-Triples as ctlib dumped them: an unchanged graph is
        recognised and not uploaded again."""
        self.nowhere = f"{base}graph/none"

    def reader(self, generation: str) -> "RemoteGraphs":
        """What the store holds of ``generation``, read as the catalogue's graphs."""
        return RemoteGraphs(self.client, self.graphs(generation), self.nowhere)

    def published(self) -> str | None:
        """The published generation's id, or None before the first publication."""
        rows = self.client.query(
            f"SELECT ?g WHERE {{ <{self.book}> {self.published_term} ?g }}",
            default_graphs=[self.book])
        for row in rows:
            return row["g"].value[len(self.generation_prefix):]
        return None

    def graphs(self, generation: str) -> dict[str, str]:
        """Stored graph -> the catalogue's name for it."""
        rows = self.client.query(
            f"SELECT ?stored ?name WHERE {{ <{self._node(generation)}> {self.graph_term} "
            f"?stored . ?stored {self.name_term} ?name }}", default_graphs=[self.book])
        return {row["stored"].value: row["name"].value for row in rows}

    def known(self) -> list[str]:
        """Every generation described in the store, published or not, oldest first."""
        rows = self.client.query(
            f"SELECT DISTINCT ?g WHERE {{ ?g {self.graph_term} ?stored }}",
            default_graphs=[self.book])
        return sorted(row["g"].value[len(self.generation_prefix):] for row in rows)

    def publish(self, generation: str, store: ox.Store) -> None:
        """Upload every named graph of ``store`` as ``generation`` and publish it. A graph
        whose content the published generation already holds is not uploaded again:
        both generations name the same stored graph (an unchanged re-ingest uploads
        nothing)."""
        node = self._node(generation)
        reusable = self._digests(self.published())
        with tempfile.TemporaryDirectory(prefix="ctlib-upload-") as directory:
            dumps = _dumped(store, Path(directory))
            stored, uploads = {}, []
            for n, (name, (path, digest)) in enumerate(sorted(dumps.items()), 1):
                found = reusable.get((name, digest))
                if found is None:
                    found = f"{node}/{n}"
                    uploads.append((found, path))
                stored[found] = (name, digest)
            self._describe(node, stored, {graph for graph, _ in uploads})
            for graph, path in uploads:
                with open(path, "rb") as data:
                    self.client.put_graph(graph, data)
        # Insert, then delete the others: no OPTIONAL in a WHERE clause (Virtuoso finds
        # no solution for an OPTIONAL that matches nothing, and so would insert nothing
        # the first time); a store that commits the two operations apart shows two
        # complete generations for a moment, never none.
        self.client.update(
            f"INSERT DATA {{ GRAPH <{self.book}> {{ <{self.book}> {self.published_term} "
            f"<{node}> }} }} ;\n"
            f"DELETE {{ GRAPH <{self.book}> {{ <{self.book}> {self.published_term} ?old }} }} "
            f"WHERE {{ GRAPH <{self.book}> {{ <{self.book}> {self.published_term} ?old }} "
            f"FILTER (?old != <{node}>) }}")

    def drop(self, generation: str) -> None:
        """Remove a generation's description and the graphs no other generation names
        (never the published generation)."""
        if generation == self.published():
            return
        node = self._node(generation)
        rows = self.client.query(
            f"SELECT ?stored WHERE {{ <{node}> {self.graph_term} ?stored "
            f"FILTER NOT EXISTS {{ ?other {self.graph_term} ?stored FILTER (?other != <{node}>) }} }}",
            default_graphs=[self.book])
        alone = [row["stored"].value for row in rows]
        drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in alone)
        details = "".join(f"DELETE WHERE {{ GRAPH <{self.book}> {{ <{g}> ?p ?o }} }} ;\n"
                          for g in alone)
        self.client.update(f"{drops}{details}DELETE WHERE {{ GRAPH <{self.book}> "
                           f"{{ <{node}> {self.graph_term} ?s }} }}")

    def _digests(self, generation: str | None) -> dict[tuple[str, str], str]:
        """(name, digest) -> stored graph, for the graphs of ``generation``."""
        if generation is None:
            return {}
        rows = self.client.query(
            f"SELECT ?stored ?name ?digest WHERE {{ <{self._node(generation)}> "
            f"{self.graph_term} ?stored . ?stored {self.name_term} ?name ; "
            f"{self.digest_term} ?digest }}", default_graphs=[self.book])
        return {(row["name"].value, row["digest"].value): row["stored"].value for row in rows}

    def _describe(self, node: str, stored: dict[str, tuple[str, str]], new: set[str]) -> None:
        triples = [f"<{node}> {self.graph_term} <{graph}> ." for graph in stored]
        triples += [f'<{graph}> {self.name_term} <{name}> ; {self.digest_term} "{digest}" .'
                    for graph, (name, digest) in stored.items() if graph in new]
        self.client.update(f"INSERT DATA {{ GRAPH <{self.book}> {{\n" + "\n".join(triples)
                           + "\n} }")

    def _node(self, generation: str) -> str:
        return self.generation_prefix + generation


class RemoteGraphs:
    """One generation of a remote store, read as the web layer and the CLI read an
    Oxigraph store (the methods of ``pyoxigraph.Store`` they use, same results)."""

    def __init__(self, client: Client, graphs: dict[str, str], nowhere: str):
        self.client = client
        self.stored = graphs
        """Stored graph -> the catalogue's name for it."""
        self.by_name = {name: stored for stored, name in graphs.items()}
        self.nowhere = nowhere
        """A graph name of ours that is never stored: what a graph the catalogue does not
        have is queried as, so the dataset of a query never names an outside URL (some
        stores would fetch it)."""

    def query(self, query: str, *, use_default_graph_as_union: bool = False,
              base_iri: str | None = None, prefixes: dict[str, str] | None = None,
              default_graph=None, named_graphs=None, timeout: float | None = None):
        prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in (prefixes or {}).items())
        if base_iri:
            prologue = f"BASE <{base_iri}>\n" + prologue
        defaults = list(self.stored) if use_default_graph_as_union else \
            self.stored_names(default_graph or ())
        named = self.stored_names(named_graphs) if named_graphs is not None else list(self.stored)
        return self.client.query(prologue + query, defaults or [self.nowhere],
                                 named or [self.nowhere], timeout)

    def stored_names(self, graphs: Iterable) -> list[str]:
        """The stored names of graphs of the catalogue."""
        return [self.by_name.get(_value(g), self.nowhere) for g in graphs]

    def quads_for_pattern(self, subject, predicate, object, graph_name=None) -> Iterator[ox.Quad]:
        terms = [(term, f"?{name}") for term, name in
                 ((subject, "s"), (predicate, "p"), (object, "o"))]
        pattern = " ".join(str(term) if term is not None else variable for term, variable in terms)
        named = [graph_name] if graph_name is not None else None
        rows = self.query(f"SELECT * WHERE {{ GRAPH ?g {{ {pattern} }} }}", named_graphs=named)
        for row in rows:
            s, p, o = (term if term is not None else row[variable[1:]] for term, variable in terms)
            yield ox.Quad(s, p, o, ox.NamedNode(self.stored[row["g"].value]))

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return (ox.NamedNode(name) for name in sorted(self.by_name))

    def dump(self, output: BinaryIO, format: ox.RdfFormat, *, from_graph=None,
             prefixes: dict[str, str] | None = None) -> None:
        """Every quad (or one graph's triples), as Oxigraph's ``Store.dump`` writes them."""
        if from_graph is not None:
            triples = self.query("CONSTRUCT WHERE { ?s ?p ?o }", default_graph=[from_graph])
            ox.serialize(triples, output, format, prefixes=prefixes)
            return
        ox.serialize(self._quads(), output, format, prefixes=prefixes or PREFIXES)

    def _quads(self) -> Iterator[ox.Quad]:
        for name in sorted(self.by_name):
            graph = ox.NamedNode(name)
            for triple in self.query("CONSTRUCT WHERE { ?s ?p ?o }", default_graph=[graph]):
                yield ox.Quad(triple.subject, triple.predicate, triple.object, graph)


def _dumped(store: ox.Store, directory: Path) -> dict[str, tuple[Path, str]]:
    """Each named graph of ``store`` as an N-Triples file, with its SHA-256."""
    dumps = {}
    for n, graph in enumerate(g for g in store.named_graphs() if isinstance(g, ox.NamedNode)):
        path = directory / f"{n}.nt"
        with open(path, "wb") as out:
            store.dump(out, ox.RdfFormat.N_TRIPLES, from_graph=graph)
        with open(path, "rb") as data:
            dumps[graph.value] = (path, hashlib.file_digest(data, "sha256").hexdigest())
    return dumps


def _value(graph) -> str:
    return graph.value if isinstance(graph, ox.NamedNode) else str(graph)
