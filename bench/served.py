"""A generated catalogue of N records, ingested and served for a benchmark that talks
HTTP to it (bench/concept_pages.py, bench/not_found.py)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import server  # noqa: E402
from tests.server import running_server  # noqa: E402

server.INGEST_TIMEOUT = None  # 100,000 records can take longer than a test's ingest


@contextmanager
def generated_catalogue(records: int) -> Iterator[str]:
    """bench/generate.py's N records (JSON Lines), served by tests/server.py's
    running_server: yields the server's base URL."""
    with generated_folder(records) as (base, _):
        yield base


@contextmanager
def generated_folder(records: int) -> Iterator[tuple[str, Path]]:
    """``generated_catalogue``, and the folder that holds its source
    (``catalogue.jsonl``) and its data directory."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "catalogue.jsonl"
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(records),
                        "--format", "jsonl", "-o", str(source)], check=True)
        with running_server(Path(folder), [source]) as base:
            yield base, Path(folder)
