#!/usr/bin/env python3
"""The first (uncached) request for concept pages and the pages that count concepts.

    PYTHONPATH=src python bench/concept_pages.py N

Generates N records (bench/generate.py, JSON Lines), ingests and serves them with
tests/server.py's running_server, warms the search index with one concept page, then
times the first request of each page (each is cached per generation afterwards).
"""

from __future__ import annotations

import sys
import time

import requests
from served import generated_catalogue  # bench/ is the script directory
from verdicts import check, exit_status

PAGES = ["def/regions/worldwide", "def/regions/worldwide?page=2", "def/regions/worldwide?page=300",
         "def/regions/europe", "def/regions/eastern-europe",
         "def/regions", "browse/regions", "def/regions/europe/records", "",
         "def/categories/forms-of-exploitation"]


def main(records: int) -> int:
    with generated_catalogue(records) as base:
        _get(base + "def/countries")
        for path in PAGES:
            start = time.perf_counter()
            status = _get(base + path)
            print(f"/{path}: {status}, {1000 * (time.perf_counter() - start):.0f} ms")
            check(status == 200, f"/{path} answered {status}")
    return exit_status()


def _get(url: str) -> int:
    return requests.get(url, headers={"Accept": "text/html"}, timeout=600).status_code


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
