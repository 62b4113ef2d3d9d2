#!/usr/bin/env python3
"""The authors list at scale: size and time of /browse/authors pages.

    PYTHONPATH=src python bench/authors_browse.py N

Generates N records (bench/generate.py, JSON Lines), ingests and serves them, then asks
for the first page (which files every author, once per generation and worker), the
first page again, a middle and the last page, and a filter, for HTML size (bytes, no
compression) and time.
"""

from __future__ import annotations

import re
import sys
import time

import requests
from served import generated_catalogue  # bench/ is the script directory
from verdicts import check, exit_status


def main(records: int) -> int:
    with generated_catalogue(records) as base:
        first = _measure(base, "browse/authors")
        pages = int(re.search(r"page 1 of ([\d,]+)", first).group(1).replace(",", ""))
        for path in ("browse/authors", f"browse/authors?page={pages // 2}",
                     f"browse/authors?page={pages}", "browse/authors?q=messele",
                     "browse/authors?q=a"):
            _measure(base, path)
    return exit_status()


def _measure(base: str, path: str) -> str:
    start = time.perf_counter()
    answer = requests.get(base + path, headers={"Accept-Encoding": "identity"}, timeout=600)
    took = 1000 * (time.perf_counter() - start)
    print(f"/{path}: {answer.status_code}, {len(answer.content):,} bytes, {took:.0f} ms",
          flush=True)
    check(answer.status_code == 200, f"/{path} answered {answer.status_code}")
    return answer.text


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
