"""RDF Patches between published generations: what each ingest (or ``ctlib load``)
added to the dataset and took out of it, quad by quad, in the Jena RDF Patch format
(https://afs.github.io/rdf-patch/).

    <data dir>/patches/<generation>.rdfp.gz          the patch that made that generation
    <data dir>/patches/<generation>.rdfp.gz.sha256   its SHA-256, in ``sha256sum`` format

They are kept outside the generations: every one stays, whatever
CTLIB_KEEP_GENERATIONS prunes. A patch names its generation and the one it applies to
(``H id``, ``H prev``) and when it was published (``H published``), then holds one
transaction: a ``D`` row for each quad of the previous generation's N-Quads dump that
is not in the new one, an ``A`` row for each quad new in it, in byte order (a changed
value's two rows side by side). Applied in order to one generation's dump, the
patches give each later one's exactly.

The two dumps are sorted by GNU ``sort`` and compared by ``comm``, both byte-wise
(``LC_ALL=C``): they spill to disk and use the cores, and Python reads only the lines
that differ, never the 1.3 million quads of 100,000 records (bench/patches.py).

A patch is written while its generation is built, before the switch: it is listed
(``patch_files``) only once its generation is published, and one newer than the
published generation is the leftover of a failed publication, removed by the next
writer (as the store removes the generation itself).
"""

from __future__ import annotations

import gzip
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .. import dumps

DIRECTORY = "patches"
SUFFIX = ".rdfp.gz"
MEDIA_TYPE = "application/rdf-patch"
"""What the file holds once decompressed: the type Jena gives RDF Patch (not registered
with IANA; the file itself is served as application/gzip, like the dumps)."""
GENERATION_IRI = "urn:ctlib:generation:"
PUBLISHED_LINK = "current"
"""The data directory's link to the published generation (ctlib.store keeps it)."""
QUADS = dumps.BY_FILE_NAME["catalogue.nq.gz"]
BYTE_ORDER = {"LC_ALL": "C"}
SORT_MEMORY = "256M"
"""sort's buffer; a larger dump is sorted in runs merged from disk."""
DATE_TIME = "<http://www.w3.org/2001/XMLSchema#dateTime>"


class Built(Protocol):
    """A generation as the store hands it out."""

    id: str
    path: Path


@dataclass(frozen=True)
class PatchFile:
    generation: str
    previous: str | None
    path: Path
    length: int
    sha256: str
    published: str
    """When the generation was published: ISO 8601 UTC (``2026-12-08T01:14:26Z``)."""

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def checksum_path(self) -> Path:
        return _checksum(self.path)


def directory(data_dir: Path) -> Path:
    return Path(data_dir) / DIRECTORY


def write(data_dir: Path, generation: Built, previous: Built | None,
          published: str) -> PatchFile | None:
    """The patch from ``previous`` to ``generation``, both with their dumps written;
    None when there is nothing to patch (a first publication)."""
    old = dumps.read(previous.path, QUADS) if previous is not None else None
    new = dumps.read(generation.path, QUADS)
    if old is None or new is None:
        return None
    target = directory(data_dir)
    target.mkdir(exist_ok=True)
    _remove_unpublished(target, previous.id)
    path = target / f"{generation.id}{SUFFIX}"
    compressor = dumps.Compressor(path, _checksum(path))
    try:
        compressor.put(_headers(generation.id, previous.id, published) + b"TX .\n")
        if old.sha256 != new.sha256:
            _differences(old.path, new.path, generation.path, compressor.put)
        compressor.put(b"TC .\n")
    finally:
        compressor.finish()
    _sync(path, _checksum(path), target)
    return _read(path)


def patch_files(data_dir: Path, published: str | None = None) -> list[PatchFile]:
    """The patches of the published generations, oldest first; ``published``: the
    published generation's id (read from the data directory when not given)."""
    if published is None:
        try:
            published = Path(os.readlink(Path(data_dir) / PUBLISHED_LINK)).name
        except OSError:
            return []
    found = (_read(path) for path in sorted(directory(data_dir).glob("*" + SUFFIX))
             if _generation(path) <= published)
    return [patch for patch in found if patch is not None]


