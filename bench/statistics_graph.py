#!/usr/bin/env python3
"""What the statistics graph costs at publication, and what it saves a researcher.

    bench/statistics_graph.py DATA_DIR [--base URI] [--runs R] [--json FILE]

DATA_DIR is an ingested data directory (bench/sparql.py --workdir keeps one per size:
``bench/out/sparql/100000-seed0/ctlib-data``). On its published generation, opened
read-only, this times, R runs each (median):

  count        dataset/statistics.count: the triples per property (one aggregate over
               the store, which the editor's completions needed before this graph
               existed) and the records per concept, year and agent (SQLite, the
               search index)
  write        its triples bulk-loaded into an empty in-memory store (ingest loads them
               into the generation's store)
  scan         reference, same run: COUNT(*) of every quad, one full scan of the store

and, for the questions the graph answers, the plain SPARQL aggregate over the records
against the lookup of the statistics graph (both on the published store). The added
cost of publishing is ``write`` plus the SQLite part of ``count``: the property
aggregate was run before too. Prints a markdown table; --json writes the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from statistics import median

from servers import ROOT, machine_description  # bench/ is the script directory

sys.path.insert(0, str(ROOT / "src"))

import pyoxigraph as ox  # noqa: E402

from ctlib.dataset import statistics  # noqa: E402
from ctlib.dataset.facts import DatasetFacts  # noqa: E402
from ctlib.rdf.uris import Uris  # noqa: E402
from ctlib.sparql.examples import prologue  # noqa: E402

QUESTIONS = {
    "records per category": (
        "SELECT ?c (COUNT(DISTINCT ?r) AS ?n) WHERE { ?c skos:inScheme scheme:categories . "
        "OPTIONAL { ?r dcterms:subject ?c } } GROUP BY ?c",
        "SELECT ?c ?n WHERE { ?c skos:inScheme scheme:categories ; stats:directRecords ?n }"),
    "records per year": (
        "SELECT ?y (COUNT(?r) AS ?n) WHERE { ?r a dcterms:BibliographicResource ; "
        "dcterms:issued ?y } GROUP BY ?y",
        "SELECT ?y ?n WHERE { ?s stats:year ?y ; void:entities ?n }"),
    "top 25 authors": (
        "SELECT ?a (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r dcterms:creator ?a } GROUP BY ?a "
        "ORDER BY DESC(?n) LIMIT 25",
        "SELECT ?a ?n WHERE { ?a a foaf:Agent ; stats:records ?n } ORDER BY DESC(?n) LIMIT 25"),
    "triples per property": (
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
        "SELECT ?p ?n WHERE { ?s void:property ?p ; void:triples ?n }"),
}


def timed(work, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - began)
    return median(times), result


def rows(store: ox.Store, query: str) -> int:
    return sum(1 for _ in store.query(query, use_default_graph_as_union=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--base", default="http://localhost:8080/")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    generation = (args.data_dir / "current").resolve()
    store = ox.Store.read_only(str(generation / "store"))
    uris = Uris(args.base)
    classes = DatasetFacts.read(generation).classes
    scan_s, quads = timed(lambda: rows(store, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"),
                          args.runs)
    count_s, counted = timed(lambda: statistics.count(store, generation / "search.sqlite",
                                                      classes), args.runs)
    write_s, _ = timed(lambda: statistics.write(ox.Store(), uris, counted), args.runs)
    index_s, _ = timed(lambda: statistics.indexed_counts(generation / "search.sqlite"),
                       args.runs)
    triples = sum(1 for _ in statistics.ntriples_lines(uris, counted))
    head = prologue(args.base)
    questions = {}
    for name, (aggregate, lookup) in QUESTIONS.items():
        slow, slow_rows = timed(lambda q=aggregate: rows(store, head + q), args.runs)
        fast, fast_rows = timed(lambda q=lookup: rows(store, head + q), args.runs)
        questions[name] = {"aggregate_s": slow, "lookup_s": fast, "rows": [slow_rows, fast_rows]}
    result = {"generation": str(generation), "quads": quads, "statistics_triples": triples,
              "scan_s": scan_s, "count_s": count_s, "index_part_s": index_s, "write_s": write_s,
              "questions": questions, "machine": machine_description(),
              "load_average": os.getloadavg()}
    print(f"generation {generation.name}: {quads:,} quads; statistics graph "
          f"{triples:,} triples; machine: {result['machine']}\n")
    print("| step | median | / full scan |\n|---|---|---|")
    for step, seconds in (("full scan (reference)", scan_s), ("count", count_s),
                          ("  of which SQLite (concepts, years, agents)", index_s),
                          ("write", write_s)):
        print(f"| {step} | {seconds * 1000:,.0f} ms | {seconds / scan_s:.2f}× |")
    print("\n| question | aggregate over the records | statistics graph | ratio | rows |\n"
          "|---|---|---|---|---|")
    for name, q in questions.items():
        print(f"| {name} | {q['aggregate_s'] * 1000:,.1f} ms | {q['lookup_s'] * 1000:,.1f} ms "
              f"| {q['aggregate_s'] / q['lookup_s']:,.0f}× | {q['rows'][0]:,} / {q['rows'][1]:,} |")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
