#!/usr/bin/env python3
"""Dereferencing benchmark: `ctlib serve` against Oxigraph server on the same data.

    bench/deref.py [--records N] [--sample K] [--connections C] [--duration S] ...

1. Generate a catalogue of N records (bench/generate.py, seed 0; reused from
   bench/out/catalogues/N-seed0/ when present) and ingest it with the real CLI,
   `.venv/bin/ctlib ingest -q`, into a temporary CTLIB_DATA_DIR with
   CTLIB_BASE_URI=http://127.0.0.1:PORT/ (the port ctlib will listen on, so the URIs
   in the store are the server's own). --data-dir reuses an earlier ingest (--keep).
2. Start `ctlib serve --port P1 --workers W` on it (granian), and
   `oxigraph serve-read-only --location COPY --bind 127.0.0.1:P2` (the `oxigraph`
   PyPI package) on a copy of the same generation's store directory.
3. Sample K record URIs (fixed seed). ctlib: GET /doc/record/{id}.ttl. Oxigraph: GET
   /query?query=CONSTRUCT... with Accept: text/turtle, the CONSTRUCT returning the
   same triples as ctlib's description (the record's own triples, type/labels/scheme/
   notation of every resource it links to, and the document's metadata). A few are
   checked first: both servers must return the same set of triples.
4. Load with wrk (Debian package; a Lua script cycles through the URL list, each wrk
   thread from its own offset), C connections, T threads, for each server in turn:
     cold    every record once at most (all N records, shuffled; for ctlib every
             request is a representation-cache miss)
     warm-up the K sampled URLs for --warmup seconds (fills ctlib's per-worker caches)
     warm    the K sampled URLs for --duration seconds: the measured run; with
             --rounds R, R runs alternating ctlib and Oxigraph (fresh connections each
             run) and the verdict uses the medians
   Without wrk (or with --loadgen python) a bounded Python load generator is used
   instead (threads, one keep-alive connection each); it competes with the servers
   for the same 2 cores, so its numbers are lower bounds.
   CPU is accounted per run: the server's process tree (per process in the log line,
   which shows when one worker took every keep-alive connection), the load
   generator, and everything else on the machine ("other": noise from other users).
   --profile S runs py-spy (/tmp/pyspy, `pip install --target /tmp/pyspy py-spy`) on
   one web worker during the first warm run; --profile-gil samples only the
   thread holding the GIL.
5. Print a table (req/s, p50, p90, p99, max, errors, CPU) and the ratio
   ctlib/Oxigraph; the target of the issue is ctlib's warm throughput >= 1.0x
   Oxigraph's with p99 <= 10 ms at 16 connections. Exits 0 once the table is
   printed; servers are stopped (their own process groups only) in any case.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

from proctree import process_tree  # bench/ is the script directory
from servers import (
    CTLIB,
    OXIGRAPH,
    ROOT,
    catalogue_file,
    code_version,
    cpu_by_process,
    ctlib_env,
    fetch,
    find_pyspy,
    free_port,
    ingest,
    log,
    machine_busy,
    machine_description,
    oxigraph_version,
    record_uris,
    start,
    stop,
    wait_ready,
)
from verdicts import check, exit_status

TARGET_RATIO = 1.0
TARGET_P99_MS = 10.0
TARGET_CONNECTIONS = 16

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX void: <http://rdfs.org/ns/void#>
"""

CONSTRUCT = PREFIXES + """CONSTRUCT {{
  <{r}> ?p ?o . ?o ?lp ?lo .
  <{d}> a foaf:Document ; foaf:primaryTopic <{r}> ; void:inDataset <{dataset}> ;
    dcterms:license <{licence}> ; dcterms:modified ?m .
}} WHERE {{
  {{ GRAPH ?g {{ <{r}> ?p ?o }}
    OPTIONAL {{ FILTER(?p != rdf:type) GRAPH ?g2 {{ ?o ?lp ?lo }}
      FILTER(?lp IN (rdf:type, skos:prefLabel, foaf:name, skos:inScheme, skos:notation)) }} }}
  UNION {{ GRAPH ?g3 {{ <{r}> dcterms:modified ?m }} }}
}}"""
"""What ctlib.describe computes for a record, as one SPARQL query (Oxigraph server's
default graph is not the union of the named graphs, hence the GRAPH patterns)."""

