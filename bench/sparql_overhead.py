#!/usr/bin/env python3
"""What ctlib adds to a light SPARQL query, request by request, over Oxigraph server.

    bench/sparql_overhead.py [--records N] [--requests R] [--before SRC] [--gunicorn]
                             [--workdir DIR] [--query NAME] [--json FILE]

1. The catalogue, its ingest and Oxigraph's store as bench/sparql.py makes them
   (reused from --workdir).
2. Over HTTP: ctlib (`ctlib serve --workers 1`, granian) beside Oxigraph server; with
   --before SRC also `ctlib serve` of other sources (an earlier commit), and with
   --gunicorn this tree's WSGI app under gunicorn gthread (1 worker), as `ctlib serve`
   ran it before granian. Every example query of the query page is sent R times to each
   server, the servers taking turns request by request, each request a POST of
   application/sparql-query on a new connection (as bench/sparql.py does); the
   median client wall time to the last byte of each, and ctlib's added time (its
   median less Oxigraph's) and ratio.
3. In this process, on the same store and app, the medians of R repetitions of the
   parts of ctlib's request: the WSGI app called directly (everything but the HTTP
   server), the same request through the Flask view (the app behind the shorter
   path, web/sparql/fast_path.py), the query process round trip with evaluation (``QueryPool.run`` read
   whole, as the endpoint does), the evaluation alone (pyoxigraph's query and ctlib's
   row-capped writer, what the query process runs), and the protocol read, guard and
   negotiation. The differences are the HTTP server, Flask and the view, and the pipe.

The load average is printed before and after: a machine busy with other work slows
every server, so compare the two columns of one run, not runs of different days.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import sparql as bench_sparql  # bench/ is the script directory
from servers import ctlib_env, free_port, log, start, stop, wait_ready

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
CTLIB = ROOT / ".venv" / "bin" / "ctlib"


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed_seconds(action, repeat: int) -> list[float]:
    action()  # warm
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return samples


def start_ctlib(name: str, command: list[str], src: Path, catalogue, args, workdir: Path):
    """ctlib's app, from the sources in ``src``, served by ``command`` (its port last)."""
    port = free_port()
    env = ctlib_env(catalogue.data_dir, bench_sparql.BASE)
    env.update({"CTLIB_SPARQL_TIMEOUT": f"{args.timeout:g}",
                "CTLIB_SPARQL_MAX_ROWS": str(args.max_rows), "PYTHONPATH": str(src)})
    log_path = workdir / "logs" / f"{name}.log"
    process = start(command + [str(port)], env, log_path)
    server = bench_sparql.Server(name, catalogue.records, port, "/sparql", process, log_path)
    wait_ready(port, "/", process, log_path, timeout=120)
    for _ in range(bench_sparql.SERVER_WARMUP):
        bench_sparql.send(port, "/sparql", "ASK { ?s ?p ?o }", 60)
    return server


def other_servers(args, catalogue, settings) -> dict:
    """--before (`ctlib serve` from other sources) and gunicorn (this tree's app under
    gunicorn gthread, 1 worker, as `ctlib serve` ran it before granian)."""
    found = {}
    if args.before:
        found["before"] = start_ctlib("before", [str(CTLIB), "serve", "--workers", "1",
                                                 "--port"], args.before, catalogue, settings,
                                      args.workdir)
    if args.gunicorn:
        found["gunicorn"] = start_ctlib(
            "gunicorn", ["sh", "-c", f'exec {GUNICORN} --workers 1 --threads 16 '
                         '--bind 127.0.0.1:$0 "ctlib.web:create_app()"'],
            ROOT / "src", catalogue, settings, args.workdir)
    return found


def over_http(queries, servers: dict, requests: int) -> dict:
    """{query: {server: median ms}}, the servers taking turns request by request."""
    found = {}
    for query in queries:
        times = {name: [] for name in servers}
        for server in servers.values():  # warm-up
            bench_sparql.send(server.port, server.path, query.text, 60,
                              bench_sparql.ACCEPT[query.kind])
        for _ in range(requests):
            for name, server in servers.items():
                reply = bench_sparql.send(server.port, server.path, query.text, 60,
                                          bench_sparql.ACCEPT[query.kind])
                if reply.status != 200:
                    raise RuntimeError(f"{name} answered {reply.status} to {query.name}: "
                                       f"{reply.error or reply.body[:300]!r}")
                times[name].append(reply.ms / 1000)
        found[query.name] = {name: median_ms(samples) for name, samples in times.items()}
        log(f"{query.name}: " + ", ".join(f"{n} {ms:.2f} ms"
                                           for n, ms in found[query.name].items()))
    return found


