"""The `ctlib` command as a user runs it: a real process, real files, exit codes."""

import json
import subprocess

import pytest
from rdflib import Dataset, Graph

from .conftest import CTLIB, DATA, ROOT, cli_env, run


@pytest.mark.parametrize("command", ["", "ingest", "validate", "load", "export", "stats",
                                     "settings"])
def test_every_command_has_help(tmp_path, command):
    result = run(tmp_path, *command.split(), "--help")
    assert "Usage:" in result.stdout


def test_ingest_default_source_exits_0_and_prints_a_summary(tmp_path):
    result = run(tmp_path, "ingest")
    assert "10 records read" in result.stderr and "0 violations" in result.stderr
    # Every record has the category of the listing's section heading: the only warnings
    # are the listing's likely typos (tests/test_typos.py).
    assert "4 warnings" in result.stderr and "record-subject-missing" not in result.stdout


def test_ingest_with_rejected_records_exits_1_and_prints_one_line_per_problem(tmp_path):
    result = run(tmp_path, "ingest", str(DATA / "malformed-listing.txt"), check_code=1)
    violations = [line for line in result.stdout.splitlines() if "  violation[" in line]
    assert len(violations) == 5
    assert all(line.startswith(f"{DATA / 'malformed-listing.txt'}:") for line in violations)
    assert "published 2" in result.stderr


def test_missing_path_is_reported(tmp_path):
    result = run(tmp_path, "validate", str(tmp_path / "nowhere.txt"), check_code=1)
    assert "no-such-file" in result.stdout


def test_broken_vocabulary_exits_2_and_changes_nothing(tmp_path):
    run(tmp_path, "ingest")
    vocab = tmp_path / "vocab"
    vocab.mkdir()
    (vocab / "broken.ttl").write_text("this is not turtle")
    env = cli_env(tmp_path) | {"CTLIB_VOCAB_DIR": str(vocab)}
    result = subprocess.run([*CTLIB, "ingest"], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2 and "cannot parse" in result.stderr
    assert json.loads(run(tmp_path, "stats", "--json").stdout)["records"] == 10


def test_validate_never_creates_a_store(tmp_path):
    run(tmp_path, "validate")
    assert not (tmp_path / "var" / "current").exists()
    assert run(tmp_path, "stats", check_code=2).stderr.startswith("error: no catalogue")


def test_stats(tmp_path):
    run(tmp_path, "ingest")
    numbers = json.loads(run(tmp_path, "stats", "--json").stdout)
    assert numbers["records"] == 10 and numbers["agents"] == 8 and numbers["withdrawn"] == 0
    assert numbers["concepts"]["http://localhost:8080/def/countries"] == 249
    assert numbers["generation"] and numbers["last_ingest"]
    assert numbers["triples"] > 5000


@pytest.mark.parametrize("fmt, parse_as", [("nt", "nt"), ("ttl", "turtle"),
                                            ("jsonld", "json-ld"), ("nq", "nquads")])
def test_export_formats_parse_back_to_the_same_triples(tmp_path, fmt, parse_as):
    run(tmp_path, "ingest")
    out = tmp_path / f"dump.{fmt}"
    run(tmp_path, "export", "--format", fmt, "-o", str(out))
    if fmt == "nq":
        dataset = Dataset()
        dataset.parse(out, format=parse_as)
        graph = Graph()
        for s, p, o, _ in dataset.quads():
            graph.add((s, p, o))
    else:
        graph = Graph().parse(out, format=parse_as)
    assert len(graph) == json.loads(run(tmp_path, "stats", "--json").stdout)["triples"]


def test_load_into_a_named_graph(tmp_path):
    run(tmp_path, "ingest")
    extra = tmp_path / "extra.ttl"
    extra.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    result = run(tmp_path, "load", str(extra), "--graph", "http://example.org/g")
    assert "<http://example.org/g> now holds 1 triples" in result.stderr
    dump = run(tmp_path, "export", "--format", "nq").stdout
    assert "<http://example.org/a> <http://example.org/b> <http://example.org/c> " \
           "<http://example.org/g> ." in dump


def test_load_refuses_graphs_owned_by_ingest_and_bad_files(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text("not turtle at all")
    result = run(tmp_path, "load", str(extra), "--graph", "http://localhost:8080/graph/records",
                 check_code=2)
    assert "written by ingest" in result.stderr
    result = run(tmp_path, "load", str(extra), "--graph", "http://example.org/g", check_code=2)
    assert "cannot load" in result.stderr and str(extra) in result.stderr


def test_settings_lists_every_setting_documented_in_the_readme(tmp_path):
    from ctlib.config import SETTINGS
    readme = (ROOT / "README.md").read_text()
    listed = run(tmp_path, "settings").stdout
    for setting in SETTINGS:
        assert f"`{setting.env_var}`" in readme and setting.env_var in listed


def test_bad_setting_is_a_clear_error(tmp_path):
    env = cli_env(tmp_path) | {"CTLIB_WORKERS": "none"}
    result = subprocess.run([*CTLIB, "validate"], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0 and "CTLIB_WORKERS" in result.stderr


def test_every_file_the_package_reads_is_installed_with_it():
    """Templates, styles, scripts and example queries are package data: a plain
    `pip install .` (a container, a system install) must carry them."""
    import fnmatch
    import tomllib
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = settings["package-data"]["ctlib"]
    package = ROOT / "src" / "ctlib"
    data = [p.relative_to(package).as_posix() for p in package.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert data and all(any(fnmatch.fnmatch(name, pattern) for pattern in patterns)
                        for name in data), data
