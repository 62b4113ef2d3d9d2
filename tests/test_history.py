"""The record history (history/versions.py): what each publication records, read back."""

import hashlib
import json
from datetime import datetime, timezone

from ctlib.history.versions import History
from ctlib.ingest import ingest
from ctlib.store import EmbeddedStore

from .conftest import DATA, ROOT, into_the_next_second

RECORDS = {
    "A": {"id": "A", "title": "Alpha Guidance on Borders", "year": 2020,
          "region": ["Worldwide"], "category": ["Victim Identification"]},
    "B": {"id": "B", "title": "Bravo Handbook for Shelters", "year": 2019,
          "region": ["Worldwide"], "category": ["Victim Identification"]},
    "C": {"id": "C", "title": "Charlie Report on Labour", "year": 2018,
          "region": ["Worldwide"], "category": ["Victim Identification"]},
}


def write_source(path, *records) -> list:
    path.parent.mkdir(exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return [path]


def at(iso: str, seconds: int = 0) -> datetime:
    when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return datetime.fromtimestamp(when.timestamp() + seconds, timezone.utc)


def test_unit_publish_classifies_created_updated_deleted_and_revived(tmp_path):
    history = History.for_writing(tmp_path)
    first = history.publish("g1", None, "2026-01-01T00:00:00Z",
                            [("a", b"<a> <p> \"1\" .\n"), ("b", b"<b> <p> \"1\" .\n")])
    assert [(c.record, c.kind) for c in first] == [("a", "created"), ("b", "created")]
    second = history.publish("g2", "g1", "2026-01-02T00:00:00Z",
                             [("a", b"<a> <p> \"2\" .\n"), ("b", None), ("c", None)])
    assert [(c.record, c.kind) for c in second] == [("a", "updated"), ("b", "deleted")]
    third = history.publish("g3", "g2", "2026-01-03T00:00:00Z",
                            [("a", b"<a> <p> \"2\" .\n"), ("b", b"<b> <p> \"3\" .\n")])
    assert [(c.record, c.kind) for c in third] == [("b", "created")]
    history.close()
    reader = History.open(tmp_path)
    assert [g.id for g in reader.generations()] == ["g1", "g2", "g3"]
    assert [g.previous for g in reader.generations()] == [None, "g1", "g2"]
    assert [v.kind for v in reader.versions("b")] == ["created", "deleted", "created"]
    assert reader.description("a", "g2") == b"<a> <p> \"2\" .\n"
    assert reader.description("b", "g2") is None
    assert reader.changes("g2")[0].hash == hashlib.sha256(b"<a> <p> \"2\" .\n").hexdigest()
    assert reader.version_at("a", at("2025-12-31T00:00:00Z")) is None
    assert reader.version_at("a", at("2026-01-01T12:00:00Z")).generation == "g1"
    assert reader.version_at("b", at("2026-01-02T00:00:00Z")).kind == "deleted"
    assert [(v.record, v.generation) for v in reader.state("g2")] == [("a", "g2")]
    assert [(v.record, v.generation) for v in reader.state("g3")] == [("a", "g2"), ("b", "g3")]


def test_unit_a_generation_never_served_is_forgotten_by_the_next(tmp_path):
    history = History.for_writing(tmp_path)
    history.publish("g1", None, "2026-01-01T00:00:00Z", [("a", b"x\n")])
    history.publish("g2", "g1", "2026-01-02T00:00:00Z", [("a", b"y\n")])  # never switched to
    history.publish("g3", "g1", "2026-01-03T00:00:00Z", [("a", b"z\n")])
    assert [g.id for g in history.generations()] == ["g1", "g3"]
    assert [v.generation for v in history.versions("a")] == ["g1", "g3"]


def test_unit_history_before_any_publication_is_empty(tmp_path):
    history = History.open(tmp_path)
    assert history.generations() == [] and history.versions("a") == []


def test_ingests_record_each_version_as_served(catalogue, tmp_path):
    source = tmp_path / "src" / "records.jsonl"
    catalogue.config.withdrawal_limit = 100.0
    ingest(write_source(source, RECORDS["A"], RECORDS["B"], RECORDS["C"]), catalogue)
    into_the_next_second()
    changed = dict(RECORDS["A"], title="Alpha Guidance on Borders, Revised")
    ingest(write_source(source, changed, RECORDS["B"]), catalogue, allow_withdrawals=True)
    into_the_next_second()
    ingest(write_source(source, changed, RECORDS["B"], RECORDS["C"]), catalogue)
    history = History.open(catalogue.config.data_dir)
    first, second, third = history.generations()
    assert [(c.record, c.kind) for c in history.changes(first.id)] == \
        [("A", "created"), ("B", "created"), ("C", "created")]
    assert [(c.record, c.kind) for c in history.changes(second.id)] == \
        [("A", "updated"), ("C", "deleted")]
    assert [(c.record, c.kind) for c in history.changes(third.id)] == [("C", "created")]
    assert b"Revised" in history.description("A", second.id)
    assert b"Revised" not in history.description("A", first.id)
    current = EmbeddedStore(catalogue.config.data_dir).current()
    assert current.id == third.id
    assert [v.record for v in history.state(third.id)] == ["A", "B", "C"]


def test_descriptions_read_by_pattern_are_those_read_by_sparql(catalogue):
    """The history describes records by pattern (describe.Found), the web by one SPARQL
    query: both must give the very same bytes, or the hashes published would lie."""
    from ctlib.describe import Found, canonical_ntriples, describe
    ingest([ROOT / "data" / "library-listing.txt", DATA / "unusual-ids.jsonl"], catalogue)
    store = EmbeddedStore(catalogue.config.data_dir).open()
    uris, found = catalogue.uris, Found(store)
    history = History.open(catalogue.config.data_dir)
    records = [v.record for v in history.state(history.latest())]
    assert len(records) > 10
    for record in records:
        arguments = (store, str(uris.record(record)), uris.document("record", record),
                     uris.dataset, catalogue.config.licence)
        by_sparql, by_pattern = describe(*arguments), describe(*arguments, found)
        assert canonical_ntriples(by_pattern.triples) == canonical_ntriples(by_sparql.triples)
        assert by_pattern.triples == by_sparql.triples


def test_many_records_are_described_by_worker_processes_as_by_the_ingest(catalogue, tmp_path,
                                                                          monkeypatch):
    """Past IN_PROCESSES_FROM records the descriptions come from spawned workers reading
    the store read-only (history/recording.py): the same versions as in one process."""
    from ctlib.history import recording
    source = tmp_path / "src" / "records.jsonl"
    ingest(write_source(source, *RECORDS.values()), catalogue)
    store_path = EmbeddedStore(catalogue.config.data_dir).current().store_path
    records = [*RECORDS, "never-published"]
    arguments = (store_path, catalogue.uris, catalogue.config.licence, records)
    in_one = list(recording.canonical_descriptions(*arguments, 1))
    monkeypatch.setattr(recording, "IN_PROCESSES_FROM", 2)
    monkeypatch.setattr(recording, "PART", 2)
    in_workers = list(recording.canonical_descriptions(*arguments, 2))
    assert in_workers == in_one
    assert [record for record, body in in_one if body is not None] == list(RECORDS)
    history = History.open(catalogue.config.data_dir)
    assert [(record, body.hash) for record, body in in_one if body] == \
        [(c.record, c.hash) for c in history.changes(history.latest())]
