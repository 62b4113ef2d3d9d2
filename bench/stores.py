#!/usr/bin/env python3
"""Store benchmark: `ctlib serve` reading the embedded store against a remote one.

    bench/stores.py [--records 100000] [--workers 1,2,4] [--connections 16]
                    [--duration 10] [--sparql-runs 5] [--json FILE]

1. Generate a catalogue of N records (bench/generate.py, seed 0; reused from
   bench/out/catalogues/N-seed0/ when present). Start Oxigraph server
   (`oxigraph serve --location TMP/oxigraph --bind 127.0.0.1:P2`, the `oxigraph` PyPI
   package, read-write; no --timeout-s unless --oxigraph-timeout, see there) and
   ingest the catalogue ONCE with the real CLI (`ctlib ingest -q`),
   CTLIB_STORE=http://127.0.0.1:P2 and CTLIB_BASE_URI=http://127.0.0.1:PORT/ (PORT:
   ctlib's port, the same for every run, one ctlib server at a time). That ingest
   builds the generation in its data directory as always (with a complete embedded
   store, the staging copy) and uploads its graphs to Oxigraph server: the one data
   directory is then served both ways.
   For reference the same catalogue is ingested again without CTLIB_STORE into a
   second data directory (removed afterwards): the difference is what publishing to
   the remote store adds. Oxigraph server's CPU during the first ingest is recorded.
2. For each worker count W (--workers) and each store in turn (embedded, remote),
   start a fresh `ctlib serve --port PORT --workers W` on the data directory, without
   or with CTLIB_STORE; for the remote store Oxigraph server is restarted on its
   directory first (so neither store starts with warm caches of its own process; the
   files of the store about to be measured are read once before, so the machine's
   page cache is warm for both), and it is stopped while the embedded store is
   measured. Then, with wrk (bench/deref.py's Lua script, --connections
   connections, --threads threads):
     cold     GET /doc/record/{id}.ttl over all records, shuffled, for --duration
              seconds: every request is a representation-cache miss (the server is
              fresh; each run starts at another offset of the shuffled list, and a run
              that got through the whole list, repeating records, is flagged)
     cold, 1 connection
              the same with one connection (wrk -c 1 -t 1) for --duration seconds,
              from the other end of the list: a miss's latency without queueing
     warm-up  the --sample sampled records, in runs of --warmup seconds, each going on
              in the list where the last stopped, with new connections (gunicorn
              gives a connection to whichever worker accepts it first, and each
              worker has its own cache), until every record was asked about 5 x W
              times and the caches look full (the rate within 5% over the last two
              runs; remote also: Oxigraph server's CPU in them, divided by its CPU
              per miss in the cold run, under 0.1% of the requests, or no more than
              POLLING_CORES), or --warmup-max seconds have passed (flagged)
     warm     the same sample for --duration seconds: answered from the caches
   and, for W = --sparql-workers only, SPARQL: every bench/queries/*.rq (with the
   catalogue's prefixes, as bench/sparql.py sends them) POSTed to /sparql, one
   warm-up and --sparql-runs timed runs each, one at a time, the median latency; both
   stores must return the same number of rows (and the same rows, as a digest).
   CPU is accounted per run from /proc: ctlib's process tree, Oxigraph server's
   process, the load generator, and the rest of the machine ("other": noise).
3. Print tables (each run; remote / embedded ratios; SPARQL) and write --json.
   Servers are stopped (their own process groups only) in any case.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import median

import sparql  # bench/ is the script directory
from deref import WRK_LUA, Result, ctlib_path, load, record_uris
from servers import (
    CTLIB,
    OXIGRAPH,
    catalogue_file,
    code_version,
    cpu_by_process,
    cpu_seconds,
    ctlib_env,
    fetch,
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
from sparql import ACCEPT, rows_and_digest, send
from verdicts import check, exit_status, keyed

STORES = ("embedded", "remote")
POLLING_CORES = 0.01
"""Oxigraph server's CPU when ctlib's workers only ask it, each once a second, which
generation is published (measured: 0.00-0.01 cores with warm caches)."""
SPARQL_WARMUP = 12
"""Trivial queries sent before measuring SPARQL: each gunicorn worker starts its query
processes and opens the store on its first query (embedded store)."""


@dataclass
class Run:
    """One wrk run on one server: deref.Result plus Oxigraph server's share."""

    store: str
    workers: int
    phase: str
    result: Result
    oxigraph_cpu: float = 0.0
    """Cores used by Oxigraph server during the run (0 for the embedded store: stopped)."""
    other_cpu: float = 0.0
    """Cores used by everything but ctlib, Oxigraph server and wrk (noise)."""
    note: str = ""


