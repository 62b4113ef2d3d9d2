"""Oxigraph on disk, published in generations.

Layout under the data directory::

    current -> generations/<id>       the published generation (a symlink)
    generations/<id>/store/           an Oxigraph store, never written once published
    generations/<id>/registry.sqlite  every identifier ever published (see registry.py)
    generations/<id>/COMPLETE         written last, before the switch

A writer builds a whole new generation beside the published one and then replaces
the ``current`` symlink with ``os.replace``, an atomic rename: readers see the old
catalogue or the new one, never a half-loaded one. A writer that fails or is killed
leaves an incomplete directory that the next writer removes.

With a remote store (``remote``) the generation is still built here, the Oxigraph
store serving as its staging copy, and is uploaded and published in the remote store
before the link is switched: the search index, dumps and registry stay files of the
generation, and web workers read the RDF from the remote store only.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pyoxigraph

if TYPE_CHECKING:
    from .remote import Generations

CURRENT = "current"
GENERATIONS = "generations"
COMPLETE = "COMPLETE"


class NoCatalogue(RuntimeError):
    """Nothing has been published in this data directory yet."""


@dataclass(frozen=True)
class Generation:
    id: str
    path: Path

    @property
    def store_path(self) -> Path:
        return self.path / "store"

    @property
    def registry_path(self) -> Path:
        return self.path / "registry.sqlite"

    @property
    def search_path(self) -> Path:
        """The search index (ctlib.search), updated and switched with the store."""
        return self.path / "search.sqlite"


class EmbeddedStore:
    def __init__(self, data_dir: Path, remote: "Generations | None" = None):
        self.data_dir = Path(data_dir)
        self.remote = remote

    @property
    def _generations(self) -> Path:
        return self.data_dir / GENERATIONS

    def current(self) -> Generation | None:
        link = self.data_dir / CURRENT
        if not link.is_symlink():
            return None
        path = (self.data_dir / os.readlink(link)).resolve()
        return Generation(path.name, path) if (path / COMPLETE).exists() else None

    def open(self) -> pyoxigraph.Store:
        """The published catalogue, read-only (several processes may open it at once)."""
        generation = self.current()
        if generation is None:
            raise NoCatalogue(f"no catalogue published in {self.data_dir} yet: run `ctlib ingest`")
        return pyoxigraph.Store.read_only(str(generation.store_path))

    @contextmanager
    def new_generation(self, copy_current: bool = False) -> Iterator[Generation]:
        """A fresh generation to fill; published when the block ends without an error.

        With ``copy_current`` it starts as a copy of the published one (a checkpoint
        of hard links: cheap whatever the size).
        """
        self._generations.mkdir(parents=True, exist_ok=True)
        with open(self.data_dir / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with self._build(copy_current) as generation:
                yield generation

    @contextmanager
    def _build(self, copy_current: bool) -> Iterator[Generation]:
        self._remove_incomplete()
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        generation = Generation(stamp, self._generations / stamp)
        generation.path.mkdir()
        previous = self.current()
        try:
            if copy_current and previous is not None:
                pyoxigraph.Store.read_only(str(previous.store_path)).backup(
                    str(generation.store_path))
            yield generation
        except BaseException:
            shutil.rmtree(generation.path, ignore_errors=True)
            raise
        self._publish(generation)

    def _publish(self, generation: Generation) -> None:
        _fsync_tree(generation.path)
        (generation.path / COMPLETE).write_text(generation.id + "\n")
        if self.remote is not None:
            # complete before the store names it: a web worker that learns of it at once
            # finds its files
            try:
                self.remote.publish(generation.id,
                                    pyoxigraph.Store.read_only(str(generation.store_path)))
            except BaseException:
                shutil.rmtree(generation.path, ignore_errors=True)
                raise
        temporary = self.data_dir / f".{CURRENT}.{os.getpid()}"
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(Path(GENERATIONS) / generation.id)
        os.replace(temporary, self.data_dir / CURRENT)
        _fsync_dir(self.data_dir)

    def prune(self, keep: int) -> None:
        """Remove all but the ``keep`` newest complete generations (the current one stays)."""
        current = self.current()
        complete = sorted((p for p in self._generations.iterdir() if (p / COMPLETE).exists()),
                          reverse=True)
        for path in complete[keep:]:
            if current is None or path != current.path:
                shutil.rmtree(path, ignore_errors=True)
        if self.remote is not None:
            kept = {path.name for path in complete[:keep]}
            for generation in self.remote.known():
                if generation not in kept:
                    self.remote.drop(generation)

    def _remove_incomplete(self) -> None:
        for path in self._generations.iterdir():
            if path.is_dir() and not (path / COMPLETE).exists():
                shutil.rmtree(path, ignore_errors=True)


def _fsync_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(root)


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
