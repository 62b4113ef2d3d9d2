"""RDF Patches between generations: written at ingest and load, kept whatever the store
prunes, and applied in order to the first dump they give every later dump exactly."""

import gzip
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pyshacl
import pytest
import requests
from rdflib import Graph, Namespace, URIRef

from ctlib.history import patches

from .conftest import CTLIB, DATA, ROOT, cli_env
from .server import running_server
from .test_void_dcat import dcat_ap_shapes

LISTING = ROOT / "data" / "library-listing.txt"
EXTRA = DATA / "sparql-protocol" / "data1.nt"
DCAT = Namespace("http://www.w3.org/ns/dcat#")


def record(identifier: str, summary: str = "A report.") -> dict:
    return {"id": identifier, "title": f"Report {identifier}", "summary": summary,
            "country": ["Moldova"], "region": ["Eastern Europe"], "year": "2020",
            "authors": [f"Author of {identifier}"], "category": ["Referral Mechanisms"]}


STEPS = {
    "first": [record("p-1"), record("p-2")],
    "add": [record("p-1"), record("p-2"), record("p-3")],
    "change": [record("p-1", "Revised."), record("p-2"), record("p-3")],
    "withdraw": [record("p-1", "Revised."), record("p-3")],
    "revive": [record("p-1", "Revised."), record("p-2"), record("p-3")],
    "unchanged": [record("p-1", "Revised."), record("p-2"), record("p-3")],
}


def ctlib(tmp: Path, *arguments) -> None:
    subprocess.run([*CTLIB, *map(str, arguments)], cwd=tmp, check=True, capture_output=True,
                   env=cli_env(tmp) | {"CTLIB_KEEP_GENERATIONS": "1"}, timeout=120)


def quads_dump(tmp: Path) -> set[bytes]:
    current = (tmp / "var" / "current").resolve()
    return set(gzip.decompress((current / "dump" / "catalogue.nq.gz").read_bytes())
               .splitlines())