@dataclass
class QueryCell:
    query: str
    store: str
    warmup_ms: float | None = None
    times_ms: list[float] = field(default_factory=list)
    rows: int | None = None
    digest: str | None = None
    truncated: bool = False
    error: str | None = None
    ctlib_cpu_s: float = 0.0
    """CPU seconds of ctlib's process tree per timed request."""
    oxigraph_cpu_s: float = 0.0
    """CPU seconds of Oxigraph server per timed request."""
    store_busy_after_s: float = 0.0
    """After a failure: how long Oxigraph server went on (its CPU), waited for."""

    @property
    def median_ms(self) -> float | None:
        return median(self.times_ms) if self.times_ms else None


# ------------------------------------------------------------------------ servers


class Oxigraph:
    """Oxigraph server (read-write) on one directory; restartable."""

    def __init__(self, binary: Path, location: Path, timeout: float, logs: Path):
        self.binary, self.location, self.timeout, self.logs = binary, location, timeout, logs
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.stop()
        timeout = ["--timeout-s", f"{self.timeout:g}"] if self.timeout else []
        self.process = start([str(self.binary), "serve", "--location", str(self.location),
                              "--bind", f"127.0.0.1:{self.port}", *timeout], dict(os.environ),
                             self.logs)
        wait_ready(self.port, "/", self.process, self.logs, timeout=120)

    def stop(self) -> None:
        stop(self.process)
        self.process = None

    def cpu(self) -> float:
        return cpu_seconds(self.process.pid) if self.process else 0.0


def page_in(directory: Path) -> None:
    """Read every file of a store once, so that neither store starts from disk."""
    for path in directory.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                while handle.read(1 << 20):
                    pass


def start_ctlib(env: dict, port: int, workers: int, log_path: Path):
    """`ctlib serve`, answering and settled: its workers' query processes started (they
    are started in the background when a worker boots, whatever the store)."""
    process = start([str(CTLIB), "serve", "--port", str(port), "--workers", str(workers)],
                    env, log_path)
    try:
        wait_ready(port, "/", process, log_path, timeout=120)
        wait_settled(process.pid, 60)
    except BaseException:
        stop(process)
        raise
    return process


# ----------------------------------------------------------------------- measuring


def measured(store: str, workers: int, phase: str, port: int, ctlib_pid: int,
             oxigraph: Oxigraph, paths: list[str], args, seconds: float, workdir: Path,
             lua: Path) -> Run:
    """deref.load with Oxigraph server's CPU taken out of "other"."""
    ox_before = oxigraph.cpu() if store == "remote" else 0.0
    result = load(f"{store}-w{workers}", phase, port, ctlib_pid, paths, "text/turtle", args,
                  seconds, workdir, lua)
    ox_cores = ((oxigraph.cpu() - ox_before) if store == "remote" else 0.0) / result.seconds
    run = Run(store, workers, phase, result, ox_cores, max(0.0, result.other_cpu - ox_cores))
    if store == "remote":
        log(f"  Oxigraph server: {ox_cores:.2f} cores; other {run.other_cpu:.2f}")
    return run


