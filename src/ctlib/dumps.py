"""The whole published dataset as two gzip files, written once per generation at ingest.

    generations/<id>/dump/catalogue.nt.gz          every triple of every graph (N-Triples)
    generations/<id>/dump/catalogue.nq.gz          every quad, with its graph (N-Quads)
    generations/<id>/dump/catalogue.*.gz.sha256    their SHA-256, in `sha256sum` format

One pass over the store writes both: each graph is serialised once as N-Triples (in
Oxigraph, not Python), and the N-Quads lines are the same lines with the graph's name
put before the final " .". Each file is compressed on its own thread (zlib and hashlib
release the GIL), so the two compressions and the serialisation share the cores.
Blocks go through bounded queues: memory does not grow with the catalogue.

A triple stated in two graphs is two lines of the N-Triples file, as it is two
solutions of ``?s ?p ?o`` over the SPARQL default graph (the union, which Oxigraph
does not deduplicate); an RDF parser reads the file as a set either way.

An ingest that changed nothing in the store hard-links the previous generation's
files instead (``link_previous``): same bytes, same checksum, same ETag.

The records graph, nearly all of the dataset, is not read back out of the store when
its text is on disk already (``GraphText``): at the first ingest it is the files the
records were loaded from; at a later one, the previous generation's N-Quads dump less
the subjects the ingest deleted, plus the files of the records it checked. A 1 %
change then costs reading the previous dump (gzip and a set lookup per line) instead
of ~8 µs per quad of the whole catalogue. The lines are the ones the store would give,
possibly in another order: the same store may give other bytes by another history.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import queue
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from .formats import BY_NAME, Format

DIRECTORY = "dump"
COMPRESS_LEVEL = 1
"""zlib's fastest level. Reading the store is the slow part (Oxigraph decodes every term,
~11-13 s for the 1.3M quads of 100k records, bench/dumps.py), and compressing overlaps
it; level 6 made the files 28% smaller (31 and 32 MB instead of 43 and 45) for 4-5 s
more CPU, which the first ingest of 100k records cannot spare."""
BLOCK = 1 << 20
"""Bytes of N-Triples handed to the compressors at a time."""
QUEUED_BLOCKS = 8


@dataclass(frozen=True)
class DumpFile:
    name: str
    format: Format
    """What the file holds once decompressed (N-Triples or N-Quads)."""

    @property
    def checksum_name(self) -> str:
        return self.name + ".sha256"


DUMPS = (DumpFile("catalogue.nt.gz", BY_NAME["nt"]), DumpFile("catalogue.nq.gz", BY_NAME["nq"]))
BY_FILE_NAME = {dump.name: dump for dump in DUMPS}


@dataclass(frozen=True)
class Written:
    """A dump file on disk, as the web layer and the DCAT description state it."""

    dump: DumpFile
    path: Path
    size: int
    sha256: str
    modified: datetime


def directory(generation_path: Path) -> Path:
    return Path(generation_path) / DIRECTORY


@dataclass(frozen=True)
class GraphText:
    """A graph of the store as N-Triples text already on disk, each triple once: copied
    into the dumps instead of read back out of the store, which costs ~8 µs per triple.

    Without ``previous``, ``files`` are the whole graph (its generation started empty).
    With it, the graph is its lines in that earlier N-Quads dump (the generation this
    one started as a copy of), less those whose subject is in ``gone`` (deleted since)
    and those in ``repeated`` (which ``files`` hold again: agents of records checked
    this time, already in the store and loaded again without becoming two triples),
    plus ``files``. Subjects and lines are N-Triples bytes, lines with their newline."""

    graph: ox.NamedNode
    files: list[Path]
    previous: Path | None = None
    gone: frozenset[bytes] = frozenset()
    repeated: frozenset[bytes] = frozenset()

    def usable(self) -> bool:
        """False when the earlier dump is missing (pruned, or never written): the graph
        is then read out of the store like any other."""
        return self.previous is None or self.previous.is_file()


def write_dumps(store: ox.Store, generation_path: Path, written: GraphText | None = None
                ) -> int:
    """Both dumps of ``store`` into the generation; returns the number of triples."""
    target = directory(generation_path)
    target.mkdir(exist_ok=True)
    triples_file, quads_file = (Compressor(target / dump.name, target / dump.checksum_name)
                                for dump in DUMPS)
    splitter = _Splitter(triples_file, quads_file)
    try:
        for graph in _graphs(store):
            splitter.graph = graph
            if written is not None and graph == written.graph and written.usable():
                _copy_text(splitter, written)
            else:
                store.dump(splitter, ox.RdfFormat.N_TRIPLES, from_graph=graph)
            splitter.flush()
    finally:
        for compressor in (triples_file, quads_file):
            compressor.finish()
    return splitter.lines


def quads_path(generation_path: Path) -> Path:
    """The generation's N-Quads dump (which may not exist)."""
    return directory(generation_path) / DUMPS[1].name


def _copy_text(splitter: _Splitter, text: GraphText) -> None:
    if text.previous is not None:
        _copy_kept(splitter, text)
    for path in text.files:
        splitter.copy(path)


def _copy_kept(splitter: _Splitter, text: GraphText) -> None:
    """The graph's lines of the earlier N-Quads dump that are still in the store.

    Read in blocks cut at line ends, not line by line: GzipFile.readline cost more
    than the filtering (100k records: 2.2 s instead of 1.5 s)."""
    suffix = f" {text.graph} .\n".encode()
    with gzip.open(text.previous, "rb") as quads:
        rest = b""
        while block := quads.read(BLOCK):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            splitter.write(_kept(block[:cut].split(b"\n")[:-1], suffix, text))
        splitter.write(_kept(rest.split(b"\n"), suffix, text))


