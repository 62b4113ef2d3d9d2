#!/usr/bin/env python3
"""SPARQL benchmark: ctlib's /sparql against Oxigraph server and rdflib-endpoint.

    bench/sparql.py [--records N] [--runs R] [--timeout S] [--rdflib-records M] [--json FILE]
                    [--servers ctlib,oxigraph] [--examples-only]

1. Generate a catalogue of N records (bench/generate.py, seed 0; reused from
   bench/out/catalogues/) and ingest it with the real CLI (`ctlib ingest -q`) into
   a CTLIB_DATA_DIR with CTLIB_BASE_URI=http://localhost:8080/; export it with
   `ctlib export --format nq` (every published quad, named graphs kept) and load
   that file into a new Oxigraph store with `oxigraph load` (one bulk load: a
   compact store). --oxigraph-store copy serves a copy of ctlib's own store
   directory instead (written by several bulk loads during ingest and never
   compacted): then only the servers differ, not the stores.
2. Start the three servers on that data, each in its own process group:
     ctlib            `ctlib serve --workers 1` (gunicorn; /sparql evaluates in
                      query processes with pyoxigraph, union default graph), with
                      CTLIB_SPARQL_TIMEOUT=--timeout and CTLIB_SPARQL_MAX_ROWS=--max-rows
                      so that it does the same work as the others
     Oxigraph         `oxigraph serve-read-only --union-default-graph --timeout-s S`
                      (PyPI `oxigraph`; --union-default-graph is its documented
                      switch to query all graphs when a query names none)
     rdflib-endpoint  rdflib-endpoint's SparqlEndpoint (FastAPI, under uvicorn) over an
                      rdflib Dataset(default_union=True) that parsed the same N-Quads:
                      what `rdflib-endpoint serve FILE` does, except that the data is
                      loaded once by a parent process that forks the server, so that a
                      query still running after --timeout is ended by killing the
                      forked server (rdflib cannot stop a query) and a fresh one is
                      forked from the loaded data in a moment instead of parsing again.
   --rdflib-records M runs rdflib-endpoint on a catalogue of M records instead (when
   it cannot load N in time or memory): ctlib and Oxigraph are then measured on that
   catalogue too, so its ratio and row check compare the same data, and the report
   has one table per catalogue size.
3. The queries: every example of the query page (src/ctlib/sparql/examples/*.rq) and
   the heavier ones in bench/queries/*.rq, each with the prefixes of
   `ctlib.sparql.examples.runnable` (the catalogue's own namespaces under the base
   URI) for every server. Each is sent as an application/sparql-query POST on a new
   connection with Accept: SPARQL JSON results (N-Triples for CONSTRUCT/DESCRIBE).
   Per query: one warm-up request to every server, then --runs rounds, each timing
   one request to every server in turn (alternating, so a noisy moment hurts all).
   The time is the client's wall time from sending the request to the last byte of
   the response. A server whose warm-up ran past --timeout is not timed again on that
   query ("> S s"); timed runs stop once a server has spent --budget seconds on one
   query (at least one run; the table shows n when fewer than --runs). Each example's
   target is checked on ctlib's median: <= 1 s for the ones a researcher runs first
   (FIRST_QUERIES), <= 30 s (ctlib's default query timeout) for the others.
4. Checks: every server must return the same number of rows (or triples), and the
   same rows as a multiset (compared as sorted, normalised JSON terms, so the order
   and blank node labels do not matter). A row count that differs is marked
   "ROWS DIFFER", equal counts with other values "values differ" (which can be
   legitimate: the order of GROUP_CONCAT, the language of its result and the
   triples of a DESCRIBE are up to each engine, and so are the rows a LIMIT without
   ORDER BY keeps).
5. Report: per catalogue size, a markdown table with the median and p90 latency of
   each server (p90 by nearest rank: with 5 runs it is the slowest), the ratios
   ctlib/Oxigraph and rdflib-endpoint/ctlib and their geometric means; the CPU used
   by each server per request and by the rest of the machine during the runs
   ("other": noise from other users) go to --json. Exits 1 once the report is
   printed if a server failed or timed out on a query or the rows differ, else 0;
   servers are stopped (their own process groups only) in any case.

At 100,000 records a run takes about an hour and a quarter, most of it rdflib-endpoint
(about a minute and a half to parse the N-Quads, then many queries that run up to
--timeout in their warm-up, or up to --budget in timed runs); ctlib and Oxigraph take
about ten minutes. Extrapolated from runs at 2,000 and 10,000 records.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import http.client
import json
import math
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import median

from proctree import process_tree  # bench/ is the script directory
from servers import (
    CTLIB,
    OXIGRAPH,
    PYTHON,
    ROOT,
    catalogue_file,
    code_version,
    cpu_seconds,
    ctlib_env,
    find_pyspy,
    free_port,
    ingest,
    log,
    machine_busy,
    machine_description,
    oxigraph_version,
    rss_bytes,
    start,
    stop,
    wait_ready,
)
from verdicts import check, exit_status, keyed

BASE = "http://localhost:8080/"
"""The catalogue's base URI (ctlib's default): the servers' ports do not appear in it,
so a kept --workdir serves any later run."""
QUERIES = ROOT / "bench" / "queries"
SERVERS = ("ctlib", "oxigraph", "rdflib")
LABEL = {"ctlib": "ctlib", "oxigraph": "Oxigraph", "rdflib": "rdflib-endpoint"}
ACCEPT = {"solutions": "application/sparql-results+json",
          "graph": "application/n-triples, application/rdf+xml;q=0.5"}
"""By the query form (a client knows what it asks): rdflib-endpoint serves DESCRIBE
results in RDF/XML whatever it is asked."""
FIRST_QUERIES = ("everything-about-a-country", "concepts-of-a-scheme", "works-of-an-author",
                 "documents-per-category", "regions-hierarchy")
"""The examples a researcher runs first: each must answer within FIRST_TARGET_S."""
FIRST_TARGET_S = 1.0
TARGET_S = 30.0
"""Every other example within ctlib's default CTLIB_SPARQL_TIMEOUT."""
SERVER_WARMUP = 12
"""Trivial queries sent to each server before measuring: every gunicorn worker of
ctlib starts its query process and opens the store on its first query."""


