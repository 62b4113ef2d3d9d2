"""The published generation as a web worker sees it: opened read-only, reopened
when an ingest switches ``current``, so a worker never needs a restart."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph

from ..rdf.namespaces import SKOS
from ..registry import Registry
from ..store import EmbeddedStore, NoCatalogue

LABEL_LANGUAGES = f"""SELECT DISTINCT (LANG(?label) AS ?language)
WHERE {{ ?labelled <{SKOS.prefLabel}> ?label }}"""


@dataclass(frozen=True)
class Snapshot:
    generation: str
    store: pyoxigraph.Store
    store_path: str
    published: str
    """When it was ingested (ISO 8601), from the generation's registry."""
    registry_path: Path
    search_path: Path

    @cached_property
    def label_languages(self) -> frozenset[str]:
        """The languages the concepts and schemes are labelled in: what a page's labels
        can be negotiated to. Read once per generation (and worker)."""
        rows = self.store.query(LABEL_LANGUAGES, use_default_graph_as_union=True)
        return frozenset(row["language"].value for row in rows) - {""}


class Published:
    def __init__(self, data_dir: Path):
        self._embedded = EmbeddedStore(data_dir)
        self._link = Path(data_dir) / "current"
        self._seen: tuple[str, Snapshot] | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        """The published generation, reopened only when the ``current`` link changed
        (one readlink per request otherwise)."""
        try:
            target = os.readlink(self._link)
        except OSError:
            raise NoCatalogue("no catalogue has been published yet") from None
        seen = self._seen
        if seen is not None and seen[0] == target:
            return seen[1]
        with self._lock:
            generation = self._embedded.current()
            if generation is None:
                raise NoCatalogue("no catalogue has been published yet")
            info = Registry.read_info(generation.registry_path)
            path = str(generation.store_path)
            snapshot = Snapshot(generation.id, pyoxigraph.Store.read_only(path), path,
                                info.get("ingested", ""), generation.registry_path,
                                generation.search_path)
            self._seen = (target, snapshot)
            return snapshot

    def current(self) -> Snapshot | None:
        """The published generation, or None before the first ingest."""
        try:
            return self.snapshot()
        except NoCatalogue:
            return None