def _checksum(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _generation(path: Path) -> str:
    return path.name.removesuffix(SUFFIX)


def _remove_unpublished(target: Path, published: str) -> None:
    for path in target.glob("*" + SUFFIX + "*"):
        if path.name.split(SUFFIX)[0] > published:
            path.unlink(missing_ok=True)


def _headers(generation: str, previous: str, published: str) -> bytes:
    return (f"H id <{GENERATION_IRI}{generation}> .\n"
            f"H prev <{GENERATION_IRI}{previous}> .\n"
            f'H published "{published}"^^{DATE_TIME} .\n').encode()


def _differences(old: Path, new: Path, work: Path, put) -> None:
    """The D and A rows from one sorted dump to the other, handed to ``put`` in blocks."""
    with tempfile.TemporaryDirectory(dir=work, prefix="patch-") as temporary:
        sorted_old, sorted_new = Path(temporary) / "old.nq", Path(temporary) / "new.nq"
        _wait([process for dump, into in ((old, sorted_old), (new, sorted_new))
               for process in _sort(dump, into, Path(temporary))])
        # comm -3: lines only in the first file as they are, only in the second after a tab
        with subprocess.Popen(["comm", "-3", str(sorted_old), str(sorted_new)],
                              stdout=subprocess.PIPE, env=os.environ | BYTE_ORDER) as comm:
            for block in iter(lambda: comm.stdout.read(dumps.BLOCK), b""):
                put(_rows(block, comm.stdout))
        _wait([comm])


def _rows(block: bytes, more) -> bytes:
    """comm's lines as patch rows; ``block`` completed to the end of its last line."""
    if not block.endswith(b"\n"):
        block += more.readline()
    lines = block.split(b"\n")[:-1]
    return b"".join(b"A " + line[1:] + b"\n" if line.startswith(b"\t") else
                    b"D " + line + b"\n" for line in lines)


def _sort(dump: Path, into: Path, temporary: Path) -> list[subprocess.Popen]:
    """``gzip -dc`` of the dump piped into a ``sort`` writing ``into``, started."""
    unzip = subprocess.Popen(["gzip", "-dc", str(dump)], stdout=subprocess.PIPE)
    sort = subprocess.Popen(["sort", "-S", SORT_MEMORY, "-T", str(temporary), "-o", str(into)],
                            stdin=unzip.stdout, env=os.environ | BYTE_ORDER)
    unzip.stdout.close()  # sort holds it now: gzip learns if sort stops
    return [unzip, sort]


def _wait(processes: list[subprocess.Popen]) -> None:
    failed = [p for p in processes if p.wait() != 0]
    if failed:
        raise RuntimeError("computing the patch failed: " + "; ".join(
            f"`{' '.join(map(str, p.args))}` exited with status {p.returncode}" for p in failed))


def _sync(*paths: Path) -> None:
    """On disk before the generation is published (the store syncs only its own files)."""
    for path in paths:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _read(path: Path) -> PatchFile | None:
    """The patch as written; None if it is incomplete (its checksum is written last)."""
    try:
        sha256 = _checksum(path).read_text().split()[0]
        length = path.stat().st_size
        headers = _read_headers(path)
    except (OSError, IndexError, EOFError, gzip.BadGzipFile):
        return None
    previous = headers.get("prev")
    return PatchFile(_generation(path),
                     previous.strip("<>").removeprefix(GENERATION_IRI) if previous else None,
                     path, length, sha256, headers.get("published", "").partition('"^^')[0]
                     .strip('"'))


def _read_headers(path: Path) -> dict[str, str]:
    headers = {}
    with gzip.open(path, "rt", encoding="utf-8") as text:
        for line in text:
            if not line.startswith("H "):
                break
            _, key, value = line.rstrip(" .\n").split(" ", 2)
            headers[key] = value
    return headers
