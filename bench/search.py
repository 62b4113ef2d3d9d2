#!/usr/bin/env python3
"""Search benchmark: latency of ctlib's search over generated catalogues.

    bench/search.py SIZES... [--runs R] [--workdir DIR]

For each size, generate that many records (bench/generate.py, seed 0), map each one
as ingest does (ctlib.rdf.mapping) and write the search index with the index writer
ingest uses (ctlib.search.index), without SHACL checking or the store: the index of a
million records is built in minutes, not the better part of an hour. The index is kept
in --workdir, under a directory named after the code that built it (bench/verdicts.py's
code key: ctlib, vocabularies, shapes and generator), and reused only by runs of the
same code; an index without the expected number of records makes the script exit 1.

Then every query of QUERIES runs R times through ``ctlib.search.query.search`` (what
/search calls, facet counts and the page of hits included; the web cache is not
involved), and p50/p90 are reported per query and per kind of query: free text,
free text with two facets, facets only. The reference, in the same process and on the
same index, is the same words found by scanning titles and summaries with SQL LIKE
(what a search without a text index does). Targets of the issue: p50 <= 50 ms at
100,000 records, <= 100 ms at 1,000,000.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
from verdicts import check, exit_status, keyed, verdict  # noqa: E402

from ctlib.catalogue import Catalogue  # noqa: E402
from ctlib.config import load_config  # noqa: E402
from ctlib.rdf.mapping import MappingContext, map_record  # noqa: E402
from ctlib.rdf.vocab import VocabIndex  # noqa: E402
from ctlib.records.model import Record, SourceLocation  # noqa: E402
from ctlib.search.index import IndexWriter, searchable  # noqa: E402
from ctlib.search.query import SearchIndex, SearchQuery, search  # noqa: E402

TARGETS = {100_000: 50.0, 1_000_000: 100.0}
"""p50 in ms, from the issue."""
QUERIES: dict[str, list[SearchQuery]] = {
    "free text": [
        SearchQuery("referral"), SearchQuery("compensation"), SearchQuery('"supply chains"'),
        SearchQuery("reintegr*"), SearchQuery("journalists shelter"), SearchQuery("Kovalenko"),
        SearchQuery("Moldova"), SearchQuery("protection gap"),
    ],
    "free text + two facets": [
        SearchQuery("referral", {"region": ("africa",), "category": ("referral-mechanisms",)}),
        SearchQuery("training", {"region": ("europe",), "country": ("ua",)}),
        SearchQuery("children", {"category": ("child-trafficking",), "region": ("asia",)}),
        SearchQuery("border*", {"country": ("md",), "region": ("eastern-europe",)}),
    ],
    "facets only": [
        SearchQuery(filters={"region": ("africa",), "category": ("referral-mechanisms",)}),
        SearchQuery(filters={"country": ("ua",)}, year_from=2015, year_to=2020),
        SearchQuery(filters={"region": ("south-eastern-asia",), "category": ("labour-exploitation",)}),
        SearchQuery(filters={"region": ("worldwide",)}),
    ],
}
LIKE_WORDS = ["referral", "compensation", "supply chains", "journalists"]


def build(size: int, path: Path) -> float:
    """The index of ``size`` generated records at ``path``; returns seconds taken."""
    started = time.perf_counter()
    catalogue = Catalogue(load_config())
    context = MappingContext(catalogue.uris, VocabIndex(catalogue.vocab, catalogue.uris), "en")
    generator = generate.Generator(generate.load_vocabulary(ROOT / "vocab"), 0, size)
    writer = IndexWriter(path, lambda: catalogue.concepts, None)
    for number in range(size):
        mapped = map_record(_record(generator.record(), number), context)
        writer.add(mapped.id, "2026-01-01T00:00:00Z", searchable(mapped.uri, mapped.triples))
    writer.finish()
    writer.wait()
    return time.perf_counter() - started


def index_path(size: int, workdir: Path) -> Path:
    """The index of ``size`` generated records built by this code, built if need be;
    shared by the benchmarks that search it (search, forgiving_search, reconcile)."""
    path = keyed(workdir) / f"search-{size}.sqlite"
    if not path.exists():
        partial = path.with_suffix(".partial")
        seconds = build(size, partial)
        partial.rename(path)
        print(f"# built the index of {size:,} records in {seconds:.0f} s "
              f"({path.stat().st_size / 1e6:,.0f} MB): {path}", file=sys.stderr)
    records, = SearchIndex(path).connection().execute("SELECT COUNT(*) FROM records").fetchone()
    check(records == size, f"{path} holds {records:,} records, not {size:,}")
    return path


def _record(item: generate.Item, number: int) -> Record:
    record = Record(SourceLocation("generated", number))
    for name, value in item.as_json().items():
        for one in value if isinstance(value, list) else [value]:
            record.add(name, one, number)
    return record


def timed(run, runs: int) -> list[float]:
    run()  # warm: the first run reads the pages from disk
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def like_reference(index: SearchIndex, runs: int) -> list[float]:
    connection = index.connection()

    def scan(word: str) -> None:
        connection.execute("SELECT COUNT(*) FROM search WHERE title LIKE ? OR summary LIKE ?",
                           (f"%{word}%", f"%{word}%")).fetchone()
    return [t for word in LIKE_WORDS for t in timed(lambda: scan(word), max(1, runs // 4))]


def p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def describe(query: SearchQuery) -> str:
    parts = [repr(query.text)] if query.text else []
    parts += [f"{k}={'|'.join(v)}" for k, v in query.filters.items()]
    if query.year_from is not None:
        parts.append(f"{query.year_from}-{query.year_to}")
    return " ".join(parts)


def measure(size: int, workdir: Path, runs: int) -> list[str]:
    path = index_path(size, workdir)
    index = SearchIndex(path)
    lines = [f"#### {size:,} records ({path.stat().st_size / 1e6:,.0f} MB index)", "",
             "| kind | query | hits | p50 | p90 |", "|---|---|---|---|---|"]
    kinds: dict[str, list[float]] = {}
    for kind, queries in QUERIES.items():
        for query in queries:
            total = search(index, query, "en").total
            times = timed(lambda: search(index, query, "en"), runs)
            kinds.setdefault(kind, []).extend(times)
            lines.append(f"| {kind} | {describe(query)} | {total:,} | {p(times, .5):.1f} ms | "
                         f"{p(times, .9):.1f} ms |")
    reference = like_reference(index, runs)
    lines += ["", "| kind | p50 | p90 | p50 / LIKE scan p50 | target p50 |", "|---|---|---|---|---|"]
    for kind, times in kinds.items():
        target = TARGETS.get(size)
        found = "-" if target is None else verdict(p(times, .5), target, "ms", True)
        lines.append(f"| {kind} | {p(times, .5):.1f} ms | {p(times, .9):.1f} ms | "
                     f"{p(times, .5) / p(reference, .5):.3f} | {found} |")
    lines.append(f"| reference: LIKE scan of titles and summaries for one word | "
                 f"{p(reference, .5):.1f} ms | {p(reference, .9):.1f} ms | 1 | - |")
    return lines + [""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "search")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    gc.collect()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, "
          f"SQLite {__import__('sqlite3').sqlite_version}; {args.runs} timed runs per query "
          "after one warm-up, in one process")
    for size in args.sizes:
        print("\n".join(measure(size, args.workdir, args.runs)))
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
