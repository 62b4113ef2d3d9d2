"""Source files are read a chunk at a time: the records, their line numbers and the
problems found are the same whatever the chunk size, and a reader holds one chunk of
a large file, not all of it."""

from __future__ import annotations

import json

import pytest

from ctlib.records import files
from ctlib.records.listing import read_listing
from ctlib.records.tabular import read_jsonl

LISTING_RECORD = ("Title {n} Caf\u00e9 \u2014 \u00e9t\u00e9\n\nA summary of record {n}, "
                  "long enough to cross a chunk.\n\nCountry\nKenya\nYear\n2019\n\n")


def listing_bytes(count: int) -> bytes:
    parts = [LISTING_RECORD.format(n=n).encode() for n in range(count)]
    parts[3] = parts[3].replace(b"\n", b"\r\n")  # CRLF lines among LF ones
    parts[5] = parts[5].replace(b"summary", b"summ\xffary")  # not UTF-8
    parts[7] = parts[7].replace(b"summary", b"sum\x07mary")  # a control character
    parts[9] = parts[9].replace(b"summary", "sum\u2028mary".encode())  # a line separator
    return files.BOM + b"".join(parts)


def jsonl_bytes(count: int) -> bytes:
    lines = [json.dumps({"title": f"Record {n} \u00e9t\u00e9", "year": "2019"},
                        ensure_ascii=False).encode() for n in range(count)]
    lines[4] = b'{"title": "Bad \xfe byte", "year": "2019"}'
    lines[6] = b"not json"
    return b"\n".join(lines) + b"\n"


READERS = [("listing.txt", listing_bytes, lambda path: read_listing(path)),
           ("records.jsonl", jsonl_bytes, lambda path: read_jsonl(path))]


@pytest.mark.parametrize("name, content, read", READERS, ids=["listing", "jsonl"])
@pytest.mark.parametrize("chunk", [1, 7, 64, 1000])
def test_every_chunk_size_reads_the_same(tmp_path, monkeypatch, name, content, read, chunk):
    path = tmp_path / name
    path.write_bytes(content(40))
    whole = list(read(path))
    monkeypatch.setattr(files, "CHUNK_BYTES", chunk)
    assert list(read(path)) == whole
    assert len(whole) >= 40  # every record, and the problems beside them


def test_a_reader_holds_a_chunk_not_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "CHUNK_BYTES", 4096)
    path = tmp_path / "listing.txt"
    path.write_bytes(listing_bytes(5000))
    lines = files.read_lines(path, "listing.txt")
    reading = iter(lines)
    assert next(reading).startswith("Title 0")
    assert lines._handle.tell() <= 3 * 4096 < path.stat().st_size


@pytest.mark.parametrize("read", [read_listing, read_jsonl], ids=["listing", "jsonl"])
def test_a_blank_file_longer_than_a_chunk_is_empty(tmp_path, monkeypatch, read):
    monkeypatch.setattr(files, "SAMPLE_BYTES", 16)
    path = tmp_path / "blank.txt"
    path.write_bytes(b" \n" * 100)
    [problem] = list(read(path))
    assert problem.message == files.EMPTY and problem.location.line == 0
