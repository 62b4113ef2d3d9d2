#!/usr/bin/env python3
"""Slow clients against a real server on loopback, while ordinary requests are timed.

    bench/slow_clients.py [--server NAME] [--slow N] [--kinds headers,dump,body]
                          [--duration S] [--records R] [--data-dir DIR]

1. Generate a catalogue of R records (bench/generate.py, seed 0) and ingest it with
   the real CLI into --data-dir (reused when it holds a published generation).
2. Start the server named by --server (SERVERS below: `ctlib serve` as it is, or one of
   the WSGI servers measured before choosing it) with 2 workers on a free port.
3. Time ordinary requests for --baseline seconds: record pages (Turtle, HTML), a
   search, a SPARQL ASK, OAI-PMH Identify, the dump list; each on a new connection,
   from --ordinary client threads at once, each request given up after 10 s.
4. Open N slow connections of each kind in --kinds (a separate process, asyncio) and,
   once they are all open, time the same ordinary requests for --duration seconds:
     headers  sends a request line, then one header line every 2 s, never the end
     dump     asks for the N-Triples dump with a 4 KiB receive buffer and reads 1 KiB a second
     body     POSTs a 100,000-byte SPARQL query, 16 bytes every 2 s
     silent   connects and sends nothing
     results  asks /sparql for 100,000 triples (13 MB) and reads 1 KiB a second
   A slow connection the server closes is counted and opened again at once, so N stay
   open as far as the server lets them.
5. Print requests, errors, p50/p99/max of the ordinary requests with and without the
   slow clients, what the slow connections got, and the server's threads and RSS.
   The target (issue 15, item 11): 200 of each of headers, dump and body, and the
   ordinary requests' p99 <= 1 s with no error.

Every loop is bounded by the durations given; servers are stopped (their own process
groups) in any case.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import multiprocessing
import random
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from servers import (
    ROOT,
    VENV,
    catalogue_file,
    code_version,
    ctlib_env,
    free_port,
    ingest,
    log,
    machine_description,
    record_uris,
    rss_bytes,
    start,
    stop,
    threads_of,
    wait_ready,
)
from verdicts import check, exit_status, keyed

BASE = "http://localhost:8080/"
"""The catalogue's base URI: the benchmark asks for paths, never for minted URIs."""
REQUEST_TIMEOUT = 10.0
TARGET_P99 = 1.0

SERVERS = {
    "ctlib": ["{venv}/ctlib", "serve", "--port", "{port}", "--workers", "{workers}"],
    # what `ctlib serve` ran before: gunicorn, gthread, 12 threads a worker
    "gthread-12": ["{venv}/gunicorn", "--worker-class", "gthread", "--threads", "12",
                   "--workers", "{workers}", "--bind", "127.0.0.1:{port}",
                   "ctlib.web:create_app()"],
    "gthread-400": ["{venv}/gunicorn", "--worker-class", "gthread", "--threads", "400",
                    "--worker-connections", "2000", "--workers", "{workers}",
                    "--bind", "127.0.0.1:{port}", "ctlib.web:create_app()"],
    "gevent": ["{venv}/gunicorn", "--worker-class", "gevent", "--worker-connections", "2000",
               "--workers", "{workers}", "--bind", "127.0.0.1:{port}",
               "ctlib.web:create_app()"],
    "granian": ["{venv}/granian", "--interface", "wsgi", "--factory", "--workers", "{workers}",
                "--blocking-threads", "400", "--port", "{port}", "ctlib.web:create_app"],
}

KINDS = ("headers", "dump", "body", "silent", "results")
BIG_CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
"""100,000 triples (the row limit), 13 MB of N-Triples: more than the socket buffers hold."""


# ------------------------------------------------------------------ slow clients


@dataclass
class KindCount:
    opened: int = 0
    closed_by_server: int = 0
    refused: int = 0
    """Connections that could not be made (or were reset before sending anything)."""
    answered: int = 0
    """Responses that began (a status line) before the client had finished."""
    received: int = 0
    open_now: int = 0


