#!/usr/bin/env python3
"""The first (uncached) and a cached request of record pages.

    PYTHONPATH=src python bench/record_pages.py N [PAGES]

Generates N records (bench/generate.py, JSON Lines), ingests and serves them with
tests/server.py's running_server, loads the search index with one search, then times
the first request of PAGES record pages (default 40, spread over the catalogue; each
is cached per generation afterwards) and a second, cached, request of each.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import running_server  # noqa: E402


def main(records: int, pages: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "catalogue.jsonl"
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(records),
                        "--format", "jsonl", "-o", str(source)], check=True)
        with running_server(Path(folder), [source]) as base:
            paths = _record_paths(base, records, pages)
            first = [_timed(base + path) for path in paths]
            cached = [_timed(base + path) for path in paths]
    for name, times in (("first", first), ("cached", cached)):
        print(f"{name}: median {statistics.median(times):.1f} ms, "
              f"max {max(times):.1f} ms over {len(times)} record pages")


def _record_paths(base: str, records: int, pages: int) -> list[str]:
    """Record pages spread over the catalogue, taken from the search (newest first)."""
    size = 100
    paths = []
    for page in range(1, pages + 1):
        number = 1 + (page - 1) * (records // size) // pages
        found = requests.get(f"{base}search.json", params={"sort": "newest", "page": number,
                                                          "size": size}, timeout=600).json()
        paths.append(found["hits"][0]["page"].removeprefix(base))
    return paths


def _timed(url: str) -> float:
    start = time.perf_counter()
    response = requests.get(url, headers={"Accept": "text/html"}, timeout=600)
    assert response.status_code == 200, (url, response.status_code)
    return 1000 * (time.perf_counter() - start)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 40)
