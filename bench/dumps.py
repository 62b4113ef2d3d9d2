"""What writing the dumps and counting the dataset's facts cost on a published store.

    .venv/bin/python bench/dumps.py STORE_DIR [--level N ...]

STORE_DIR is a generation's ``store/`` (say, of a 100k-record benchmark catalogue); it
is only read. Each run writes into a fresh temporary directory and prints wall and CPU
time, file sizes, and, as the reference measured in the same run, the time of
Oxigraph's own N-Quads dump of the same store to /dev/null (no compression).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from ctlib import dataset, dumps
from ctlib.rdf.uris import Uris


def timed(action):
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--level", type=int, action="append",
                        help="gzip levels to try (default: the one ctlib uses)")
    parser.add_argument("--base", default="http://localhost:8080/")
    arguments = parser.parse_args()
    store = ox.Store.read_only(str(arguments.store))
    with open("/dev/null", "wb") as sink:
        _, reference, cpu = timed(lambda: store.dump(sink, ox.RdfFormat.N_QUADS))
    print(f"reference: Oxigraph N-Quads dump to /dev/null  {reference:6.2f} s wall  "
          f"{cpu:6.2f} s CPU")
    for level in arguments.level or [dumps.COMPRESS_LEVEL]:
        dumps.COMPRESS_LEVEL = level
        with tempfile.TemporaryDirectory() as directory:
            triples, wall, cpu = timed(lambda: dumps.write_dumps(store, Path(directory)))
            sizes = "  ".join(f"{dump.name} {dumps.read(Path(directory), dump).size / 1e6:.1f} MB"
                              for dump in dumps.DUMPS)
            print(f"level {level}: both dumps  {wall:6.2f} s wall ({wall / reference:.2f}x "
                  f"reference)  {cpu:6.2f} s CPU  {triples} triples  {sizes}")
    facts, wall, cpu = timed(lambda: dataset.count(store, Uris(arguments.base), 0, ""))
    print(f"dataset facts: {wall:6.2f} s wall  {cpu:6.2f} s CPU  "
          f"{facts.entities} entities, {len(facts.classes)} classes, "
          f"{len(facts.subsets)} subsets, {len(facts.linksets)} linksets")


if __name__ == "__main__":
    main()