def in_process(queries, catalogue, args) -> dict:
    """{query: {part: median ms}} for the parts of ctlib's request, in this process."""
    os.environ.update(ctlib_env(catalogue.data_dir, bench_sparql.BASE))
    os.environ["CTLIB_SPARQL_MAX_ROWS"] = str(args.max_rows)
    sys.path.insert(0, str(ROOT / "src"))
    import pyoxigraph as ox
    from werkzeug.datastructures import MultiDict
    from werkzeug.test import EnvironBuilder

    from ctlib.formats import QUERY_RESULT_FORMATS, query_result_format
    from ctlib.sparql import examples, guard, protocol
    from ctlib.sparql.evaluation import Job, _query
    from ctlib.sparql.results import write
    from ctlib.web import create_app
    from ctlib.web.core.negotiation import negotiate
    from ctlib.web.sparql.endpoint import Whole
    from ctlib.web.sparql.fast_path import SparqlProtocol

    app = create_app()
    ctx = app.extensions["ctlib"]
    view = app.wsgi_app  # the app as the shorter path passes a request on: to Flask
    while not isinstance(view, SparqlProtocol):
        view = view.app
    view = view.app
    snapshot = ctx.published.snapshot()
    store = ox.Store.read_only(snapshot.store_path)
    prefixes = examples.prefixes(ctx.uris.base)
    found = {}
    for query in queries:
        accept = bench_sparql.ACCEPT[query.kind]
        formats = {kind: negotiate(accept, offered).name
                   for kind, offered in QUERY_RESULT_FORMATS.items()
                   if negotiate(accept, offered) is not None}
        job = Job(store_path=snapshot.store_path, query=query.text, base_iri=ctx.uris.base,
                  formats=formats, max_rows=args.max_rows, prefixes=prefixes)

        posted = EnvironBuilder("/sparql", method="POST", data=query.text.encode(),
                                headers={"Content-Type": protocol.DIRECT,
                                         "Accept": accept}).get_environ()

        def through(wsgi_app):
            environ = {**posted, "wsgi.input": io.BytesIO(query.text.encode())}
            body = wsgi_app(environ, lambda status, headers, exc_info=None: None)
            try:
                for _ in body:
                    pass
            finally:
                getattr(body, "close", lambda: None)()

        def pool():
            whole = Whole(ctx.query_pool.run(job, 60), 60)
            whole.body[0].close()

        def evaluate():
            result = _query(store, job)
            kind = "boolean" if isinstance(result, ox.QueryBoolean) else (
                "solutions" if isinstance(result, ox.QuerySolutions) else "graph")
            write(result, query_result_format(kind, formats[kind]), io.BytesIO(),
                  args.max_rows)

        def checks():
            asked = protocol.read("POST", protocol.DIRECT, MultiDict(), MultiDict(),
                                  query.text.encode())
            guard.check(asked.query, ctx.config.sparql_max_query_bytes)
            for offered in QUERY_RESULT_FORMATS.values():
                negotiate(accept, offered)

        found[query.name] = {name: median_ms(timed_seconds(action, args.requests))
                             for name, action in (("wsgi", lambda: through(app)),
                                                  ("view", lambda: through(view)),
                                                  ("pool", pool),
                                                  ("evaluate", evaluate), ("checks", checks))}
        log(f"{query.name} in process: " + ", ".join(f"{n} {ms:.3f} ms"
                                                      for n, ms in found[query.name].items()))
    return found


def report(http: dict, parts: dict, names: list[str]) -> list[str]:
    columns = [n for n in names if n != "oxigraph"]
    lines = ["| query | Oxigraph | " + " | ".join(
        f"{n} | {n} added | {n} / Oxigraph" for n in columns)
        + " | WSGI app | through Flask | query process | evaluation | checks |",
        "|---" * (2 + 3 * len(columns) + 5) + "|"]
    added = {n: [] for n in columns}
    for query, medians in http.items():
        row = [query, f"{medians['oxigraph']:.2f} ms"]
        for n in columns:
            added[n].append(medians[n] - medians["oxigraph"])
            row += [f"{medians[n]:.2f} ms", f"{medians[n] - medians['oxigraph']:+.2f} ms",
                    f"{medians[n] / medians['oxigraph']:.2f}×"]
        part = parts.get(query, {})
        row += [f"{part[p]:.2f} ms" if p in part else "" for p in
                ("wsgi", "view", "pool", "evaluate", "checks")]
        lines.append("| " + " | ".join(row) + " |")
    for n in columns:
        lines.append(f"\n{n}: median added time over the queries "
                     f"{statistics.median(added[n]):+.2f} ms")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100,
                        help="requests per query and server (default 100)")
    parser.add_argument("--before", type=Path, metavar="SRC",
                        help="also `ctlib serve` with PYTHONPATH=SRC (say, `git archive` of "
                        "an earlier commit's src/): before and after in one run")
    parser.add_argument("--gunicorn", action="store_true",
                        help="also this tree's app under gunicorn gthread")
    parser.add_argument("--query", action="append",
                        help="only queries whose name contains this (repeatable)")
    parser.add_argument("--light-ms", type=float, default=20,
                        help="only queries Oxigraph answers within this many ms (default 20)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/sparql-overhead"))
    parser.add_argument("--no-parts", action="store_true", help="skip the in-process parts")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    settings = SimpleNamespace(seed=0, oxigraph_store="load", ingest_timeout=1800,
                               timeout=60.0, max_rows=10_000_000, workers=1,
                               rdflib_load_timeout=60, requests=args.requests)
    catalogue = bench_sparql.prepare(args.records, settings, args.workdir)
    queries = [q for q in bench_sparql.load_queries(args.query) if q.source == "examples"]
    servers: dict = {}
    began_load = load()
    try:
        bench_sparql.start_servers(catalogue, ["ctlib", "oxigraph"], settings, args.workdir,
                                   servers)
        servers.update(other_servers(args, catalogue, settings))
        quick = over_http(queries, {"oxigraph": servers["oxigraph"]}, 3)
        queries = [q for q in queries if quick[q.name]["oxigraph"] <= args.light_ms]
        log("light queries: " + ", ".join(q.name for q in queries))
        http = over_http(queries, servers, args.requests)
    finally:
        for server in servers.values():
            stop(server.process)
    parts = {} if args.no_parts else in_process(queries, catalogue, settings)
    names = list(servers)
    lines = [f"load average before {began_load}, after {load()}; {args.requests} requests "
             f"per query and server; {args.records:,} records", ""] + report(http, parts, names)
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps({"http": http, "parts": parts}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
