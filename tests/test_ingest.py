"""Ingest end to end in-process: what gets published, kept, withdrawn, and never half-done."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from ctlib.export import load
from ctlib.ingest import NothingToPublish, ingest
from ctlib.registry import Registry
from ctlib.sparql.completions import Completer
from ctlib.store import EmbeddedStore

from .conftest import BASE, DATA, ROOT, into_the_next_second

LISTING = ROOT / "data" / "library-listing.txt"
DCT = "http://purl.org/dc/terms/"


def query(catalogue, sparql: str) -> list[dict]:
    """Solutions as {variable: value}, unbound variables left out."""
    store = EmbeddedStore(catalogue.config.data_dir).open()
    solutions = store.query(sparql, use_default_graph_as_union=True)
    names = [variable.value for variable in solutions.variables]
    return [{name: s[name].value for name in names if s[name] is not None} for s in solutions]


def titles(catalogue) -> dict[str, str]:
    rows = query(catalogue, f"SELECT ?id ?title WHERE {{ ?r <{DCT}identifier> ?id ; "
                            f"<{DCT}title> ?title ; a <{DCT}BibliographicResource> }}")
    return {row["id"]: row["title"] for row in rows}


def modified(catalogue) -> dict[str, str]:
    rows = query(catalogue, f"SELECT ?id ?m WHERE {{ ?r <{DCT}identifier> ?id ; <{DCT}modified> ?m }}")
    return {row["id"]: row["m"] for row in rows}


def copy_listing(tmp_path: Path) -> Path:
    path = tmp_path / "src" / "listing.txt"
    path.parent.mkdir(exist_ok=True)
    shutil.copy(LISTING, path)
    return path


def test_seed_listing_publishes_its_ten_documents(catalogue):
    report = ingest([LISTING], catalogue)
    assert report.violations == [] and report.published == 10
    rows = query(catalogue, f"""
        SELECT ?title ?year ?country ?region ?author WHERE {{
          ?r <{DCT}title> ?title ; <{DCT}issued> ?year .
          OPTIONAL {{ ?r <{DCT}spatial> ?country . FILTER(CONTAINS(STR(?country), "/countries/")) }}
          OPTIONAL {{ ?r <{DCT}spatial> ?region . FILTER(CONTAINS(STR(?region), "/regions/")) }}
          OPTIONAL {{ ?r <{DCT}creator>/<http://xmlns.com/foaf/0.1/name> ?author }}
          FILTER(STRSTARTS(?title, "Desk Review")) }}""")
    assert {r["year"] for r in rows} == {"2012"}
    assert {r["country"] for r in rows} == {BASE + "def/countries/et"}
    assert {r["region"] for r in rows} == {BASE + "def/regions/eastern-africa",
                                           BASE + "def/regions/horn-of-africa"}
    assert {r["author"] for r in rows} == {"Rakeb Messele",
                                           "Mebratu Gebeyehu Consultants For AU/IGAD/IOM"}
    assert len(titles(catalogue)) == 10


def without_section_heading(tmp_path: Path) -> Path:
    """The listing without its heading: none of its records gets a category."""
    path = copy_listing(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nReferral Mechanisms\n", "\n", 1), encoding="utf-8")
    return path


def test_reingesting_unchanged_data_checks_nothing_and_keeps_modified(catalogue, tmp_path):
    source = without_section_heading(tmp_path)
    first = ingest([source], catalogue)
    assert {problem.rule for problem in first.problems} == {"record-subject-missing/minCount",
                                                            "likely-typo"}
    before = modified(catalogue)
    report = ingest([source], catalogue)
    assert (report.checked, report.unchanged, report.published) == (0, 10, 10)
    assert len(report.problems) == 14  # the no-category and typo warnings still reported
    assert modified(catalogue) == before


def _store_files(catalogue) -> dict[str, int]:
    """The data files (SST) of the published store, with their inodes."""
    store = EmbeddedStore(catalogue.config.data_dir).current().store_path
    return {path.name: path.stat().st_ino for path in store.glob("*.sst")}


def test_an_unchanged_reingest_leaves_the_store_files_as_they_were(catalogue, tmp_path):
    source = copy_listing(tmp_path)
    ingest([source], catalogue)
    before = _store_files(catalogue)
    ingest([source], catalogue)
    assert before and _store_files(catalogue) == before  # the same files, hard-linked
    source.write_text(source.read_text(encoding="utf-8").replace("Desk Review", "Desk Study"),
                      encoding="utf-8")
    ingest([source], catalogue)
    assert _store_files(catalogue) != before


def test_completions_are_computed_when_the_catalogue_changes_and_linked_when_not(catalogue,
                                                                                  tmp_path):
    source = copy_listing(tmp_path)
    ingest([source], catalogue)
    first = EmbeddedStore(catalogue.config.data_dir).current().completions_path.stat().st_ino
    ingest([source], catalogue)
    again = EmbeddedStore(catalogue.config.data_dir).current().completions_path
    assert again.stat().st_ino == first
    source.write_text(source.read_text(encoding="utf-8").replace("Desk Review", "Desk Study"),
                      encoding="utf-8")
    ingest([source], catalogue)
    changed = EmbeddedStore(catalogue.config.data_dir).current().completions_path
    assert changed.stat().st_ino != first
    assert Completer(changed).complete("borland", 1)[0].text.startswith("agent:")


def test_a_changed_record_is_rechecked_and_gets_a_new_modified_time(catalogue, tmp_path):
    source = copy_listing(tmp_path)
    ingest([source], catalogue)
    before = modified(catalogue)
    into_the_next_second()
    text = source.read_text().replace("they leave the NRM.", "they leave the NRM. Updated.")
    source.write_text(text)
    report = ingest([source], catalogue)
    assert (report.checked, report.unchanged) == (1, 9)
    after = modified(catalogue)
    changed = [k for k in after if after[k] != before[k]]
    assert changed == ["after-the-national-referral-mechanism-what-next-for-5a7e13"]


def test_a_vanished_record_becomes_a_tombstone_and_comes_back_with_its_id(catalogue, tmp_path):
    source = copy_listing(tmp_path)
    ingest([source], catalogue)
    full = source.read_text()
    start = full.index("Counter Trafficking Facilitators Guide")
    end = full.index("Guidance Note on")
    source.write_text(full[:start] + full[end:])
    report = ingest([source], catalogue)
    gone = "counter-trafficking-facilitators-guide-e70830"
    assert report.withdrawn == [gone] and gone not in titles(catalogue)
    rows = query(catalogue, f"SELECT ?when ?title WHERE {{ <{BASE}id/record/{gone}> "
                            "<http://www.w3.org/ns/prov#invalidatedAtTime> ?when ; "
                            f"<{DCT}title> ?title ; <http://www.w3.org/2002/07/owl#deprecated> true }}")
    assert rows and rows[0]["title"] == "Counter Trafficking Facilitators Guide"
    source.write_text(full)
    report = ingest([source], catalogue)
    assert report.withdrawn == [] and gone in titles(catalogue)
    assert not query(catalogue, f"SELECT ?w WHERE {{ <{BASE}id/record/{gone}> "
                                "<http://www.w3.org/ns/prov#invalidatedAtTime> ?w }")


def test_a_published_record_that_breaks_keeps_its_published_version(catalogue, tmp_path):
    source = copy_listing(tmp_path)
    ingest([source], catalogue)
    source.write_text(source.read_text().replace("Ireland\n", "Irelnd\n"))
    report = ingest([source], catalogue)
    rules = [p.rule for p in report.problems if p.record_id ==
             "counter-trafficking-facilitators-guide-e70830"]
    assert "vocabulary" in rules and "kept-previous" in rules
    assert report.exit_code == 1 and report.published == 10
    assert "counter-trafficking-facilitators-guide-e70830" in titles(catalogue)


def test_malformed_listing_publishes_its_good_records(catalogue):
    report = ingest([DATA / "malformed-listing.txt", DATA / "empty.txt"], catalogue)
    assert set(titles(catalogue).values()) == {"A Good Record That Must Still Load",
                                               "Another Good Record"}
    lines = [(p.location.line, p.rule) for p in report.violations]
    assert lines == [(0, "unreadable-file"), (17, "record-title/minCount"),
                     (33, "record-issued-year/in"), (41, "vocabulary"), (50, "label-typo"),
                     (57, "encoding")]


def test_when_nothing_passes_the_previous_catalogue_stays(catalogue):
    ingest([LISTING], catalogue)
    store = EmbeddedStore(catalogue.config.data_dir)
    generation = store.current()
    with pytest.raises(NothingToPublish):
        ingest([DATA / "rules" / "year-too-early.jsonl"], catalogue)
    assert store.current() == generation and len(titles(catalogue)) == 10


def test_validate_leaves_the_store_untouched(catalogue):
    ingest([LISTING], catalogue)
    generation = EmbeddedStore(catalogue.config.data_dir).current()
    report = ingest([DATA / "malformed-listing.txt"], catalogue, publish=False,
                    allow_withdrawals=True)
    assert report.published == 2 and report.generation is None
    assert EmbeddedStore(catalogue.config.data_dir).current() == generation


def test_loaded_graphs_survive_ingest(catalogue, tmp_path):
    alignment = tmp_path / "alignment.ttl"
    alignment.write_text(f"<{BASE}def/regions/worldwide> "
                         "<http://www.w3.org/2004/02/skos/core#exactMatch> "
                         "<http://www.wikidata.org/entity/Q2> .\n")
    ingest([LISTING], catalogue)
    assert load(catalogue, [alignment], "http://example.org/alignments") == 1
    ingest([LISTING], catalogue)
    rows = query(catalogue, "SELECT ?m WHERE { GRAPH <http://example.org/alignments> "
                            "{ ?c <http://www.w3.org/2004/02/skos/core#exactMatch> ?m } }")
    assert rows == [{"m": "http://www.wikidata.org/entity/Q2"}]
    assert len(titles(catalogue)) == 10


def test_worker_pool_gives_the_same_outcome_as_one_process(catalogue, config):
    one = ingest([LISTING, DATA / "malformed-listing.txt"], catalogue, publish=False)
    config["workers"], config["batch_size"] = 2, 3
    from ctlib.catalogue import Catalogue
    pooled = ingest([LISTING, DATA / "malformed-listing.txt"], Catalogue(config), publish=False)
    assert [str(p) for p in pooled.problems] == [str(p) for p in one.problems]
    assert pooled.published == one.published == 12


def test_old_generations_are_pruned(catalogue):
    for _ in range(4):
        ingest([LISTING], catalogue)
    generations = list((catalogue.config.data_dir / "generations").iterdir())
    assert len(generations) == catalogue.config.keep_generations


def test_registry_remembers_first_publication(catalogue):
    ingest([LISTING], catalogue)
    first = Registry.read(EmbeddedStore(catalogue.config.data_dir).current().registry_path)
    ingest([LISTING], catalogue)
    second = Registry.read(EmbeddedStore(catalogue.config.data_dir).current().registry_path)
    assert {e.id: e.first_published for e in first.published()} == \
        {e.id: e.first_published for e in second.published()}


def test_agents_no_record_names_any_more_leave_the_store(catalogue, tmp_path):
    source = copy_listing(tmp_path)
    ingest([source], catalogue)
    source.write_text(source.read_text().replace("Walk Free Foundation", "Walk Free"))
    ingest([source], catalogue)
    names = {row["n"] for row in query(catalogue, "SELECT ?n WHERE { ?a a "
             "<http://xmlns.com/foaf/0.1/Agent> ; <http://xmlns.com/foaf/0.1/name> ?n }")}
    assert "Walk Free" in names and "Walk Free Foundation" not in names
    assert len(names) == 8


def test_records_loaded_in_several_parts_are_all_published(catalogue, monkeypatch):
    """More records than one load takes: the loader thread loads parts while checking
    goes on, and every part must be in the published store."""
    from ctlib import publish
    monkeypatch.setattr(publish, "LOAD_EVERY", 3)
    report = ingest([LISTING, DATA / "partner.jsonl", DATA / "partner.csv"], catalogue)
    assert report.published == 15 and len(titles(catalogue)) == 15
    generation = EmbeddedStore(catalogue.config.data_dir).current()
    assert not list(generation.path.glob("checked-*.nt"))


def test_records_whose_file_was_not_recorded_are_kept_while_a_file_cannot_be_read(catalogue,
                                                                                   tmp_path):
    """Registries written before the source file was recorded cannot tell which records
    the broken file held: none is withdrawn until every file can be read again."""
    source = copy_listing(tmp_path)
    partner = source.parent / "partner.jsonl"
    shutil.copy(DATA / "unusual-ids.jsonl", partner)
    ingest([source.parent], catalogue)
    registry = EmbeddedStore(catalogue.config.data_dir).current().registry_path
    with sqlite3.connect(registry) as connection:  # as an earlier version wrote it
        connection.execute("UPDATE records SET source = NULL")
    connection.close()
    partner.write_bytes(b"")
    report = ingest([source.parent], catalogue)
    assert report.withdrawn == [] and report.published == 12
    assert [p.message for p in report.problems if p.rule == "kept-previous"] == [
        "2 records published before ctlib recorded their files stay published as they were: "
        "any of them may be in a file that could not be read"]
    partner.unlink()
    assert len(ingest([source.parent], catalogue, allow_withdrawals=True).withdrawn) == 2
