"""kill -9 in the middle of an ingest: the previous catalogue stays published and readable."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import cli_env
from .killing import KillPoint, run_killed

CTLIB = [sys.executable, "-m", "ctlib.cli"]
RECORDS = 2000
BATCH = 250


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


@pytest.mark.parametrize("point", [
    # half the records checked and handed to the writer, the workers at the rest
    KillPoint("ctlib.publish", "GenerationWriter.add", nth=RECORDS // 2),
    # every record checked, the loader thread starting its bulk load
    KillPoint("ctlib.publish", "GenerationWriter._load"),
    # the records loaded, vocabularies and tombstones being replaced before compaction
    KillPoint("ctlib.publish", "_replace_vocabularies"),
    # the store complete, the first graph's dump written, the others to come
    KillPoint("ctlib.dumps", "_Splitter.flush", nth=2),
], ids=["while checking", "while loading", "while rewriting the derived graphs",
        "while writing the dumps"])
def test_kill_9_leaves_the_previous_catalogue(tmp_path, point):
    env = cli_env(tmp_path) | {"CTLIB_WORKERS": "2", "CTLIB_BATCH_SIZE": str(BATCH)}
    subprocess.run([*CTLIB, "ingest", "-q"], cwd=tmp_path, env=env, check=True, timeout=120)
    before = stats(tmp_path)
    generations = tmp_path / "var" / "generations"
    source = big_catalogue(tmp_path / "big.jsonl")
    replacing = ["ingest", "-q", "--allow-withdrawals", str(source)]
    run_killed(tmp_path, point, *replacing, env=env)
    assert stats(tmp_path) == before
    subprocess.run([*CTLIB, *replacing], cwd=tmp_path, env=env, check=True, timeout=300)
    assert stats(tmp_path)["records"] == RECORDS
    assert all((p / "COMPLETE").exists() for p in generations.iterdir())
