"""From a source file to its text, whatever is at the path.

Only regular files are opened, and never in a way that waits: a FIFO, socket or
device would block a reader (and the ingest's lock) for ever. Whatever makes a whole
file unreadable is one Problem of rule UNREADABLE_FILE about the file (line 0); a
line that is not UTF-8 is a Problem of that line, and the other lines are read.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .model import UNREADABLE_FILE, Problem, SourceLocation
from .values import CONTROL, CONTROL_CHARACTERS

SPECIAL_FILES = {stat.S_IFDIR: "a directory", stat.S_IFIFO: "a FIFO (named pipe)",
                 stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
                 stat.S_IFBLK: "a block device"}

BOM = b"\xef\xbb\xbf"
SAMPLE_BYTES = 65_536
NOT_TEXT_SHARE = 0.1
"""A file is not text when more than this share of the characters of its first
SAMPLE_BYTES are bytes that are not UTF-8 or CONTROL characters: a binary file, or
text in another encoding throughout (UTF-16 is half NUL bytes). Text with a few bad
bytes is read, each bad line reported."""

NOT_PLAIN = re.compile(f"[{CONTROL_CHARACTERS}\u2028\u2029]")
"""CONTROL characters, and the line separators where str.splitlines breaks a line
besides CR and LF (the others, VT, FF, FS, GS, RS and NEL, are controls): one scan
tells whether a text needs either of the slower paths."""
LINE_BREAK = re.compile(r"\r\n|\r|\n")
LINE_WITH_END = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


@dataclass
class Text:
    text: str
    problems: dict[int, Problem] = field(default_factory=dict)
    """An ``encoding`` Problem for each line (by number) that was not UTF-8; its bytes
    are in ``text`` as U+FFFD."""
    plain: bool = True
    """No match for NOT_PLAIN: the common case."""

    @property
    def has_controls(self) -> bool:
        return not self.plain and CONTROL.search(self.text) is not None

    def lines(self, keepends: bool = False) -> list[str]:
        """Lines as a text editor numbers them: broken at CR, LF and CRLF only.
        (str.splitlines, 3x faster than the regular expressions, also breaks at form
        feeds, NEL and U+2028: it serves plain text.)"""
        if self.plain:
            return self.text.splitlines(keepends)
        if keepends:
            return LINE_WITH_END.findall(self.text)
        lines = LINE_BREAK.split(self.text)
        return lines[:-1] if lines[-1] == "" else lines


def unreadable(name: str, why: str) -> Problem:
    return Problem(SourceLocation(name, 0), None, None, None, UNREADABLE_FILE, why)


EMPTY = "the file is empty: it holds no records"


def read_text(path: Path, name: str) -> Text | Problem:
    """The whole text of the file (for readers that go back to earlier lines)."""
    handle = _open(path, name)
    if isinstance(handle, Problem):
        return handle
    try:
        with handle:
            raw = handle.read().removeprefix(BOM)
    except OSError as error:
        return unreadable(name, _why(path, error))
    if not raw.strip():
        return unreadable(name, EMPTY)
    return _decode(raw, name)


class Lines:
    """The lines of a text file (as Text.lines numbers them), read and decoded
    CHUNK_BYTES at a time: a reader that goes forwards holds one chunk, not the file.
    At a million records the whole text and its lines took 4.5 GB, and every checking
    worker forked from that process started with them.

    ``problems`` and ``has_controls`` cover the chunks read so far, which include every
    line already yielded."""

    def __init__(self, path: Path, name: str, handle):
        self.path, self.name, self._handle = path, name, handle
        self.problems: dict[int, Problem] = {}
        self.has_controls = False
        self.blank = True
        """No line read so far holds anything but white space."""

    def __iter__(self) -> Iterator[str]:
        first_line = 1
        with self._handle as handle:
            for raw in _chunks(handle):
                text = _decode(raw, self.name, first_line)
                self.problems.update(text.problems)
                self.has_controls = self.has_controls or text.has_controls
                self.blank = self.blank and not raw.strip()
                lines = text.lines()
                del text
                first_line += len(lines)
                yield from lines


def read_lines(path: Path, name: str) -> Lines | Problem:
    """The file's Lines, or the Problem that makes it unreadable. An empty file is
    one only when its first chunk is all of it: a reader that finds nothing in a
    longer blank file says so itself (``Lines.blank``)."""
    handle = _open(path, name)
    if isinstance(handle, Problem):
        return handle
    try:
        start = handle.read(SAMPLE_BYTES)
        if not start.removeprefix(BOM).strip() and not handle.peek(1):
            handle.close()
            return unreadable(name, EMPTY)
        handle.seek(0)
    except OSError as error:
        handle.close()
        return unreadable(name, _why(path, error))
    return Lines(path, name, handle)


CHUNK_BYTES = 16 * 2**20


def _chunks(handle) -> Iterator[bytes]:
    """The file's bytes (its BOM dropped) in pieces that each end with a line feed or
    at the end of the file: never inside a line, a CRLF or a UTF-8 sequence."""
    if handle.peek(len(BOM)).startswith(BOM):
        handle.read(len(BOM))
    rest = handle.read(CHUNK_BYTES)
    while rest:
        more = handle.read(CHUNK_BYTES)
        end = rest.rfind(b"\n") + 1
        if not more:
            yield rest
            return
        if end == 0:  # a line longer than a chunk: read on until it ends
            rest += more
            continue
        yield rest[:end]
        rest = rest[end:] + more


def _open(path: Path, name: str):
    """A regular file that starts as text, opened for reading in binary; what else is
    at ``path`` is never opened, and a binary file is not read past its first
    SAMPLE_BYTES."""
    try:
        if kind := _special(os.stat(path).st_mode):
            return _not_regular(name, kind)
        # O_NONBLOCK: had it become a FIFO since, opening it does not wait for a writer
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
        handle = open(descriptor, "rb")
        if kind := _special(os.fstat(descriptor).st_mode):
            handle.close()
            return _not_regular(name, kind)
        share = _not_text(os.pread(descriptor, SAMPLE_BYTES, 0).removeprefix(BOM))
        if share > NOT_TEXT_SHARE:
            handle.close()
            return unreadable(name, f"not text: {share:.0%} of its first characters are "
                                    "control characters or bytes that are not UTF-8 (a "
                                    "binary file, or another encoding than UTF-8); save "
                                    "it as UTF-8 text")
        return handle
    except OSError as error:
        return unreadable(name, _why(path, error))


def _special(mode: int) -> str | None:
    kind = stat.S_IFMT(mode)
    return None if kind == stat.S_IFREG else SPECIAL_FILES.get(kind, "a special file")


def _not_regular(name: str, kind: str) -> Problem:
    return unreadable(name, f"{kind}, not a regular file: only regular files are read")


def _why(path: Path, error: OSError) -> str:
    if error.errno == errno.ENOENT and os.path.islink(path):
        return f"a symbolic link to {os.readlink(path)}, which does not exist"
    if error.errno == errno.ELOOP:
        return "a symbolic link in a loop: following it never reaches a file"
    if error.errno == errno.ENOENT:
        return "it was removed while ingest was reading"
    return f"cannot be read: {(error.strerror or str(error)).lower()}"


def _not_text(sample: bytes) -> float:
    text = sample.decode("utf-8", errors="replace")
    return (text.count("\ufffd") + len(CONTROL.findall(text))) / max(len(text), 1)


def _decode(raw: bytes, name: str, first_line: int = 1) -> Text:
    """``raw`` as text, its lines numbered from ``first_line`` in its Problems."""
    try:
        text = raw.decode("utf-8")
        return Text(text, plain=NOT_PLAIN.search(text) is None)
    except UnicodeDecodeError:
        pass
    pieces, problems = [], {}
    for number, data in enumerate(raw.splitlines(keepends=True), start=first_line):
        try:
            pieces.append(data.decode("utf-8"))
        except UnicodeDecodeError as error:
            text = data.decode("utf-8", errors="replace")
            pieces.append(text)
            problems[number] = Problem(
                SourceLocation(name, number), None, None, text.strip(), "encoding",
                f"byte 0x{data[error.start]:02x} at column {error.start + 1} is not UTF-8; "
                "save the file as UTF-8")
    text = "".join(pieces)
    return Text(text, problems, NOT_PLAIN.search(text) is None)
