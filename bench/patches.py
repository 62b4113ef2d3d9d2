"""What an RDF Patch between generations costs after a 1% change (ctlib/history/patches.py).

    PYTHONPATH=src .venv/bin/python bench/patches.py [N]      (N records, 100,000 by default)

Generates N records (bench/generate.py, JSON Lines), ingests them into a fresh data
directory, changes the summary of 1% of them and ingests again. Then computes the patch
between the two generations once more, on its own, and prints its time against the
re-ingest's (which includes it) and its size against the N-Quads dump's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHANGED_SHARE = 0.01


@dataclass(frozen=True)
class Built:
    id: str
    path: Path


def ingest(source: Path, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ctlib.cli", "ingest", "-q", str(source)], env=env,
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    from ctlib import dumps
    from ctlib.history import patches

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory(prefix="ctlib-bench-patches-") as directory:
        tmp = Path(directory)
        source = tmp / "catalogue.jsonl"
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(size),
                        "--format", "jsonl", "-o", str(source)], check=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CTLIB_")} | {
            "CTLIB_DATA_DIR": str(tmp / "var"), "CTLIB_VOCAB_DIR": str(ROOT / "vocab"),
            "CTLIB_SHAPES_DIR": str(ROOT / "shapes"), "CTLIB_KEEP_GENERATIONS": "2"}
        first = ingest(source, env)
        lines = source.read_text(encoding="utf-8").splitlines()
        changed = int(len(lines) * CHANGED_SHARE)
        for number in range(changed):
            record = json.loads(lines[number])
            record["summary"] = f"Revised summary {number}. " + record.get("summary", "")
            lines[number] = json.dumps(record)
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        again = ingest(source, env)
        new, old = sorted((tmp / "var" / "generations").iterdir(), reverse=True)[:2]
        published = patches.patch_files(tmp / "var")[-1]
        elsewhere = tmp / "elsewhere"
        elsewhere.mkdir()
        start, cpu = time.perf_counter(), time.process_time()
        patch = patches.write(elsewhere, Built(new.name, new), Built(old.name, old),
                              published.published)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert patch.sha256 == published.sha256
        quads = dumps.read(new, patches.QUADS)
        rows = sum(1 for _ in subprocess.run(["gzip", "-dc", str(patch.path)], check=True,
                                             capture_output=True).stdout.splitlines()) - 5
        print(f"{size} records, {changed} changed; load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores")
        print(f"first ingest {first:.1f} s; re-ingest {again:.1f} s")
        print(f"patch: {wall:.2f} s wall ({wall / again:.0%} of the re-ingest), "
              f"{cpu:.2f} s CPU in Python; {rows} rows, {patch.length / 1e3:.1f} kB gzip "
              f"({patch.length / quads.size:.2%} of the {quads.size / 1e6:.1f} MB N-Quads dump)")


if __name__ == "__main__":
    main()