# --------------------------------------------------------------------------- data


@dataclass
class Query:
    name: str
    title: str
    source: str
    """examples (the query page's) or bench (bench/queries)."""
    text: str
    """As sent: the prologue of runnable(), then the query."""
    kind: str = "solutions"
    """solutions (SELECT, ASK) or graph (CONSTRUCT, DESCRIBE): what Accept asks for."""


@dataclass
class Reply:
    status: int | None
    ms: float
    body: bytes = b""
    content_type: str = ""
    truncated: bool = False
    timed_out: bool = False
    error: str | None = None


@dataclass
class Cell:
    """One query on one server: the warm-up and the timed runs."""

    records: int
    query: str
    server: str
    warmup_ms: float | None = None
    times_ms: list[float] = field(default_factory=list)
    timeouts: int = 0
    rows: int | None = None
    digest: str | None = None
    truncated: bool = False
    error: str | None = None
    server_cpu_s: float = 0.0
    """CPU seconds of the server's processes per timed request."""
    other_cores: float = 0.0
    """Cores busy outside the server and this client during the timed requests."""
    bytes: int = 0

    def _runs(self) -> list[float]:
        return sorted(self.times_ms) + [math.inf] * self.timeouts

    @property
    def median_ms(self) -> float | None:
        runs = self._runs()
        return median(runs) if runs else None

    @property
    def p90_ms(self) -> float | None:
        runs = self._runs()
        return runs[math.ceil(0.9 * len(runs)) - 1] if runs else None

    @property
    def n(self) -> int:
        return len(self.times_ms) + self.timeouts


@dataclass
class Catalogue:
    records: int
    directory: Path
    data_dir: Path
    nquads: Path
    oxigraph_dir: Path
    quads: int = 0
    prepared: dict = field(default_factory=dict)
    """Seconds spent generating, ingesting, exporting and loading (absent when reused)."""


@dataclass
class Server:
    name: str
    records: int
    port: int
    path: str
    process: subprocess.Popen
    log_path: Path
    ready_seconds: float = 0.0
    rss_ready: int = 0
    rss_max: int = 0
    failed: str | None = None

    def root_pid(self) -> int:
        return self.process.pid


# ------------------------------------------------------------------------ queries


def load_queries(selected: list[str] | None) -> list[Query]:
    sys.path.insert(0, str(ROOT / "src"))
    from ctlib.sparql.examples import _read, examples, runnable
    from ctlib.sparql.guard import keywords
    found = [("examples", e.name, e) for e in examples()]
    found += [("bench", f"bench-{e.name}", e) for e in map(_read, sorted(QUERIES.glob("*.rq")))]
    queries = []
    for source, name, example in found:
        form = next((w for w in keywords(example.query) if w not in ("BASE", "PREFIX")), "")
        queries.append(Query(name, example.title, source, runnable(example, BASE),
                             "graph" if form in ("CONSTRUCT", "DESCRIBE") else "solutions"))
    if selected:
        queries = [q for q in queries if any(s in q.name for s in selected)]
    return queries


# ------------------------------------------------------------------------ requests


