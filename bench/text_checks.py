#!/usr/bin/env python3
"""What language detection and typo warnings add to checking a record, in CPU time.

    bench/text_checks.py CATALOGUE [--records N]

CATALOGUE is a source file (bench/generate.py makes them; bench/ingest.py leaves them in
bench/out/). In one process, on the first N records (default 5,000): the CPU time per
record of ``record_language``, of ``TypoFinder.problems`` and of the whole
``Checker.check`` in batches of CTLIB_BATCH_SIZE (mapping and SHACL, both of the above
too), each after one warm-up pass, so that models, dictionaries and caches are loaded as
in a worker that has checked its first batch. CPU time, not wall time: it moves less
when the machine is busy.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from ctlib.catalogue import Catalogue
from ctlib.config import load_config
from ctlib.records import read_sources
from ctlib.records.language import record_language
from ctlib.records.model import Record

ROOT = Path(__file__).resolve().parent.parent


def cpu_ms_per_record(work, records: list) -> float:
    work(records)  # warm-up
    start = time.process_time()
    work(records)
    return (time.process_time() - start) / len(records) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("catalogue", type=Path)
    parser.add_argument("--records", type=int, default=5000)
    args = parser.parse_args()
    config = load_config({"vocab_dir": ROOT / "vocab", "shapes_dir": ROOT / "shapes"})
    catalogue = Catalogue(config)
    records = [item for item in read_sources([args.catalogue], catalogue.is_heading)
               if isinstance(item, Record)][:args.records]
    checker = catalogue.checker()
    languages = [record_language(r, config.languages, config.language) for r in records]

    def detect(batch):
        for record in batch:
            record_language(record, config.languages, config.language)

    def typos(batch):
        for record, language in zip(batch, languages):
            checker.typos.problems(record, None, language.code)

    def check(batch):
        size = config.batch_size
        for start in range(0, len(batch), size):
            checker.check(batch[start:start + size])

    print(f"{len(records):,} records: language detection "
          f"{cpu_ms_per_record(detect, records):.3f} ms, typos "
          f"{cpu_ms_per_record(typos, records):.3f} ms, whole check "
          f"{cpu_ms_per_record(check, records):.3f} ms per record (CPU)")
    print("languages:", dict(Counter(f"{l.code} {l.source.value}" for l in languages)))
    warnings = sum(len(checker.typos.problems(r, None, l.code)) for r, l in zip(records, languages))
    print(f"typo warnings: {warnings:,}")


if __name__ == "__main__":
    main()