def deref_runs(store: str, workers: int, port: int, ctlib_pid: int, oxigraph: Oxigraph,
               cold: list[str], sample: list[str], args, workdir: Path, lua: Path) -> list[Run]:
    runs = []
    miss_cost = None
    """Oxigraph server's CPU seconds per cache miss (remote), from the cold run."""
    if args.duration > 0 and cold:
        run = measured(store, workers, "cold", port, ctlib_pid, oxigraph, cold, args,
                       args.duration, workdir, lua)
        if run.result.requests > len(cold):
            run.note = f"went through all {len(cold):,} records: some asked twice"
        runs.append(run)
        if store == "remote" and run.result.requests:
            miss_cost = run.oxigraph_cpu * run.result.seconds / run.result.requests
        # one connection: a miss's latency without queueing; from the list's other end
        single = argparse.Namespace(**{**vars(args), "connections": 1, "threads": 1})
        one = measured(store, workers, "cold, 1 connection", port, ctlib_pid, oxigraph,
                       cold[::-1], single, args.duration, workdir, lua)
        if run.result.requests / 2 + one.result.requests > len(cold) / 2:
            one.note = "overlapped the records of the cold run: some were cached"
        runs.append(one)
    # warm-up: short runs (each opens new connections, which gunicorn hands to whichever
    # worker accepts first: over many runs every worker sees every record) until each
    # sampled record was asked about 5 x W times and the caches look full: the rate
    # steady over two runs and (remote) Oxigraph server's CPU showing under 0.1% misses
    # or no more than the polling; or --warmup-max
    wanted, done, spent, parts = 5 * len(sample) * workers, 0, 0.0, []

    def misses(part: Run) -> float:
        """Misses a remote run is likely to have had, from Oxigraph server's CPU (which
        also answers each worker's question, once a second, of which generation is
        published: a few queries, not counted apart)."""
        used = part.oxigraph_cpu * part.result.seconds
        return used / miss_cost if miss_cost else (0.0 if used < 0.02 else math.inf)

    def warm() -> bool:
        if done < wanted or len(parts) < 3:
            return False
        last, before = parts[-1].result.rate, parts[-2].result.rate
        if abs(last - before) > 0.05 * before:  # the rate not yet steady
            return False
        # remote: Oxigraph server's CPU, in misses, below 0.1% of the requests, or as
        # low as the workers' polling alone keeps it
        return store != "remote" or all(misses(p) < 0.001 * p.result.requests
                                        or p.oxigraph_cpu <= POLLING_CORES for p in parts[-2:])

    position = 0  # each run goes on where the last stopped (wrk starts at the list's head)
    while args.warmup > 0 and spent < args.warmup_max and not warm():
        part = measured(store, workers, "warm-up", port, ctlib_pid, oxigraph,
                        sample[position:] + sample[:position], args, args.warmup, workdir, lua)
        parts.append(part)
        done += part.result.requests
        spent += part.result.seconds
        position = (position + part.result.requests // args.threads) % len(sample)
    if parts:
        last = parts[-1]
        last.note = (f"{len(parts)} runs, {spent:.0f} s, {done:,} requests; the last run "
                     "shown" + ("" if warm() else " (stopped at --warmup-max: the caches "
                                "may not be full)"))
        if miss_cost:
            last.note += f"; about {misses(last):,.0f} misses in it"
        last.result.detail["warmup_runs"] = [asdict(p.result) | {"oxigraph_cpu": p.oxigraph_cpu}
                                             for p in parts]
        last.result.errors = sum(p.result.errors for p in parts)
        last.result.non_2xx = sum(p.result.non_2xx for p in parts)
        runs.append(last)
    run = measured(store, workers, "warm", port, ctlib_pid, oxigraph, sample, args,
                   args.duration, workdir, lua)
    if miss_cost:
        run.note = f"about {misses(run):,.0f} misses (from Oxigraph server's CPU)"
    runs.append(run)
    return runs


def sparql_queries(base: str) -> list:
    """bench/queries/*.rq as bench/sparql.py sends them, with this catalogue's base URI
    in the prefixes (sparql.load_queries reads its module's BASE)."""
    saved, sparql.BASE = sparql.BASE, base
    try:
        return [q for q in sparql.load_queries(None) if q.source == "bench"]
    finally:
        sparql.BASE = saved


def sparql_runs(store: str, port: int, ctlib_pid: int, oxigraph: Oxigraph, queries: list,
                args) -> list[QueryCell]:
    for _ in range(SPARQL_WARMUP):
        send(port, "/sparql", "ASK { ?s ?p ?o }", 60)
    cells = []
    for query in queries:
        cell = QueryCell(query.name, store)
        cells.append(cell)
        timeout = args.sparql_timeout + 10
        cpu_c = cpu_o = 0.0
        for run in range(args.sparql_runs + 1):  # the first is the warm-up
            before_c, before_o = cpu_seconds(ctlib_pid), oxigraph.cpu()
            reply = send(port, "/sparql", query.text, timeout, ACCEPT[query.kind])
            used_c = cpu_seconds(ctlib_pid) - before_c
            used_o = oxigraph.cpu() - before_o if store == "remote" else 0.0
            if reply.status != 200:
                detail = "timed out" if reply.timed_out else \
                    reply.error or reply.body[:200].decode("utf-8", "replace")
                cell.error = (f"{'warm-up' if run == 0 else f'run {run}'} after "
                              f"{reply.ms / 1000:,.1f} s: {reply.status or 'no answer'}: "
                              f"{' '.join(detail.split())}")[:300]
                if store == "remote":  # it may still be evaluating what ctlib gave up on
                    # (a query goes on in Oxigraph server without --timeout-s)
                    cell.store_busy_after_s = wait_settled(oxigraph.process.pid, 600)
                break
            try:
                rows, digest = rows_and_digest(reply)
            except (ValueError, KeyError, SyntaxError) as error:
                cell.error = f"unreadable result: {error}"[:300]
                break
            if cell.rows is not None and (rows, digest) != (cell.rows, cell.digest):
                log(f"  {store} {query.name}: another result than its warm-up")
            cell.rows, cell.digest = rows, digest
            cell.truncated = cell.truncated or reply.truncated
            if run == 0:
                cell.warmup_ms = reply.ms
            else:
                cell.times_ms.append(reply.ms)
                cpu_c += used_c
                cpu_o += used_o
        if cell.times_ms:
            cell.ctlib_cpu_s = cpu_c / len(cell.times_ms)
            cell.oxigraph_cpu_s = cpu_o / len(cell.times_ms)
        log(f"{store} {query.name}: "
            + (f"median {cell.median_ms:,.1f} ms of {len(cell.times_ms)}, {cell.rows:,} rows, "
               f"ctlib CPU {cell.ctlib_cpu_s * 1000:,.0f} ms, Oxigraph server CPU "
               f"{cell.oxigraph_cpu_s * 1000:,.0f} ms per query" if cell.times_ms else "")
            + (f"; error {cell.error}" if cell.error else "")
            + (f"; Oxigraph server busy {cell.store_busy_after_s:.0f} s more"
               if cell.store_busy_after_s else ""))
    return cells


def wait_settled(pid: int, limit: float) -> float:
    """Seconds until the process tree of ``pid`` uses under 5% of a core over a second
    (at most ``limit``)."""
    began = time.monotonic()
    before = cpu_seconds(pid)
    while time.monotonic() - began < limit:
        time.sleep(1)
        now = cpu_seconds(pid)
        if now - before < 0.05:
            break
        before = now
    return time.monotonic() - began


# ------------------------------------------------------------------------- report


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.2f} ms" if value < 10 else \
        f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def runs_table(runs: list[Run]) -> list[str]:
    lines = ["| store | workers | run | req/s | p50 | p90 | p99 | max | errors / non-2xx | "
             "CPU ctlib / Oxigraph / wrk / other (cores) | requests | note |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for run in runs:
        r = run.result
        lines.append(f"| {run.store} | {run.workers} | {run.phase} | {r.rate:,.0f} | "
                     f"{fmt_ms(r.p50_ms)} | {fmt_ms(r.p90_ms)} | {fmt_ms(r.p99_ms)} | "
                     f"{fmt_ms(r.max_ms)} | {r.errors} / {r.non_2xx} | {r.server_cpu:.2f} / "
                     f"{run.oxigraph_cpu:.2f} / {r.client_cpu:.2f} / {run.other_cpu:.2f} | "
                     f"{r.requests:,} | {run.note} |")
    return lines


def ratio_table(runs: list[Run]) -> list[str]:
    by = {(r.store, r.workers, r.phase): r for r in runs}
    lines = ["| workers | run | embedded req/s | remote req/s | remote / embedded | "
             "embedded p50 / p99 | remote p50 / p99 | remote CPU per request (ctlib + "
             "Oxigraph) / embedded |",
             "|---|---|---|---|---|---|---|---|"]
    for workers in sorted({r.workers for r in runs}):
        for phase in ("cold", "cold, 1 connection", "warm"):
            e, m = by.get(("embedded", workers, phase)), by.get(("remote", workers, phase))
            if e is None or m is None:
                continue
            e_cpu = e.result.server_cpu / e.result.rate if e.result.rate else math.nan
            m_cpu = (m.result.server_cpu + m.oxigraph_cpu) / m.result.rate \
                if m.result.rate else math.nan
            lines.append(
                f"| {workers} | {phase} | {e.result.rate:,.0f} | {m.result.rate:,.0f} | "
                f"**{m.result.rate / e.result.rate:.2f}×** | {fmt_ms(e.result.p50_ms)} / "
                f"{fmt_ms(e.result.p99_ms)} | {fmt_ms(m.result.p50_ms)} / "
                f"{fmt_ms(m.result.p99_ms)} | {m_cpu * 1000:.2f} ms / {e_cpu * 1000:.2f} ms "
                f"= {m_cpu / e_cpu:.2f}× |")
    return lines


def sparql_table(cells: list[QueryCell], args) -> list[str]:
    by = {(c.query, c.store): c for c in cells}
    names = list(dict.fromkeys(c.query for c in cells))
    lines = ["| query | rows | embedded median | remote median | remote / embedded | "
             "CPU per query: embedded (ctlib) | remote (ctlib + Oxigraph server) | check |",
             "|---|---|---|---|---|---|---|---|"]
    ratios = []
    for name in names:
        e, m = by.get((name, "embedded")), by.get((name, "remote"))
        if e is None or m is None:
            continue
        rows = e.rows if e.rows is not None else m.rows
        if e.error or m.error:
            check = "; ".join(f"{c.store}: {c.error}" + (
                f" (Oxigraph server went on for {c.store_busy_after_s:.0f} s)"
                if c.store_busy_after_s else "") for c in (e, m) if c.error)
            if e.rows is not None and m.rows is not None:
                check = ("same rows before that; " if (e.rows, e.digest) == (m.rows, m.digest)
                         else "ROWS DIFFER; ") + check
        elif e.rows != m.rows:
            check = f"ROWS DIFFER: embedded {e.rows:,}, remote {m.rows:,}"
        elif e.digest != m.digest:
            check = "same count, values differ"
        else:
            check = "same"
        if e.truncated or m.truncated:
            check += " (truncated)"
        text = "-"
        if e.median_ms and m.median_ms:
            ratio = m.median_ms / e.median_ms
            if len(e.times_ms) == len(m.times_ms) == args.sparql_runs:
                ratios.append(ratio)
                text = f"{ratio:.2f}×"
            else:  # a run failed: the median of the others, not in the mean
                text = f"({ratio:.2f}×)"

        def timed(c: QueryCell) -> str:
            n = len(c.times_ms)
            return "-" if not n else fmt_ms(c.median_ms) + \
                ("" if n == args.sparql_runs else f" (n={n})")

        lines.append(f"| {name} | {rows:,} | {timed(e)} | {timed(m)} | "
                     f"{text} | {e.ctlib_cpu_s * 1000:,.0f} ms | {m.ctlib_cpu_s * 1000:,.0f} + "
                     f"{m.oxigraph_cpu_s * 1000:,.0f} ms | {check} |"
                     if rows is not None else f"| {name} | - | - | - | - | - | - | {check} |")
    if ratios:
        mean = math.exp(sum(map(math.log, ratios)) / len(ratios))
        lines += ["", f"remote / embedded: geometric mean {mean:.2f}× over the {len(ratios)} "
                      f"queries every run of which succeeded on both, from {min(ratios):.2f}× "
                      f"to {max(ratios):.2f}×"]
    return lines


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 2)[2],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000, help="catalogue size")
    parser.add_argument("--seed", type=int, default=0, help="catalogue and sample seed")
    parser.add_argument("--workers", default="1,2,4", help="ctlib serve --workers, each in turn")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=float, default=10,
                        help="seconds of each cold and warm run")
    parser.add_argument("--sample", type=int, default=2000, help="records in the warm sample")
    parser.add_argument("--warmup", type=float, default=2,
                        help="seconds of each warm-up run (default 2)")
    parser.add_argument("--warmup-max", type=float, default=600,
                        help="seconds of warm-up runs at most per server (default 600)")
    parser.add_argument("--sparql-runs", type=int, default=5, help="timed runs per query")
    parser.add_argument("--sparql-workers", type=int, default=2,
                        help="the worker count whose servers run the SPARQL queries "
                        "(default 2; when not among --workers, the first of them)")
    parser.add_argument("--sparql-timeout", type=float, default=60,
                        help="CTLIB_SPARQL_TIMEOUT (default 60)")
    parser.add_argument("--oxigraph-timeout", type=float, default=0,
                        help="Oxigraph server's --timeout-s (default 0: none). Oxigraph "
                        "0.5 starts a thread per query that sleeps that long: under page "
                        "load (dozens of store queries per cache miss) tens of thousands "
                        "of them pile up and the server fails (EAGAIN, then a panic)")
    parser.add_argument("--port", type=int, help="ctlib's port (default: a free one)")
    parser.add_argument("--skip-plain-ingest", action="store_true",
                        help="do not ingest again without CTLIB_STORE for reference")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory (data, Oxigraph store, logs)")
    parser.add_argument("--workdir", type=Path,
                        help="work here and keep it (data, Oxigraph store, logs); a later run "
                        "with the same --workdir reuses its ingest (and port) and reports "
                        "that run's ingest times")
    parser.add_argument("--ingest-timeout", type=float, default=1800)
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    args.loadgen = "wrk"  # deref.load's switch
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    if not workers or min(workers) < 1:
        parser.error("--workers: a comma-separated list of counts >= 1")
    sparql_workers = args.sparql_workers if args.sparql_workers in workers else workers[0]
    if not CTLIB.exists():
        parser.error(f"{CTLIB} not found: run `make install` first")
    oxigraph_binary = OXIGRAPH if OXIGRAPH.exists() else shutil.which("oxigraph")
    if oxigraph_binary is None:
        parser.error(f"{OXIGRAPH} not found: `{CTLIB.parent / 'pip'} install -e '.[bench]'`")
    if not shutil.which("wrk"):
        parser.error("wrk not found (apt-get install wrk)")

    earlier: dict = {}
    if args.workdir:
        workdir = keyed(args.workdir.resolve())  # an ingest by other code is not reused
        if (workdir / "ingest.json").exists():  # an earlier run's ingest: its port too
            earlier = json.loads((workdir / "ingest.json").read_text())
            if args.port and args.port != earlier["port"]:
                parser.error(f"--port {args.port}: the ingest in {workdir} was made for "
                             f"port {earlier['port']}")
            args.port = earlier["port"]
    else:
        workdir = Path(tempfile.mkdtemp(prefix="ctlib-stores-"))
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}/"
    logs = workdir / "logs"
    logs.mkdir(exist_ok=True)
    data_dir, plain_dir = workdir / "data", workdir / "data-plain"
    data_dir.mkdir(exist_ok=True)
    oxigraph = Oxigraph(Path(oxigraph_binary), workdir / "oxigraph", args.oxigraph_timeout,
                        logs / "oxigraph.log")
    env_embedded = ctlib_env(data_dir, base)
    env_embedded.update({"CTLIB_SPARQL_TIMEOUT": f"{args.sparql_timeout:g}",
                         "CTLIB_SPARQL_MAX_ROWS": "10000000"})
    env_remote = env_embedded | {"CTLIB_STORE": oxigraph.url}
    code = code_version()
    info: dict = {"records": args.records, "code": code, "base": base,
                  "machine_at_start": machine_description(),
                  "oxigraph": oxigraph_version(Path(oxigraph_binary)),
                  "workers": workers, "sparql_workers": sparql_workers,
                  "connections": args.connections, "threads": args.threads,
                  "duration": args.duration, "sample": args.sample,
                  "sparql_runs": args.sparql_runs, "servers": {}}
    runs: list[Run] = []
    cells: list[QueryCell] = []
    ctlib = None
    began = time.perf_counter()
    try:
        if earlier:
            log(f"reusing the ingest in {workdir} (port {port})")
            info.update({k: v for k, v in earlier.items() if k != "port"})
            info["ingest_reused"] = True
        else:
            path = catalogue_file(args.records, args.seed)
            oxigraph.start()
            ox_before, busy_before = oxigraph.cpu(), machine_busy()
            info["ingest_remote_s"] = ingest(path, env_remote, args.ingest_timeout)
            info["ingest_remote_oxigraph_cpu_s"] = oxigraph.cpu() - ox_before
            info["ingest_remote_machine_busy_s"] = machine_busy() - busy_before
            info["oxigraph_rss_after_ingest_mib"] = rss_bytes(oxigraph.process.pid) / 2**20
            info["load_average_after_ingest"] = os.getloadavg()[0]
            oxigraph.stop()
            if not args.skip_plain_ingest:
                plain_dir.mkdir()
                busy_before = machine_busy()
                info["ingest_embedded_s"] = ingest(path, ctlib_env(plain_dir, base),
                                                   args.ingest_timeout)
                info["ingest_embedded_machine_busy_s"] = machine_busy() - busy_before
                shutil.rmtree(plain_dir, ignore_errors=True)
            if args.workdir:
                (workdir / "ingest.json").write_text(json.dumps(
                    {"port": port, **{k: v for k, v in info.items() if k.startswith(
                        ("ingest_", "oxigraph_rss_after", "load_average_after"))}}, indent=2))
        info["sizes_mib"] = {
            "oxigraph_server_store": du(oxigraph.location) / 2**20,
            "embedded_store": du((data_dir / "current").resolve() / "store") / 2**20}

        uris = record_uris((data_dir / "current").resolve() / "store", base)
        if not uris:
            raise RuntimeError(f"no records under {base} in {data_dir}")
        rng = random.Random(args.seed)
        sample = [ctlib_path(u, base) for u in rng.sample(uris, min(args.sample, len(uris)))]
        cold = [ctlib_path(u, base) for u in uris]
        rng.shuffle(cold)
        log(f"{len(uris):,} records; warm sample {len(sample):,}; ctlib on port {port}, "
            f"Oxigraph server on {oxigraph.port}")
        lua = workdir / "paths.lua"
        lua.write_text(WRK_LUA)
        queries = sparql_queries(base)
        plan = [(w, s) for w in workers for s in STORES]
        for index, (count, store) in enumerate(plan):
            offset = len(cold) * index // len(plan)  # each fresh server from elsewhere
            if store == "remote":
                page_in(oxigraph.location)
                oxigraph.start()
            else:
                oxigraph.stop()
                page_in((data_dir / "current").resolve() / "store")
            log(f"--- {store} store, {count} workers")
            ctlib = start_ctlib(env_remote if store == "remote" else env_embedded, port,
                                count, logs / f"ctlib-{store}-w{count}.log")
            # both stores must answer the same: one record's N-Triples, compared below
            status, body = fetch(port, sample[0][:-4] + ".nt", "application/n-triples")
            info["servers"].setdefault(str(count), {})[store] = {
                "first_record_status": status, "first_record_lines": len(body.splitlines()),
                "first_record_sha1": hashlib.sha1(
                    b"\n".join(sorted(body.splitlines()))).hexdigest()[:12]}
            check(status == 200, f"{store} store, {count} workers: the first record "
                                 f"answered {status}")
            runs += deref_runs(store, count, port, ctlib.pid, oxigraph,
                               cold[offset:] + cold[:offset], sample, args, workdir, lua)
            if count == sparql_workers and args.sparql_runs > 0:
                cells += sparql_runs(store, port, ctlib.pid, oxigraph, queries, args)
            info["servers"][str(count)][store].update({
                "ctlib_processes": len(cpu_by_process(ctlib.pid)),
                "ctlib_rss_mib": rss_bytes(ctlib.pid) / 2**20,
                "oxigraph_rss_mib": rss_bytes(oxigraph.process.pid) / 2**20
                if oxigraph.process else None})
            stop(ctlib)
            ctlib = None
    finally:
        stop(ctlib)
        oxigraph.stop()
        if args.keep or args.workdir:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    info["wall_s"] = time.perf_counter() - began
    info["machine_at_end"] = machine_description()

    lines = report(info, runs, cells, args)
    print("\n".join(lines))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(
            {"info": info, "report": lines,
             "runs": [asdict(r) for r in runs],
             "sparql": [asdict(c) | {"median_ms": c.median_ms} for c in cells]}, indent=2))
    for cell in cells:
        check(cell.error is None, f"{cell.store} store, {cell.query}: {cell.error}")
    records = {s["first_record_sha1"] for by_store in info["servers"].values()
               for s in by_store.values()}
    check(len(records) <= 1, f"the stores answered different triples for the first record: "
                             f"{info['servers']}")
    return exit_status()


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def report(info: dict, runs: list[Run], cells: list[QueryCell], args) -> list[str]:
    lines = [f"code: {info['code']}",
             f"machine: {info['machine_at_start']} (at the start); "
             f"load average {info['machine_at_end'].rsplit('load average now ', 1)[-1]} "
             "at the end",
             f"catalogue: {info['records']:,} records (seed {args.seed}); Oxigraph server "
             f"{info['oxigraph']} (`oxigraph serve`"
             + (f" --timeout-s {args.oxigraph_timeout:g}" if args.oxigraph_timeout else
                ", no --timeout-s") + "); ctlib serve --workers "
             f"{','.join(map(str, info['workers']))} (gunicorn gthread)",
             f"load: wrk, {args.connections} connections, {args.threads} threads; cold "
             f"{args.duration:g} s over all records (shuffled), warm {args.duration:g} s over "
             f"{info['sample']:,} sampled records after a warm-up; SPARQL with "
             f"{info['sparql_workers']} workers: {args.sparql_runs} timed runs per query "
             f"after one warm-up; total {info['wall_s']:.0f} s"]
    remote = info.get("ingest_remote_s")
    plain = info.get("ingest_embedded_s")
    if remote is not None:
        text = ("ingest (reused from an earlier run with this --workdir) " if
                info.get("ingest_reused") else "ingest ") + \
            f"with CTLIB_STORE (build + upload): {remote:.1f} s " \
            f"(Oxigraph server CPU {info['ingest_remote_oxigraph_cpu_s']:.1f} s)"
        if plain is not None:
            text += f"; without: {plain:.1f} s; publishing to the remote store adds " \
                    f"{remote - plain:+.1f} s ({remote / plain:.2f}×)"
        lines.append(text)
    sizes = info.get("sizes_mib", {})
    if sizes:
        lines.append(f"stores on disk: embedded {sizes['embedded_store']:,.0f} MiB, "
                     f"Oxigraph server {sizes['oxigraph_server_store']:,.0f} MiB")
    for count, stores in info["servers"].items():
        lines.append(f"{count} workers: " + "; ".join(
            f"{store}: ctlib {s.get('ctlib_processes', '?')} processes, "
            f"{s.get('ctlib_rss_mib', 0):,.0f} MiB"
            + (f", Oxigraph server {s['oxigraph_rss_mib']:,.0f} MiB"
               if s.get("oxigraph_rss_mib") else "")
            + f"; first record {s['first_record_status']}, {s['first_record_lines']} "
              f"triples ({s['first_record_sha1']})" for store, s in stores.items()))
    lines += ["", "### Each run", ""] + runs_table(runs)
    lines += ["", "### Remote / embedded", ""] + ratio_table(runs)
    if cells:
        lines += ["", f"### SPARQL ({info['sparql_workers']} workers, median of "
                      f"{args.sparql_runs})", ""] + sparql_table(cells, args)
    problems = [r for r in runs if r.result.errors or r.result.non_2xx]
    lines.append("")
    lines.append("errors: " + ("none" if not problems else "; ".join(
        f"{r.store} w{r.workers} {r.phase}: {r.result.errors} errors, {r.result.non_2xx} "
        "non-2xx" for r in problems)))
    return lines


if __name__ == "__main__":
    sys.exit(main())
