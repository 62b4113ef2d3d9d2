"""The shell examples of docs/harvesting.md's "Staying in sync" run as written (curl,
jq, zcat) against the real server, after an ingest that withdraws a record, and print
what they say they print."""

import re
import subprocess

import pytest

from .conftest import ROOT
from .server import running_server, withdrawal_ingests

DOCS = ROOT / "docs" / "harvesting.md"
EXAMPLE_BASE = "https://example.org"


def sync_examples() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("\n## Staying in sync\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.DOTALL)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("sync"), *withdrawal_ingests()) as url:
        yield url.rstrip("/")


def run(example: str, base: str, folder) -> str:
    done = subprocess.run(["bash", "-euo", "pipefail", "-c",
                           example.replace(EXAMPLE_BASE, base)],
                          cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{example}\nfailed: {done.stderr}"
    return done.stdout


def test_the_section_has_an_example_for_each_way():
    assert len(sync_examples()) == 4


@pytest.mark.parametrize("number", range(4))
def test_each_example_runs_and_shows_changes(base, tmp_path, number):
    output = run(sync_examples()[number], base, tmp_path)
    assert base + "/id/record/" in output or base + "/doc/record/" in output, output
