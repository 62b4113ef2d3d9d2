"""A re-ingest writes the records graph's dumps from the previous generation's: the
lines must be exactly those a dump read out of the store gives, and agents no record
names any more must go, from the store and from the dumps alike."""

import gzip
import json
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from ctlib import dumps
from ctlib.config import load_config
from ctlib.dataset import statistics
from ctlib.rdf.uris import Uris

from .conftest import CTLIB, cli_env


def record(identifier: str, summary: str = "A report.", authors=None) -> dict:
    return {"id": identifier, "title": f"Report {identifier}", "summary": summary,
            "country": ["Moldova"], "region": ["Eastern Europe"], "year": "2020",
            "authors": authors or [f"Author of {identifier}", "Shared Author"],
            "category": ["Referral Mechanisms"]}


STEPS = {
    "first": [record("d-1"), record("d-2"), record("d-3")],
    "add": [record("d-1"), record("d-2"), record("d-3"), record("d-4")],
    "edit": [record("d-1", "Revised."), record("d-2"), record("d-3"), record("d-4")],
    "rename": [record("d-1", "Revised."), record("d-2", authors=["Renamed Author"]),
               record("d-3"), record("d-4")],
    "withdraw": [record("d-1", "Revised."), record("d-2", authors=["Renamed Author"]),
                 record("d-4")],
    "revive": [record("d-1", "Revised."), record("d-2", authors=["Renamed Author"]),
               record("d-3"), record("d-4")],
}
"""Each a whole catalogue, ingested in this order: d-3's withdrawal orphans its own
author but not "Shared Author", whom unchanged records still name."""


def ingest(tmp: Path, step: str) -> Path:
    source = tmp / f"{step}.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in STEPS[step]))
    subprocess.run([*CTLIB, "ingest", "-q", "--allow-withdrawals", source], cwd=tmp,
                   env=cli_env(tmp) | {"CTLIB_KEEP_GENERATIONS": str(len(STEPS))}, check=True,
                   capture_output=True, timeout=120)
    return (tmp / "var" / "current").resolve()


def lines(generation: Path, dump: dumps.DumpFile) -> list[bytes]:
    return sorted(gzip.decompress((dumps.directory(generation) / dump.name).read_bytes())
                  .splitlines())


def agent_names(quads: list[bytes]) -> set[str]:
    return {line.split(b'"')[1].decode() for line in quads
            if b"/id/agent/" in line.split(b" ")[0] and b"foaf/0.1/name>" in line}


@pytest.fixture(scope="module")
def generations(tmp_path_factory):
    """Each step's published generation and a dump of its store written in full."""
    tmp = tmp_path_factory.mktemp("incremental")
    result = {}
    for step in STEPS:
        generation = ingest(tmp, step)
        full = tmp / f"full-{step}"
        full.mkdir()
        dumps.write_dumps(_the_data(generation), full)
        result[step] = (generation, full)
    return result


def _the_data(generation: Path) -> ox.Store:
    """The generation's store less its statistics graph, which the dumps leave out
    (it describes the data): in memory, the published store being read-only."""
    published = ox.Store.read_only(str(generation / "store"))
    left_out = statistics.graph(Uris(load_config(environ=cli_env(generation)).base_uri))
    store = ox.Store()
    store.extend(quad for quad in published if quad.graph_name != left_out)
    return store


@pytest.mark.parametrize("step", list(STEPS)[1:])
@pytest.mark.parametrize("dump", dumps.DUMPS, ids=lambda d: d.name)
def test_incremental_dump_has_the_lines_of_the_store(generations, step, dump):
    written, full = generations[step]
    assert lines(written, dump) == lines(full, dump)


def test_an_orphaned_agent_goes_and_a_shared_one_stays(generations):
    names = {step: agent_names(lines(generations[step][0], dumps.DUMPS[1]))
             for step in STEPS}
    assert {"Author of d-2", "Shared Author"} <= names["edit"]
    assert "Author of d-2" not in names["rename"] and "Renamed Author" in names["rename"]
    assert "Author of d-3" not in names["withdraw"] and "Shared Author" in names["withdraw"]
    assert "Author of d-3" in names["revive"]


def test_kept_lines_are_the_graphs_own_and_a_missing_dump_is_read_from_the_store(tmp_path):
    store = ox.Store()
    graph, p = ox.NamedNode("http://example.org/g"), ox.NamedNode("http://example.org/p")
    kept, gone = ox.NamedNode("http://example.org/kept"), ox.NamedNode("http://example.org/gone")
    store.extend([ox.Quad(kept, p, ox.Literal("ends <http://example.org/g> ."), graph),
                  ox.Quad(gone, p, ox.Literal("deleted since"), graph),
                  ox.Quad(kept, p, graph)])  # default graph, its line ends like the graph's
    for name in ("earlier", "full", "incremental", "fallback"):
        (tmp_path / name).mkdir()
    dumps.write_dumps(store, tmp_path / "earlier")
    store.remove(ox.Quad(gone, p, ox.Literal("deleted since"), graph))
    dumps.write_dumps(store, tmp_path / "full")
    earlier = dumps.quads_path(tmp_path / "earlier")
    text = dumps.GraphText(graph, [], earlier, frozenset({str(gone).encode()}))
    assert dumps.write_dumps(store, tmp_path / "incremental", text) == 2
    missing = dumps.GraphText(graph, [], tmp_path / "none.nq.gz")
    dumps.write_dumps(store, tmp_path / "fallback", missing)
    for dump in dumps.DUMPS:
        expected = lines(tmp_path / "full", dump)
        assert lines(tmp_path / "incremental", dump) == expected
        assert lines(tmp_path / "fallback", dump) == expected