WRK_LUA = r"""
-- wrk script: cycle through the paths in args[1], each thread from its own offset.
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  local threads = tonumber(args[2]) or 1
  i = math.floor(#paths * id / threads)
  wrk.headers["Accept"] = args[3] or "*/*"
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


@dataclass
class Result:
    server: str
    phase: str
    seconds: float
    requests: int
    rate: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    non_2xx: int
    mb: float
    server_cpu: float = 0.0
    """CPU seconds used by the server's process tree during the run, over its length (1.0 = one core)."""
    client_cpu: float = 0.0
    """The same for the load generator (wrk, or this process with --loadgen python)."""
    other_cpu: float = 0.0
    """The same for everything else on the machine (other users: noise)."""
    detail: dict = field(default_factory=dict)


# ------------------------------------------------------------------------- helpers


def own_cpu() -> float:
    """CPU seconds of this process and of its waited-for children (wrk)."""
    import resource
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def ntriples_set(body: bytes) -> set[str]:
    import pyoxigraph as ox
    return {str(t) for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}


# -------------------------------------------------------------------- preparation


def ctlib_path(uri: str, base: str) -> str:
    identifier = uri[len(base + "id/record/"):]
    return f"/doc/record/{quote(identifier, safe='')}.ttl"


def oxigraph_path(uri: str, base: str, dataset: str, licence: str) -> str:
    document = base + "doc/record/" + uri[len(base + "id/record/"):]
    query = CONSTRUCT.format(r=uri, d=document, dataset=dataset, licence=licence)
    return "/query?query=" + quote(" ".join(query.split()), safe="")


# ----------------------------------------------------------------------- loading


def run_wrk(port: int, paths_file: Path, accept: str, args, seconds: float,
            lua: Path) -> dict:
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections),
               "-d", f"{seconds:g}s", "--timeout", "5s", "-s", str(lua),
               f"http://127.0.0.1:{port}", "--", str(paths_file), str(args.threads), accept]
    process = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((l for l in process.stdout.splitlines() if l.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}): {process.stdout[-1000:]} "
                           f"{process.stderr[-1000:]}")
    data = json.loads(line[len("WRKJSON "):])
    return {"seconds": data["duration_us"] / 1e6, "requests": data["requests"],
            "p50": data["p50_us"] / 1000, "p90": data["p90_us"] / 1000,
            "p99": data["p99_us"] / 1000, "max": data["max_us"] / 1000,
            "errors": data["connect"] + data["read"] + data["write"] + data["timeout"],
            "non_2xx": data["status"], "bytes": data["bytes"], "raw": data}


def run_python(port: int, paths: list[str], accept: str, args, seconds: float) -> dict:
    """Bounded fallback: ``connections`` threads, each with one keep-alive connection."""
    latencies: list[list[float]] = [[] for _ in range(args.connections)]
    counts = {"errors": 0, "non_2xx": 0, "bytes": 0}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(n: int) -> None:
        index = len(paths) * n // args.connections
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        mine = latencies[n]
        errors = non_2xx = size = 0
        while time.perf_counter() < deadline:
            index = (index + 1) % len(paths)
            begin = time.perf_counter()
            try:
                connection.request("GET", paths[index], headers={"Accept": accept})
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                continue
            mine.append(time.perf_counter() - begin)
            size += len(body)
            non_2xx += not 200 <= response.status < 400
        connection.close()
        with lock:
            counts["errors"] += errors
            counts["non_2xx"] += non_2xx
            counts["bytes"] += size

    begin = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,), daemon=True)
               for n in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    elapsed = time.perf_counter() - begin
    every = sorted(x for mine in latencies for x in mine)

    def pct(q: float) -> float:
        return every[min(len(every) - 1, int(q * len(every)))] * 1000 if every else float("nan")

    return {"seconds": elapsed, "requests": len(every), "p50": pct(0.50), "p90": pct(0.90),
            "p99": pct(0.99), "max": every[-1] * 1000 if every else float("nan"), **counts}


