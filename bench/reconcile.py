#!/usr/bin/env python3
"""Reconciliation benchmark: latency of /reconcile's matching and suggesting over
generated catalogues.

    bench/reconcile.py SIZES... [--runs R] [--workdir DIR]

The search index of each size is built as bench/search.py builds it (and shared with
it, in the same --workdir). Then each kind of query runs R times through what the
routes call (``Matcher.reconcile``, ``suggest_entities``), without HTTP: a record's
whole title, a title cut short, a title with properties, a country and an agent by
name, and a suggest prefix. The first call of a generation reads its agents and
concepts (``named_entities``): timed apart, as "first query".
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from search import index_path, p, timed  # noqa: E402
from verdicts import exit_status  # noqa: E402

from ctlib.rdf.uris import Uris  # noqa: E402
from ctlib.search.query import SearchIndex  # noqa: E402
from ctlib.web.reconcile.matching import Matcher, Query  # noqa: E402
from ctlib.web.reconcile.suggesting import suggest_entities  # noqa: E402


def queries(index: SearchIndex) -> dict[str, object]:
    title, = index.connection().execute("SELECT title FROM records LIMIT 1 OFFSET 500").fetchone()
    agent, = index.connection().execute("SELECT name FROM authors LIMIT 1 OFFSET 50").fetchone()
    cut = " ".join(title.split()[:4])
    return {
        f"record, whole title ({title[:40]}…)": Query(title, ("Record",)),
        f"record, title cut short ({cut})": Query(cut, ("Record",)),
        "record, title + country + year": Query(title, ("Record",), 5, (
            ("country", ("Ethiopia",)), ("year", ("2015",)))),
        "country (Costa de Marfil)": Query("Costa de Marfil", ("Country",)),
        f"agent ({agent})": Query(agent, ("Agent",)),
        f"any type ({agent})": Query(agent),
        "suggest entity (côte)": "côte",
        "suggest entity (migr)": "migr",
    }


def measure(size: int, workdir: Path, runs: int) -> list[str]:
    index = SearchIndex(index_path(size, workdir))
    matcher = Matcher(index, Uris("http://localhost:8080/"), "en", "en")
    started = time.perf_counter()
    matcher.named()
    first = (time.perf_counter() - started) * 1000
    agents = index.connection().execute("SELECT COUNT(*) FROM authors").fetchone()[0]
    lines = [f"#### {size:,} records, {agents:,} agents", "",
             f"Reading the agents and concepts, once per generation: {first:.0f} ms", "",
             "| query | p50 | p90 |", "|---|---|---|"]
    for name, query in queries(index).items():
        run = (lambda q=query: suggest_entities(matcher, q, 0, 10)) if isinstance(query, str) \
            else (lambda q=query: matcher.reconcile(q))
        times = timed(run, runs)
        lines.append(f"| {name} | {p(times, .5):.1f} ms | {p(times, .9):.1f} ms |")
    return lines + [""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "search")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        print("\n".join(measure(size, args.workdir, args.runs)))
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
