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


def read_text(path: Path, name: str) -> Text | Problem:
    raw = _read(path, name)
    if isinstance(raw, Problem):
        return raw
    raw = raw.removeprefix(BOM)
    if not raw.strip():
        return unreadable(name, "the file is empty: it holds no records")
    return _decode(raw, name)


def _read(path: Path, name: str) -> bytes | Problem:
    """The bytes of a regular file that starts as text; what else is at ``path`` is
    never opened, and a binary file is not read past its first SAMPLE_BYTES."""
    try:
        if kind := _special(os.stat(path).st_mode):
            return _not_regular(name, kind)
        # O_NONBLOCK: had it become a FIFO since, opening it does not wait for a writer
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
        with open(descriptor, "rb") as handle:
            if kind := _special(os.fstat(descriptor).st_mode):
                return _not_regular(name, kind)
            share = _not_text(os.pread(descriptor, SAMPLE_BYTES, 0).removeprefix(BOM))
            if share > NOT_TEXT_SHARE:
                return unreadable(name, f"not text: {share:.0%} of its first characters are "
                                        "control characters or bytes that are not UTF-8 (a "
                                        "binary file, or another encoding than UTF-8); save "
                                        "it as UTF-8 text")
            return handle.read()
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


def _decode(raw: bytes, name: str) -> Text:
    try:
        text = raw.decode("utf-8")
        return Text(text, plain=NOT_PLAIN.search(text) is None)
    except UnicodeDecodeError:
        pass
    pieces, problems = [], {}
    for number, data in enumerate(raw.splitlines(keepends=True), start=1):
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
