"""/sparql on a remote store: the query is sent to the store with the published
generation's graphs as its dataset, and the answer written as the embedded store's
would be (same formats, row limit, graph names of the catalogue).

The store evaluates, so no query process is needed: the deadline is the HTTP read
timeout, and the dataset of every query is named in the request. A FROM or FROM NAMED
clause becomes a protocol parameter naming the stored graph (or a graph that does not
exist), never an outside URL a store might fetch; SERVICE never reaches here
(``guard``).
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Iterator

import pyoxigraph as ox

from ..rdf.sparql_words import TOKENS
from ..store.remote import RemoteGraphs, StoreRefused, StoreTimeout, StoreUnavailable
from . import syntax
from .evaluation import Job, send
from .pool import QueryFailed, QueryStopped
from .results import Solutions


class Forwarded:
    """An answer shaped as the query pool's: ``first`` at once, ``rest()`` streamed, ``end``
    once known. A thread asks the store and writes its answer (pyoxigraph's parsed
    results are used by the thread that made them, never handed over)."""

    def __init__(self, graphs: RemoteGraphs, job: Job, timeout: float):
        self.deadline = time.monotonic() + timeout
        self.messages = _Messages()
        threading.Thread(target=self._answer, args=(graphs, job, timeout), daemon=True,
                         name="sparql forward").start()
        message = self._next()
        _raise_for(message)
        _, self.kind, self.format_name, self.first, self.end = message

    def rest(self) -> Iterator[bytes]:
        while self.end is None:
            message = self._next()
            if message[0] == "data":
                yield message[1]
            elif message[0] == "end":
                self.end = (message[1], message[2])
            else:
                _raise_for(message)

    def close(self) -> None:
        self.messages.cancelled.set()

    def _answer(self, graphs: RemoteGraphs, job: Job, timeout: float) -> None:
        query, defaults, named = _dataset(job, graphs)
        try:
            result = graphs.client.query(_prologue(job) + query, defaults, named, timeout)
            send(_Named(graphs.stored).result(result), job, self.messages)
        except _Cancelled:
            pass
        except StoreTimeout as error:  # its read timeout and our deadline are one instant
            self.messages.send(("stopped", f"the query ran out of time ({error})"))
        except StoreRefused as error:
            self.messages.send(("error", 400, _refused(job, error)))
        except (StoreUnavailable, SyntaxError, OSError) as error:
            self.messages.send(("error", 502, f"the SPARQL store failed: {error}"))

    def _next(self):
        try:
            return self.messages.queue.get(timeout=max(0.0, self.deadline - time.monotonic()))
        except queue.Empty:
            self.close()
            raise QueryStopped("the query ran out of time") from None


def _refused(job: Job, error: StoreRefused) -> str:
    """The store's refusal. A query that does not parse is said as the embedded store says
    it, at its place in the query as written (the store saw it after our prologue):
    parsing it here costs nothing, as an empty store has nothing to evaluate."""
    try:
        ox.Store().query(job.query, base_iri=job.base_iri, prefixes=job.prefixes)
    except SyntaxError as syntax_error:
        return syntax.refusal(syntax_error)
    except (OSError, RuntimeError, ValueError):
        pass
    return f"the query is not valid SPARQL 1.1, or the store cannot run it: {error.answer}"


def _raise_for(message) -> None:
    """A failure the answering thread sent, raised as the query pool raises it."""
    if message[0] == "stopped":
        raise QueryStopped(message[1])
    if message[0] == "error":
        raise QueryFailed(message[1], message[2])


class _Cancelled(Exception):
    """The client went away or the deadline passed: stop reading the store's answer."""


class _Messages:
    """What ``evaluation.send`` writes to: a short queue the web thread reads."""

    def __init__(self):
        self.queue: queue.Queue = queue.Queue(maxsize=8)
        self.cancelled = threading.Event()

    def send(self, message) -> None:
        while not self.cancelled.is_set():
            try:
                self.queue.put(message, timeout=0.1)
                return
            except queue.Full:
                continue
        raise _Cancelled


def _prologue(job: Job) -> str:
    return f"BASE <{job.base_iri}>\n" + "".join(f"PREFIX {name}: <{iri}>\n"
                                                for name, iri in job.prefixes.items())


