"""Oxigraph on disk, published in generations.

Layout under the data directory::

    current -> generations/<id>       the published generation (a symlink)
    generations/<id>/store/           an Oxigraph store, never written once published
    generations/<id>/registry.sqlite  every identifier ever published (see registry.py)
    generations/<id>/COMPLETE         written last, before the switch

A writer builds a whole new generation beside the published one and then replaces
the ``current`` symlink with ``os.replace``, an atomic rename: readers see the old
catalogue or the new one, never a half-loaded one. A writer that fails or is killed
leaves a directory that the next writer removes: an incomplete one, or a complete one
newer than the published one (killed at the switch: it was never served).

With a remote store (``remote``) the generation is still built here, the Oxigraph
store serving as its staging copy, and is uploaded and published in the remote store
before the link is switched: the search index, dumps and registry stay files of the
generation, and web workers read the RDF from the remote store only.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pyoxigraph

from .remote import StoreUnavailable

if TYPE_CHECKING:
    from .remote import Generations

CURRENT = "current"
GENERATIONS = "generations"
COMPLETE = "COMPLETE"
STAMP = "%Y%m%dT%H%M%S%fZ"
"""A generation's id: when it was made, to the microsecond (UTC), so ids sort in time."""
STAMPED = re.compile(r"\d{8}T\d{12}Z")


class NoCatalogue(RuntimeError):
    """Nothing has been published in this data directory yet."""


class StoreFailure(StoreUnavailable):
    """The data directory cannot be read or written as the catalogue needs: read-only,
    full, a ``current`` link that loops or leads nowhere, a damaged generation. The
    message says what, where and why on one line; the published catalogue is as it was."""


def reason(error: BaseException) -> str:
    """An operating system, SQLite or Oxigraph error as one line: why, and on which
    file when the error names one."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror + (f": {error.filename}" if error.filename else "")
    return " ".join(str(error).split())


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

    @property
    def completions_path(self) -> Path:
        """The SPARQL editor's completions (ctlib.sparql.completions), written with it."""
        return self.path / "completions.sqlite"

    def read_store(self) -> pyoxigraph.Store:
        """The generation's Oxigraph store, read-only (several processes may open it)."""
        try:
            return pyoxigraph.Store.read_only(str(self.store_path))
        except (OSError, RuntimeError) as error:  # Oxigraph: RuntimeError for "Corruption"
            raise StoreFailure(f"the store of generation {self.id} cannot be read: "
                               f"{reason(error)}") from error


