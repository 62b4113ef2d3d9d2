#!/usr/bin/env python3
"""Latency of /sparql/completions, and the time to compute the completions at ingest.

    PYTHONPATH=src python bench/completions.py N [--words W]

Generates N records (bench/generate.py, JSON Lines), ingests and serves them with
tests/server.py's running_server (2 workers), then types: every prefix (1 to 12
characters) of our prefixed names, of the concepts' labels in every language and of
the authors' names, and every year's first 1 to 4 digits; W of them (seed 0), each
asked once after WARM_UP other words (not cached: the answer is computed), then once
more (from the worker's representation cache). Reports median and p99 of each pass, measured by the client over
HTTP. Then computes the generation's completions again from its store and search index,
as ingest does (``ctlib.sparql.completions.build``), and reports how long that took.
Target of the issue: under 50 ms per completion at 100,000 records.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import requests
from served import generated_folder  # bench/ is the script directory

from ctlib.catalogue import Catalogue
from ctlib.config import load_config
from ctlib.sparql import completions
from ctlib.sparql.examples import prefixes
from ctlib.store import Generation

TARGET_MS = 50.0
WARM_UP = 20
"""Requests (words never measured) before the first measured one."""


def main(records: int, words: int) -> None:
    with generated_folder(records) as (base, folder):
        typed = _typed(folder / "catalogue.jsonl", base, words)
        session = requests.Session()
        for n in range(WARM_UP):  # each worker reads the generation's completions once
            _time(session, base, f"warm-up {n}")
        for name in ("computed", "cached"):
            times = [_time(session, base, word) for word in typed]
            print(f"{name}: {len(times)} words, median {statistics.median(times):.2f} ms, "
                  f"p99 {_p99(times):.2f} ms, max {max(times):.2f} ms "
                  f"(target < {TARGET_MS:.0f} ms)")
        print(f"computing the completions at ingest: {_build_time(folder, base):.2f} s")


def _typed(source: Path, base: str, count: int) -> list[str]:
    """Distinct words as the editor would send them while a person types."""
    names = [f"{name}:{tail}" for name in prefixes(base) for tail in ("", "t", "ti", "c")]
    labels = [label for concept in _catalogue(base).concepts.values()
              for label in concept.labels.values()]
    authors, years = set(), set()
    for line in source.open(encoding="utf-8"):
        record = json.loads(line)
        authors.update(record["authors"])
        years.add(record["year"])
    words = {text[:n] for text in [*names, *labels, *authors] for n in range(1, 13)} | \
            {year[:n] for year in years for n in range(1, 5)}
    distinct = {completions.folded(w): w for w in words if w.strip()}
    return random.Random(0).sample(sorted(distinct.values()), min(count, len(distinct)))


def _catalogue(base: str) -> Catalogue:
    return Catalogue(load_config(environ={"CTLIB_BASE_URI": base}))


def _time(session: requests.Session, base: str, word: str) -> float:
    start = time.perf_counter()
    response = session.get(f"{base}sparql/completions", params={"q": word}, timeout=60)
    elapsed = 1000 * (time.perf_counter() - start)
    assert response.status_code == 200, (word, response.status_code, response.text)
    return elapsed


def _p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[98]


def _build_time(folder: Path, base: str) -> float:
    found = next(folder.rglob("completions.sqlite")).parent
    generation = Generation(found.name, found)
    store = generation.read_store()
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        completions.build(Path(out) / "completions.sqlite", store, generation.search_path,
                          prefixes(base), _catalogue(base).config.language)
        return time.perf_counter() - start


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", type=int)
    parser.add_argument("--words", type=int, default=2000)
    arguments = parser.parse_args()
    main(arguments.records, arguments.words)
