#!/usr/bin/env python3
"""Record history benchmark: what keeping every version costs ingest and the disk.

    bench/history.py [SIZE] [--rounds N] [--seed S]

Generates SIZE records (bench/generate.py, default 100,000), ingests them in-process
into a fresh data directory, then re-ingests N times (default 10), each time with a
different 1% of the records edited (their summary gains a sentence). For each ingest
it prints the wall time, the part of it spent recording the history (describing the
records written, comparing, compressing, committing: publish.GenerationWriter.
_record_history, timed around the call) and that part's ratio to the whole, and the
size of history.sqlite against the published generation's directory (its store,
dumps, search index) measured in the same run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from generate import generate, jsonl_text  # noqa: E402
from verdicts import check, exit_status  # noqa: E402

from ctlib.catalogue import Catalogue  # noqa: E402
from ctlib.config import load_config  # noqa: E402
from ctlib.history.versions import FILE  # noqa: E402
from ctlib.ingest import ingest  # noqa: E402
from ctlib.publish import GenerationWriter  # noqa: E402
from ctlib.store import EmbeddedStore  # noqa: E402

CHANGED_SHARE = 0.01
recording: list[float] = []


def _timed(method):
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            recording.append(time.perf_counter() - start)
    return timed


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _edited(items: list, round_number: int) -> list:
    count = max(1, int(len(items) * CHANGED_SHARE))
    start = (round_number - 1) * count
    result = list(items)
    for i in range(start, start + count):
        item = result[i % len(result)]
        result[i % len(result)] = replace(
            item, summary=[*item.summary[:-1], item.summary[-1] + f" Revised ({round_number})."])
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("size", type=int, nargs="?", default=100_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    GenerationWriter._record_history = _timed(GenerationWriter._record_history)
    items = generate(arguments.size, arguments.seed)
    with tempfile.TemporaryDirectory(prefix="ctlib-history-") as directory:
        work = Path(directory)
        config = load_config({"data_dir": work / "var", "vocab_dir": ROOT / "vocab",
                              "shapes_dir": ROOT / "shapes"}, environ={})
        catalogue = Catalogue(config)
        source = work / "records.jsonl"
        print(f"{arguments.size} records, {arguments.rounds} re-ingests of "
              f"{CHANGED_SHARE:.0%} changes, {config.workers} checking workers")
        print(f"{'ingest':>8} {'seconds':>8} {'history s':>9} {'share':>6} "
              f"{'history MB':>10} {'generation MB':>13} {'ratio':>6}")
        for number in range(arguments.rounds + 1):
            if number:
                items = _edited(items, number)
            source.write_text(jsonl_text(items), encoding="utf-8")
            start = time.perf_counter()
            report = ingest([source], catalogue)
            check(report.exit_code == 0 and not report.rejected,
                  f"ingest {number}: exit {report.exit_code}, {report.rejected} rejected")
            seconds = time.perf_counter() - start
            history = (config.data_dir / FILE).stat().st_size
            generation = _size(EmbeddedStore(config.data_dir).current().path)
            print(f"{'first' if number == 0 else number:>8} {seconds:8.1f} "
                  f"{recording[-1]:9.2f} {recording[-1] / seconds:6.1%} "
                  f"{history / 1e6:10.1f} {generation / 1e6:13.1f} "
                  f"{history / generation:6.2f}", flush=True)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