async def _slow(kind: str, port: int, count: KindCount, stop_at: float) -> None:
    """One slow client of ``kind``, reconnecting whenever the server closes, until
    ``stop_at``."""
    loop = asyncio.get_running_loop()
    while loop.time() < stop_at:
        try:
            reader, writer = await asyncio.wait_for(_connect(kind, port), 10)
        except (OSError, asyncio.TimeoutError):
            count.refused += 1
            await asyncio.sleep(0.5)
            continue
        count.opened += 1
        count.open_now += 1
        try:
            await _behave(kind, reader, writer, count, stop_at)
            if loop.time() < stop_at:
                count.closed_by_server += 1
        except (OSError, asyncio.IncompleteReadError):
            count.closed_by_server += 1
        finally:
            count.open_now -= 1
            writer.close()
        await asyncio.sleep(0.2)


async def _connect(kind: str, port: int):
    sock = socket.socket()
    sock.setblocking(False)
    if kind in ("dump", "results"):  # a small window: the server cannot send ahead much
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    return await asyncio.open_connection(sock=sock, limit=4096)


async def _behave(kind: str, reader, writer, count: KindCount, stop_at: float) -> None:
    loop = asyncio.get_running_loop()
    if kind == "headers":
        writer.write(b"GET /doc/record/slow HTTP/1.1\r\nHost: localhost\r\n")
        line = 0
        while loop.time() < stop_at:
            line += 1
            writer.write(f"X-Slow-{line}: {line}\r\n".encode())
            await writer.drain()
            if await _closed_within(reader, 2.0, count):
                return
    elif kind == "silent":
        while loop.time() < stop_at:
            if await _closed_within(reader, 2.0, count):
                return
    elif kind == "body":
        writer.write(b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                     b"application/sparql-query\r\nContent-Length: 100000\r\n\r\n")
        while loop.time() < stop_at:
            writer.write(b"#" * 15 + b"\n")
            await writer.drain()
            if await _closed_within(reader, 2.0, count):
                return
    else:
        path = ("/dump/catalogue.nt.gz" if kind == "dump"
                else "/sparql?query=" + quote(BIG_CONSTRUCT))
        writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: "
                     "application/n-triples, */*\r\n\r\n".encode())
        await writer.drain()
        while loop.time() < stop_at:
            chunk = await reader.read(1024)
            if not chunk:
                return
            count.received += len(chunk)
            await asyncio.sleep(1.0)


async def _closed_within(reader, seconds: float, count: KindCount) -> bool:
    """Waits ``seconds`` for the server; True if it answered or closed meanwhile."""
    try:
        data = await asyncio.wait_for(reader.read(4096), seconds)
    except asyncio.TimeoutError:
        return False
    if data:
        count.answered += 1
        count.received += len(data)
    return True


def run_slow_clients(port: int, kinds: list[str], per_kind: int, seconds: float,
                     ramp: float, report) -> None:
    """The slow clients' process: ``per_kind`` of each kind, opened over ``ramp``
    seconds, kept for ``seconds``; the counts go to ``report`` (a queue) every second."""
    async def main() -> None:
        loop = asyncio.get_running_loop()
        stop_at = loop.time() + seconds
        counts = {kind: KindCount() for kind in kinds}
        tasks = []
        for number in range(per_kind):
            for kind in kinds:
                tasks.append(asyncio.create_task(_slow(kind, port, counts[kind], stop_at)))
            await asyncio.sleep(ramp / per_kind)
        while loop.time() < stop_at:
            report.put({kind: vars(count).copy() for kind, count in counts.items()})
            await asyncio.sleep(1.0)
        await asyncio.wait(tasks, timeout=15)
        report.put({kind: vars(count).copy() for kind, count in counts.items()})
        report.put(None)

    asyncio.run(main())


