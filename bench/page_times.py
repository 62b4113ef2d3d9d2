#!/usr/bin/env python3
"""The pages a visitor opens first, timed on a catalogue already ingested.

    bench/page_times.py DATA_DIR [--requests N] [--workers 2] [--port P] [--json FILE]

Serves DATA_DIR (a CTLIB_DATA_DIR, such as the one `bench/ingest.py --keep` leaves)
with `ctlib serve --workers W` and asks for the home page, the concept page of
Worldwide (which counts every record), a scheme page, the authors list and free-text
searches. The response cache holds one answer per worker (CTLIB_CACHE_ENTRIES=1) and
each page is asked for in the three interface languages in turn (each search for
another word), so that every timed answer is computed: what a visitor meets when the
cache has not seen the page, with the per-generation structures (counts, the authors'
filing order) built by the first request, which is reported on its own. The target
(issue 21): p50 <= 100 ms for each at 1,000,000 records. Exits 1 when a page does not
answer 200.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path
from statistics import median

from servers import CTLIB, ROOT, free_port, start, stop, wait_ready
from verdicts import check, exit_status, load_average

TARGET_MS = 100.0
LANGUAGES = ("en", "fr", "es")
WORDS = ("trafficking", "labour", "children", "migration", "victims", "border", "shelter",
         "referral", "exploitation", "identification", "prosecution", "smuggling",
         "forced", "survivors", "guidance", "handbook", "report", "protection", "women",
         "recruitment")
PAGES = {
    "home": [f"/?lang={language}" for language in LANGUAGES],
    "concept Worldwide": [f"/def/regions/worldwide?lang={language}" for language in LANGUAGES],
    "scheme (regions)": [f"/def/regions?lang={language}" for language in LANGUAGES],
    "authors list": [f"/browse/authors?lang={language}" for language in LANGUAGES],
    "search, free text": [f"/search?q={word}" for word in WORDS],
}


def timed_get(port: int, path: str) -> tuple[int, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        start_time = time.perf_counter()
        connection.request("GET", path, headers={"Accept": "text/html"})
        response = connection.getresponse()
        response.read()
        return response.status, (time.perf_counter() - start_time) * 1000
    finally:
        connection.close()


def measure(port: int, paths: list[str], requests: int) -> dict:
    first_status, first_ms = timed_get(port, paths[0])
    times, statuses = [], {first_status}
    for _, path in zip(range(requests), cycle(paths[1:] + paths[:1])):
        status, ms = timed_get(port, path)
        statuses.add(status)
        times.append(ms)
    times.sort()
    return {"first_ms": first_ms, "p50_ms": median(times),
            "p90_ms": times[int(0.9 * (len(times) - 1))], "statuses": sorted(statuses)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    port = args.port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTLIB_")}
    env.update({"CTLIB_DATA_DIR": str(args.data_dir), "CTLIB_VOCAB_DIR": str(ROOT / "vocab"),
                "CTLIB_SHAPES_DIR": str(ROOT / "shapes"), "CTLIB_CACHE_ENTRIES": "1"})
    log_path = Path(tempfile.mkstemp(prefix="ctlib-page-times-", suffix=".log")[1])
    print(f"# load average before: {load_average()}", file=sys.stderr)
    server = start([str(CTLIB), "serve", "--workers", str(args.workers), "--port", str(port)],
                   env, log_path)
    results = {}
    try:
        wait_ready(port, "/health", server, log_path, timeout=300)
        for name, paths in PAGES.items():
            results[name] = measure(port, paths, args.requests)
            check(results[name]["statuses"] == [200],
                  f"{name}: answered {results[name]['statuses']}")
    finally:
        stop(server)
    print(f"# load average after: {load_average()}", file=sys.stderr)
    print("| page | first request | p50 | p90 | target p50 ≤ 100 ms |")
    print("|---|---:|---:|---:|---|")
    for name, result in results.items():
        met = "met" if result["p50_ms"] <= TARGET_MS else "MISSED"
        print(f"| {name} | {result['first_ms']:.0f} ms | {result['p50_ms']:.1f} ms | "
              f"{result['p90_ms']:.1f} ms | {met} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
