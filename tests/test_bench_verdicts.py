"""The benchmarks' own logic: verdicts need a run that succeeded, failures set the
exit status, cached inputs are keyed to the code, and the changed ingest run is the
issue's (bench/verdicts.py, bench/ingest.py; the scripts themselves are run by hand)."""

from __future__ import annotations

import sys

import pytest

from bench import verdicts

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))  # the scripts import their neighbours by name
import ingest as bench_ingest  # noqa: E402
from generate import Item  # noqa: E402


@pytest.fixture
def no_failures(monkeypatch):
    monkeypatch.setattr(verdicts, "failures", [])


def test_a_verdict_needs_a_run_that_succeeded():
    assert verdicts.verdict(59.0, 60, "s", True) == "≤ 60 s: met"
    assert verdicts.verdict(61.0, 60, "s", True) == "≤ 60 s: MISSED"
    assert verdicts.verdict(1.0, 60, "s", False) == "≤ 60 s: no verdict (run failed)"


def test_a_failure_makes_the_exit_status_1_and_is_named(no_failures, capsys):
    assert verdicts.check(True, "fine") and verdicts.exit_status() == 0
    assert not verdicts.check(False, "100,000 first: exit 2")
    assert verdicts.exit_status() == 1
    assert "100,000 first: exit 2" in capsys.readouterr().err


def test_the_code_key_changes_with_the_code(tmp_path):
    for name in ("src/ctlib/a.py", "vocab/v.ttl", "shapes/s.ttl", "bench/generate.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("one")
    (tmp_path / "src/ctlib/__pycache__").mkdir()
    (tmp_path / "src/ctlib/__pycache__/a.pyc").write_text("compiled")
    before = verdicts.code_key(tmp_path)
    (tmp_path / "src/ctlib/__pycache__/a.pyc").write_text("compiled again")
    assert verdicts.code_key(tmp_path) == before
    (tmp_path / "bench/generate.py").write_text("two")
    assert verdicts.code_key(tmp_path) != before
    assert verdicts.keyed(tmp_path / "out", tmp_path).name == f"code-{verdicts.code_key(tmp_path)}"


def test_the_changed_run_edits_withdraws_and_adds_what_the_issue_says():
    items = [Item(f"Title {n}", [f"Summary {n}."], [], [], [], "2020") for n in range(3000)]
    new = [Item(f"New {n}", ["New."], [], [], [], "2021") for n in range(3)]
    changed, counts = bench_ingest.change(items, new, seed=0)
    assert counts == bench_ingest.Change(edited=30, withdrawn=3, added=3)
    expected = bench_ingest.expected_counts("changed", len(items), counts)
    assert len(changed) == expected["read"] == expected["published"] == 3000
    assert sum("revised" in item.summary[-1] for item in changed) == 30
    assert changed[-3:] == new
    assert expected["unchanged"] == len([i for i in changed if i in items]) == 2967
    assert expected["checked"] == 33 and expected["withdrawn"] == 3