class EmbeddedStore:
    def __init__(self, data_dir: Path, remote: "Generations | None" = None, keep: int = 2):
        """``keep``: the generations kept on disk once a new one is published."""
        self.data_dir = Path(data_dir)
        self.remote = remote
        self.keep = keep

    @property
    def _generations(self) -> Path:
        return self.data_dir / GENERATIONS

    def current(self) -> Generation | None:
        """The published generation; None before the first publication. A ``current``
        that is not a link to a complete generation is an error, never taken for an
        empty catalogue: a writer would then start from nothing and remove the rest."""
        link = self.data_dir / CURRENT
        try:
            target = os.readlink(link)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StoreFailure(f"{link} is not the link to the published generation it "
                               f"should be: {reason(error)}") from error
        try:
            path = (self.data_dir / target).resolve(strict=True)
        except (OSError, RuntimeError) as error:  # RuntimeError: a loop, before Python 3.13
            raise StoreFailure(f"{link} -> {target} leads to no generation: "
                               f"{reason(error)}") from error
        if not (path / COMPLETE).exists():
            raise StoreFailure(f"{link} -> {target} is not a complete generation (it has no "
                               f"{COMPLETE} file): point {CURRENT} at a complete one")
        return Generation(path.name, path)

    def open(self) -> pyoxigraph.Store:
        """The published catalogue, read-only (several processes may open it at once)."""
        generation = self.current()
        if generation is None:
            raise NoCatalogue(f"no catalogue published in {self.data_dir} yet: run `ctlib ingest`")
        return generation.read_store()

    @contextmanager
    def new_generation(self, copy_current: bool = False) -> Iterator[Generation]:
        """A fresh generation to fill; published when the block ends without an error,
        then all but the ``keep`` newest generations are removed.

        With ``copy_current`` it starts as a copy of the published one (a checkpoint
        of hard links: cheap whatever the size).
        """
        try:
            self._generations.mkdir(parents=True, exist_ok=True)
            lock = open(self.data_dir / ".lock", "w")
        except OSError as error:
            raise StoreFailure(f"cannot write in the data directory {self.data_dir}: "
                               f"{reason(error)}") from error
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._clear_leftovers()
            with self._build(copy_current) as generation:
                yield generation
            self._prune()

    @contextmanager
    def _build(self, copy_current: bool) -> Iterator[Generation]:
        stamp = self._new_id()
        generation = Generation(stamp, self._generations / stamp)
        previous = self.current()
        try:
            generation.path.mkdir()
            if copy_current and previous is not None:
                previous.read_store().backup(str(generation.store_path))
            yield generation
            self._complete(generation)
        except BaseException as error:
            shutil.rmtree(generation.path, ignore_errors=True)
            if isinstance(error, (OSError, sqlite3.Error)):
                raise StoreFailure(
                    f"publishing a new generation in {self.data_dir} stopped: "
                    f"{reason(error)}; the published catalogue is unchanged") from error
            raise
        self._switch(generation.id)

    def _new_id(self) -> str:
        """Now, or just after the newest generation if the clock went back: the newest
        generation is always the last one made (see _clear_leftovers and _prune)."""
        now = datetime.now(timezone.utc)
        newest = max((p.name for p in self._generations.iterdir() if STAMPED.fullmatch(p.name)),
                     default="")
        if now.strftime(STAMP) > newest:
            return now.strftime(STAMP)
        after = datetime.strptime(newest, STAMP) + timedelta(microseconds=1)
        return after.strftime(STAMP)

    def _complete(self, generation: Generation) -> None:
        _fsync_tree(generation.path)
        (generation.path / COMPLETE).write_text(generation.id + "\n")
        if self.remote is not None:
            # complete before the store names it: a web worker that learns of it at once
            # finds its files
            self.remote.publish(generation.id, generation.read_store())

    def _switch(self, generation_id: str) -> None:
        """Point ``current`` at the generation, atomically."""
        temporary = self.data_dir / f".{CURRENT}.{os.getpid()}"
        try:
            temporary.unlink(missing_ok=True)
            temporary.symlink_to(Path(GENERATIONS) / generation_id)
            os.replace(temporary, self.data_dir / CURRENT)
            _fsync_dir(self.data_dir)
        except OSError as error:
            raise StoreFailure(f"{self.data_dir / CURRENT} could not be switched to generation "
                               f"{generation_id}: {reason(error)}") from error

    def _clear_leftovers(self) -> None:
        """What writers that failed or were killed left: their temporary links, their
        incomplete generations, and complete ones newer than the published one (killed
        at the switch, never served: kept, one would pass for the previous generation
        and the one really served before would be pruned). With a remote store, a
        generation it publishes but the link missed (killed between the two) becomes
        the published one here too. Before any publication nothing complete is
        removed: it may be a generation restored from a backup, not yet linked."""
        for link in self.data_dir.glob(f".{CURRENT}.*"):
            link.unlink(missing_ok=True)
        if self.remote is not None:
            self._follow_remote()
        served = self.current()
        for path in self._generations.iterdir():
            never_served = served is not None and STAMPED.fullmatch(path.name) is not None \
                and path.name > served.id
            if path.is_dir() and (never_served or not (path / COMPLETE).exists()):
                shutil.rmtree(path, ignore_errors=True)

    def _follow_remote(self) -> None:
        published = self.remote.published()
        current = self.current()
        if published is not None and (current is None or current.id != published) and \
                (self._generations / published / COMPLETE).exists():
            self._switch(published)

    def _prune(self) -> None:
        """Remove all but the ``keep`` newest complete generations, never the published
        one. Its COMPLETE file goes first: a removal cut short leaves an incomplete
        generation, which the next writer removes, never a damaged one that passes for
        complete."""
        current = self.current()
        complete = sorted((p for p in self._generations.iterdir() if (p / COMPLETE).exists()),
                          reverse=True)
        for path in complete[self.keep:]:
            if current is not None and path == current.path:
                continue
            (path / COMPLETE).unlink(missing_ok=True)
            shutil.rmtree(path, ignore_errors=True)
        if self.remote is not None:
            kept = {path.name for path in complete[:self.keep]}
            for generation in self.remote.known():
                if generation not in kept:
                    self.remote.drop(generation)


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