def apply(quads: set[bytes], patch: Path) -> set[bytes]:
    """The RDF Patch applied to a set of N-Quads lines; every row checked as it goes."""
    result = set(quads)
    rows = gzip.decompress(patch.read_bytes()).splitlines()
    assert rows[:2] == [row for row in rows[:2] if row.startswith((b"H id ", b"H prev "))]
    body = [row for row in rows if not row.startswith(b"H ")]
    assert body[0] == b"TX ." and body[-1] == b"TC ."
    for row in body[1:-1]:
        operation, quad = row.split(b" ", 1)
        if operation == b"A":
            assert quad not in result, row
            result.add(quad)
        else:
            assert operation == b"D" and quad in result, row
            result.remove(quad)
    return result


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Ingests that add, change, withdraw and revive records, one that changes nothing
    and a load; the N-Quads dump after each (the store keeps one generation only)."""
    tmp = tmp_path_factory.mktemp("patches")
    source = tmp / "extra.jsonl"
    seen = []
    for records in STEPS.values():
        source.write_text("".join(json.dumps(r) + "\n" for r in records))
        ctlib(tmp, "ingest", "-q", "--allow-withdrawals", LISTING, source)
        seen.append(quads_dump(tmp))
    ctlib(tmp, "load", "--graph", "http://example.org/graph/extra", EXTRA)
    seen.append(quads_dump(tmp))
    return tmp, seen


def test_patches_applied_in_order_to_the_first_dump_give_every_later_one(history):
    tmp, seen = history
    found = patches.patch_files(tmp / "var")
    assert len(found) == len(seen) - 1
    quads = seen[0]
    for patch, expected in zip(found, seen[1:]):
        quads = apply(quads, patch.path)
        assert quads == expected, patch.name


def test_patches_chain_the_generations_and_name_what_changed(history):
    tmp, seen = history
    found = patches.patch_files(tmp / "var")
    assert [p.previous for p in found[1:]] == [p.generation for p in found[:-1]]
    assert all(p.published.endswith("Z") for p in found)
    rows = [gzip.decompress(p.path.read_bytes()).decode() for p in found]
    add, change, withdraw, revive, unchanged, load = rows
    assert "A <" in add and "/id/record/p-3>" in add and "\nD " not in add
    assert '"Revised."' in change and '"A report."' in change
    assert "/id/record/p-2> <http://www.w3.org/2002/07/owl#deprecated>" in withdraw
    assert "D <" in withdraw and "A <" in revive
    assert unchanged.endswith("TX .\nTC .\n")
    assert "http://example.org/graph/extra> ." in load
    header = rows[0].splitlines()
    assert header[0] == f"H id <urn:ctlib:generation:{found[0].generation}> ."
    assert header[1] == f"H prev <urn:ctlib:generation:{found[0].previous}> ."


def test_checksums_and_lengths_are_those_of_the_files(history):
    tmp, _ = history
    for patch in patches.patch_files(tmp / "var"):
        body = patch.path.read_bytes()
        assert patch.length == len(body)
        assert patch.sha256 == hashlib.sha256(body).hexdigest()
        assert patch.checksum_path.read_text() == f"{patch.sha256}  {patch.name}\n"


def test_patches_outlive_the_generations(history):
    tmp, _ = history
    assert len(list((tmp / "var" / "generations").iterdir())) == 1
    assert len(patches.patch_files(tmp / "var")) == len(STEPS)


def test_a_failed_publication_leaves_no_patch_to_see(history, tmp_path):
    """A patch newer than the published generation is a failed ingest's: not listed,
    and removed by the next writer."""
    tmp, _ = history
    data = tmp_path / "var"
    shutil.copytree(tmp / "var", data, symlinks=True)
    listed = patches.patch_files(data)
    last = listed[-1]
    leftover = last.path.with_name("99991231T235959999999Z" + patches.SUFFIX)
    shutil.copy(last.path, leftover)
    shutil.copy(last.checksum_path, patches._checksum(leftover))
    assert patches.patch_files(data) == listed
    assert patches.patch_files(data, published="99991231T235959999999Z")[-1].path == leftover
    patches._remove_unpublished(patches.directory(data), last.generation)
    assert not leftover.exists() and not patches._checksum(leftover).exists()
    assert patches.patch_files(data) == listed


def test_no_patch_before_the_first_publication(tmp_path):
    assert patches.patch_files(tmp_path) == []


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("patches-served")
    sources = [LISTING, DATA / "unusual-ids.jsonl"]
    with running_server(tmp, sources[:1], sources, sources) as base:
        yield base, tmp


def test_patches_are_served_as_the_files_they_are(served):
    base, tmp = served
    found = patches.patch_files(tmp / "var")
    assert len(found) == 2
    for patch in found:
        response = requests.get(f"{base}dump/changes/{patch.name}", timeout=10)
        assert response.status_code == 200
        assert response.content == patch.path.read_bytes()
        assert response.headers["Content-Type"] == "application/gzip"
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers["ETag"] == f'"{patch.sha256}"'
        checksum = requests.get(f"{base}dump/changes/{patch.name}.sha256", timeout=10)
        assert checksum.text == f"{hashlib.sha256(response.content).hexdigest()}  {patch.name}\n"
    missing = requests.get(f"{base}dump/changes/20200101T000000000000Z.rdfp.gz", timeout=10)
    assert missing.status_code == 404 and "/catalog" in missing.text


def test_patches_are_listed_in_dcat_void_and_the_downloads_page(served):
    base, tmp = served
    found = patches.patch_files(tmp / "var")
    catalog = Graph().parse(data=requests.get(f"{base}catalog.ttl", timeout=10).text,
                            format="turtle")
    void = requests.get(f"{base}.well-known/void.ttl", timeout=10).text
    page = requests.get(f"{base}dump/", headers={"Accept": "text/html"}, timeout=10).text
    for patch in found:
        url = URIRef(f"{base}dump/changes/{patch.name}")
        distribution = catalog.value(predicate=DCAT.downloadURL, object=url)
        assert distribution is not None
        assert str(catalog.value(distribution, DCAT.byteSize)) == str(patch.length)
        assert f"<{url}>" in void or f"changes/{patch.name}" in void
        assert f'href="/dump/changes/{patch.name}"' in page
    conforms, _, text = pyshacl.validate(catalog, shacl_graph=dcat_ap_shapes())
    assert conforms, text