def send(port: int, path: str, query: str, timeout: float,
         accept: str = ACCEPT["solutions"]) -> Reply:
    """POST ``query``; the whole response read within ``timeout`` seconds of sending."""
    begin = time.perf_counter()
    deadline = begin + timeout
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", path, body=query.encode("utf-8"),
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": accept, "Connection": "close"})
        sock = connection.sock  # getresponse() drops it from the connection (Connection: close)
        response = connection.getresponse()
        chunks = []
        while not response.isclosed():  # closed once the whole body is read
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError
            sock.settimeout(remaining)
            chunk = response.read(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
        ms = (time.perf_counter() - begin) * 1000
        return Reply(response.status, ms, b"".join(chunks),
                     response.getheader("Content-Type", ""),
                     truncated=response.getheader("X-SPARQL-Truncated") is not None)
    except (TimeoutError, OSError) as error:  # socket.timeout is TimeoutError
        ms = (time.perf_counter() - begin) * 1000
        if isinstance(error, TimeoutError) or ms >= timeout * 1000:
            return Reply(None, ms, timed_out=True)
        return Reply(None, ms, error=f"{type(error).__name__}: {error}")
    except http.client.HTTPException as error:
        return Reply(None, (time.perf_counter() - begin) * 1000,
                     error=f"{type(error).__name__}: {error}")
    finally:
        connection.close()


def _term(term: dict) -> list:
    kind = term.get("type")
    if kind == "typed-literal":
        kind = "literal"
    if kind == "bnode":
        return ["bnode"]
    datatype = term.get("datatype")
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = None
    return [kind, term.get("value"), term.get("xml:lang", "").lower(), datatype or ""]


def rows_and_digest(reply: Reply) -> tuple[int, str]:
    """The number of rows (solutions, or triples of a graph; 1 for ASK) and a digest of
    them as a multiset: sorted rows of normalised terms (blank nodes all alike)."""
    if "json" in reply.content_type:
        data = json.loads(reply.body)
        if "boolean" in data:
            return 1, hashlib.sha1(str(data["boolean"]).encode()).hexdigest()[:12]
        rows = sorted(json.dumps(sorted((k, _term(v)) for k, v in binding.items()))
                      for binding in data["results"]["bindings"])
    else:  # a graph, in the RDF format the server chose
        import pyoxigraph as ox
        media = reply.content_type.split(";")[0].strip()
        fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
        if b"<rdf:RDF" in reply.body[:4096]:  # rdflib-endpoint's DESCRIBE, whatever it says
            fmt = ox.RdfFormat.RDF_XML
        rows = sorted(
            " ".join("_:b" if isinstance(t, ox.BlankNode) else str(t)
                     for t in (triple.subject, triple.predicate, triple.object))
            for triple in ox.parse(reply.body, format=fmt))
    return len(rows), hashlib.sha1("\n".join(rows).encode()).hexdigest()[:12]


# --------------------------------------------------------------------- preparation


def prepare(records: int, args, workdir: Path) -> Catalogue:
    """The catalogue ingested, exported as N-Quads and loaded into Oxigraph; the parts
    already in ``workdir`` (a kept --workdir) are reused by runs of the same code."""
    directory = keyed(workdir) / f"{records}-seed{args.seed}"
    directory.mkdir(parents=True, exist_ok=True)
    catalogue = Catalogue(records, directory, directory / "ctlib-data",
                          directory / "catalogue.nq",
                          directory / ("oxigraph" if args.oxigraph_store == "load"
                                       else "oxigraph-copy"))
    env = ctlib_env(catalogue.data_dir, BASE)
    if not (catalogue.data_dir / "current").exists():
        began = time.perf_counter()
        path = catalogue_file(records, args.seed)
        catalogue.prepared["generate_s"] = time.perf_counter() - began
        catalogue.data_dir.mkdir(parents=True, exist_ok=True)
        catalogue.prepared["ingest_s"] = ingest(path, env, args.ingest_timeout)
    else:
        log(f"reusing the ingest in {catalogue.data_dir}")
    if not catalogue.nquads.exists():
        began = time.perf_counter()
        partial = catalogue.nquads.with_suffix(".partial.nq")
        subprocess.run([str(CTLIB), "export", "--format", "nq", "-o", str(partial)], env=env,
                       check=True, timeout=args.ingest_timeout)
        partial.rename(catalogue.nquads)
        catalogue.prepared["export_s"] = time.perf_counter() - began
        log(f"exported {catalogue.nquads} in {catalogue.prepared['export_s']:.1f} s")
    if args.oxigraph_store == "copy":  # ctlib's own store, as it is: only the server differs
        shutil.rmtree(catalogue.oxigraph_dir, ignore_errors=True)
        shutil.copytree((catalogue.data_dir / "current").resolve() / "store",
                        catalogue.oxigraph_dir)
    elif not catalogue.oxigraph_dir.exists():
        began = time.perf_counter()
        partial = directory / "oxigraph.partial"
        shutil.rmtree(partial, ignore_errors=True)
        loaded = subprocess.run([str(OXIGRAPH), "load", "--location", str(partial), "--file",
                                 str(catalogue.nquads)], timeout=args.ingest_timeout,
                                capture_output=True, text=True)
        if loaded.returncode != 0:
            raise RuntimeError(f"oxigraph load failed: {loaded.stderr[-2000:]}")
        partial.rename(catalogue.oxigraph_dir)
        catalogue.prepared["oxigraph_load_s"] = time.perf_counter() - began
        log(f"oxigraph load: {catalogue.prepared['oxigraph_load_s']:.1f} s")
    with open(catalogue.nquads, "rb") as handle:
        catalogue.quads = sum(1 for line in handle if line.strip())
    return catalogue


# ------------------------------------------------------------------------- servers


def start_servers(catalogue: Catalogue, names: list[str], args, workdir: Path,
                  servers: dict[str, Server]) -> None:
    """The servers of one catalogue, started together and waited for; each is put in
    ``servers`` as soon as it is started, so that the caller stops it whatever happens."""
    logs = workdir / "logs"
    logs.mkdir(exist_ok=True)
    began = time.perf_counter()
    if "rdflib" in names:  # the longest to start: first
        port = free_port()
        log_path = logs / f"rdflib-{catalogue.records}.log"
        process = start([str(PYTHON), str(Path(__file__).resolve()), "serve-rdflib",
                         str(catalogue.nquads), str(port)], os.environ.copy(), log_path)
        servers["rdflib"] = Server("rdflib", catalogue.records, port, "/sparql", process,
                                   log_path)
    if "ctlib" in names:
        port = free_port()
        log_path = logs / f"ctlib-{catalogue.records}.log"
        env = ctlib_env(catalogue.data_dir, BASE)
        env.update({"CTLIB_SPARQL_TIMEOUT": f"{args.timeout:g}",
                    "CTLIB_SPARQL_MAX_ROWS": str(args.max_rows)})
        process = start([str(CTLIB), "serve", "--port", str(port), "--workers",
                         str(args.workers)], env, log_path)
        servers["ctlib"] = Server("ctlib", catalogue.records, port, "/sparql", process,
                                  log_path)
    if "oxigraph" in names:
        port = free_port()
        log_path = logs / f"oxigraph-{catalogue.records}.log"
        process = start([str(OXIGRAPH), "serve-read-only", "--location",
                         str(catalogue.oxigraph_dir), "--bind", f"127.0.0.1:{port}",
                         "--union-default-graph", "--timeout-s", f"{args.timeout:g}"],
                        os.environ.copy(), log_path)
        servers["oxigraph"] = Server("oxigraph", catalogue.records, port, "/query", process,
                                     log_path)
    for server in servers.values():
        limit = args.rdflib_load_timeout if server.name == "rdflib" else 120
        try:
            wait_ready(server.port, "/", server.process, server.log_path, timeout=limit)
        except RuntimeError as error:
            server.failed = str(error).splitlines()[0][:300]
            log(f"{LABEL[server.name]} on {catalogue.records:,} records did not start: "
                f"{error}")
            stop(server.process)
            continue
        server.ready_seconds = time.perf_counter() - began
        for _ in range(SERVER_WARMUP):
            send(server.port, server.path, "ASK { ?s ?p ?o }", 60)
        server.rss_ready = server_rss(server)
        server.rss_max = server.rss_ready
        log(f"{LABEL[server.name]} ready on port {server.port} after "
            f"{server.ready_seconds:.1f} s, RSS {server.rss_ready / 2**20:,.0f} MiB")


def server_rss(server: Server) -> int:
    """Resident memory of a server; for rdflib-endpoint the loading parent's alone (the
    forked server shares its pages)."""
    if server.name == "rdflib":
        return rss_bytes_one(server.process.pid)
    return rss_bytes(server.process.pid)


def rss_bytes_one(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def reset_rdflib(server: Server) -> None:
    """After a client-side timeout: kill the forked server (still evaluating) and wait
    for the loading parent to fork a fresh one."""
    children = [pid for pid in process_tree(server.process.pid) if pid != server.process.pid]
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in children) and \
            time.monotonic() < deadline:
        time.sleep(0.05)
    wait_ready(server.port, "/", server.process, server.log_path, timeout=60)
    log("rdflib-endpoint restarted after a timeout")


def serve_rdflib(nquads: str, port: int) -> int:
    """`bench/sparql.py serve-rdflib FILE PORT`: the rdflib-endpoint server (see the
    module's description). Loads once, then forks a server again whenever the
    benchmark killed the previous one."""
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    began = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    app = SparqlEndpoint(graph=dataset, path="/sparql", title="rdflib-endpoint (bench)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    print(f"loaded {nquads} in {time.perf_counter() - began:.1f} s, max RSS {rss:,.0f} MiB",
          flush=True)
    gc.collect()
    gc.freeze()  # the forked servers then leave the loaded objects' pages shared
    state = {"stopping": False, "child": 0}

    def terminate(signum, frame):
        state["stopping"] = True
        if state["child"]:
            try:
                os.kill(state["child"], signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, terminate)
    while not state["stopping"]:
        child = os.fork()
        if child == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning",
                        access_log=False)
            os._exit(0)
        state["child"] = child
        os.waitpid(child, 0)
        state["child"] = 0
    return 0


