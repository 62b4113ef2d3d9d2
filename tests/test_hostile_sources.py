"""Hostile source files, end to end: the real `ctlib ingest` and `validate` on files made
to break them. Each bad line or file is one problem line (`file:line record field value
severity[rule] message`, or `file` alone for a whole file); every other record is
checked and published; nothing hangs and nothing reaches a terminal unescaped."""

from __future__ import annotations

import fcntl
import json
import os
import random
import subprocess
from functools import partial
from pathlib import Path

import pytest

from .conftest import CTLIB, cli_env
from .conftest import run as run_ctlib

PLACE = {"country": ["Worldwide"], "region": ["Worldwide"], "category": ["Referral Mechanisms"]}
TERMINAL_TITLE = "\x1b]0;pwned\x07"
"""An escape sequence that retitles a terminal window (OSC 0), ended by BEL."""


run = partial(run_ctlib, check_code=None)


def record(title: str, year: str = "2019", **fields) -> str:
    return json.dumps({"title": title, "year": year, **PLACE, **fields})


def published_titles(tmp_path: Path) -> set[str]:
    """The titles in the published catalogue, as `ctlib export` writes them."""
    from rdflib import Graph
    from rdflib.namespace import DCTERMS
    dump = tmp_path / "export.nt"
    assert run(tmp_path, "export", "--format", "nt", "-o", dump).returncode == 0
    return {str(title) for title in Graph().parse(dump, format="nt").objects(None, DCTERMS.title)}


def hostile_lines() -> str:
    return "\n".join([
        record("Before the Hostile Lines"),
        "[" * 100_000 + "]" * 100_000,
        '{"title": "A Year of Five Thousand Digits", "year": ' + "9" * 5000 + "}",
        record("A Lone \ud800 Surrogate"),
        record("Written in British English", language="en_GB"),
        record(f"A Title {TERMINAL_TITLE}With a NUL\x00 Inside", year=f"{TERMINAL_TITLE}2019"),
        record("Rang\x07 the Bell\x0cTwice"),
        record("After the Hostile Lines"),
    ]) + "\n"


@pytest.fixture(scope="module")
def hostile_directory(tmp_path_factory):
    """A source directory of broken lines and broken files around good records,
    ingested once: (the directory, the finished `ctlib ingest`, the working directory)."""
    home = tmp_path_factory.mktemp("hostile")
    source = home / "source"
    source.mkdir()
    (source / "good.jsonl").write_text(record("A Good Record in Its Own File") + "\n")
    (source / "hostile.jsonl").write_text(hostile_lines(), errors="surrogatepass")
    (source / "long.csv").write_text(
        "title,summary,year\nShort Enough,A summary.,2019\n"
        f"Far Too Long,{'x' * 140_000},2019\nAfter the Long One,Fine.,2018\n")
    (source / "quote.csv").write_text(
        'title,year\nBefore the Quote,2019\n"Where a Quote Opens,2019\n'
        "After the Quote,2018\nThe Last Row,2017\n")
    (source / "dangling.txt").symlink_to("nowhere.txt")
    (source / "loop.txt").symlink_to("loop.txt")
    (source / "memory.txt").symlink_to("/proc/self/mem")  # a regular file that fails to read
    (source / "folder.txt").mkdir()
    (source / "device.txt").symlink_to("/dev/zero")  # endless, if it were ever read
    (source / "garbage.jsonl").write_bytes(random.Random(15).randbytes(4096))
    (source / "empty.csv").write_bytes(b"")
    (source / f"name{TERMINAL_TITLE}.txt").write_text("Title\n\nSummary.\nYear\n2019\n")
    return source, run(home, "ingest", source), home


