"""Publishing when things go wrong, end to end: broken and vanished source files,
duplicates, too many withdrawals, a full or read-only disk, a broken `current` link or
generation, a kill at the switch, loads into a directory never ingested; and the test
harness's own checks."""

import json
import shutil
from pathlib import Path

import pytest

from .conftest import DATA, ROOT, cli_env, run
from .server import running_server

LISTING = ROOT / "data" / "library-listing.txt"


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
    assert stats(tmp_path)["triples"] == 3
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
    lines = [line for line in result.stdout.splitlines() if line.startswith(f"{data / name}:0  ")]
    assert len(lines) == 2 and "violation[unreadable-file]" in lines[0]
    assert lines[1].endswith(f"warning[kept-previous] the file could not be read, so the {kept} "
                             "records published from it before stay published as they were")
    assert "0 withdrawn" in result.stderr and f"published {before['records']}" in result.stderr
    after = stats(tmp_path)
    assert (after["records"], after["withdrawn"]) == (12, 0)


def test_withdrawing_more_than_the_limit_needs_to_be_asked_for(tmp_path):
    data = source_directory(tmp_path)
    run(tmp_path, "ingest", "-q", str(data))
    before = stats(tmp_path)
    (data / "partner.jsonl").unlink()
    refusal = ("2 of the 12 published records would be withdrawn (17%, more than "
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
    for limit, code, withdrawn in (("15", 2, 0), ("20", 0, 2)):  # 2 of 12: 17%
        run(tmp_path, "ingest", "-q", str(data), check_code=code,
            env=cli_env(tmp_path) | {"CTLIB_WITHDRAWAL_LIMIT": limit})
        assert stats(tmp_path)["withdrawn"] == withdrawn
