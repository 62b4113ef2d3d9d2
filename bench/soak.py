#!/usr/bin/env python3
"""Minutes of mixed load on `ctlib serve`, with slow clients, and the workers' memory
before and after.

    bench/soak.py [--duration S] [--ordinary C] [--slow N] [--records R] [--data-dir DIR]
                  [--distinct D] [--sample-every S] [--rss-limit MB] [--json FILE]

The catalogue and server are bench/slow_clients.py's (R generated records ingested
once, `ctlib serve --workers 2` on loopback); the cycle asks for D of them (2,000).
After a warm-up of 10 s, C client threads
send, each on a new connection given up after 10 s, a cycle of: record descriptions in
every format and by negotiation, `/id/` redirects, citations, concept pages, searches,
SPARQL queries (ASK, SELECT, CONSTRUCT), OAI-PMH verbs, the home page, browse, VoID,
the sitemap, the dump list and now and then a whole dump, for S seconds; meanwhile N
slow clients of each of bench/slow_clients.py's kinds (headers, dump, body, silent,
results) come and go. Prints requests, answers by status, errors, p50/p99/max, and
each worker's RSS (its own, and with its query processes) before and after.

Each worker's own RSS (VmRSS of /proc/PID/status: the worker with its representation
cache, not its query processes) is sampled every --sample-every seconds during the
load and printed as a table over time; the verdict compares each worker's highest
sample with --rss-limit (600 MB, issue 21: "each web worker's RSS <= 600 MB after 10
minutes of mixed traffic"); `--duration 600` is that run. Exits 1 when a worker went
over. --json writes the samples and the summary.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

from servers import PAGE, log, rss_bytes, stop, wait_ready
from slow_clients import KINDS, SlowClients, catalogue, describe_slow, started, time_ordinary
from verdicts import check, exit_status

SPARQL = ["ASK { ?s ?p ?o }",
          "SELECT ?r ?t WHERE { ?r a <http://purl.org/dc/terms/BibliographicResource> ; "
          "<http://purl.org/dc/terms/title> ?t } LIMIT 50",
          "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 500",
          "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"]
SEARCHES = ["trafficking", "labour exploitation", "children", "migration policy", "victim"]
OAI = ["verb=Identify", "verb=ListMetadataFormats", "verb=ListSets",
       "verb=ListIdentifiers&metadataPrefix=oai_dc", "verb=ListRecords&metadataPrefix=oai_dc"]
FORMATS = [(".ttl", "*/*"), (".jsonld", "*/*"), (".rdf", "*/*"), (".nt", "*/*"),
           (".html", "*/*"), ("", "text/turtle"), ("", "application/ld+json"),
           ("", "text/html"), (".bib", "*/*"), (".ris", "*/*"), (".csljson", "*/*")]


def mixed_paths(record_ids: list[str], rng: random.Random) -> list[tuple[str, str]]:
    """One cycle of the ordinary clients' requests, shuffled."""
    paths = []
    for number, identifier in enumerate(record_ids):
        name = quote(identifier, safe="")
        suffix, accept = FORMATS[number % len(FORMATS)]
        paths.append((f"/doc/record/{name}{suffix}", accept))
        if number % 10 == 0:
            paths.append((f"/id/record/{name}", "text/turtle"))
    for number in range(len(record_ids) // 5):
        paths.append(("/search?q=" + quote(SEARCHES[number % len(SEARCHES)]), "text/html"))
        paths.append(("/sparql?query=" + quote(SPARQL[number % len(SPARQL)]),
                      "application/sparql-results+json, application/n-triples"))
        paths.append(("/oai?" + OAI[number % len(OAI)], "text/xml"))
    for number in range(len(record_ids) // 20):
        paths += [("/", "text/html"), ("/browse/", "text/html"),
                  ("/.well-known/void", "text/turtle"), ("/sitemap.xml", "application/xml"),
                  ("/dump/", "text/plain"), ("/def/countries", "text/html")]
    for _ in range(len(record_ids) // 100):
        paths.append(("/dump/catalogue.nt.gz", "application/gzip"))
    rng.shuffle(paths)
    return paths


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def workers_memory(server: int) -> str:
    """Each worker's own RSS, then with its fork server, tracker and query processes."""
    def own(pid: int) -> int:
        try:
            return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError):
            return 0
    return ", ".join(f"worker {pid}: {own(pid) / 2**20:.0f} MiB ({rss_bytes(pid) / 2**20:.0f} "
                     f"MiB with its query processes)" for pid in children(server))


def vm_rss(pid: int) -> int | None:
    """VmRSS of ``pid`` in bytes; None once it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), None)
    return None if line is None else int(line.split()[1]) * 1024


class RssSamples:
    """Each worker's VmRSS every ``every`` seconds, in a thread, until stop()."""

    def __init__(self, server: int, every: float):
        self.server, self.every = server, every
        self.begin = time.monotonic()
        self.rows: list[tuple[float, dict[int, int]]] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            sample = {pid: rss for pid in children(self.server)
                      if (rss := vm_rss(pid)) is not None}
            self.rows.append((time.monotonic() - self.begin, sample))
            if self._done.wait(self.every):
                return

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def highest(self) -> dict[int, int]:
        most: dict[int, int] = {}
        for _, sample in self.rows:
            for pid, rss in sample.items():
                most[pid] = max(most.get(pid, 0), rss)
        return most

    def table(self) -> str:
        pids = sorted(self.highest())
        lines = ["| s | " + " | ".join(f"worker {pid} MiB" for pid in pids) + " |",
                 "|---|" + "---|" * len(pids)]
        for seconds, sample in self.rows:
            lines.append(f"| {seconds:.0f} | " + " | ".join(
                f"{sample[pid] / 2**20:.0f}" if pid in sample else "-" for pid in pids) + " |")
        return "\n".join(lines)


def rss_verdict(highest: dict[int, int], limit_mb: float) -> tuple[bool, str]:
    worst = max(highest.values(), default=0) / 2**20
    met = bool(highest) and worst <= limit_mb
    return met, (f"{'MET' if met else 'MISSED'}: highest worker RSS {worst:.0f} MiB, "
                 f"target <= {limit_mb:g} MiB ({len(highest)} workers sampled)")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=300)
    parser.add_argument("--ordinary", type=int, default=4, help="ordinary clients at once")
    parser.add_argument("--slow", type=int, default=20, help="slow connections of each kind")
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--distinct", type=int, default=2000,
                        help="records in the cycle: more fill the caches further")
    parser.add_argument("--sample-every", type=float, default=10,
                        help="seconds between two samples of the workers' RSS")
    parser.add_argument("--rss-limit", type=float, default=600,
                        help="MiB a worker's RSS may reach (the verdict)")
    parser.add_argument("--json", type=Path, help="write the samples and summary here")
    args = parser.parse_args(argv)

    data_dir, record_ids = catalogue(args.data_dir, args.records)
    rng = random.Random(0)
    paths = mixed_paths(rng.sample(record_ids, min(args.distinct, len(record_ids))), rng)
    server, port, log_path = started("ctlib", 2, data_dir, "soak")
    print(f"# {len(paths):,} paths in the cycle")
    try:
        wait_ready(port, "/context.jsonld", server, log_path)
        time_ordinary(port, paths, args.ordinary, 10)
        print(f"before: {workers_memory(server.pid)}")
        print(f"load average before: {load_average()}")
        samples = RssSamples(server.pid, args.sample_every)
        slow = SlowClients(port, list(KINDS), args.slow, args.duration, 10)
        begin = time.monotonic()
        timed = time_ordinary(port, paths, args.ordinary, args.duration)
        elapsed = time.monotonic() - begin
        counts = slow.finish(30)
        samples.stop()
        print(f"{args.duration:g} s of mixed load from {args.ordinary} clients with "
              f"{args.slow} slow clients of each kind: {timed.line()}, "
              f"{len(timed.latencies) / elapsed:.0f} answers/s")
        print("answers by status: " + ", ".join(f"{status} {count:,}" for status, count
                                               in sorted(timed.statuses.items())))
        print(f"slow clients: {describe_slow(counts)}")
        print(f"after: {workers_memory(server.pid)}")
        errors = log_path.read_text(errors="replace").count("Traceback")
        log(f"server log {log_path}: {errors} tracebacks")
        print(f"tracebacks in the server's log: {errors}")
        print(f"load average after: {load_average()}")
        print("\nEach worker's own RSS (VmRSS) during the load:\n" + samples.table())
        met, verdict = rss_verdict(samples.highest(), args.rss_limit)
        print(verdict)
        if args.json:
            args.json.write_text(json.dumps({
                "records": len(record_ids), "duration_s": args.duration,
                "answers": len(timed.latencies), "statuses": timed.statuses,
                "tracebacks": errors, "rss_limit_mib": args.rss_limit, "met": met,
                "highest_rss_bytes": samples.highest(),
                "samples": [{"s": round(t, 1), "rss_bytes": sample}
                            for t, sample in samples.rows]}, indent=2))
        check(not timed.errors, f"mixed load: {timed.line()}")
        check(not errors, f"{errors} tracebacks in the server's log {log_path}")
        check(met, verdict)
    finally:
        stop(server)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