# ----------------------------------------------------------------------- measuring


def timed(server: Server, query: Query, timeout: float) -> tuple[Reply, float, float]:
    """One request, with the server's CPU seconds and the other processes' CPU seconds
    (the machine's busy time less the server's and this process's) while it ran."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    own_before = own.ru_utime + own.ru_stime
    server_before, busy_before = cpu_seconds(server.root_pid()), machine_busy()
    reply = send(server.port, server.path, query.text, timeout, ACCEPT[query.kind])
    server_used = cpu_seconds(server.root_pid()) - server_before
    own = resource.getrusage(resource.RUSAGE_SELF)
    other = machine_busy() - busy_before - server_used - (own.ru_utime + own.ru_stime
                                                          - own_before)
    return reply, server_used, max(0.0, other)


def client_timeout(server: Server, args) -> float:
    """ctlib and Oxigraph stop a query themselves at --timeout: a little grace for
    their answer. rdflib-endpoint cannot: the client stops waiting."""
    return args.timeout if server.name == "rdflib" else args.timeout + 10


def outcome(cell: Cell, reply: Reply, server: Server, args) -> str:
    """'ok', 'timeout' or 'error' for a reply, recording rows, digest or the error.

    A server that stops a query at its deadline answers an error (ctlib: 503) or, once
    it has begun to stream, cuts the result short (Oxigraph: a 200 with broken JSON):
    either, at the deadline, is a timeout."""
    late = reply.ms >= args.timeout * 1000 * 0.95
    if reply.timed_out or (late and reply.status != 200):
        if server.name == "rdflib" and reply.timed_out:
            reset_rdflib(server)
        return "timeout"
    if reply.status != 200:
        detail = reply.error or reply.body[:300].decode("utf-8", "replace").strip()
        cell.error = f"{reply.status or 'no answer'}: {' '.join(detail.split())}"[:300]
        return "error"
    try:
        rows, digest = rows_and_digest(reply)
    except (ValueError, KeyError, SyntaxError) as error:
        if late:
            return "timeout"
        cell.error = f"unreadable result: {error}"[:300]
        return "error"
    if cell.rows is not None and (rows, digest) != (cell.rows, cell.digest):
        log(f"  {server.name} {cell.query}: another result than its warm-up "
            f"({rows} rows, {digest} vs {cell.rows}, {cell.digest})")
    cell.rows, cell.digest, cell.bytes = rows, digest, len(reply.body)
    cell.truncated = cell.truncated or reply.truncated
    return "ok"


def measure(queries: list[Query], servers: dict[str, Server], records: int, args,
            profile_dir: Path | None) -> list[Cell]:
    cells: list[Cell] = []
    live = {name: s for name, s in servers.items() if s.failed is None}
    for number, query in enumerate(queries, 1):
        row = {name: Cell(records, query.name, name) for name in servers}
        cells.extend(row.values())
        for name, server in servers.items():
            if server.failed:
                row[name].error = f"server not started: {server.failed}"
        active = []
        for name, server in live.items():
            cell = row[name]
            reply, _, _ = timed(server, query, client_timeout(server, args))
            result = outcome(cell, reply, server, args)
            cell.warmup_ms = reply.ms
            if result == "ok":
                active.append(name)
            elif result == "timeout":
                cell.timeouts = 1  # reported as "> timeout"; not timed again
        spent = {name: 0.0 for name in active}
        cpu = {name: [0.0, 0.0] for name in active}
        profiler = start_profiler(servers["ctlib"], query, profile_dir) \
            if profile_dir and "ctlib" in active and args.profile in query.name else None
        for round_ in range(args.runs):
            for name in list(active):
                cell, server = row[name], live[name]
                if round_ > 0 and spent[name] >= args.budget:
                    active.remove(name)
                    continue
                reply, server_cpu, other = timed(server, query, client_timeout(server, args))
                result = outcome(cell, reply, server, args)
                spent[name] += reply.ms / 1000
                if result == "ok":
                    cell.times_ms.append(reply.ms)
                    cpu[name][0] += server_cpu
                    cpu[name][1] += other / (reply.ms / 1000)
                else:
                    cell.timeouts += result == "timeout"
                    active.remove(name)  # a timeout or an error: not again
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(timeout=60)
        for name in cpu:
            runs = len(row[name].times_ms)
            if runs:
                row[name].server_cpu_s = cpu[name][0] / runs
                row[name].other_cores = cpu[name][1] / runs
        for server in live.values():
            server.rss_max = max(server.rss_max, server_rss(server))
        log(f"[{records:,}] {number}/{len(queries)} {query.name}: " + "; ".join(
            f"{LABEL[n]} {fmt_ms(c.median_ms, args.timeout)}"
            + (f" ({c.rows:,} rows)" if c.rows is not None else "")
            if c.error is None else f"{LABEL[n]} error {c.error[:80]}"
            for n, c in row.items()))
    return cells


def start_profiler(server: Server, query: Query, directory: Path) -> subprocess.Popen | None:
    """py-spy on ctlib's whole process tree (gunicorn workers and query processes) while
    the query's timed runs go on; stopped with SIGINT, raw output in ``directory``."""
    pyspy = find_pyspy()
    if pyspy is None:
        log("py-spy not found (pip install --target /tmp/pyspy py-spy): no profile")
        return None
    output = directory / f"ctlib-{server.records}-{query.name}.txt"
    log(f"py-spy record of ctlib during {query.name}: {output}")
    process = subprocess.Popen([pyspy, "record", "-p", str(server.process.pid),
                                "--subprocesses", "-r", "200", "--format", "raw", "-o",
                                str(output), "--nonblocking"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)  # py-spy attaches
    return process


# ------------------------------------------------------------------------- report


def fmt_ms(value: float | None, timeout: float) -> str:
    if value is None:
        return "-"
    if math.isinf(value):
        return f"> {timeout:g} s"
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def ratio(a: float | None, b: float | None) -> tuple[str, float | None]:
    """a / b as text and number (None when unknown; '>' when a timed out)."""
    if a is None or b is None or math.isinf(b):
        return "-", None
    if math.isinf(a):
        return "> ∞", None
    return f"{a / b:.2f}×", a / b


def agreement(row: dict[str, Cell]) -> str:
    """Whether the servers that answered agree; those that did not are named."""
    done = {name: c for name, c in row.items() if c.rows is not None}
    missing = [f"{LABEL[n]} {'failed' if c.error else 'timed out'}"
               for n, c in row.items() if c.rows is None]
    if len(done) < 2:
        verdict = "-"
    elif len({c.rows for c in done.values()}) > 1:
        verdict = "ROWS DIFFER: " + ", ".join(f"{LABEL[n]} {c.rows:,}"
                                             for n, c in done.items())
    elif len(digests := {c.digest for c in done.values()}) > 1:
        majority = max(digests, key=lambda d: sum(c.digest == d for c in done.values()))
        odd = [LABEL[n] for n, c in done.items() if c.digest != majority]
        verdict = f"values differ ({', '.join(odd)})"
    else:
        verdict = "same"
    return verdict + (f" ({', '.join(missing)})" if missing and len(done) >= 2 else "")


def target_s(query: Query) -> float | None:
    """The time an example of the query page must answer in (None: a bench/ query)."""
    if query.source != "examples":
        return None
    return FIRST_TARGET_S if query.name in FIRST_QUERIES else TARGET_S


def verdict(query: Query, cell: Cell) -> str:
    """ctlib's median against the query's target."""
    target = target_s(query)
    if target is None or cell.median_ms is None:
        return "-"
    return f"{'ok' if cell.median_ms <= target * 1000 else 'OVER'} ≤ {target:g} s"


def table(cells: list[Cell], queries: list[Query], names: list[str], args) -> list[str]:
    by = {(c.query, c.server): c for c in cells}
    head = ["query", "rows"]
    for name in names:
        head += [f"{LABEL[name]} median", f"{LABEL[name]} p90"]
    if "ctlib" in names and "oxigraph" in names:
        head.append("ctlib / Oxigraph")
    if "ctlib" in names and "rdflib" in names:
        head.append("rdflib-endpoint / ctlib")
    head += ["target (ctlib)", "check"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    ratios: dict[str, list[float]] = {"co": [], "rc": []}
    for query in queries:
        row = {name: by[(query.name, name)] for name in names}
        rows = next((c.rows for c in row.values() if c.rows is not None), None)
        cells_text = [query.name, f"{rows:,}" if rows is not None else "-"]
        for name in names:
            cell = row[name]
            if cell.error is not None and cell.rows is None:
                cells_text += [f"error {cell.error.split(':')[0]}", "-"]
                continue
            n = f" (n={cell.n})" if cell.times_ms and cell.n < args.runs else ""
            truncated = " (truncated)" if cell.truncated else ""
            cells_text += [fmt_ms(cell.median_ms, args.timeout) + n + truncated,
                           fmt_ms(cell.p90_ms, args.timeout)]
        if "ctlib" in names and "oxigraph" in names:
            text, value = ratio(row["ctlib"].median_ms, row["oxigraph"].median_ms)
            cells_text.append(text)
            if value:
                ratios["co"].append(value)
        if "ctlib" in names and "rdflib" in names:
            text, value = ratio(row["rdflib"].median_ms, row["ctlib"].median_ms)
            if text == "> ∞" and row["ctlib"].median_ms:
                text = f"> {args.timeout * 1000 / row['ctlib'].median_ms:,.0f}×"
            cells_text.append(text)
            if value:
                ratios["rc"].append(value)
        cells_text += [verdict(query, row["ctlib"]) if "ctlib" in row else "-", agreement(row)]
        lines.append("| " + " | ".join(cells_text) + " |")
    lines.append("")
    for key, label in (("co", "ctlib / Oxigraph"), ("rc", "rdflib-endpoint / ctlib")):
        if ratios[key]:
            mean = math.exp(sum(math.log(r) for r in ratios[key]) / len(ratios[key]))
            lines.append(f"- {label}: geometric mean {mean:.2f}× over {len(ratios[key])} "
                         f"queries, from {min(ratios[key]):.2f}× to {max(ratios[key]):.2f}×"
                         + (" (queries that timed out or failed left out)"
                            if len(ratios[key]) < len(queries) else ""))
    errors = [c for c in cells if c.error]
    for cell in errors:
        lines.append(f"- {LABEL[cell.server]} on {cell.query}: {cell.error}")
    return lines


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve-rdflib"]:
        return serve_rdflib(argv[1], int(argv[2]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 2)[2],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000,
                        help="catalogue size (default 100000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query and server")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds a query may take on any server (default 120)")
    parser.add_argument("--budget", type=float, default=240,
                        help="seconds of timed runs per query and server after which no "
                        "further run is made (default 240; at least one run)")
    parser.add_argument("--rdflib-records", type=int,
                        help="run rdflib-endpoint on a catalogue of this many records "
                        "(ctlib and Oxigraph are measured on it too); 0: no rdflib-endpoint")
    parser.add_argument("--servers", default=",".join(SERVERS),
                        help="comma-separated subset of ctlib,oxigraph,rdflib")
    parser.add_argument("--query", action="append",
                        help="only queries whose name contains this (repeatable)")
    parser.add_argument("--examples-only", action="store_true",
                        help="only the query page's examples, not bench/queries/")
    parser.add_argument("--seed", type=int, default=0, help="catalogue seed")
    parser.add_argument("--workers", type=int, default=1,
                        help="ctlib serve --workers (default 1: one client sends one query at "
                        "a time, and each worker has its own query processes, whose caches "
                        "warm separately; which worker accepts a connection is chance)")
    parser.add_argument("--max-rows", type=int, default=10_000_000,
                        help="CTLIB_SPARQL_MAX_ROWS for ctlib (default 10000000: no result "
                        "is cut, as on the other servers)")
    parser.add_argument("--oxigraph-store", choices=("load", "copy"), default="load",
                        help="load: Oxigraph serves `oxigraph load` of the N-Quads export "
                        "(default); copy: a copy of ctlib's published store directory, so that "
                        "only the servers differ, not how the store was written")
    parser.add_argument("--workdir", type=Path,
                        help="keep the ingests, N-Quads exports, Oxigraph stores and logs "
                        "here and reuse them in later runs (default: a temporary directory, "
                        "removed at the end unless --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--profile", metavar="QUERY",
                        help="py-spy record ctlib's processes during the timed runs of the "
                        "queries whose name contains QUERY (raw output in the workdir)")
    parser.add_argument("--ingest-timeout", type=float, default=1800)
    parser.add_argument("--rdflib-load-timeout", type=float, default=1800,
                        help="seconds rdflib-endpoint may take to load its catalogue")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.servers.split(",") if n.strip()]
    if unknown := set(names) - set(SERVERS):
        parser.error(f"unknown servers: {', '.join(sorted(unknown))}")
    if args.rdflib_records == 0 and "rdflib" in names:
        names.remove("rdflib")
    if not CTLIB.exists():
        parser.error(f"{CTLIB} not found: run `make install` first")
    if "oxigraph" in names and not OXIGRAPH.exists():
        parser.error(f"{OXIGRAPH} not found: `{CTLIB.parent / 'pip'} install -e '.[bench]'`")
    if "rdflib" in names:
        try:
            subprocess.run([str(PYTHON), "-c", "import rdflib_endpoint, uvicorn"], check=True,
                           capture_output=True)
        except subprocess.CalledProcessError:
            parser.error(f"rdflib-endpoint not installed: `{CTLIB.parent / 'pip'} install "
                         "-e '.[bench]'`")
    queries = [q for q in load_queries(args.query)
               if q.source == "examples" or not args.examples_only]
    if not queries:
        parser.error("no query selected")

    # Which servers run on which catalogue.
    rdflib_records = args.rdflib_records or args.records
    plan = {args.records: [n for n in names if n != "rdflib" or rdflib_records == args.records]}
    if "rdflib" in names and rdflib_records != args.records:
        plan[rdflib_records] = [n for n in SERVERS if n in names]
    plan = {size: servers for size, servers in plan.items() if servers}

    if args.workdir:
        workdir = args.workdir.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="ctlib-sparql-"))
    code = code_version()
    info: dict = {"code": code, "machine_at_start": machine_description(), "base": BASE,
                  "runs": args.runs, "timeout_s": args.timeout, "budget_s": args.budget,
                  "workers": args.workers, "max_rows": args.max_rows,
                  "oxigraph_store": args.oxigraph_store,
                  "oxigraph": oxigraph_version(), "plan": {str(k): v for k, v in plan.items()},
                  "queries": [asdict(q) | {"target_s": target_s(q)} for q in queries],
                  "catalogues": {}, "servers": {}}
    all_cells: list[Cell] = []
    began = time.perf_counter()
    try:
        for size, server_names in plan.items():
            catalogue = prepare(size, args, workdir)
            info["catalogues"][str(size)] = {"quads": catalogue.quads, **catalogue.prepared}
            log(f"{size:,} records: {catalogue.quads:,} quads; servers: "
                f"{', '.join(LABEL[n] for n in server_names)}")
            servers: dict[str, Server] = {}
            try:
                start_servers(catalogue, server_names, args, workdir, servers)
                all_cells += measure(queries, servers, size, args,
                                     workdir if args.profile else None)
            finally:
                for server in servers.values():
                    stop(server.process)
                    info["servers"][f"{server.name}-{size}"] = {
                        "port": server.port, "ready_s": round(server.ready_seconds, 1),
                        "rss_ready_mib": round(server.rss_ready / 2**20),
                        "rss_max_mib": round(server.rss_max / 2**20),
                        "failed": server.failed, "log": str(server.log_path)}
    finally:
        failed = any(server.get("failed") for server in info["servers"].values())
        if args.workdir or args.keep or args.profile or failed:
            log(f"kept {workdir}" + (" (a server failed: see its log there)" if failed else ""))
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    info["wall_s"] = round(time.perf_counter() - began, 1)
    info["machine_at_end"] = machine_description()

    lines = report(info, plan, all_cells, queries, args)
    print("\n".join(lines))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(
            {"info": info, "report": lines,
             "cells": [{**asdict(c), "median_ms": finite(c.median_ms), "p90_ms": finite(c.p90_ms)}
                       for c in all_cells]}, indent=2))
    for cell in all_cells:
        check(cell.error is None, f"{cell.records:,} records, {LABEL[cell.server]}, "
                                  f"{cell.query}: {cell.error}")
        # The other servers' timeouts are what is compared ("> timeout"); ctlib's own is
        # a query it failed to answer.
        check(cell.server != "ctlib" or not cell.timeouts,
              f"{cell.records:,} records, ctlib, {cell.query}: timed out")
    answers = {(c.records, c.query, c.server): c.rows for c in all_cells}
    for (records, query, server), rows in answers.items():
        oxigraph = answers.get((records, query, "oxigraph"))
        check(server != "ctlib" or None in (rows, oxigraph) or rows == oxigraph,
              f"{records:,} records, {query}: ctlib {rows} rows, Oxigraph {oxigraph}")
    return exit_status()


