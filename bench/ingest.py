#!/usr/bin/env python3
"""Ingest benchmark: the real `ctlib ingest` on generated catalogues.

    bench/ingest.py SIZES... [--seed S] [--format listing|jsonl|csv] [--timeout SECONDS]
                    [--env NAME=VALUE ...] [--json FILE]

For each size: generate a catalogue (bench/generate.py) into bench/out/, then, in a
fresh temporary CTLIB_DATA_DIR, run `ctlib ingest -q PATH` (the one beside this Python) as a subprocess
three times:

  first      the first ingest (every record mapped, validated and published)
  unchanged  the same file again (every record should be recognised as unchanged)
  changed    the file as an editor changes it between two runs: 1% of the records
             edited (their summary gains a sentence), 0.1% withdrawn (gone from the
             file) and 0.1% added (new records, fresh identifiers, from the same
             generator run as the others)

The code, vocabularies and shapes are snapshot once at the start (copied to a
temporary directory; the CLI runs with PYTHONPATH on the copy): the repository may
change while a long run goes on, and every run of one table must measure the same
thing. --live measures the working tree as it is at each moment instead.

Each run reports wall time, records/s, the peak memory of the process tree (RSS of
every process summed, sampled every 50 ms; and the largest single process), the peak
disk use of CTLIB_DATA_DIR (allocated blocks, each file once, sampled every second)
beside the size of the generation published, and ratios: against the time to just read the catalogue in-process with
`ctlib.records.read_sources` (the reference, measured in the same run), and against
the first ingest. Every run starts once the disk has written out all that was written
before it (sync). The targets of the issue: at 100,000 records first ingest <= 60 s,
unchanged re-ingest <= 15 s; at 1,000,000 first ingest <= 600 s, its peak memory
<= 6 GB and its peak disk <= 2.5 times the generation it published, unchanged
re-ingest <= 90 s, changed <= 180 s.

A run succeeded when it exited 0 within --timeout with the counts its input implies
(first: N read, checked and published; unchanged: N unchanged, none checked; changed:
the edited and added ones checked, the withdrawn ones withdrawn; nothing rejected).
Only a run that succeeded gets a verdict; any other makes the script exit 1, after
the tables, saying what failed. A second table gives the cost per record of each
run, and its growth against the smallest size, to show where it stops being linear.
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
from verdicts import check, exit_status, load_average, verdict

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CTLIB = Path(sys.executable).with_name("ctlib")  # the CLI of the venv running this script
sys.path.insert(0, str(ROOT / "bench"))

generate = None  # bench/generate.py, imported once the snapshot's ctlib is on the path

GB = 10**9
TARGETS = {("first", 100_000): {"wall": 60.0}, ("unchanged", 100_000): {"wall": 15.0},
           ("first", 1_000_000): {"wall": 600.0, "memory": 6 * GB, "disk": 2.5},
           ("unchanged", 1_000_000): {"wall": 90.0}, ("changed", 1_000_000): {"wall": 180.0}}
"""From the issue: wall seconds, peak RSS of the process tree in bytes, peak disk use
of the data directory as a multiple of the generation published."""
EDITED_SHARE, WITHDRAWN_SHARE, ADDED_SHARE = 0.01, 0.001, 0.001
"""The changed run, as the issue defines it: at 1M, 10,000 edited, 1,000 withdrawn,
1,000 added."""
SAMPLE_SECONDS = 0.05
DISK_EVERY = 20
"""Samples between two walks of the data directory: one a second."""
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
    peak_disk: int = 0
    reference: float | None = None
    expected: dict | None = None
    succeeded: bool = False

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


def disk_usage(path: Path) -> int:
    """Bytes allocated to the files under ``path``, a file linked twice counted once;
    files that vanish during the walk (the ingest renames and deletes) are skipped."""
    seen: set[tuple[int, int]] = set()
    total, todo = 0, [str(path)]
    while todo:
        try:
            entries = list(os.scandir(todo.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
                    continue
                stat = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if (stat.st_dev, stat.st_ino) not in seen:
                seen.add((stat.st_dev, stat.st_ino))
                total += stat.st_blocks * 512
    return total


class Sampler(threading.Thread):
    """Peak summed and largest RSS of a process tree, every ``SAMPLE_SECONDS``, and
    the peak disk use of its data directory, every ``DISK_EVERY`` samples."""

    def __init__(self, pid: int, data_dir: Path):
        super().__init__(daemon=True)
        self.pid, self.peak_sum, self.peak_largest, self.processes = pid, 0, 0, 0
        self.data_dir, self.peak_disk = data_dir, 0
        self.done = threading.Event()

    def run(self) -> None:
        tick = 0
        while not self.done.is_set():
            sizes = [_rss(pid) for pid in process_tree(self.pid)]
            self.peak_sum = max(self.peak_sum, sum(sizes))
            self.peak_largest = max(self.peak_largest, max(sizes, default=0))
            self.processes = max(self.processes, sum(1 for s in sizes if s))
            if tick % DISK_EVERY == 0:
                self.peak_disk = max(self.peak_disk, disk_usage(self.data_dir))
            tick += 1
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
    data_dir = Path(env["CTLIB_DATA_DIR"])
    sampler = Sampler(process.pid, data_dir)
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
              timed_out=timed_out, store_bytes=_generation_bytes(data_dir),
              peak_disk=max(sampler.peak_disk, disk_usage(data_dir)))
    if timed_out:
        run.summary = f"killed after {timeout:.0f} s"
    return run


def _generation_bytes(data_dir: Path) -> int:
    """The disk use of the generation published (CTLIB_DATA_DIR/current)."""
    current = data_dir / "current"
    return disk_usage(current.resolve()) if current.exists() else 0


def reference_read(path: Path, catalogue) -> tuple[float, int]:
    """Seconds to read the catalogue with ctlib's reader, in-process (vocabulary preloaded)."""
    from ctlib.records import read_sources
    catalogue.vocab_index  # built outside the timing: it is not part of reading
    start = time.perf_counter()
    count = sum(1 for item in read_sources([path], catalogue.is_heading)
                if not hasattr(item, "rule"))
    return time.perf_counter() - start, count


