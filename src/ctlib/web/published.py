"""The published generation as a web worker sees it: opened read-only, reopened
when an ingest switches ``current``, so a worker never needs a restart."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from ..registry import Registry
from ..store import EmbeddedStore, NoCatalogue


@dataclass(frozen=True)
class Snapshot:
    generation: str
    store: pyoxigraph.Store
    published: str
    """When it was ingested (ISO 8601), from the generation's registry."""


class Published:
    def __init__(self, data_dir: Path):
        self._embedded = EmbeddedStore(data_dir)
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        generation = self._embedded.current()
        if generation is None:
            raise NoCatalogue("no catalogue has been published yet")
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != generation.id:
                info = Registry.read_info(generation.registry_path)
                self._snapshot = Snapshot(
                    generation.id, pyoxigraph.Store.read_only(str(generation.store_path)),
                    info.get("ingested", ""))
            return self._snapshot