def finite(value: float | None) -> float | str | None:
    """JSON has no infinity: a time past the timeout is written as the string "timeout"."""
    return "timeout" if value is not None and math.isinf(value) else value


def report(info: dict, plan: dict, cells: list[Cell], queries: list[Query], args) -> list[str]:
    lines = [f"code: {info['code']}", f"machine: {info['machine_at_end']} (at the end)",
             f"servers: ctlib serve --workers {args.workers} (/sparql, "
             f"CTLIB_SPARQL_TIMEOUT={args.timeout:g}, CTLIB_SPARQL_MAX_ROWS={args.max_rows}); "
             f"Oxigraph server {info['oxigraph']} serve-read-only --union-default-graph "
             f"--timeout-s {args.timeout:g} on "
             + ("`oxigraph load` of `ctlib export --format nq`; " if args.oxigraph_store == "load"
                else "a copy of ctlib's store directory (--oxigraph-store copy); ") +
             "rdflib-endpoint (rdflib Dataset, default_union=True) on the N-Quads export",
             f"method: POST application/sparql-query on a new connection, JSON results "
             f"(N-Triples for graphs), client wall time to the last byte; 1 warm-up + "
             f"{args.runs} timed runs per query and server, servers alternating; timeout "
             f"{args.timeout:g} s; at most {args.budget:g} s of timed runs per query and "
             f"server; p90 by nearest rank; {len(queries)} queries "
             f"({sum(q.source == 'examples' for q in queries)} examples of the query page, "
             f"{sum(q.source == 'bench' for q in queries)} from bench/queries/); "
             f"total {info['wall_s']:.0f} s"]
    if len(plan) > 1:
        lines.append(f"NOTE: rdflib-endpoint ran on {min(plan):,} records (--rdflib-records), "
                     f"not on {max(plan):,}; ctlib and Oxigraph were measured again on that "
                     "catalogue for its ratio and row check.")
    for size, names in plan.items():
        catalogue = info["catalogues"].get(str(size), {})
        lines += ["", f"### {size:,} records ({catalogue.get('quads', 0):,} quads)", ""]
        for name in names:
            server = info["servers"].get(f"{name}-{size}", {})
            what = "loading parent, shared by the forked server" if name == "rdflib" \
                else "process tree"
            if server.get("failed"):
                lines.append(f"- {LABEL[name]}: FAILED: {server['failed']}")
                continue
            lines.append(f"- {LABEL[name]}: ready after {server.get('ready_s', 0):g} s, RSS "
                         f"{server.get('rss_ready_mib', 0):,} MiB at start, "
                         f"{server.get('rss_max_mib', 0):,} MiB at most ({what})")
        others = [c.other_cores for c in cells if c.records == size and c.times_ms]
        if others:
            lines.append(f"- other processes on the machine during the timed runs: "
                         f"{sum(others) / len(others):.2f} cores on average, "
                         f"{max(others):.2f} at most (per query and server)")
        lines.append("")
        lines += table([c for c in cells if c.records == size], queries, names, args)
    return lines


if __name__ == "__main__":
    sys.exit(main())