@dataclass(frozen=True)
class Change:
    """How many records the changed run edits, withdraws and adds."""

    edited: int
    withdrawn: int
    added: int

    @classmethod
    def of(cls, size: int) -> Change:
        def share(part: float) -> int:
            return max(1, round(size * part))
        return cls(share(EDITED_SHARE), share(WITHDRAWN_SHARE), share(ADDED_SHARE))


def change(items: list, new: list, seed: int) -> tuple[list, Change]:
    """``items`` as an editor changes them: ``Change.of`` their number edited (same
    title and year: same identifier) or withdrawn, and the ``new`` ones added."""
    import random
    from dataclasses import replace
    counts = Change.of(len(items))
    assert len(new) == counts.added, (len(new), counts)
    rng = random.Random(seed + 1)
    chosen = rng.sample(range(len(items)), counts.edited + counts.withdrawn)
    edited, withdrawn = set(chosen[:counts.edited]), set(chosen[counts.edited:])
    result = []
    for i, item in enumerate(items):
        if i in edited:
            summary = list(item.summary)
            summary[-1] += " This edition was revised and corrected in the benchmark."
            item = replace(item, summary=summary)
        if i not in withdrawn:
            result.append(item)
    return result + new, counts


def expected_counts(name: str, size: int, changes: Change) -> dict:
    """The summary counts of a run that did what it should."""
    if name == "first":
        return {"read": size, "checked": size, "unchanged": 0, "rejected": 0,
                "violations": 0, "withdrawn": 0, "published": size}
    if name == "unchanged":
        return {"read": size, "checked": 0, "unchanged": size, "rejected": 0,
                "violations": 0, "withdrawn": 0, "published": size}
    now = size - changes.withdrawn + changes.added
    return {"read": now, "checked": changes.edited + changes.added,
            "unchanged": size - changes.edited - changes.withdrawn, "rejected": 0,
            "violations": 0, "withdrawn": changes.withdrawn, "published": now}