def load(server: str, phase: str, port: int, pid: int, paths: list[str], accept: str,
         args, seconds: float, workdir: Path, lua: Path) -> Result:
    before, client_before, busy_before = cpu_by_process(pid), own_cpu(), machine_busy()
    if args.loadgen == "wrk":
        paths_file = workdir / f"{server}-{phase}.paths"
        paths_file.write_text("\n".join(paths) + "\n")
        data = run_wrk(port, paths_file, accept, args, seconds, lua)
    else:
        data = run_python(port, paths, accept, args, seconds)
    after = cpu_by_process(pid)
    per_process = {p: after[p] - before.get(p, 0.0) for p in after}
    server_cpu = sum(per_process.values())
    seconds = data["seconds"]
    client_cpu = own_cpu() - client_before
    busy = machine_busy() - busy_before
    cpu = server_cpu / data["seconds"]
    result = Result(server, phase, data["seconds"], data["requests"],
                    data["requests"] / data["seconds"], data["p50"], data["p90"], data["p99"],
                    data["max"], data["errors"], data["non_2xx"], data["bytes"] / 1e6,
                    server_cpu=cpu, client_cpu=client_cpu / data["seconds"],
                    other_cpu=max(0.0, busy - server_cpu - client_cpu) / data["seconds"],
                    detail={**data.get("raw", {}), "cpu_by_process": {
                        str(p): round(c / data["seconds"], 2) for p, c in per_process.items()}})
    log(f"{server} {phase}: {result.rate:,.0f} req/s, p50 {result.p50_ms:.2f} ms, "
        f"p99 {result.p99_ms:.2f} ms, {result.errors} errors, {result.non_2xx} non-2xx, "
        f"CPU: server {cpu:.2f} (by process: "
        f"{', '.join(f'{c / seconds:.2f}' for c in per_process.values())}), "
        f"client {result.client_cpu:.2f}, other {result.other_cpu:.2f} cores")
    check(result.errors == 0 and result.non_2xx == 0,
          f"{server} {phase}: {result.errors} errors, {result.non_2xx} non-2xx answers")
    return result


def check_equivalent(sample: list[str], base: str, ports: dict, dataset: str,
                     licence: str, count: int) -> tuple[int, int, list[str]]:
    """Same triples from both servers for the first ``count`` sampled records?"""
    same, problems = 0, []
    for uri in sample[:count]:
        status_c, body_c = fetch(ports["ctlib"], ctlib_path(uri, base)[:-4] + ".nt",
                                 "application/n-triples")
        status_o, body_o = fetch(ports["oxigraph"],
                                 oxigraph_path(uri, base, dataset, licence),
                                 "application/n-triples")
        if status_c != 200 or status_o != 200:
            problems.append(f"{uri}: ctlib {status_c}, oxigraph {status_o}")
            continue
        a, b = ntriples_set(body_c), ntriples_set(body_o)
        if a == b:
            same += 1
        else:
            problems.append(f"{uri}: {len(a)} vs {len(b)} triples; only ctlib: "
                            f"{sorted(a - b)[:2]} only oxigraph: {sorted(b - a)[:2]}")
    return same, min(count, len(sample)), problems


# ------------------------------------------------------------------------- report


def table(results: list[Result]) -> str:
    lines = ["| server | run | req/s | p50 | p90 | p99 | max | errors / non-2xx | CPU server / client / other (cores) | requests |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.server} | {r.phase} | {r.rate:,.0f} | {r.p50_ms:.2f} ms | "
                     f"{r.p90_ms:.2f} ms | {r.p99_ms:.2f} ms | {r.max_ms:.1f} ms | "
                     f"{r.errors} / {r.non_2xx} | {r.server_cpu:.2f} / {r.client_cpu:.2f} / "
                     f"{r.other_cpu:.2f} | {r.requests:,} |")
    return "\n".join(lines)


