#!/usr/bin/env python3
"""Harvesting benchmark: the whole catalogue through OAI-PMH (Sickle), the Hydra paged
collection and the sitemap, and resumption tokens across a re-ingest.

    bench/harvest.py [--records N] [--data-dir DIR] [--json FILE]

1. A catalogue of N generated records (bench/generate.py, seed 0), ingested once into
   bench/out/harvest-N (bench/slow_clients.py's catalogue(): reused when present), and
   `ctlib serve --workers 2` on it (slow_clients.started()).
2. With Sickle (the client harvesters use), timed: ListRecords (oai_dc) to the end,
   then ListIdentifiers (oai_dc) to the end. Each must return N distinct records.
3. The Hydra collection /doc/record.nt?limit=1000 (the largest page), following each
   page's Link rel="next" to the last page, counting hydra:member: N distinct records.
4. /sitemap.xml: a urlset, or an index whose files are each fetched; every file holds
   at most 50,000 URLs and every record's page is listed.
5. Tokens across a re-ingest: ListRecords again; after 3 pages, `ctlib ingest` of the
   same catalogue with 10 records' summaries edited (a new generation is published);
   the same iterator then goes on with its token. It must end without an OAI error
   (badResumptionToken) and return every record exactly once.

After a warm-up (a page of each list, then 10 s: the workers start their query
processes), rates are records (or identifiers, or members) per second of wall time,
the client (this process) running on the same 2 cores as the server: its CPU seconds
are printed beside, with the items per CPU second of the server's processes (what
other jobs on the machine change least: two workers on a quiet 2-core machine can
approach twice that) and the load average. Targets (issue 21): ListRecords and the Hydra
walk >= 1,000 records/s, ListIdentifiers >= 10,000 identifiers/s. Prints a table and
verdicts; exits 1 on any failed check or missed target.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import generate
import requests
from ingest import change
from servers import ROOT, cpu_seconds, ctlib_env, ingest, log, stop, wait_ready
from sickle import Sickle
from sickle.oaiexceptions import OAIError
from slow_clients import BASE, catalogue, started
from soak import load_average

from ctlib.config import load_config

SITEMAP_LIMIT = 50_000
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HYDRA_MEMBER = "<http://www.w3.org/ns/hydra/core#member>"
CHANGED = 10
"""Records edited by the re-ingest in the middle of a harvest."""
PAGES_BEFORE_REINGEST = 3
WARM_UP_PAUSE = 10.0


@dataclass
class Measured:
    name: str
    count: int
    seconds: float
    client_cpu: float
    server_cpu: float
    """CPU seconds of the server's processes meanwhile (a re-ingest's are not in it)."""
    target: float | None
    """Items per second to reach; None: a check without a rate."""
    problems: list[str]

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def per_server_cpu(self) -> float:
        """Items per CPU second of the server: what the load of other jobs on the
        machine changes least."""
        return self.count / self.server_cpu if self.server_cpu else 0.0

    @property
    def met(self) -> bool:
        return not self.problems and (self.target is None or self.rate >= self.target)


def timed(name: str, target: float | None, server: int, run) -> Measured:
    """``run()`` returns (count, problems); wall, client and server CPU seconds around
    it."""
    wall, cpu, served = time.perf_counter(), time.process_time(), cpu_seconds(server)
    count, problems = run()
    return Measured(name, count, time.perf_counter() - wall, time.process_time() - cpu,
                    cpu_seconds(server) - served, target, problems)


def exactly_once(seen: list[str], expected: set[str]) -> list[str]:
    problems = []
    if len(seen) != len(set(seen)):
        problems.append(f"{len(seen) - len(set(seen))} returned more than once")
    if missing := expected - set(seen):
        problems.append(f"{len(missing)} missing, e.g. {sorted(missing)[0]}")
    if extra := set(seen) - expected:
        problems.append(f"{len(extra)} not in the catalogue, e.g. {sorted(extra)[0]}")
    return problems


def oai_harvest(endpoint: str, verb: str, expected: set[str], after_item=None):
    """Every header's identifier of ``verb`` (Sickle following resumption tokens);
    ``after_item(count)`` is called after each item, before the next is asked for."""
    def run():
        sickle = Sickle(endpoint, max_retries=0, timeout=120)
        seen = []
        try:
            for item in getattr(sickle, verb)(metadataPrefix="oai_dc"):
                seen.append((item if verb == "ListIdentifiers" else item.header).identifier)
                if after_item:
                    after_item(len(seen))
        except OAIError as error:
            return len(seen), [f"{type(error).__name__} after {len(seen)}: {error}"]
        return len(seen), exactly_once(seen, expected)
    return run


def hydra_walk(port: int, expected: set[str]):
    def run():
        url = f"http://127.0.0.1:{port}/doc/record.nt?limit=1000"
        seen, pages = [], 0
        with requests.Session() as session:
            session.headers["Accept"] = "application/n-triples"  # the next links negotiate
            while url:
                response = session.get(url, timeout=120)
                if response.status_code != 200:
                    return len(seen), [f"{url}: HTTP {response.status_code}"]
                pages += 1
                seen += [line.split(" ", 3)[2][1:-1] for line in response.text.splitlines()
                         if f" {HYDRA_MEMBER} " in line]
                url = _local(port, response.links.get("next", {}).get("url"))
        return len(seen), exactly_once(seen, expected)
    return run


def _local(port: int, url: str | None) -> str | None:
    """The catalogue's URL ``url`` on the benchmark's server (its base is BASE)."""
    return url and url.replace(BASE, f"http://127.0.0.1:{port}/", 1)


def sitemap_check(port: int, expected_pages: set[str]):
    def run():
        problems, listed = [], []
        root = _xml(port, f"{BASE}sitemap.xml")
        files = [loc.text for loc in root.iter(f"{SITEMAP}loc")] \
            if root.tag == f"{SITEMAP}sitemapindex" else [None]
        for file in files:
            urlset = root if file is None else _xml(port, file)
            urls = [loc.text for loc in urlset.iter(f"{SITEMAP}loc")]
            if len(urls) > SITEMAP_LIMIT:
                problems.append(f"{file or '/sitemap.xml'} has {len(urls):,} URLs")
            listed += urls
        if missing := expected_pages - set(listed):
            problems.append(f"{len(missing)} record pages missing, e.g. {sorted(missing)[0]}")
        kind = f"an index of {len(files)} files" if files != [None] else "one urlset"
        log(f"/sitemap.xml is {kind}, {len(listed):,} URLs")
        return len(listed), problems
    return run


def _xml(port: int, url: str) -> ElementTree.Element:
    response = requests.get(_local(port, url), timeout=120)
    response.raise_for_status()
    return ElementTree.fromstring(response.content)


def warm_up(endpoint: str, port: int) -> None:
    """A page of each list, then a pause: the workers have imported what they use and
    started their query processes (CPU taken from the first measurement otherwise)."""
    for verb in ("ListRecords", "ListIdentifiers"):
        requests.get(endpoint, params={"verb": verb, "metadataPrefix": "oai_dc"}, timeout=120)
    requests.get(f"http://127.0.0.1:{port}/doc/record.nt?limit=1000", timeout=120)
    time.sleep(WARM_UP_PAUSE)


def changed_catalogue(records: int, out: Path) -> Path:
    """bench/generate.py's catalogue with CHANGED records' summaries edited (other ones
    each run: the re-ingest always publishes a new generation)."""
    items = generate.generate(records, 0, ROOT / "vocab")
    edited, _ = change(items, CHANGED / records, int(time.time()))
    path = out / "changed" / "catalogue.txt"  # the first file's name: same identifiers
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(generate.render(edited, "listing"), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--json", type=Path, help="write the measurements here")
    args = parser.parse_args(argv)

    data_dir = args.data_dir or ROOT / "bench" / "out" / f"harvest-{args.records}"
    data_dir, identifiers = catalogue(data_dir, args.records)
    expected = {f"{BASE}id/record/{quote(i, safe='')}" for i in identifiers}
    pages = {f"{BASE}doc/record/{quote(i, safe='')}" for i in identifiers}
    changed = changed_catalogue(args.records, data_dir.parent / f"harvest-{args.records}-src")
    server, port, log_path = started("ctlib", 2, data_dir, "harvest")
    endpoint = f"http://127.0.0.1:{port}/oai"
    print(f"# load average before: {load_average()}")

    env = ctlib_env(data_dir, BASE)
    page_size = load_config(environ=env).oai_page_size

    def reingest(count: int) -> None:
        if count == PAGES_BEFORE_REINGEST * page_size:  # the next item needs the token
            ingest(changed, env, timeout=3600)

    try:
        wait_ready(port, "/context.jsonld", server, log_path)
        warm_up(endpoint, port)
        measure = functools.partial(timed, server=server.pid)
        results = [
            measure("ListRecords oai_dc (Sickle)", 1_000,
                    run=oai_harvest(endpoint, "ListRecords", expected)),
            measure("ListIdentifiers oai_dc (Sickle)", 10_000,
                    run=oai_harvest(endpoint, "ListIdentifiers", expected)),
            measure("Hydra /doc/record.nt?limit=1000", 1_000, run=hydra_walk(port, expected)),
            measure("/sitemap.xml and its files", None, run=sitemap_check(port, pages)),
            measure(f"ListRecords across a re-ingest ({CHANGED} records changed)", None,
                    run=oai_harvest(endpoint, "ListRecords", expected, reingest)),
        ]
        tracebacks = log_path.read_text(errors="replace").count("Traceback")
    finally:
        stop(server)
    print(f"# load average after: {load_average()}")
    print(table(results, args.records))
    if tracebacks:
        print(f"FAILED: {tracebacks} tracebacks in the server's log {log_path}")
    if args.json:
        args.json.write_text(json.dumps({
            "records": args.records, "load_average": load_average(), "tracebacks": tracebacks,
            "results": [asdict(r) | {"rate": r.rate, "per_server_cpu": r.per_server_cpu,
                                      "met": r.met} for r in results]},
            indent=2))
    return 0 if all(r.met for r in results) and not tracebacks else 1


def table(results: list[Measured], records: int) -> str:
    lines = [f"\n{records:,} records, `ctlib serve --workers 2`",
             "| harvest | items | seconds | items/s | target | items per server CPU s "
             "| client CPU s | verdict |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        target = f">= {r.target:,.0f}/s" if r.target else "-"
        verdict = "MET" if r.met else "FAILED: " + "; ".join(
            r.problems or [f"{r.rate:,.0f}/s is under the target"])
        lines.append(f"| {r.name} | {r.count:,} | {r.seconds:.1f} | {r.rate:,.0f} | {target} "
                     f"| {r.per_server_cpu:,.0f} | {r.client_cpu:.1f} | {verdict} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
