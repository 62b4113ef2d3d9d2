#!/usr/bin/env python3
"""What search that forgives costs: "did you mean", sorting by title, the author
facet filtered by name, the counts of an empty page, and a CSV export.

    bench/forgiving_search.py SIZE [--runs R] [--workdir DIR]

Uses the index bench/search.py builds (generated records, seed 0), in --workdir, and
builds it first if it is not there. Reading the vocabulary happens once per generation:
it is timed on a fresh SearchIndex; every other line is p50/p90 over R runs after one
warm run, through the functions /search calls.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from search import index_path, p, timed  # noqa: E402
from verdicts import exit_status  # noqa: E402

from ctlib.search.query import SearchIndex, SearchQuery, search, total_of  # noqa: E402

MISSPELT = ["traficking", "refferal mechanizm", "compensaton", "labuor exploitaton",
            "xqzvbw"]


def index_of(size: int, workdir: Path) -> SearchIndex:
    return SearchIndex(index_path(size, workdir))


def measure(size: int, workdir: Path, runs: int) -> list[str]:
    started = time.perf_counter()
    vocabulary = index_of(size, workdir).vocabulary
    read = (time.perf_counter() - started) * 1000
    index = index_of(size, workdir)
    lines = [f"#### {size:,} records", "", f"Reading the vocabulary (once per generation): "
             f"{read:.0f} ms, {len(vocabulary.terms):,} words", "",
             "| what | result | p50 | p90 |", "|---|---|---|---|"]

    def line(what: str, result, run) -> None:
        times = timed(run, runs)
        lines.append(f"| {what} | {result} | {p(times, .5):.1f} ms | {p(times, .9):.1f} ms |")
    for text in MISSPELT:
        line(f"suggest {text!r}", repr(vocabulary.suggest(text)),
             lambda: vocabulary.suggest(text))
        query = SearchQuery(text)
        line(f"search {text!r} (with its suggestion)", search(index, query, "en").suggestion,
             lambda: search(index, query, "en"))
    for query, what in [(SearchQuery(sort="title"), "everything by title, page 1"),
                        (SearchQuery(sort="title", page=200), "everything by title, page 200"),
                        (SearchQuery("referral", sort="title"), "'referral' by title"),
                        (SearchQuery(author_named="ko"), "authors named 'ko'"),
                        (SearchQuery(more="author"), "100 authors")]:
        line(what, f"{search(index, query, 'en').total:,} hits",
             lambda: search(index, query, "en"))
    nothing = SearchQuery("referral", filters={"region": ("south-eastern-asia",),
                                               "country": ("ua",)})
    line("an empty page's count without the country", total_of(index, replace(
        nothing, filters={"region": ("south-eastern-asia",)})),
         lambda: total_of(index, replace(nothing, filters={"region": ("south-eastern-asia",)})))
    export = SearchQuery("referral", size=10_000)
    line("CSV export rows: 'referral', 10,000 by relevance", "10,000 rows",
         lambda: search(index, export, "en", snippets=False))
    return lines + [""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "search")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    print("\n".join(measure(args.size, args.workdir, args.runs)))
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