def judge(run: Run) -> bool:
    """Whether ``run`` succeeded (recorded as a failure when not)."""
    label = f"{run.size:,} {run.name}"
    if not check(not run.timed_out, f"{label}: {run.summary}"):
        return False
    if not check(run.exit_code == 0, f"{label}: exit {run.exit_code}: {run.summary}"):
        return False
    wrong = {k: (run.counts or {}).get(k) for k, v in run.expected.items()
             if (run.counts or {}).get(k) != v}
    return check(not wrong, f"{label}: counts {wrong}, expected "
                            f"{ {k: run.expected[k] for k in wrong} }: {run.summary}")


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
    # One generator run for the original and the added records: their identifiers differ.
    items = generate.generate(size + Change.of(size).added, args.seed, tree / "vocab")
    generated = time.perf_counter() - start
    edited, changes = change(items[:size], items[size:], args.seed)
    for path, data in ((first_path, items[:size]), (changed_path, edited)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generate.render(data, args.format), encoding="utf-8")
    del items, edited
    read_seconds, read_count = reference_read(first_path, catalogue)
    print(f"# {size}: generated in {generated:.1f} s ({first_path.stat().st_size / 1e6:.0f} MB; "
          f"the second file has {changes.edited} edited, {changes.withdrawn} withdrawn, "
          f"{changes.added} added); reading it takes {read_seconds:.2f} s "
          f"({read_count} records)", file=sys.stderr, flush=True)
    check(read_count == size, f"{size:,}: the reference read {read_count} records")
    data_dir = Path(tempfile.mkdtemp(prefix=f"ctlib-bench-{size}-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTLIB_")}
    env.update({"CTLIB_DATA_DIR": str(data_dir), "CTLIB_VOCAB_DIR": str(tree / "vocab"),
                "CTLIB_SHAPES_DIR": str(tree / "shapes"), "CTLIB_SOURCE_DIR": str(directory)})
    if tree != ROOT:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tree / "src"),
                                                          env.get("PYTHONPATH")]))
    if args.workers:
        env["CTLIB_WORKERS"] = str(args.workers)
    env.update(args.env)
    runs = []
    try:
        for name, path in (("first", first_path), ("unchanged", first_path),
                           ("changed", changed_path)):
            run = run_ingest(size, name, path, env, args.timeout)
            run.reference = read_seconds
            run.expected = expected_counts(name, size, changes)
            runs.append(run)
            print(f"# {size} {name}: {_seconds(run)}  {run.summary}", file=sys.stderr,
                  flush=True)
            run.succeeded = judge(run)
            if not run.succeeded:  # the runs after it would start from the wrong state
                break
    finally:
        if args.keep:
            print(f"# {size}: data directory kept: {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return runs


# --------------------------------------------------------------------------- table


def _seconds(run: Run) -> str:
    return f"> {run.summary.split()[2]} s" if run.timed_out else f"{run.seconds:.1f} s"


def _mb(value: int) -> str:
    return f"{value / 2**20:,.0f} MB" if value else "-"


def table(runs: list[Run]) -> str:
    head = ("| records | run | wall | records/s | × read | × first | peak RSS (tree sum) "
            "| largest process | peak disk | generation | read / checked / unchanged / "
            "withdrawn | rejected / violations | exit | targets |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    firsts = {r.size: r for r in runs if r.name == "first"}
    for run in runs:
        first = firsts.get(run.size)
        ratio_read = f"{run.seconds / run.reference:,.0f}×" if run.seconds and run.reference \
            else "-"
        ratio_first = (f"{run.seconds / first.seconds:.2f}" if run.seconds and first
                       and first.seconds and run is not first else "-")
        counts = run.counts or {}
        seen = " / ".join(str(counts.get(k, "?"))
                          for k in ("read", "checked", "unchanged", "withdrawn"))
        wrong = {k: v for k, v in (run.expected or {}).items() if counts.get(k) != v}
        if wrong:
            seen += f" (expected {', '.join(f'{k} {v}' for k, v in wrong.items())})"
        lines.append(
            f"| {run.size:,} | {run.name} | {_seconds(run)} | "
            f"{f'{run.rate:,.0f}' if run.rate else '-'} | {ratio_read} | {ratio_first} | "
            f"{_mb(run.peak_rss_sum)} | {_mb(run.peak_rss_largest)} | {_mb(run.peak_disk)} | "
            f"{_mb(run.store_bytes)} | {seen} | "
            f"{counts.get('rejected', '?')} / {counts.get('violations', '?')} | "
            f"{'-' if run.exit_code is None else run.exit_code} | {verdicts(run)} |")
    return "\n".join(lines)


def verdicts(run: Run) -> str:
    """The issue's targets for this run, each met or missed (none when it failed)."""
    targets = TARGETS.get((run.name, run.size), {})
    measured = {"wall": (run.seconds, "s"), "memory": (run.peak_rss_sum / GB, "GB"),
                "disk": (run.peak_disk / run.store_bytes if run.store_bytes else None,
                         "× generation")}
    found = [f"{name} " + verdict(measured[name][0], limit / GB if name == "memory" else limit,
                                  measured[name][1], run.succeeded)
             for name, limit in targets.items()]
    return "; ".join(found) or "-"


RUN_NAMES = ("first", "unchanged", "changed")


def per_record(runs: list[Run]) -> str:
    """Milliseconds and peak KB (tree RSS) per record of each run, and their growth
    against the smallest size: above 1, the cost per record grows with the catalogue."""
    found = {(r.size, r.name): r for r in runs if r.succeeded}
    sizes = sorted({r.size for r in runs})
    head = "| records | " + " | ".join(
        f"{name} ms/record | {name} peak KB/record | {name} growth (time, memory)"
        for name in RUN_NAMES) + " |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    smallest = {name: next((found[s, name] for s in sizes if (s, name) in found), None)
                for name in RUN_NAMES}
    for size in sizes:
        cells = []
        for name in RUN_NAMES:
            run, base = found.get((size, name)), smallest[name]
            if run is None:
                cells += ["failed" if any(r.size == size and r.name == name for r in runs)
                          else "-", "-", "-"]
                continue
            ms, kb = _ms_per_record(run), run.peak_rss_sum / 1024 / run.size
            growth = f"{ms / _ms_per_record(base):.2f}, " \
                     f"{kb / (base.peak_rss_sum / 1024 / base.size):.2f}"
            cells += [f"{ms:.3f}", f"{kb:,.1f}", growth]
        lines.append(f"| {size:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _ms_per_record(run: Run) -> float:
    return run.seconds * 1000 / run.size


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
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        type=_setting, help="a CTLIB_ setting for every ingest, after the "
                        "benchmark's own (e.g. CTLIB_WITHDRAWAL_LIMIT=0 makes the changed run "
                        "fail: a way to see the script exit 1); repeatable")
    parser.add_argument("--json", type=Path, help="also write the measurements as JSON here")
    args = parser.parse_args(argv)
    args.env = dict(args.env)
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
    load_before = load_average()
    runs: list[Run] = []
    try:
        for size in args.sizes:
            runs.extend(bench_size(size, args, catalogue, tree))
    finally:
        if copy is not None:
            shutil.rmtree(copy, ignore_errors=True)
    print(f"code: {described}")
    print(f"load average (1, 5, 15 min): {load_before} at the start, {load_average()} at the end")
    print(f"machine: {os.cpu_count()} CPUs ({platform.machine()}), "
          f"{os.sysconf('SC_PHYS_PAGES') * PAGE / 2**30:.0f} GiB RAM, "
          f"Python {platform.python_version()}, {platform.platform()}")
    reads = {r.size: getattr(r, "reference", 0) for r in runs}
    print("reference (read_sources in-process): " +
          ", ".join(f"{size:,} records {seconds:.2f} s" for size, seconds in reads.items()))
    print()
    print(table(runs))
    print()
    print(per_record(runs))
    if args.json:
        args.json.write_text(json.dumps(
            {"code": described, "load_average": {"start": load_before, "end": load_average()},
             "runs": [asdict(r) for r in runs]}, indent=2))
    return exit_status()


def _setting(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.startswith("CTLIB_"):
        raise argparse.ArgumentTypeError(f"{text!r}: expected CTLIB_NAME=VALUE")
    return name, value


if __name__ == "__main__":
    sys.exit(main())
