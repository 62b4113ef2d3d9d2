"""The published generation as a web worker sees it: opened read-only, reopened
when an ingest switches ``current``, so a worker never needs a restart."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from ..registry import Registry
from ..store import Generation, NoCatalogue, Source
from ..store.remote import RemoteGraphs


@dataclass(frozen=True)
class Snapshot:
    generation: str
    store: pyoxigraph.Store | RemoteGraphs
    path: Path
    """The generation's directory: its search index, dumps and registry."""
    published: str
    """When it was ingested (ISO 8601), from the generation's registry."""

    @property
    def store_path(self) -> str:
        """The embedded store (a remote store's staging copy: never read by workers)."""
        return str(Generation(self.generation, self.path).store_path)

    @property
    def registry_path(self) -> Path:
        return Generation(self.generation, self.path).registry_path

    @property
    def search_path(self) -> Path:
        return Generation(self.generation, self.path).search_path

    @property
    def completions_path(self) -> Path:
        return Generation(self.generation, self.path).completions_path

    @property
    def remote(self) -> bool:
        """Read from a remote store: /sparql forwards queries instead of running them."""
        return isinstance(self.store, RemoteGraphs)


class Published:
    def __init__(self, config):
        self._source = Source(config)
        self._seen: tuple[str, Snapshot] | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        """The published generation, reopened only when another one is published (one
        readlink per request otherwise, or a question to the remote store every
        ``CTLIB_STORE_POLL`` seconds)."""
        key = self._source.key()
        if key is None:
            raise NoCatalogue("no catalogue has been published yet")
        seen = self._seen
        if seen is not None and seen[0] == key:
            return seen[1]
        with self._lock:
            opened = self._source.open()
            info = Registry.read_info(opened.generation.registry_path)
            snapshot = Snapshot(opened.generation.id, opened.store, opened.generation.path,
                                info.get("ingested", ""))
            self._seen = (key, snapshot)
            return snapshot

    def current(self) -> Snapshot | None:
        """The published generation, or None before the first ingest."""
        try:
            return self.snapshot()
        except NoCatalogue:
            return None