def test_each_hostile_line_is_one_problem_line(hostile_directory):
    source, result, _ = hostile_directory
    problems = [line for line in result.stdout.splitlines() if "violation[" in line]
    file = source / "hostile.jsonl"
    assert f"{file}:2  -  -  \"{'[' * 59}…\"  violation[json] not read: nested deeper than " \
           "a JSON reader can follow" in problems
    assert any(line.startswith(f"{file}:3  a-year-of-five-thousand-digits-")
               and f'year  "{"9" * 59}…"  violation[record-issued-year/in]' in line
               for line in problems)
    assert any(line.startswith(f"{file}:5  written-in-british-english-")
               and 'language  "en_GB"  violation[language] not an ISO 639-1 language code'
               in line for line in problems)
    assert "Traceback" not in result.stderr and result.returncode == 1


def test_the_records_around_them_are_published(hostile_directory):
    source, result, home = hostile_directory
    titles = published_titles(home)
    assert {"Before the Hostile Lines", "After the Hostile Lines", "Short Enough",
            "After the Long One", "Before the Quote", "After the Quote", "The Last Row",
            "A Good Record in Its Own File", "A Lone \ufffd Surrogate"} <= titles
    assert "Written in British English" not in titles and "Far Too Long" not in titles


def test_a_lone_surrogate_is_replaced_with_a_warning(hostile_directory):
    source, result, _ = hostile_directory
    (line,) = [line for line in result.stdout.splitlines() if "\\ud800" in line]
    assert line.startswith(f"{source / 'hostile.jsonl'}:4  a-lone-surrogate-")
    assert line.endswith('title  "A Lone \\ud800 Surrogate"  warning[control-character] '
                         "U+D800 replaced by U+FFFD: XML and HTML cannot carry these characters")


def test_control_characters_are_shown_escaped_and_never_published(hostile_directory):
    source, result, home = hostile_directory
    assert not any(char in result.stdout + result.stderr for char in "\x00\x1b\x07")
    warnings = [line for line in result.stdout.splitlines() if "control-character" in line]
    assert any('year  "\\x1b]0;pwned\\x072019"  warning[control-character] U+001B, U+0007 '
               "removed: XML and HTML cannot carry these characters" in line for line in warnings)
    assert any('title  "A Title \\x1b]0;pwned\\x07With a NUL\\x00 Inside"  warning' in line
               for line in warnings)
    # what is left of the year after the controls is checked as a year
    assert any('year  "]0;pwned2019"  violation[record-issued-year/in]' in line
               for line in result.stdout.splitlines())
    dump = run(home, "export", "--format", "nt").stdout
    assert '"Rang the Bell Twice"@en' in dump
    assert not any(char in dump for char in "\x00\x07\x0c\x1b")


def test_a_csv_field_over_128_kib_is_one_problem_line(hostile_directory):
    source, result, _ = hostile_directory
    (line,) = [line for line in result.stdout.splitlines() if "value-too-long" in line]
    assert line.startswith(f"{source / 'long.csv'}:3  far-too-long-")
    assert "summary" in line and "140,000 characters, more than the 100,000" in line


def test_an_unterminated_csv_quote_is_reported_where_it_opened(hostile_directory):
    source, result, _ = hostile_directory
    assert f'{source / "quote.csv"}:3  -  -  "\\"Where a Quote Opens,2019"  violation[csv] ' \
           "the quote opened on this line is never closed: the row is not read; reading " \
           "goes on at the next line" in result.stdout.splitlines()


@pytest.mark.parametrize("name, why", [
    ("dangling.txt", "a symbolic link to nowhere.txt, which does not exist"),
    ("loop.txt", "a symbolic link in a loop: following it never reaches a file"),
    ("folder.txt", "a directory, not a regular file: only regular files are read"),
    ("memory.txt", "cannot be read: input/output error"),
    ("device.txt", "a character device, not a regular file: only regular files are read"),
    ("empty.csv", "the file is empty: it holds no records"),
])
def test_a_file_that_cannot_be_read_is_one_line_naming_the_file(hostile_directory, name, why):
    source, result, _ = hostile_directory
    assert f"{source / name}  -  -  -  violation[unreadable-file] {why}" in \
        result.stdout.splitlines()