def _kept(quads: list[bytes], suffix: bytes, text: GraphText) -> bytes:
    """Of these N-Quads lines (without their newline), those of the graph that are
    kept, as N-Triples lines."""
    ending = suffix[:-1]
    kept = []
    for line in quads:
        if not line.endswith(ending):
            continue
        triple = line[:1 - len(suffix)]
        # A default-graph triple whose object is the graph's IRI ends the same way,
        # but has two terms left where the graph's own lines have three.
        first = triple.find(b" ")
        if triple.find(b" ", first + 1) < 0 or triple[:first] in text.gone:
            continue
        triple += b" .\n"
        if triple not in text.repeated:
            kept.append(triple)
    return b"".join(kept)


def link_previous(previous_generation: Path, generation_path: Path) -> bool:
    """Hard-link the previous generation's dumps; False when it has none to give."""
    source = directory(previous_generation)
    names = [name for dump in DUMPS for name in (dump.name, dump.checksum_name)]
    if not all((source / name).is_file() for name in names):
        return False
    target = directory(generation_path)
    target.mkdir(exist_ok=True)
    for name in names:
        os.link(source / name, target / name)
    return True


def read(generation_path: Path, dump: DumpFile) -> Written | None:
    """The dump as written in that generation; None if it has none."""
    path = directory(generation_path) / dump.name
    try:
        sha256 = (path.parent / dump.checksum_name).read_text().split()[0]
        stat = path.stat()
    except (OSError, IndexError):
        return None
    return Written(dump, path, stat.st_size, sha256,
                   datetime.fromtimestamp(stat.st_mtime, UTC))


def _graphs(store: ox.Store) -> list:
    """The default graph (normally empty) and the named graphs, in a stable order."""
    return [ox.DefaultGraph(), *sorted(store.named_graphs(), key=str)]


class _Splitter:
    """The file object one graph's N-Triples are written to: complete lines go to the
    N-Triples file as they are and to the N-Quads file with the graph named.

    Every line of Oxigraph's N-Triples (and of ntriples.lines) ends in " .\\n" and no
    other byte is a newline (literals escape theirs), so naming the graph is one
    bytes.replace per block."""

    def __init__(self, triples: Compressor, quads: Compressor):
        self.triples = triples
        self.quads = quads
        self.graph = ox.DefaultGraph()
        self.pending = bytearray()
        self.lines = 0

    def write(self, data: bytes) -> int:
        self.pending += data
        if len(self.pending) >= BLOCK:
            cut = self.pending.rfind(b"\n") + 1
            self._send(bytes(self.pending[:cut]))
            del self.pending[:cut]
        return len(data)

    def copy(self, path: Path) -> None:
        with open(path, "rb") as source:
            while block := source.read(BLOCK):
                self.write(block)

    def flush(self) -> None:
        if self.pending:
            self._send(bytes(self.pending))
            self.pending.clear()

    def _send(self, block: bytes) -> None:
        self.lines += block.count(b"\n")
        self.triples.put(block)
        if isinstance(self.graph, ox.DefaultGraph):
            self.quads.put(block)
        else:
            self.quads.put(block.replace(b" .\n", f" {self.graph} .\n".encode()))


class Compressor:
    """gzip one file on its own thread, its SHA-256 computed on the way to disk.

    The gzip header's time is zero, so the same store always gives the same bytes."""

    def __init__(self, path: Path, checksum: Path):
        self.path = path
        self.checksum = checksum
        for written in (path, self.checksum):
            written.unlink(missing_ok=True)  # may be a hard link to an earlier generation's
        self.blocks: queue.Queue[bytes | None] = queue.Queue(QUEUED_BLOCKS)
        self.error: Exception | None = None
        self.thread = threading.Thread(target=self._run, name=f"dump {path.name}", daemon=True)
        self.thread.start()

    def put(self, block: bytes) -> None:
        self._raise_failure()
        self.blocks.put(block)

    def finish(self) -> None:
        self.blocks.put(None)
        self.thread.join()
        self._raise_failure()

    def _raise_failure(self) -> None:
        """The thread's error, here in the writer, naming the file (a full disk says
        only "No space left on device"); an OSError stays one, as the CLI reports them."""
        if isinstance(self.error, OSError):
            raise OSError(self.error.errno, self.error.strerror, str(self.path)) from self.error
        if self.error is not None:
            raise RuntimeError(f"writing {self.path} failed: {self.error}") from self.error

    def _run(self) -> None:
        blocks = iter(self.blocks.get, None)
        try:
            self._compress(blocks)
        except Exception as error:  # reported by put() or finish() in the writer
            self.error = error
            for _ in blocks:  # drain, so that the producer never waits on a full queue
                pass

    def _compress(self, blocks) -> None:
        digest = hashlib.sha256()
        with open(self.path, "wb") as raw:
            output = _Hashing(raw, digest)
            with gzip.GzipFile(fileobj=output, mode="wb", compresslevel=COMPRESS_LEVEL,
                               mtime=0) as compressed:
                for block in blocks:
                    compressed.write(block)
        self.checksum.write_text(f"{digest.hexdigest()}  {self.path.name}\n")


class _Hashing:
    """A binary file that also feeds what is written to a digest."""

    def __init__(self, raw, digest):
        self.raw = raw
        self.digest = digest

    def write(self, data) -> int:
        self.digest.update(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()