def _dataset(job: Job, graphs: RemoteGraphs) -> tuple[str, list[str], list[str]]:
    """The query to send and its default and named graphs, by their stored names.

    ``GRAPH <name>`` names the stored graph when the named graphs hold it; any other
    ``GRAPH <iri>`` names ``graphs.nowhere`` (never stored), which is then one of the
    named graphs: the pattern matches nothing on every store. (Virtuoso answers an ASK
    or a COUNT over a graph outside the named graphs as if the pattern matched once.)"""
    _, from_defaults, from_named = _rewritten(job.query, job.prefixes, {})
    if job.dataset_given:
        defaults, named = job.default_graphs, job.named_graphs
    elif job.query_names_dataset:
        defaults, named = from_defaults, from_named
    else:
        defaults = named = list(graphs.by_name)
    defaults = graphs.stored_names(defaults) or [graphs.nowhere]
    named = graphs.stored_names(named) or [graphs.nowhere]
    visible = {name: stored for name, stored in graphs.by_name.items() if stored in named}
    query, _, _ = _rewritten(job.query, job.prefixes, visible, graphs.nowhere)
    if f"<{graphs.nowhere}>" in query and graphs.nowhere not in named:
        named.append(graphs.nowhere)
    return query, defaults, named


def _rewritten(query: str, prefixes: dict[str, str], stored: dict[str, str],
               elsewhere: str = "") -> tuple[str, list[str], list[str]]:
    """The query less its FROM and FROM NAMED clauses, with ``GRAPH <name>`` naming the
    stored graph (or ``elsewhere``, when given, for a name ``stored`` does not hold);
    and the graphs the FROM clauses named. (A graph name reaching GRAPH through a
    variable is not renamed: the dataset already holds only the catalogue.)"""
    declared = dict(prefixes)
    tokens = [t for t in TOKENS.finditer(query) if not t.group().isspace()
              and not t.group().startswith("#")]
    defaults: list[str] = []
    named: list[str] = []
    kept, position, i = [], 0, 0
    while i < len(tokens):
        word = (tokens[i].group("word") or "").upper()
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if word == "PREFIX" and i + 2 < len(tokens):
            declared[following.group()[:-1]] = tokens[i + 2].group()[1:-1]
        elif word == "FROM" and following is not None:
            j = i + 1 + ((following.group("word") or "").upper() == "NAMED")
            if j < len(tokens):
                (named if j > i + 1 else defaults).append(_iri(tokens[j].group(), declared))
                kept.append(query[position:tokens[i].start()])
                position, i = tokens[j].end(), j
        elif word == "GRAPH" and following is not None and _names(following.group()):
            name = stored.get(_iri(following.group(), declared)) or elsewhere
            if name:
                kept.append(query[position:following.start()] + f"<{name}>")
                position, i = following.end(), i + 1
        i += 1
    kept.append(query[position:])
    return "".join(kept), defaults, named


def _names(token: str) -> bool:
    """An IRI or a prefixed name (not a variable, not a group)."""
    return token.startswith("<") or (":" in token and not token.startswith(("?", "$", '"', "'")))


def _iri(token: str, declared: dict[str, str]) -> str:
    if token.startswith("<"):
        return token[1:-1]
    prefix, _, local = token.partition(":")
    return declared.get(prefix, "") + local


class _Named:
    """Results with the stored graph names replaced by the catalogue's."""

    def __init__(self, stored: dict[str, str]):
        self.names = {stored_name: ox.NamedNode(name) for stored_name, name in stored.items()}

    def result(self, result):
        if isinstance(result, ox.QueryBoolean):
            return result
        if isinstance(result, ox.QuerySolutions):
            return Solutions(result.variables, self._rows(result))
        return self._triples(result)

    def _rows(self, solutions) -> Iterator[list]:
        for solution in solutions:
            yield [self._term(value) for value in solution]

    def _triples(self, triples) -> Iterator[ox.Triple]:
        for triple in triples:
            yield ox.Triple(self._term(triple.subject), triple.predicate,
                            self._term(triple.object))

    def _term(self, term):
        if type(term) is ox.NamedNode:
            return self.names.get(term.value, term)
        return term
