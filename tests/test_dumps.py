"""Dumps: written at ingest, served as files under /dump/, equal to the store."""

import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Dataset, Graph

from ctlib import dumps

from .conftest import DATA, ROOT, cli_env
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"
EXTRA = DATA / "sparql-protocol" / "data1.nt"
GRAPHS = ("http://example.org/graph/one", "http://example.org/graph/two")
"""The same triple is loaded into both: a triple stated in two graphs."""
CTLIB = [sys.executable, "-m", "ctlib.cli"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dumps")
    first = [LISTING, DATA / "unusual-ids.jsonl", DATA / "withdrawn.jsonl"]
    loads = [["load", "--graph", graph, EXTRA] for graph in GRAPHS]
    with running_server(tmp, first, first[:2], commands=loads) as base:
        yield base, tmp


def export(tmp: Path, base: str) -> bytes:
    """Every published quad (`ctlib export`) but those of the statistics graph: the
    dumps are the data, and the statistics graph describes it (docs/sparql.md)."""
    env = cli_env(tmp) | {"CTLIB_BASE_URI": base}
    quads = subprocess.run([*CTLIB, "export", "--format", "nq"], cwd=tmp, env=env, check=True,
                           capture_output=True, timeout=120).stdout
    statistics = f" <{base}graph/statistics> .".encode()
    return b"".join(line for line in quads.splitlines(True)
                    if not line.rstrip().endswith(statistics))


def download(base: str, name: str, **headers) -> requests.Response:
    return requests.get(f"{base}dump/{name}", headers=headers, timeout=30)


def test_triples_dump_is_the_store_triple_by_triple(served):
    base, tmp = served
    response = download(base, "catalogue.nt.gz")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in response.headers
    assert int(response.headers["Content-Length"]) == len(response.content)
    text = gzip.decompress(response.content)
    dumped = Graph().parse(data=text, format="nt")
    exported = Graph()
    for s, p, o, _ in Dataset().parse(data=export(tmp, base), format="nquads").quads():
        exported.add((s, p, o))
    assert len(exported) > 300
    assert set(dumped) == set(exported)
    assert text.count(b"\n") == len(exported) + 1  # the triple stated in two graphs, twice


def test_quads_dump_is_the_store_quad_by_quad(served):
    base, tmp = served
    text = gzip.decompress(download(base, "catalogue.nq.gz").content)
    dumped, exported = Dataset(), Dataset()
    dumped.parse(data=text, format="nquads")
    exported.parse(data=export(tmp, base), format="nquads")
    quads = set(dumped.quads((None, None, None, None)))
    assert quads == set(exported.quads((None, None, None, None)))
    graphs = {str(g) for _, _, _, g in quads}
    assert set(GRAPHS) <= graphs and f"{base}graph/records" in graphs and \
        f"{base}graph/meta" in graphs


@pytest.mark.parametrize("name", [d.name for d in dumps.DUMPS])
def test_checksum_is_published_beside_the_file(served, name):
    base, _ = served
    body = download(base, name).content
    checksum = download(base, f"{name}.sha256")
    assert checksum.status_code == 200
    assert checksum.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert checksum.text == f"{hashlib.sha256(body).hexdigest()}  {name}\n"


def test_index_lists_the_dumps_for_sha256sum_and_for_people(served, tmp_path):
    base, _ = served
    sums = requests.get(f"{base}dump/", timeout=10)
    assert sums.headers["Content-Type"] == "text/plain; charset=utf-8"
    for dump in dumps.DUMPS:
        (tmp_path / dump.name).write_bytes(download(base, dump.name).content)
    (tmp_path / "SHA256SUMS").write_text(sums.text)
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, check=False,
                             capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout.count(": OK") == len(dumps.DUMPS)
    page = requests.get(f"{base}dump/", headers={"Accept": "text/html"}, timeout=10)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    for dump in dumps.DUMPS:
        assert f'href="/dump/{dump.name}"' in page.text
    again = requests.get(f"{base}dump/", headers={"If-None-Match": sums.headers["ETag"]},
                         timeout=10)
    assert again.status_code == 304


def test_range_requests_resume_a_download(served):
    base, _ = served
    whole = download(base, "catalogue.nq.gz").content
    first = download(base, "catalogue.nq.gz", Range="bytes=0-99")
    assert first.status_code == 206
    assert first.headers["Content-Range"] == f"bytes 0-99/{len(whole)}"
    rest = download(base, "catalogue.nq.gz", Range="bytes=100-")
    assert rest.status_code == 206 and len(rest.content) == len(whole) - 100
    assert first.content + rest.content == whole
    assert download(base, "catalogue.nq.gz", Range=f"bytes={len(whole)}-").status_code == 416


def test_conditional_requests_and_head(served):
    base, _ = served
    full = download(base, "catalogue.nt.gz")
    sha256 = hashlib.sha256(full.content).hexdigest()
    assert full.headers["ETag"] == f'"{sha256}"'
    assert download(base, "catalogue.nt.gz",
                    **{"If-None-Match": full.headers["ETag"]}).status_code == 304
    assert download(base, "catalogue.nt.gz",
                    **{"If-Modified-Since": full.headers["Last-Modified"]}).status_code == 304
    assert download(base, "catalogue.nt.gz", **{"If-None-Match": '"other"'}).status_code == 200
    head = requests.head(f"{base}dump/catalogue.nt.gz", timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(full.content))
    assert head.headers["ETag"] == full.headers["ETag"]


def test_unknown_dump_is_404_naming_the_dumps(served):
    base, _ = served
    response = download(base, "catalogue.ttl.gz")
    assert response.status_code == 404
    assert "catalogue.nt.gz" in response.text and "catalogue.nq.gz" in response.text


def ingest(tmp: Path, *sources: Path) -> Path:
    subprocess.run([*CTLIB, "ingest", "-q", *map(str, sources)], cwd=tmp, env=cli_env(tmp),
                   check=True, capture_output=True, timeout=120)
    return (tmp / "var" / "current").resolve()


def test_first_ingest_dumps_the_store_without_reading_it_back(tmp_path):
    """The records graph of a first ingest is dumped from the files it was loaded from:
    the same quads as the store, each once, though records share authors."""
    shared = tmp_path / "shared-author.jsonl"
    shared.write_text("".join(json.dumps({
        "id": f"shared-{n}", "title": f"Report {n}", "summary": "One author, two reports.",
        "country": ["Moldova"], "region": ["Eastern Europe"], "year": "2020",
        "authors": ["Ana Popescu"], "category": ["Referral Mechanisms"]}) + "\n"
        for n in (1, 2)))
    generation = ingest(tmp_path, LISTING, shared)
    text = gzip.decompress((generation / "dump" / "catalogue.nq.gz").read_bytes())
    dumped, exported = Dataset(), Dataset()
    dumped.parse(data=text, format="nquads")
    exported.parse(data=export(tmp_path, "http://localhost:8080/"), format="nquads")
    quads = set(exported.quads((None, None, None, None)))
    assert set(dumped.quads((None, None, None, None))) == quads
    assert text.count(b"\n") == len(quads)
    creators = [o for _, p, o, _ in quads if str(p) == "http://purl.org/dc/terms/creator"]
    assert len(creators) > len(set(creators))  # some author wrote several records
    assert not list(generation.glob("checked-*.nt"))


def test_unchanged_reingest_hard_links_the_previous_dumps(tmp_path):
    names = [n for d in dumps.DUMPS for n in (d.name, d.checksum_name)] + ["../dataset.json"]
    first = ingest(tmp_path, LISTING)
    same = ingest(tmp_path, LISTING)
    assert first != same
    for name in names:
        assert os.path.samefile(first / "dump" / name, same / "dump" / name), name
    changed = ingest(tmp_path, LISTING, DATA / "unusual-ids.jsonl")
    for name in names:
        assert not os.path.samefile(same / "dump" / name, changed / "dump" / name), name
    before = dumps.read(same, dumps.DUMPS[0])
    after = dumps.read(changed, dumps.DUMPS[0])
    assert before.sha256 != after.sha256 and after.size > before.size


def test_withdrawing_alone_rewrites_the_dumps_with_the_tombstones(tmp_path):
    ingest(tmp_path, LISTING, DATA / "unusual-ids.jsonl")
    kept = ingest(tmp_path, LISTING, DATA / "unusual-ids.jsonl")
    withdrawn = ingest(tmp_path, "--allow-withdrawals", LISTING)
    name = dumps.DUMPS[1].name
    assert not os.path.samefile(kept / "dump" / name, withdrawn / "dump" / name)
    quads = gzip.decompress((withdrawn / "dump" / name).read_bytes()).decode()
    tombstones = [line for line in quads.splitlines()
                  if "owl#deprecated" in line and line.endswith("/graph/meta> .")]
    records = (DATA / "unusual-ids.jsonl").read_text(encoding="utf-8").split("\n")
    assert len(tombstones) == len([line for line in records if line.strip()])


def test_writing_keeps_every_quad_and_the_same_store_gives_the_same_bytes(tmp_path):
    store = ox.Store()
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    tricky = ox.Literal('ends like a line .\n<http://example.org/g> .\n"quoted" .')
    store.extend([ox.Quad(s, p, tricky, ox.NamedNode("http://example.org/g")),
                  ox.Quad(s, p, ox.BlankNode("b"), ox.BlankNode("graph")),
                  ox.Quad(s, p, ox.Literal("in the default graph"))])
    for generation in ("one", "two"):
        (tmp_path / generation).mkdir()
        assert dumps.write_dumps(store, tmp_path / generation) == 3
    quads = list(ox.parse(gzip.decompress((tmp_path / "one" / "dump" / "catalogue.nq.gz")
                                          .read_bytes()), format=ox.RdfFormat.N_QUADS))
    named = {q for q in quads if not isinstance(q.object, ox.BlankNode)}
    assert named == {q for q in store if not isinstance(q.object, ox.BlankNode)}
    blank = [q for q in quads if isinstance(q.object, ox.BlankNode)]
    assert len(blank) == 1 and isinstance(blank[0].graph_name, ox.BlankNode)
    triples = gzip.decompress((tmp_path / "one" / "dump" / "catalogue.nt.gz").read_bytes())
    assert {t.object for t in ox.parse(triples, format=ox.RdfFormat.N_TRIPLES)
            if isinstance(t.object, ox.Literal)} == {tricky, ox.Literal("in the default graph")}
    for dump in dumps.DUMPS:
        assert dumps.read(tmp_path / "one", dump).sha256 == dumps.read(tmp_path / "two", dump).sha256
