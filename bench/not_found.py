#!/usr/bin/env python3
"""The "not found" page of a mistyped record identifier, with its suggestions.

    PYTHONPATH=src python bench/not_found.py N

Generates N records (bench/generate.py, JSON Lines), ingests and serves them with
tests/server.py's running_server, then asks for 20 record identifiers with one letter
changed: as Turtle first (a plain-text error, no suggestions; it also opens the
generation in the workers), then as HTML (with suggestions: the first HTML request of
each of the two workers reads the generation's identifiers, the others reuse them).
"""

from __future__ import annotations

import statistics
import sys
import time

import requests
from served import generated_catalogue  # bench/ is the script directory

ASKED = 20


def main(records: int) -> None:
    with generated_catalogue(records) as base:
        mistyped = [_mistype(uri.rsplit("/", 1)[-1]) for uri in _records(base)]
        for accept in ("text/turtle", "text/html"):
            times = [_time(f"{base}doc/record/{identifier}", accept)
                     for identifier in mistyped]
            print(f"{accept}: first {times[0]:.0f} ms, then median "
                  f"{statistics.median(times[1:]):.0f} ms, max {max(times[1:]):.0f} ms")


def _records(base: str) -> list[str]:
    page = requests.get(f"{base}doc/record/", headers={"Accept": "application/ld+json"},
                        timeout=600).json()
    return [node["@id"] for node in page["@graph"] if "/id/record/" in node["@id"]][:ASKED]


def _mistype(identifier: str) -> str:
    middle = len(identifier) // 2
    return identifier[:middle] + ("x" if identifier[middle] != "x" else "y") + \
        identifier[middle + 1:]


def _time(url: str, accept: str) -> float:
    start = time.perf_counter()
    response = requests.get(url, headers={"Accept": accept}, timeout=600)
    elapsed = 1000 * (time.perf_counter() - start)
    assert response.status_code == 404, response.status_code
    if accept == "text/html":
        assert "Did you mean" in response.text
    return elapsed


if __name__ == "__main__":
    main(int(sys.argv[1]))
