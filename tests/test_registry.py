"""The registry file: written whole, or as a copy of the one it was read from plus changes."""

import sqlite3
from dataclasses import replace

from ctlib.registry import Entry, Registry


def _entry(identifier: str, title: str) -> Entry:
    return Entry(identifier, "content", "context", "triples", title, "2026-01-01T00:00:00Z",
                 "2026-01-01T00:00:00Z", warnings=[["category", None, "rule", "message"]])


def _written(tmp_path) -> Registry:
    registry = Registry({i: _entry(i, f"Title {i}") for i in ("a", "b", "c")}, {"ingested": "1"})
    registry.write(tmp_path / "first.sqlite")
    return Registry.read(tmp_path / "first.sqlite")


def _rows(path) -> dict:
    registry = Registry.read(path)
    return {i: (e, registry.info) for i, e in registry.entries.items()}


def test_a_registry_written_since_another_equals_one_written_whole(tmp_path):
    before = _written(tmp_path)
    entries = dict(before.entries)
    entries["b"] = replace(entries["b"], title="Changed", withdrawn="2026-02-01T00:00:00Z")
    entries["d"] = _entry("d", "New")
    after = Registry(entries, {"ingested": "2"})
    after.write(tmp_path / "since.sqlite", since=before)
    after.write(tmp_path / "whole.sqlite")
    assert _rows(tmp_path / "since.sqlite") == _rows(tmp_path / "whole.sqlite")
    assert Registry.read(tmp_path / "since.sqlite").info == {"ingested": "2"}


def test_only_entries_that_are_not_those_read_are_written(tmp_path):
    before = _written(tmp_path)
    with sqlite3.connect(tmp_path / "first.sqlite") as connection:  # behind the registry's back
        connection.execute("UPDATE records SET title = 'from the file' WHERE id IN ('a', 'b')")
    entries = dict(before.entries)
    entries["b"] = replace(entries["b"], title="written")
    Registry(entries, before.info).write(tmp_path / "since.sqlite", since=before)
    titles = {i: e.title for i, e in Registry.read(tmp_path / "since.sqlite").entries.items()}
    assert titles == {"a": "from the file", "b": "written", "c": "Title c"}


def test_a_registry_not_read_from_a_file_is_written_whole(tmp_path):
    before = _written(tmp_path)
    made = Registry(dict(before.entries), before.info)
    assert made.file is None
    Registry({"a": before.entries["a"]}, {}).write(tmp_path / "whole.sqlite", since=made)
    assert set(Registry.read(tmp_path / "whole.sqlite").entries) == {"a"}


def test_a_registry_from_before_sources_were_recorded_is_read_and_carried_on(tmp_path):
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as connection:
        connection.executescript("CREATE TABLE records (id TEXT PRIMARY KEY, content TEXT, "
                                 "context TEXT, triples TEXT, warnings TEXT NOT NULL DEFAULT "
                                 "'[]', title TEXT, first_published TEXT NOT NULL, modified "
                                 "TEXT NOT NULL, withdrawn TEXT); CREATE TABLE info (key TEXT "
                                 "PRIMARY KEY, value TEXT);")
        connection.execute("INSERT INTO records VALUES ('a', 'c', 'x', 't', '[]', 'A', '1', '1', "
                           "NULL)")
    connection.close()
    before = Registry.read(old)
    assert before.entries["a"].source is None
    entries = {"a": before.entries["a"], "b": replace(_entry("b", "B"), source="b.txt")}
    Registry(entries, {}).write(tmp_path / "since.sqlite", since=before)
    after = Registry.read(tmp_path / "since.sqlite")
    assert {i: e.source for i, e in after.entries.items()} == {"a": None, "b": "b.txt"}
