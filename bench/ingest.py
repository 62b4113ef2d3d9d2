#!/usr/bin/env python3
"""Ingest benchmark: the real `ctlib ingest` on generated catalogues.

    bench/ingest.py SIZES... [--seed S] [--format listing|jsonl|csv] [--timeout SECONDS]

For each size: generate a catalogue (bench/generate.py) into bench/out/, then, in a
fresh temporary CTLIB_DATA_DIR, run `.venv/bin/ctlib ingest -q PATH` as a subprocess
three times:

  first      the first ingest (every record mapped, validated and published)
  unchanged  the same file again (every record should be recognised as unchanged)
  changed    the same file with 1% of the records edited (their summary gains a sentence)

The code, vocabularies and shapes are snapshot once at the start (copied to a
temporary directory; the CLI runs with PYTHONPATH on the copy): the repository may
change while a long run goes on, and every run of one table must measure the same
thing. --live measures the working tree as it is at each moment instead.

Each run reports wall time, records/s, the peak memory of the process tree (RSS of
every process summed, sampled every 50 ms; and the largest single process), and
ratios: against the time to just read the catalogue in-process with
`ctlib.records.read_sources` (the reference, measured in the same run), and against
the first ingest. Every run starts once the disk has written out all that was written
before it (sync). The targets of the issue are checked at 100,000 records: first
ingest <= 60 s, unchanged re-ingest <= 15 s. Always exits 0 once the table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from proctree import process_tree  # bench/ is the script directory

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CTLIB = ROOT / ".venv" / "bin" / "ctlib"
sys.path.insert(0, str(ROOT / "bench"))

generate = None  # bench/generate.py, imported once the snapshot's ctlib is on the path

TARGETS = {("first", 100_000): 60.0, ("unchanged", 100_000): 15.0}
"""Seconds, from the issue."""
CHANGED_SHARE = 0.01
SAMPLE_SECONDS = 0.05
PAGE = os.sysconf("SC_PAGE_SIZE")
SUMMARY = re.compile(
    r"(?P<read>\d+) records read, (?P<checked>\d+) checked, (?P<unchanged>\d+) unchanged, "
    r"(?P<rejected>\d+) rejected, (?P<violations>\d+) violations, (?P<warnings>\d+) warnings, "
    r"(?P<withdrawn>\d+) withdrawn, published (?P<published>\d+)")


@dataclass
class Run:
    size: int
    name: str
    seconds: float | None
    exit_code: int | None
    peak_rss_sum: int = 0
    peak_rss_largest: int = 0
    rusage_maxrss: int = 0
    processes: int = 0
    summary: str = ""
    counts: dict | None = None
    timed_out: bool = False
    store_bytes: int = 0

    @property
    def rate(self) -> float | None:
        return self.size / self.seconds if self.seconds else None


# ------------------------------------------------------------------ process memory


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


class Sampler(threading.Thread):
    """Peak summed and largest RSS of a process tree, every ``SAMPLE_SECONDS``."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_sum, self.peak_largest, self.processes = pid, 0, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            sizes = [_rss(pid) for pid in process_tree(self.pid)]
            self.peak_sum = max(self.peak_sum, sum(sizes))
            self.peak_largest = max(self.peak_largest, max(sizes, default=0))
            self.processes = max(self.processes, sum(1 for s in sizes if s))
            self.done.wait(SAMPLE_SECONDS)


# ---------------------------------------------------------------------------- runs


