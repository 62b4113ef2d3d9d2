#!/usr/bin/env python3
"""Where an ingest spends its time, by phase, from a py-spy profile.

    py-spy record -r 100 --format raw --subprocesses -o ingest.raw -- .venv/bin/ctlib ingest -q FILE
    bench/phases.py ingest.raw [--rate 100] [--top 25]

py-spy is not a dependency of ctlib: `pip install --target /tmp/pyspy py-spy` is
enough. Each sample (a stack of one process, idle threads not sampled) is charged to
the innermost frame that names a phase below (Oxigraph's bulk_load and flush are
native code: py-spy shows them as time in write_generation itself, and samples the
calling thread only, not Oxigraph's loader threads); the result is CPU seconds per phase
and process role (main process or pool worker), then the hottest leaf functions.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict

PHASES = (  # (phase, substring of a frame "function (file:line)"), innermost match wins
    ("vocabulary check", "_check_vocabulary ("),
    ("reading (read_sources)", "read_sources ("),
    ("id + content hash", "identify ("),
    ("id + content hash", "content_hash ("),
    ("duplicate check", "_is_duplicate ("),
    ("mapping (map_record)", "map_record ("),
    ("N-Triples per record (ntriples.lines)", "lines (ctlib/rdf/ntriples.py"),
    ("pyshacl validate", "validate (ctlib/validation.py"),
    ("result attribution", "_attribute ("),
    ("batch data graph (Checker.check adds every triple)", "Checker.check ("),
    ("worker start (vocab + shapes)", "_init_worker ("),
    ("registry read (sqlite)", "Registry.read ("),
    ("registry write (sqlite)", "Registry.write ("),
    ("next registry / entries", "_next_registry ("),
    ("cached warnings", "_cached_warnings ("),
    ("write records.nt", "_write_records ("),
    ("Oxigraph bulk_load + flush (native, under write_generation)", "write_generation ("),
    ("tombstones", "_tombstones ("),
    ("copy loaded graphs", "_copy_loaded_graphs ("),
    ("fsync", "_fsync_tree ("),
    ("fsync", "_fsync_dir ("),
    ("prune old generations", "EmbeddedStore._prune ("),
    ("remove what failed writers left", "_clear_leftovers ("),
    ("context hash", "context_hash ("),
    ("imports", "_find_and_load ("),
)


def phase_of(frames: list[str]) -> str:
    if any("multiprocessing/" in frame for frame in frames[-3:]):
        return "pool: pickling, pipes, queues"
    for frame in reversed(frames):
        for phase, marker in PHASES:
            if marker in frame:
                return phase
    return "other"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", help="py-spy --format raw output")
    parser.add_argument("--rate", type=float, default=100, help="py-spy -r (samples/s)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    by_phase: dict[str, Counter] = defaultdict(Counter)
    leaves: Counter = Counter()
    processes: dict[str, str] = {}
    for line in open(args.raw, encoding="utf-8", errors="replace"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        pids = [m.group(1) for f in frames if (m := re.match(r"process (\d+):", f))]
        pid = pids[-1] if pids else "?"  # a child's stack starts with its parents' frames
        frames = [f for f in frames if not f.startswith("process ")]
        if any("_process_worker (" in f for f in frames):
            processes[pid] = "worker"
        processes.setdefault(pid, "main")
        by_phase[phase_of(frames)][pid] += int(count)
        if frames:
            leaves[re.sub(r":\d+\)$", ")", frames[-1])] += int(count)
    roles = sorted(set(processes.values()))
    total = sum(sum(c.values()) for c in by_phase.values())
    print(f"| phase | {' | '.join(f'{r} (CPU s)' for r in roles)} | share |")
    print("|---|" + "---|" * len(roles) + "---|")
    for phase, counts in sorted(by_phase.items(), key=lambda kv: -sum(kv[1].values())):
        cells = []
        for role in roles:
            samples = sum(n for pid, n in counts.items() if processes.get(pid) == role)
            cells.append(f"{samples / args.rate:.1f}")
        print(f"| {phase} | {' | '.join(cells)} | {sum(counts.values()) / total:.0%} |")
    workers = sum(1 for r in processes.values() if r == "worker")
    print(f"\n{total / args.rate:.1f} CPU s sampled; {workers} worker process(es)\n")
    print("hottest leaf functions (CPU s):")
    for frame, samples in leaves.most_common(args.top):
        print(f"  {samples / args.rate:7.1f}  {frame}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
