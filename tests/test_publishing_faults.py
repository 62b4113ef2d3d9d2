"""Publishing when things go wrong, end to end: broken and vanished source files,
duplicates, too many withdrawals, a full or read-only disk, a broken `current` link or
generation, a kill at the switch, loads into a directory never ingested; and the test
harness's own checks."""

import gc
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from ctlib import publish
from ctlib.ingest import ingest
from ctlib.store import EmbeddedStore, StoreFailure

from . import stores
from .conftest import DATA, ROOT, cli_env, run
from .killing import KillPoint, run_killed
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"


READERS = (["stats"], ["export", "--format", "nt"]) if stores.KIND == "embedded" else ()
"""Commands that read the published generation through the data directory's link and
store; with a remote store they read that store, which the damage does not reach."""
KEPT = ("the file could not be read, or not all of it, so the %d records published from it "
        "before that were not read stay published as they were")
GARBAGE = bytes(range(255, -1, -1)) * 16
"""Bytes that are not text in any sense: no line of them is UTF-8."""


def stats(tmp_path: Path) -> dict:
    return json.loads(run(tmp_path, "stats", "--json").stdout)


def source_directory(tmp_path: Path) -> Path:
    """A source directory of two files: the listing (10 records) and 2 JSON Lines records."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(LISTING, data / "listing.txt")
    shutil.copy(DATA / "unusual-ids.jsonl", data / "partner.jsonl")
    return data


def test_a_test_server_whose_ingest_crashed_does_not_start(tmp_path):
    vocab = tmp_path / "vocab"
    vocab.mkdir()
    (vocab / "broken.ttl").write_text("this is not turtle")
    with pytest.raises(RuntimeError, match="exited 2"):
        with running_server(tmp_path, [LISTING], settings={"CTLIB_VOCAB_DIR": str(vocab)}):
            pass


def test_load_into_a_directory_never_ingested_works_every_time(tmp_path):
    def load(name: str) -> None:
        extra = tmp_path / f"{name}.nt"
        extra.write_text(f"<http://example.org/{name}> <http://example.org/p> <http://example.org/o> .\n")
        run(tmp_path, "load", str(extra), "--graph", f"http://example.org/{name}")

    for name in ("a", "b", "c"):
        load(name)
    exported = tmp_path / "all.nq"
    run(tmp_path, "export", "--format", "nq", "-o", str(exported))
    quads = exported.read_text().splitlines()
    assert sorted(line for line in quads if line.startswith("<http://example.org/")) == [
        f"<http://example.org/{name}> <http://example.org/p> <http://example.org/o> "
        f"<http://example.org/{name}> ." for name in ("a", "b", "c")]
    run(tmp_path, "ingest", "-q", str(LISTING))
    load("d")
    assert stats(tmp_path)["records"] == 10


def test_the_same_records_in_two_files_are_published_once_and_validate_agrees(tmp_path):
    copy = tmp_path / "copy.txt"
    shutil.copy(LISTING, copy)
    checked = run(tmp_path, "validate", str(LISTING), str(copy), check_code=1)
    published = run(tmp_path, "ingest", str(LISTING), str(copy), check_code=1)
    for result in (checked, published):
        duplicates = [line for line in result.stdout.splitlines() if "[duplicate]" in line]
        assert len(duplicates) == 10 and all(line.startswith(f"{copy}:") for line in duplicates)
    assert "would publish 10" in checked.stderr and ", published 10," in published.stderr
    assert stats(tmp_path)["records"] == 10


def test_a_file_named_twice_is_read_once(tmp_path):
    """Named itself and through its directory: its records are no duplicates of themselves."""
    data = source_directory(tmp_path)
    result = run(tmp_path, "ingest", str(data), str(data / "listing.txt"), f"{data}/./listing.txt")
    assert "[duplicate]" not in result.stdout and ", published 12," in result.stderr


def test_when_no_record_passes_validate_and_ingest_both_say_so_and_why(tmp_path):
    source = str(DATA / "rules" / "year-too-early.jsonl")
    checked = run(tmp_path, "validate", source, check_code=1)
    published = run(tmp_path, "ingest", source, check_code=1)
    assert "error: nothing would be published: none of the 1 records passed" in checked.stderr
    assert "error: nothing published: none of the 1 records passed" in published.stderr
    assert checked.stdout == published.stdout and "[record-issued-year/in]" in checked.stdout


@pytest.mark.parametrize("name, damage", [("partner.jsonl", b""), ("partner.jsonl", GARBAGE),
                                          ("listing.txt", b"  \n\n")],
                         ids=["empty", "binary garbage", "blank listing"])
def test_a_broken_source_file_keeps_its_records_as_they_were_published(tmp_path, name, damage):
    data = source_directory(tmp_path)
    run(tmp_path, "ingest", "-q", str(data))
    before = stats(tmp_path)
    (data / name).write_bytes(damage)
    result = run(tmp_path, "ingest", str(data), check_code=1)
    kept = 10 if name == "listing.txt" else 2
    lines = [line for line in result.stdout.splitlines() if line.startswith(f"{data / name}  ")]
    assert len(lines) == 2 and "violation[unreadable-file]" in lines[0]
    assert lines[1].endswith(f"warning[kept-previous] {KEPT % kept}")
    assert "0 withdrawn" in result.stderr and f"published {before['records']}" in result.stderr
    after = stats(tmp_path)
    assert (after["records"], after["withdrawn"]) == (12, 0)


def _cut_short(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-40])


def _cut_in_the_middle(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:2000])  # in the listing's third record


@pytest.mark.parametrize("name, damage, kept", [
    ("partner.jsonl", _cut_short, 1),
    ("partner.jsonl", Path.unlink, 2),
    ("listing.txt", lambda path: path.write_bytes(GARBAGE), 10),
    ("listing.txt", _cut_in_the_middle, 8),
], ids=["JSON Lines cut short", "named but missing", "binary listing",
        "listing cut in the middle"])
def test_records_a_named_file_may_still_hold_are_kept(tmp_path, name, damage, kept):
    """Only records gone from a file read whole are withdrawn: a line that is no longer
    JSON, text that is no record, or a file named but not there, may still hold them."""
    data = source_directory(tmp_path)
    sources = [str(data / "listing.txt"), str(data / "partner.jsonl")]
    run(tmp_path, "ingest", "-q", *sources)
    damage(data / name)
    result = run(tmp_path, "ingest", *sources, check_code=1)
    assert f"{data / name}  -  -  -  warning[kept-previous] {KEPT % kept}" in result.stdout
    assert "0 withdrawn" in result.stderr
    assert (stats(tmp_path)["records"], stats(tmp_path)["withdrawn"]) == (12, 0)


def test_withdrawing_more_than_the_limit_needs_to_be_asked_for(tmp_path):
    data = source_directory(tmp_path)
    run(tmp_path, "ingest", "-q", str(data))
    before = stats(tmp_path)
    (data / "partner.jsonl").unlink()
    refusal = ("2 of the 12 published records would be withdrawn (16.7%, more than "
               "CTLIB_WITHDRAWAL_LIMIT's 10%): 2 from partner.jsonl; if they are really gone, "
               "run again with --allow-withdrawals")
    checked = run(tmp_path, "validate", str(data), check_code=2)
    assert checked.stderr.strip() == f"error: nothing would be published: {refusal}"
    published = run(tmp_path, "ingest", str(data), check_code=2)
    assert published.stderr.strip() == \
        f"error: nothing published: {refusal}; the previous catalogue is unchanged"
    assert stats(tmp_path) == before
    run(tmp_path, "ingest", "-q", "--allow-withdrawals", str(data))
    assert (stats(tmp_path)["records"], stats(tmp_path)["withdrawn"]) == (10, 2)


def test_the_withdrawal_limit_is_a_setting(tmp_path):
    data = source_directory(tmp_path)
    run(tmp_path, "ingest", "-q", str(data))
    (data / "partner.jsonl").unlink()
    for limit, code, withdrawn in (("15", 2, 0), ("20", 0, 2)):  # 2 of 12: 16.7%
        run(tmp_path, "ingest", "-q", str(data), check_code=code,
            env=cli_env(tmp_path) | {"CTLIB_WITHDRAWAL_LIMIT": limit})
        assert stats(tmp_path)["withdrawn"] == withdrawn


def generations(tmp_path: Path) -> set[str]:
    return {path.name for path in (tmp_path / "var" / "generations").iterdir()}


@pytest.mark.parametrize("point", [
    KillPoint("os", "replace", needle="/current')"),
    KillPoint("shutil", "rmtree", needle="/generations/"),
], ids=["at the switch", "while pruning"])
def test_after_a_kill_at_the_switch_the_previous_generation_is_the_one_served(tmp_path, point):
    """Killed with its generation complete, before or after ``current`` was switched: the
    next ingest keeps the generation served last as the previous one, and clears the
    rest (the never published generation, a half removed one, the temporary link)."""
    source = tmp_path / "listing.txt"
    shutil.copy(LISTING, source)
    for _ in range(2):  # two generations: the next one makes pruning remove one
        run(tmp_path, "ingest", "-q", str(source))
    source.write_text(source.read_text().replace("Rakeb Messele", "Rakeb Messele Ayele"))
    run_killed(tmp_path, point, "ingest", "-q", str(source))
    served = stats(tmp_path)["generation"]
    run(tmp_path, "ingest", "-q", str(source))
    assert generations(tmp_path) == {served, stats(tmp_path)["generation"]}
    assert all((tmp_path / "var" / "generations" / name / "COMPLETE").exists()
               for name in generations(tmp_path))
    assert not list((tmp_path / "var").glob(".current.*"))


def test_a_generation_not_linked_yet_survives_the_first_ingest(tmp_path):
    """Restored from a backup before `current` names it, a generation is not taken for
    one killed at the switch: those are only the ones newer than a published one."""
    run(tmp_path, "ingest", "-q", str(LISTING))
    restored = (tmp_path / "var" / "current").resolve()
    (tmp_path / "var" / "current").unlink()
    run(tmp_path, "ingest", "-q", str(LISTING))
    assert (restored / "COMPLETE").exists()


@pytest.fixture
def own_disk(tmp_path):
    """The data directory (tmp_path/var) on a small filesystem of its own, a tmpfs, that a
    test may fill up or make read-only; skipped where mounting one is not allowed."""
    var = tmp_path / "var"
    var.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(var)],
                                 capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("no mount command to give the data directory a filesystem of its own")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs for the data directory: {mounted.stderr.strip()}")
    try:
        yield var
    finally:
        # A store that a failed ingest opened there may be waiting for the collector, or
        # still closing on Oxigraph's threads (it retries writes on a full disk): then
        # the filesystem is detached now and goes when its last file is closed.
        gc.collect()
        if subprocess.run(["umount", str(var)], capture_output=True, timeout=30).returncode:
            subprocess.run(["umount", "--lazy", str(var)], check=True, timeout=30)


def fill(disk: Path) -> None:
    """Take every free byte of the filesystem of ``disk``."""
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    if free:
        with open(disk / f"filler-{len(list(disk.glob('filler-*')))}", "wb") as filler:
            os.posix_fallocate(filler.fileno(), 0, free)


def only_one_line(stderr: str) -> str:
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
    return stderr.strip()


def test_a_full_disk_is_one_line_exit_2_and_the_catalogue_stays(tmp_path, own_disk):
    run(tmp_path, "ingest", "-q", str(LISTING))
    before, kept = stats(tmp_path), generations(tmp_path)
    fill(own_disk)
    for command in (["ingest", "-q", str(DATA / "partner.jsonl"), str(LISTING)],
                    ["load", "--graph", "http://example.org/g", str(DATA / "sparql-protocol" /
                                                                   "data1.nt")]):
        error = only_one_line(run(tmp_path, *command, check_code=2).stderr)
        assert error.startswith(f"error: publishing a new generation in {own_disk} stopped: ")
        assert "No space left on device" in error
        assert error.endswith("; the published catalogue is unchanged")
        assert stats(tmp_path) == before and generations(tmp_path) == kept
    for filler in own_disk.glob("filler-*"):
        filler.unlink()
    run(tmp_path, "ingest", "-q", str(DATA / "partner.jsonl"), str(LISTING), check_code=1)
    assert stats(tmp_path)["records"] > before["records"]


class FillingUp:
    """An Oxigraph store that takes the disk's last free bytes when ``method`` is first
    looked up on it: the next write of the phase that calls it finds the disk full."""

    def __init__(self, store, method: str, disk: Path):
        self._store, self._method, self._disk = store, method, disk

    def __getattr__(self, name: str):
        if name == self._method:
            fill(self._disk)
        return getattr(self._store, name)


@pytest.mark.parametrize("phase, method", [("loading", "bulk_load"),
                                           ("compaction", "optimize"),
                                           ("dumps", "dump")])
def test_a_disk_that_fills_up_during_a_phase_of_publishing_changes_nothing(
        tmp_path, own_disk, catalogue, monkeypatch, phase, method):
    source = tmp_path / "listing.txt"
    shutil.copy(LISTING, source)
    ingest([source], catalogue)
    store = EmbeddedStore(own_disk)
    published = store.current()
    source.write_text(source.read_text().replace("Rakeb Messele", "Rakeb Messele Ayele"))
    start = publish.GenerationWriter.__init__

    def filling_up(writer, *args, **kwargs):
        start(writer, *args, **kwargs)
        writer.store = FillingUp(writer.store, method, own_disk)

    monkeypatch.setattr(publish.GenerationWriter, "__init__", filling_up)
    with pytest.raises(StoreFailure, match="No space left on device") as failure:
        ingest([source], catalogue)
    assert "\n" not in str(failure.value)
    assert store.current() == published and generations(tmp_path) == {published.id}
    monkeypatch.undo()
    for filler in own_disk.glob("filler-*"):
        filler.unlink()
    assert ingest([source], catalogue).checked == 1


def test_a_read_only_data_directory_is_one_line_exit_2(tmp_path, own_disk):
    run(tmp_path, "ingest", "-q", str(LISTING))
    before = stats(tmp_path)
    subprocess.run(["mount", "-o", "remount,ro", str(own_disk)], check=True, timeout=30)
    try:
        for command in (["ingest", "-q", str(LISTING)],
                        ["load", "--graph", "http://example.org/g",
                         str(DATA / "sparql-protocol" / "data1.nt")]):
            error = only_one_line(run(tmp_path, *command, check_code=2).stderr)
            assert error == f"error: cannot write in the data directory {own_disk}: " \
                            f"Read-only file system: {own_disk / '.lock'}"
        assert stats(tmp_path) == before
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(own_disk)], check=True, timeout=30)


def _loop(current: Path) -> None:
    current.unlink()
    current.symlink_to("current")


def _dangling(current: Path) -> None:
    current.unlink()
    current.symlink_to("generations/gone")


def _a_directory(current: Path) -> None:
    current.unlink()
    current.mkdir()


def _incomplete(current: Path) -> None:
    (current / "COMPLETE").unlink()


@pytest.mark.parametrize("damage, says", [
    (_loop, "current -> current leads to no generation: Symlink loop"),
    (_dangling, "current -> generations/gone leads to no generation: No such file"),
    (_a_directory, "current is not the link to the published generation it should be"),
    (_incomplete, "is not a complete generation (it has no COMPLETE file)"),
], ids=["loop", "dangling", "a directory", "incomplete"])
def test_a_broken_current_link_is_one_line_exit_2_and_nothing_is_removed(tmp_path, damage,
                                                                         says):
    run(tmp_path, "ingest", "-q", str(LISTING))
    run(tmp_path, "ingest", "-q", str(LISTING))
    kept = generations(tmp_path)
    damage(tmp_path / "var" / "current")
    for command in (["ingest", "-q", str(LISTING)], ["validate", "-q", str(LISTING)],
                    *READERS):
        error = only_one_line(run(tmp_path, *command, check_code=2).stderr)
        assert error.startswith(f"error: {tmp_path / 'var' / 'current'}") and says in error
    assert generations(tmp_path) == kept


def test_a_damaged_registry_or_store_is_one_line_exit_2(tmp_path):
    run(tmp_path, "ingest", "-q", str(LISTING))
    generation = (tmp_path / "var" / "current").resolve()
    registry = generation / "registry.sqlite"
    saved = registry.read_bytes()
    registry.write_bytes(GARBAGE)
    error = only_one_line(run(tmp_path, "ingest", "-q", str(LISTING), check_code=2).stderr)
    assert f"{registry}: file is not a database" in error
    registry.write_bytes(saved)
    for table in (generation / "store").glob("*.sst"):
        table.write_bytes(GARBAGE)
    for command in (["ingest", "-q", str(LISTING)], *READERS[:1]):
        error = only_one_line(run(tmp_path, *command, check_code=2).stderr)
        assert error.startswith(f"error: the store of generation {generation.name} cannot be "
                                "read: Corruption")
    assert generations(tmp_path) == {generation.name}


def test_a_damaged_search_index_is_built_anew(tmp_path):
    run(tmp_path, "ingest", "-q", str(LISTING))
    ((tmp_path / "var" / "current").resolve() / "search.sqlite").write_bytes(GARBAGE)
    run(tmp_path, "ingest", "-q", str(LISTING))
    index = (tmp_path / "var" / "current").resolve() / "search.sqlite"
    with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as connection:
        assert connection.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 10
    connection.close()
