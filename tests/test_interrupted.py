"""kill -9 in the middle of an ingest: the previous catalogue stays published and readable."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import cli_env

CTLIB = [sys.executable, "-m", "ctlib.cli"]
RECORDS = 6000


def big_catalogue(path: Path) -> Path:
    with open(path, "w") as out:
        for i in range(RECORDS):
            out.write(json.dumps({"title": f"Synthetic Report Number {i}", "summary": "Text.",
                                  "country": ["Worldwide"], "region": ["Worldwide"],
                                  "year": str(1990 + i % 30),
                                  "category": ["Referral Mechanisms"]}) + "\n")
    return path


def stats(tmp_path: Path) -> dict:
    result = subprocess.run([*CTLIB, "stats", "--json"], cwd=tmp_path, env=cli_env(tmp_path),
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)


def new_generation_written(generations: Path, known: set[str]) -> bool:
    """A new generation holds checked records waiting for their bulk load."""
    return any(f.stat().st_size > 1_000_000 for p in generations.iterdir()
               if p.name not in known for f in p.glob("checked-*.nt"))


@pytest.mark.parametrize("moment", ["while checking", "while writing the new generation"])
def test_kill_9_leaves_the_previous_catalogue(tmp_path, moment):
    env = cli_env(tmp_path) | {"CTLIB_WORKERS": "2", "CTLIB_BATCH_SIZE": "500"}
    subprocess.run([*CTLIB, "ingest", "-q"], cwd=tmp_path, env=env, check=True, timeout=120)
    before = stats(tmp_path)
    generations = tmp_path / "var" / "generations"
    known = {p.name for p in generations.iterdir()}
    source = big_catalogue(tmp_path / "big.jsonl")
    process = subprocess.Popen([*CTLIB, "ingest", "-q", str(source)], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    if moment == "while checking":
        time.sleep(1.5)
    else:
        while not new_generation_written(generations, known) and time.monotonic() < deadline:
            time.sleep(0.005)
    assert process.poll() is None, "the ingest ended before it could be interrupted"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert stats(tmp_path) == before
    subprocess.run([*CTLIB, "ingest", "-q", str(source)], cwd=tmp_path, env=env, check=True,
                   timeout=300)
    assert stats(tmp_path)["records"] == RECORDS
    assert all((p / "COMPLETE").exists() for p in generations.iterdir())
