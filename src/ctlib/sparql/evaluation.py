"""What runs inside a query process: evaluate one job, stream its output back.

Messages to the web process, in order:
``("head", kind, format_name, first_bytes, end)``, then ``("data", bytes)`` as
often as needed and ``("end", rows, truncated)``, unless ``end`` came with the head
(a result small enough to send at once); ``("error", status, message)`` at any point.
"""

from __future__ import annotations

import os
import re
import resource
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..formats import query_result_format
from . import syntax
from .lifeline import die_with_parent
from .results import kind as result_kind
from .results import write
from .sandbox import forbid_network

FIRST_BYTES = 1 << 20
"""Held back before the first message: a result that fits is sent with its row count
and truncation known, so the response headers can say so."""
CHUNK_BYTES = 1 << 16
OVERTIME_SECONDS = 2
"""The web worker kills a query process at the query's deadline; the process ends
itself this much later, should the worker be stopped or gone."""


@dataclass(frozen=True)
class Job:
    store_path: str
    query: str
    base_iri: str
    formats: dict[str, str | None]
    """The format negotiated for each kind of result (boolean, solutions, graph);
    None where the client accepts none of ours."""
    max_rows: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    dataset_given: bool = False
    query_names_dataset: bool = False
    """The query has FROM or FROM NAMED clauses."""
    prefixes: dict[str, str] = field(default_factory=dict)
    """Declared for every query: a query may use them without PREFIX lines."""


STACK_PER_QUERY_BYTE = 4096
"""Stack to evaluate a query with, per byte of the longest query accepted. Parsing and
planning recurse once per level of a query's structure, and two bytes can make a level
that bracket counting (``guard``) does not see: ``1+1+…``, ``( 1 1 … )``, ``OPTIONAL``
after ``OPTIONAL``. With a process's usual 8 MiB, a 20 KB query of them killed the
process. Measured with pyoxigraph 0.5: nested groups need the most, 3.8 KiB a level of
two bytes; a chain of ``+`` 1.2 KiB a level of two bytes: 4 KiB a byte leaves twice
what any shape needed."""


def stack_bytes(max_query_bytes: int, memory_bytes: int) -> int:
    """The stack of the thread that evaluates: enough for the longest query accepted,
    at most a quarter of the process's memory."""
    wanted = max(max_query_bytes * STACK_PER_QUERY_BYTE, 8 << 20)
    return min(wanted, memory_bytes // 4) // 4096 * 4096


def main(conn, memory_bytes: int, stack: int) -> None:
    """The query process: no network, bounded memory, lower priority than the web
    process, one job at a time until the web process goes away. It receives each job
    with the seconds it may take, and evaluates it in a thread with a ``stack`` of that
    many bytes."""
    die_with_parent()
    forbid_network()
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    os.nice(5)
    # SIGALRM's default action ends the process, even in the middle of evaluation
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    threading.stack_size(stack)
    evaluating = threading.Thread(target=_serve, args=(conn,), name="ctlib-query")
    evaluating.start()
    evaluating.join()


def _serve(conn) -> None:
    stores: dict[str, ox.Store] = {}
    while True:
        try:
            job, seconds = conn.recv()
        except (EOFError, OSError):
            return
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 0) + OVERTIME_SECONDS)
        run(job, conn, stores)
        signal.setitimer(signal.ITIMER_REAL, 0)


def run(job: Job, conn, stores: dict[str, ox.Store]) -> None:
    try:
        result = _query(_open(job.store_path, stores), job)
    except SyntaxError as error:
        conn.send(("error", 400, syntax.refusal(error)))
        return
    except (OSError, ValueError, RuntimeError) as error:
        conn.send(("error", 400, f"the query cannot be run: {error}"))
        return
    send(result, job, conn)


_UNKNOWN_FUNCTION = re.compile(r"The custom function <([^>]*)> is not supported")


def _query(store: ox.Store, job: Job):
    """The result of ``job``'s query. A call of a function the engine does not know is
    valid SPARQL, and an evaluation error like any other (SPARQL 1.1: a FILTER on an error
    is false, section 17.2; a BIND of one leaves its variable unbound, 18.5, Extend).
    pyoxigraph refuses the whole query instead, naming one such function at a time,
    before it evaluates anything: each one it names is declared as a function whose
    every call is an error, and the query asked again."""
    unknown: dict[ox.NamedNode, Callable] = {}
    while True:
        try:
            return store.query(job.query, base_iri=job.base_iri, prefixes=job.prefixes,
                               custom_functions=unknown, **_dataset(job))
        except RuntimeError as error:
            named = _UNKNOWN_FUNCTION.fullmatch(str(error))
            if named is None or ox.NamedNode(named.group(1)) in unknown:
                raise
            unknown[ox.NamedNode(named.group(1))] = _error


def _error(*arguments) -> None:
    """A function call that is an evaluation error: pyoxigraph takes None as one."""
    return None


def send(result, job: Job, conn) -> None:
    """A query's result, in the format negotiated for its kind, as messages to ``conn``."""
    kind = result_kind(result)
    name = job.formats.get(kind)
    if name is None:
        conn.send(("error", 406, f"none of the formats this client accepts can carry {kind} "
                                 "results"))
        return
    out = _Sender(conn, kind, name)
    try:
        written = write(result, query_result_format(kind, name), out, job.max_rows)
    except (OSError, ValueError, RuntimeError) as error:
        out.fail(f"evaluation failed: {error}")
        return
    out.finish(written.rows, written.truncated)


def _open(path: str, stores: dict[str, ox.Store]) -> ox.Store:
    if path not in stores:
        stores.clear()  # the generation changed: the old one is not asked for again
        stores[path] = ox.Store.read_only(path)
    return stores[path]


def _dataset(job: Job) -> dict:
    """The protocol's default-graph-uri and named-graph-uri win (Protocol 2.1.4); then
    the query's own FROM and FROM NAMED; without either, the default graph is the union
    of all graphs."""
    if job.dataset_given:
        return {"default_graph": [ox.NamedNode(g) for g in job.default_graphs],
                "named_graphs": [ox.NamedNode(g) for g in job.named_graphs]}
    return {} if job.query_names_dataset else {"use_default_graph_as_union": True}


class _Sender:
    """A binary writer that sends what it is given in chunks, the first held back."""

    def __init__(self, conn, kind: str, name: str):
        self.conn = conn
        self.kind, self.name = kind, name
        self.buffer = bytearray()
        self.started = False

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= (CHUNK_BYTES if self.started else FIRST_BYTES):
            self._flush()
        return len(data)

    def flush(self) -> None:
        """pyoxigraph flushes its writer; chunks are sent by size, not on request."""

    def _flush(self, end=None) -> None:
        data, self.buffer = bytes(self.buffer), bytearray()
        if not self.started:
            self.conn.send(("head", self.kind, self.name, data, end))
            self.started = True
        elif data:
            self.conn.send(("data", data))

    def finish(self, rows: int, truncated: bool) -> None:
        if self.started:
            self._flush()
            self.conn.send(("end", rows, truncated))
        else:
            self._flush((rows, truncated))

    def fail(self, message: str) -> None:
        self.conn.send(("error", 500, message))
