"""What every benchmark script shares so that its numbers can be trusted: failures
collected and turned into the exit status, verdicts given only on runs that succeeded,
and the key of the code that built a cached input (catalogue, search index, store).

A benchmark that prints "met" for a run that failed, or measures an index built by
older code, is worse than none: the verdicts below need the run's success, and
``keyed`` puts every cached input under a directory named after the code."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ("src", "vocab", "shapes", "bench/generate.py")
"""What a cached input depends on: ctlib, its vocabularies and shapes, the generator."""

failures: list[str] = []


def fail(what: str) -> None:
    """Record a failed run (and say so at once: a long benchmark goes on after it)."""
    failures.append(what)
    print(f"FAILED: {what}", file=sys.stderr, flush=True)


def check(condition: bool, what: str) -> bool:
    """``condition``, recording ``what`` as a failure when it is false."""
    if not condition:
        fail(what)
    return condition


def exit_status() -> int:
    """1 after listing every failure, 0 when there was none: the script's exit status."""
    if failures:
        print(f"\n{len(failures)} run(s) FAILED; their numbers are no measurement:",
              file=sys.stderr)
        for what in failures:
            print(f"  - {what}", file=sys.stderr)
        return 1
    return 0


def verdict(value: float | None, limit: float, unit: str, succeeded: bool) -> str:
    """'≤ limit unit: met' or 'MISSED', or no verdict at all for a failed run."""
    if not succeeded or value is None:
        return f"≤ {limit:g} {unit}: no verdict (run failed)"
    return f"≤ {limit:g} {unit}: {'met' if value <= limit else 'MISSED'}"


def code_key(root: Path = ROOT) -> str:
    """12 hex digits of a hash of every file in ``CODE`` under ``root``, uncommitted
    changes included (a git tree hash would miss those)."""
    digest = hashlib.sha256()
    for name in CODE:
        top = root / name
        files = [top] if top.is_file() else sorted(
            path for path in top.rglob("*")
            if path.is_file() and not any(part == "__pycache__" or part.endswith(".egg-info")
                                          for part in path.parts))
        for path in files:
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def keyed(directory: Path, root: Path = ROOT) -> Path:
    """``directory``/code-KEY, created: where inputs built by this code are cached.
    Directories of other keys are left alone (another checkout may use them) but named,
    since at a million records each holds gigabytes."""
    path = directory / f"code-{code_key(root)}"
    path.mkdir(parents=True, exist_ok=True)
    stale = sorted(p.name for p in directory.glob("code-*") if p != path)
    if stale:
        print(f"# {directory}: inputs of other code versions, remove when unused: "
              f"{', '.join(stale)}", file=sys.stderr)
    return path


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, to print beside wall-clock numbers."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())