class SlowClients:
    """The slow clients in their own process (their event loop must not share a GIL
    with the timed requests)."""

    def __init__(self, port: int, kinds: list[str], per_kind: int, seconds: float,
                 ramp: float):
        self.reports = multiprocessing.Queue()
        self.process = multiprocessing.Process(
            target=run_slow_clients, args=(port, kinds, per_kind, seconds, ramp, self.reports),
            daemon=True)
        self.latest: dict = {}
        self.process.start()

    def poll(self) -> dict:
        """The latest counts the process reported."""
        while not self.reports.empty():
            report = self.reports.get()
            if report is not None:
                self.latest = report
        return self.latest

    def wait_open(self, wanted: int, timeout: float) -> dict:
        """Until ``wanted`` connections of each kind are open (or ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            latest = self.poll()
            if latest and all(c["open_now"] >= wanted for c in latest.values()):
                break
            time.sleep(0.5)
        return self.poll()

    def finish(self, timeout: float) -> dict:
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
        return self.poll()


# -------------------------------------------------------------- ordinary requests


@dataclass
class Timed:
    latencies: list[float] = field(default_factory=list)
    """Of the requests answered below 500."""
    errors: dict[str, int] = field(default_factory=dict)
    """By kind: a status >= 500, or what went wrong with the connection."""
    statuses: dict[int, int] = field(default_factory=dict)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    def add_error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    def line(self) -> str:
        errors = sum(self.errors.values())
        detail = (" (" + ", ".join(f"{k} {v}" for k, v in sorted(self.errors.items())) + ")"
                  if errors else "")
        return (f"{len(self.latencies) + errors} requests, {errors} errors{detail}, "
                f"p50 {self.quantile(0.5) * 1000:.1f} ms, p99 {self.quantile(0.99) * 1000:.1f} "
                f"ms, max {max(self.latencies, default=float('nan')) * 1000:.1f} ms")


def ordinary_paths(record_ids: list[str]) -> list[tuple[str, str]]:
    """(path, Accept) of the ordinary requests, cycled through by each client."""
    fixed = [("/search?q=trafficking", "text/html"),
             ("/sparql?query=" + quote("ASK { ?s ?p ?o }"), "application/sparql-results+json"),
             ("/oai?verb=Identify", "text/xml"), ("/dump/", "text/plain")]
    paths = []
    for number, identifier in enumerate(record_ids):
        name = quote(identifier, safe="")
        paths.append((f"/doc/record/{name}.ttl", "text/turtle") if number % 2
                     else (f"/doc/record/{name}", "text/html"))
        if number % 4 == 3:  # one request in five is not a record page
            paths.append(fixed[number // 4 % len(fixed)])
    return paths


def one_request(port: int, path: str, accept: str, timed: Timed) -> None:
    begin = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException) as error:
        timed.add_error(type(error).__name__)
        return
    finally:
        connection.close()
    timed.statuses[response.status] = timed.statuses.get(response.status, 0) + 1
    if response.status >= 500:
        timed.add_error(str(response.status))
    else:
        timed.latencies.append(time.perf_counter() - begin)


def time_ordinary(port: int, paths: list[tuple[str, str]], clients: int,
                  seconds: float) -> Timed:
    """``clients`` threads, each asking for the next path on a new connection until
    ``seconds`` have passed."""
    timed = Timed()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        index = offset
        while time.monotonic() < deadline:
            path, accept = paths[index % len(paths)]
            one_request(port, path, accept, timed)
            index += 1

    threads = [threading.Thread(target=client, args=(n * len(paths) // clients,), daemon=True)
               for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + REQUEST_TIMEOUT + 5)
    return timed


# ------------------------------------------------------------------------ running


def server_command(name: str, port: int, workers: int) -> list[str]:
    return [part.format(venv=VENV, port=port, workers=workers) for part in SERVERS[name]]


def catalogue(data_dir: Path | None, records: int) -> tuple[Path, list[str]]:
    """The data directory of ``records`` generated records (ingested on first use) and
    their identifiers; by default kept in bench/out/slow/, per code version."""
    data_dir = data_dir or keyed(ROOT / "bench" / "out" / "slow") / str(records)
    if not (data_dir / "current").exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        ingest(catalogue_file(records, 0), ctlib_env(data_dir, BASE), timeout=1800)
    else:
        log(f"reusing the ingest in {data_dir}")
    uris = record_uris((data_dir / "current").resolve() / "store", BASE)
    return data_dir, [uri.rsplit("/", 1)[1] for uri in uris]


def started(name: str, workers: int, data_dir: Path, log_name: str):
    """The server ``name`` of SERVERS on a free port: (process, port, log file)."""
    port = free_port()
    log_path = data_dir.parent / f"{log_name}-{port}.log"
    command = server_command(name, port, workers)
    server = start(command, ctlib_env(data_dir, BASE), log_path)
    print(f"# {code_version()}; {machine_description()}")
    print(f"# server {name}: {' '.join(command)}")
    return server, port, log_path


def describe_slow(counts: dict) -> str:
    return "; ".join(f"{kind}: {c['open_now']} open, {c['opened']} opened, "
                     f"{c['closed_by_server']} closed by the server, {c['refused']} refused, "
                     f"{c['answered']} answered early, {c['received']:,} bytes received"
                     for kind, c in counts.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=sorted(SERVERS), default="ctlib")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--slow", type=int, default=200, help="slow connections of each kind")
    parser.add_argument("--kinds", default="headers,dump,body",
                        help=f"comma-separated, of: {', '.join(KINDS)}")
    parser.add_argument("--ordinary", type=int, default=4, help="ordinary clients at once")
    parser.add_argument("--baseline", type=float, default=10, help="seconds without slow clients")
    parser.add_argument("--duration", type=float, default=30, help="seconds with them")
    parser.add_argument("--ramp", type=float, default=10, help="seconds to open them")
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--data-dir", type=Path,
                        help="a data directory to ingest into once and reuse")
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k]
    if unknown := set(kinds) - set(KINDS):
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")

    data_dir, record_ids = catalogue(args.data_dir, args.records)
    paths = ordinary_paths(random.Random(0).sample(record_ids, min(400, len(record_ids))))
    server, port, log_path = started(args.server, args.workers, data_dir, f"slow-{args.server}")
    try:
        wait_ready(port, "/context.jsonld", server, log_path)
        time_ordinary(port, paths, args.ordinary, 5)  # warm the caches and query processes
        before = time_ordinary(port, paths, args.ordinary, args.baseline)
        print(f"without slow clients: {before.line()}")
        check(not before.errors, f"without slow clients: {before.line()}")
        print(f"server: {threads_of(server.pid)} threads, RSS {rss_bytes(server.pid) / 2**20:.0f} MiB")
        slow = SlowClients(port, kinds, args.slow, args.ramp + args.duration + 5, args.ramp)
        opened = slow.wait_open(args.slow, args.ramp + 5)
        print(f"slow clients after opening: {describe_slow(opened)}")
        during = time_ordinary(port, paths, args.ordinary, args.duration)
        counts = slow.poll()
        print(f"with {args.slow} slow clients of each of {', '.join(kinds)}: {during.line()}")
        print(f"slow clients at the end: {describe_slow(counts)}")
        print(f"server: {threads_of(server.pid)} threads, RSS {rss_bytes(server.pid) / 2**20:.0f} MiB")
        slow.finish(30)
        met = not during.errors and during.quantile(0.99) <= TARGET_P99
        print(f"target (no error, p99 <= {TARGET_P99:g} s): {'met' if met else 'missed'}")
        check(not during.errors, f"with slow clients: {during.line()}")
    finally:
        stop(server)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