def test_binary_garbage_is_not_text(hostile_directory):
    source, result, _ = hostile_directory
    (line,) = [line for line in result.stdout.splitlines()
               if line.startswith(str(source / "garbage.jsonl"))]
    assert "violation[unreadable-file] not text: " in line


def test_a_file_name_with_control_characters_is_not_read(hostile_directory):
    source, result, _ = hostile_directory
    assert f"{source}/name\\x1b]0;pwned\\x07.txt  -  -  -  violation[unreadable-file] its " \
           "name holds control characters or bytes that are not UTF-8; rename the file" in \
        result.stdout.splitlines()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_a_file_without_read_permission_is_one_problem_line(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "good.jsonl").write_text(record("Readable") + "\n")
    (source / "locked.jsonl").write_text(record("Locked Away") + "\n")
    (source / "locked.jsonl").chmod(0)
    result = run(tmp_path, "validate", source)
    assert f"{source / 'locked.jsonl'}  -  -  -  violation[unreadable-file] cannot be read: " \
           "permission denied" in result.stdout.splitlines()
    assert "1 records read" in result.stderr


def test_a_fifo_is_never_waited_on_and_the_lock_never_queues_others(tmp_path):
    """The FIFO has a writer that never writes: a reader of it would wait for ever, in
    the old code holding the ingest lock. A second ingest started meanwhile must not
    queue behind the first: both end, within the subprocess timeouts."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "good.jsonl").write_text(record("Beside a FIFO") + "\n")
    fifo = source / "pipe.txt"
    os.mkfifo(fifo)
    writer = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # a writer is there; no EOF ever comes
    first = subprocess.Popen([*CTLIB, "ingest", str(source)], cwd=tmp_path,
                             env=cli_env(tmp_path), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        second = run(tmp_path, "ingest", source, timeout=90)
        out, err = first.communicate(timeout=90)
    finally:
        first.kill()
        os.close(writer)
    for stdout in (out, second.stdout):
        assert f"{fifo}  -  -  -  violation[unreadable-file] a FIFO (named pipe), not a " \
               "regular file: only regular files are read" in stdout.splitlines()
    assert "published 1" in err and "published 1" in second.stderr
    with open(tmp_path / "var" / ".lock") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nobody holds it any more


def test_problem_lines_are_printed_when_nothing_is_published(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "bad.jsonl").write_text(record("A Bad Year", year="20l9") + "\n" +
                                      record(f"Another {TERMINAL_TITLE}", year="1700") + "\n")
    (source / "empty.txt").write_text("")
    result = run(tmp_path, "ingest", source)
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and "nothing published" in result.stderr
    assert f"{source / 'empty.txt'}  -  -  -  violation[unreadable-file] the file is empty: " \
           "it holds no records" in lines
    assert any(line.startswith(f"{source / 'bad.jsonl'}:1  a-bad-year-") and
               'year  "20l9"  violation[record-issued-year/in]' in line for line in lines)
    assert any(line.startswith(f"{source / 'bad.jsonl'}:2  another-") and
               'year  "1700"  violation[record-issued-year/in]' in line for line in lines)
    assert "\x1b" not in result.stdout


def test_rows_a_quote_swallowed_are_reported_not_published_as_one(tmp_path):
    """A quote left open in a title closes at the next quote, two lines below: the row
    would be one title of three lines. It is a violation naming the lines; the row
    after it is read."""
    path = tmp_path / "chance.csv"
    path.write_text('title,year\n"Open Here,2019\nA Row Between,2018\n'
                    'Closed"" Here",2017\nFinal Row,2016\n')
    result = run(tmp_path, "validate", path)
    (line,) = [line for line in result.stdout.splitlines() if "violation" in line]
    assert line.startswith(f"{path}:2  open-here-2019-a-row-between-2018-closed-here-")
    assert line.endswith('title  "Open Here,2019\\nA Row Between,2018\\nClosed\\" Here"  '
                         "violation[csv] the title runs from line 2 to line 4, where it is "
                         "one line: a quote left open, or a line break pasted in?")
    assert "2 records read" in result.stderr and "would publish 1" in result.stderr