def run_ingest(size: int, name: str, path: Path, env: dict, timeout: float) -> Run:
    # Written-out data still waiting for the disk (the 130 MB catalogue just generated,
    # what the run before left behind) would otherwise be flushed during this run and
    # charged to it.
    os.sync()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    process = subprocess.Popen([str(CTLIB), "ingest", "-q", str(path)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    sampler = Sampler(process.pid)
    sampler.start()
    timed_out = False
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(process.pid, signal.SIGKILL)  # the group this run started, nothing else
        stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = next((line for line in stderr.splitlines() if "records read" in line),
                   stderr.strip()[-300:])
    match = SUMMARY.search(summary)
    run = Run(size, name, None if timed_out else seconds,
              None if timed_out else process.returncode,
              peak_rss_sum=sampler.peak_sum, peak_rss_largest=sampler.peak_largest,
              rusage_maxrss=after * 1024 if after > before else 0,
              processes=sampler.processes, summary=summary,
              counts={k: int(v) for k, v in match.groupdict().items()} if match else None,
              timed_out=timed_out, store_bytes=_du(Path(env["CTLIB_DATA_DIR"])))
    if timed_out:
        run.summary = f"killed after {timeout:.0f} s"
    return run


def _du(path: Path) -> int:
    current = path / "current"
    if not current.exists():
        return 0
    return sum(p.stat().st_size for p in current.resolve().rglob("*") if p.is_file())


def reference_read(path: Path, catalogue) -> tuple[float, int]:
    """Seconds to read the catalogue with ctlib's reader, in-process (vocabulary preloaded)."""
    from ctlib.records import read_sources
    catalogue.vocab_index  # built outside the timing: it is not part of reading
    start = time.perf_counter()
    count = sum(1 for item in read_sources([path], catalogue.is_heading)
                if not hasattr(item, "rule"))
    return time.perf_counter() - start, count


def change(items: list, share: float, seed: int) -> tuple[list, int]:
    """A copy with ``share`` of the records edited (same title and year: same identifier)."""
    import random
    from dataclasses import replace
    rng = random.Random(seed + 1)
    chosen = set(rng.sample(range(len(items)), max(1, round(len(items) * share))))
    result = list(items)
    for i in chosen:
        item = items[i]
        summary = list(item.summary)
        summary[-1] += " This edition was revised and corrected in the benchmark."
        result[i] = replace(item, summary=summary)
    return result, len(chosen)


def snapshot(live: bool) -> tuple[Path, Path | None, str]:
    """The tree to measure: a copy of src/, vocab/ and shapes/ (or ROOT with ``live``)."""
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip() or "?"
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src",
                            "vocab", "shapes"], capture_output=True, text=True).stdout.split("\n")
    dirty = [line[3:] for line in dirty if line.strip()]
    described = f"commit {head}" + (f" + uncommitted changes in {', '.join(dirty)}" if dirty else "")
    if live:
        return ROOT, None, described + " (live tree)"
    copy = Path(tempfile.mkdtemp(prefix="ctlib-bench-code-"))
    for name in ("src", "vocab", "shapes"):
        shutil.copytree(ROOT / name, copy / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return copy, copy, described + " (snapshot)"


def bench_size(size: int, args, catalogue, tree: Path) -> list[Run]:
    extension = generate.FORMATS[args.format]
    directory = OUT / str(size)
    first_path = directory / "original" / f"catalogue{extension}"
    changed_path = directory / "changed" / f"catalogue{extension}"  # same name: same hashes
    start = time.perf_counter()
    items = generate.generate(size, args.seed, tree / "vocab")
    generated = time.perf_counter() - start
    edited, changed = change(items, CHANGED_SHARE, args.seed)
    for path, data in ((first_path, items), (changed_path, edited)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generate.render(data, args.format), encoding="utf-8")
    del items, edited
    read_seconds, read_count = reference_read(first_path, catalogue)
    print(f"# {size}: generated in {generated:.1f} s ({first_path.stat().st_size / 1e6:.0f} MB, "
          f"{changed} records changed in the second file); reading it takes "
          f"{read_seconds:.2f} s ({read_count} records)", file=sys.stderr, flush=True)
    data_dir = Path(tempfile.mkdtemp(prefix=f"ctlib-bench-{size}-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTLIB_")}
    env.update({"CTLIB_DATA_DIR": str(data_dir), "CTLIB_VOCAB_DIR": str(tree / "vocab"),
                "CTLIB_SHAPES_DIR": str(tree / "shapes"), "CTLIB_SOURCE_DIR": str(directory)})
    if tree != ROOT:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree / "src"),
                                                          env.get("PYTHONPATH")]))
    if args.workers:
        env["CTLIB_WORKERS"] = str(args.workers)
    runs = []
    try:
        for name, path in (("first", first_path), ("unchanged", first_path),
                           ("changed", changed_path)):
            run = run_ingest(size, name, path, env, args.timeout)
            run.reference = read_seconds  # type: ignore[attr-defined]
            runs.append(run)
            print(f"# {size} {name}: {_seconds(run)}  {run.summary}", file=sys.stderr,
                  flush=True)
            if run.timed_out:
                break
    finally:
        if args.keep:
            print(f"# {size}: data directory kept: {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    for run in runs:
        run.expected = _expected(run.name, size, changed)  # type: ignore[attr-defined]
    return runs


def _expected(name: str, size: int, changed: int) -> dict:
    if name == "first":
        return {"checked": size, "unchanged": 0}
    if name == "unchanged":
        return {"checked": 0, "unchanged": size}
    return {"checked": changed, "unchanged": size - changed}


# --------------------------------------------------------------------------- table


def _seconds(run: Run) -> str:
    return f"> {run.summary.split()[2]} s" if run.timed_out else f"{run.seconds:.1f} s"


def _mb(value: int) -> str:
    return f"{value / 2**20:,.0f} MB" if value else "-"


def table(runs: list[Run]) -> str:
    head = ("| records | run | wall | records/s | × read | × first | peak RSS (tree sum) "
            "| largest process | store | checked / unchanged | rejected / violations "
            "| exit | target |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    firsts = {r.size: r for r in runs if r.name == "first"}
    for run in runs:
        first = firsts.get(run.size)
        reference = getattr(run, "reference", None)
        ratio_read = f"{run.seconds / reference:,.0f}×" if run.seconds and reference else "-"
        ratio_first = (f"{run.seconds / first.seconds:.2f}" if run.seconds and first
                       and first.seconds and run is not first else "-")
        counts = run.counts or {}
        expected = getattr(run, "expected", {})
        seen = f"{counts.get('checked', '?')} / {counts.get('unchanged', '?')}"
        if counts and any(counts.get(k) != v for k, v in expected.items()):
            seen += f" (expected {expected['checked']} / {expected['unchanged']})"
        target = TARGETS.get((run.name, run.size))
        verdict = "-"
        if target is not None:
            met = run.seconds is not None and run.seconds <= target
            verdict = f"≤ {target:.0f} s: {'met' if met else 'MISSED'}"
        lines.append(
            f"| {run.size:,} | {run.name} | {_seconds(run)} | "
            f"{f'{run.rate:,.0f}' if run.rate else '-'} | {ratio_read} | {ratio_first} | "
            f"{_mb(run.peak_rss_sum)} | {_mb(run.peak_rss_largest)} | {_mb(run.store_bytes)} | "
            f"{seen} | {counts.get('rejected', '?')} / {counts.get('violations', '?')} | "
            f"{'-' if run.exit_code is None else run.exit_code} | {verdict} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 2)[2],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="+", type=int, help="catalogue sizes, in records")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=("csv", "jsonl", "listing"), default="listing")
    parser.add_argument("--workers", type=int, help="CTLIB_WORKERS (default: ctlib's, the CPUs)")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="seconds after which one ingest is killed (default 3600)")
    parser.add_argument("--live", action="store_true",
                        help="measure the working tree, not a snapshot taken at the start")
    parser.add_argument("--keep", action="store_true",
                        help="keep each size's temporary CTLIB_DATA_DIR (e.g. to profile a re-ingest)")
    parser.add_argument("--json", type=Path, help="also write the measurements as JSON here")
    args = parser.parse_args(argv)
    if not CTLIB.exists():
        parser.error(f"{CTLIB} not found: run `make install` first")

    global generate
    tree, copy, described = snapshot(args.live)
    sys.path.insert(0, str(tree / "src"))
    import generate as generator_module

    from ctlib.catalogue import Catalogue  # the snapshot's, as the CLI will use
    from ctlib.config import load_config
    generate = generator_module
    catalogue = Catalogue(load_config({"vocab_dir": tree / "vocab",
                                       "shapes_dir": tree / "shapes"}, environ={}))
    print(f"# measuring {described}", file=sys.stderr, flush=True)
    runs: list[Run] = []
    try:
        for size in args.sizes:
            runs.extend(bench_size(size, args, catalogue, tree))
    finally:
        if copy is not None:
            shutil.rmtree(copy, ignore_errors=True)
    print(f"code: {described}")
    print(f"machine: {os.cpu_count()} CPUs ({platform.machine()}), "
          f"{os.sysconf('SC_PHYS_PAGES') * PAGE / 2**30:.0f} GiB RAM, "
          f"Python {platform.python_version()}, {platform.platform()}")
    reads = {r.size: getattr(r, "reference", 0) for r in runs}
    print("reference (read_sources in-process): " +
          ", ".join(f"{size:,} records {seconds:.2f} s" for size, seconds in reads.items()))
    print()
    print(table(runs))
    if args.json:
        args.json.write_text(json.dumps(
            [asdict(r) | {"reference": getattr(r, "reference", None)} for r in runs], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
