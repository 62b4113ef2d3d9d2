"""Publishing when things go wrong, end to end: broken and vanished source files,
duplicates, too many withdrawals, a full or read-only disk, a broken `current` link or
generation, a kill at the switch, loads into a directory never ingested; and the test
harness's own checks."""

import json
from pathlib import Path

import pytest

from .conftest import ROOT, run
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"


def stats(tmp_path: Path) -> dict:
    return json.loads(run(tmp_path, "stats", "--json").stdout)


def test_a_test_server_whose_ingest_crashed_does_not_start(tmp_path):
    vocab = tmp_path / "vocab"
    vocab.mkdir()
    (vocab / "broken.ttl").write_text("this is not turtle")
    with pytest.raises(RuntimeError, match="exited 2"):
        with running_server(tmp_path, [LISTING], settings={"CTLIB_VOCAB_DIR": str(vocab)}):
            pass


def test_load_into_a_directory_never_ingested_works_every_time(tmp_path):
    def load(name: str) -> None:
        extra = tmp_path / f"{name}.nt"
        extra.write_text(f"<http://example.org/{name}> <http://example.org/p> <http://example.org/o> .\n")
        run(tmp_path, "load", str(extra), "--graph", f"http://example.org/{name}")

    for name in ("a", "b", "c"):
        load(name)
    assert stats(tmp_path)["triples"] == 3
    run(tmp_path, "ingest", "-q", str(LISTING))
    load("d")
    assert stats(tmp_path)["records"] == 10