def median_warm(results: list[Result], server: str) -> Result | None:
    """The warm run of ``server``, or with several rounds a synthetic median row (the
    median req/s and the median of each latency percentile)."""
    runs = [r for r in results if r.server == server and r.phase.startswith("warm")
            and r.phase != "warm-up"]
    if len(runs) <= 1:
        return runs[0] if runs else None
    from statistics import median
    row = Result(server, f"warm, median of {len(runs)}", sum(r.seconds for r in runs),
                 sum(r.requests for r in runs), median(r.rate for r in runs),
                 median(r.p50_ms for r in runs), median(r.p90_ms for r in runs),
                 median(r.p99_ms for r in runs), max(r.max_ms for r in runs),
                 sum(r.errors for r in runs), sum(r.non_2xx for r in runs),
                 sum(r.mb for r in runs), median(r.server_cpu for r in runs),
                 median(r.client_cpu for r in runs), median(r.other_cpu for r in runs))
    return row


def verdict(results: list[Result], connections: int) -> list[str]:
    by = {(r.server, r.phase): r for r in results}
    lines = []
    c, o = by.get(("ctlib", "cold")), by.get(("oxigraph", "cold"))
    if c and o and o.rate:
        lines.append(f"ratio ctlib/oxigraph (cold): {c.rate / o.rate:.2f}x "
                     f"(p99 {c.p99_ms:.2f} ms vs {o.p99_ms:.2f} ms)")
    c, o = median_warm(results, "ctlib"), median_warm(results, "oxigraph")
    if c and o and o.rate:
        ratio = c.rate / o.rate
        lines.append(f"ratio ctlib/oxigraph ({c.phase}): {ratio:.2f}x "
                     f"(p99 {c.p99_ms:.2f} ms vs {o.p99_ms:.2f} ms)")
        clean = c.errors == 0 and c.non_2xx == 0
        met = ratio >= TARGET_RATIO and c.p99_ms <= TARGET_P99_MS and clean
        note = "" if connections == TARGET_CONNECTIONS else \
            f" (measured at {connections} connections, the target is at {TARGET_CONNECTIONS})"
        lines.append(f"target (warm: >= {TARGET_RATIO:.1f}x Oxigraph's req/s, p99 <= "
                     f"{TARGET_P99_MS:.0f} ms, no errors): {'met' if met else 'MISSED'}"
                     f" — ratio {ratio:.2f}x {'ok' if ratio >= TARGET_RATIO else 'missed'}, "
                     f"p99 {c.p99_ms:.2f} ms {'ok' if c.p99_ms <= TARGET_P99_MS else 'missed'}"
                     f"{'' if clean else ', errors'}{note}")
    return lines


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 2)[2],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000, help="catalogue size (default 100000)")
    parser.add_argument("--seed", type=int, default=0, help="catalogue and sample seed")
    parser.add_argument("--sample", type=int, default=2000, help="records in the warm URL list")
    parser.add_argument("--workers", type=int, default=2, help="ctlib serve --workers (default 2)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--duration", type=float, default=20, help="seconds of the measured warm run")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of warm-up on the sample")
    parser.add_argument("--cold", type=float, default=10,
                        help="seconds of the cold run over all records (0: skip)")
    parser.add_argument("--check", type=int, default=25,
                        help="sampled records whose triples are compared between the servers")
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--data-dir", type=Path,
                        help="reuse this CTLIB_DATA_DIR (an earlier --keep); ingest only if empty")
    parser.add_argument("--port", type=int, help="ctlib's port (default: a free one; must match "
                        "the base URI of a reused --data-dir)")
    parser.add_argument("--base-uri", help="the base URI a reused --data-dir was ingested "
                        "with, when not this server's (bench/ingest.py --keep ingests with "
                        "the default, http://localhost:8080/)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument("--access-log", action="store_true",
                        help="let ctlib log every request (as `ctlib serve --access-log`; "
                        "Oxigraph server logs none)")
    parser.add_argument("--profile", type=float, default=0,
                        help="py-spy record one web worker for this many seconds of the "
                        "warm run (needs py-spy on PATH or in /tmp/pyspy)")
    parser.add_argument("--profile-gil", action="store_true",
                        help="py-spy --gil: sample only the thread holding the GIL (where "
                        "Python CPU goes, without threads waiting for the GIL or in syscalls)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measured warm runs per server, alternating ctlib and Oxigraph "
                        "(the verdict uses the median round; on a shared machine, use 3)")
    parser.add_argument("--ingest-timeout", type=float, default=1800)
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    if not CTLIB.exists():
        parser.error(f"{CTLIB} not found: run `make install` first")
    oxigraph = OXIGRAPH
    if not oxigraph.exists():
        parser.error(f"{oxigraph} not found: `{CTLIB.parent / 'pip'} install -e '.[bench]'`")
    if args.loadgen == "auto":
        args.loadgen = "wrk" if shutil.which("wrk") else "python"
    if args.loadgen == "wrk" and not shutil.which("wrk"):
        parser.error("wrk not found (apt-get install wrk), or use --loadgen python")

    sys.path.insert(0, str(ROOT / "src"))
    from ctlib.config import load_config

    port_c = args.port or free_port()
    port_o = free_port()
    while port_o == port_c:
        port_o = free_port()
    base = args.base_uri or f"http://127.0.0.1:{port_c}/"
    workdir = Path(tempfile.mkdtemp(prefix="ctlib-deref-"))
    data_dir = args.data_dir or workdir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = ctlib_env(data_dir, base)
    config = load_config(environ=env)
    licence = config.licence
    dataset = base + ".well-known/void#dataset"
    code = code_version()

    ctlib_server = oxigraph_server = None
    results: list[Result] = []
    info: dict = {"records": args.records, "code": code, "loadgen": args.loadgen}
    try:
        ingest_seconds = None
        if not (data_dir / "current").exists():
            path = catalogue_file(args.records, args.seed)
            ingest_seconds = ingest(path, env, args.ingest_timeout)
        else:
            log(f"reusing the ingest in {data_dir}")
        store_dir = (data_dir / "current").resolve() / "store"
        uris = record_uris(store_dir, base)
        if not uris:
            raise RuntimeError(f"no records under {base} in {store_dir} (a --data-dir ingested "
                               "for another port? pass that --port)")
        rng = random.Random(args.seed)
        sample = rng.sample(uris, min(args.sample, len(uris)))
        cold = list(uris)
        rng.shuffle(cold)
        log(f"{len(uris):,} records in the store; sample of {len(sample):,}")

        copy = workdir / "oxigraph-store"
        shutil.copytree(store_dir, copy)
        logging = "--access-log" if args.access_log else "--no-access-log"
        ctlib_server = start([str(CTLIB), "serve", "--port", str(port_c), "--workers",
                              str(args.workers), logging], env, workdir / "ctlib.log")
        oxigraph_server = start([str(oxigraph), "serve-read-only", "--location", str(copy),
                                 "--bind", f"127.0.0.1:{port_o}"], env, workdir / "oxigraph.log")
        wait_ready(port_c, "/", ctlib_server, workdir / "ctlib.log")
        wait_ready(port_o, "/", oxigraph_server, workdir / "oxigraph.log")
        ports = {"ctlib": port_c, "oxigraph": port_o}
        pids = {"ctlib": ctlib_server.pid, "oxigraph": oxigraph_server.pid}

        same, checked, problems = check_equivalent(sample, base, ports, dataset, licence,
                                                   args.check)
        log(f"same triples from both servers for {same}/{checked} records")
        for problem in problems[:5]:
            log(f"  differs: {problem}")
        info["equivalent"] = f"{same}/{checked}"
        check(same == checked, f"the servers differ on {checked - same} of {checked} records")

        lua = workdir / "paths.lua"
        lua.write_text(WRK_LUA)
        paths = {"ctlib": lambda u: ctlib_path(u, base),
                 "oxigraph": lambda u: oxigraph_path(u, base, dataset, licence)}
        warm_paths = {}
        for server in ("ctlib", "oxigraph"):
            make = paths[server]
            if args.cold > 0:
                results.append(load(server, "cold", ports[server], pids[server],
                                    [make(u) for u in cold], "text/turtle", args, args.cold,
                                    workdir, lua))
            warm_paths[server] = [make(u) for u in sample]
            if args.warmup > 0:
                results.append(load(server, "warm-up", ports[server], pids[server],
                                    warm_paths[server], "text/turtle", args, args.warmup,
                                    workdir, lua))
        for round_ in range(1, args.rounds + 1):
            for server in ("ctlib", "oxigraph"):
                profiler = None
                if args.profile and server == "ctlib" and round_ == 1:
                    profiler = start_profiler(ctlib_server.pid, args.profile, workdir,
                                              args.profile_gil)
                phase = "warm" if args.rounds == 1 else f"warm {round_}"
                results.append(load(server, phase, ports[server], pids[server],
                                    warm_paths[server], "text/turtle", args, args.duration,
                                    workdir, lua))
                if profiler is not None:
                    profiler.wait(timeout=args.profile + 60)
                    info["profile"] = str(workdir / "worker.txt")
                    log(f"py-spy profile of one worker: {workdir}/worker.txt (py-spy raw format)")
        info["ingest_seconds"] = ingest_seconds
    finally:
        stop(ctlib_server)
        stop(oxigraph_server)
        if args.keep or args.profile:
            log(f"kept {workdir} (logs, URL lists{', data' if not args.data_dir else ''})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print(f"code: {code}")
    print(f"machine: {machine_description()} (at the end)")
    print(f"catalogue: {args.records:,} records; warm sample {min(args.sample, len(uris)):,} "
          f"records (seed {args.seed}); ctlib serve --workers {args.workers} (granian); "
          f"Oxigraph server {oxigraph_version(oxigraph)} serve-read-only on a copy of the store")
    print(f"load: {args.loadgen}, {args.connections} connections, {args.threads} threads; "
          f"cold {args.cold:g} s over all records, warm-up {args.warmup:g} s, warm {args.duration:g} s"
          f" over the sample; same triples from both servers: {info.get('equivalent')}")
    if info.get("ingest_seconds"):
        print(f"ingest: {info['ingest_seconds']:.1f} s")
    print()
    medians = [m for m in (median_warm(results, "ctlib"), median_warm(results, "oxigraph"))
               if m is not None and "median" in m.phase]
    print(table(results + medians))
    print()
    for line in verdict(results, args.connections):
        print(line)
    if args.json:
        args.json.write_text(json.dumps({"info": info, "results": [asdict(r) for r in results]},
                                        indent=2))
    return exit_status()


def start_profiler(master: int, seconds: float, workdir: Path,
                   gil: bool = False) -> subprocess.Popen | None:
    """py-spy on the first web worker (a child of the main process), in the background."""
    pyspy = find_pyspy()
    workers = [p for p in process_tree(master) if p != master]
    if pyspy is None or not workers:
        log("py-spy or a worker not found: no profile")
        return None
    worker = sorted(workers)[0]
    log(f"py-spy record of worker {worker} for {seconds:g} s")
    return subprocess.Popen(
        [str(pyspy), "record", "-p", str(worker), "-d", str(int(seconds)), "-r", "200",
         "--format", "raw", "-o", str(workdir / "worker.txt"), "--nonblocking"]
        + (["--gil"] if gil else []),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    sys.exit(main())
