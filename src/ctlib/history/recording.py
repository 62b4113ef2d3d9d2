"""The canonical descriptions of records, read from a generation's store as the web
serves them, for the history to compare with what it holds.

Describing takes ~1 ms a record (describe.Found), so the first publication of a
million records, which describes every one, would spend longer on it than on checking
them: many records are described by worker processes, each reading the generation's
store (read-only, once the ingest has stopped writing it) and hashing and compressing
what it describes.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from ..describe import Found, canonical_ntriples, describe
from ..rdf.uris import Uris
from .versions import Body

IN_PROCESSES_FROM = 5_000
"""Fewer records are described in the ingest's own process: starting the workers and
opening the store in each costs more than it saves."""
PART = 2_000
"""Records a worker describes at a time."""


def canonical_descriptions(store_path: Path, uris: Uris, licence: str | None,
                           records: list[str], processes: int
                           ) -> Iterator[tuple[str, Body | None]]:
    """(record, its canonical N-Triples as the history stores them), None for a record
    withdrawn or not there, from the store at ``store_path``."""
    if processes < 2 or len(records) < IN_PROCESSES_FROM:
        yield from _described(ox.Store.read_only(str(store_path)), uris, licence, records)
        return
    parts = [records[start:start + PART] for start in range(0, len(records), PART)]
    # Spawned, not forked: a fork would share the ingest's memory (its registry, ~2 GB
    # at a million records) and its threads, neither of which describing needs.
    with ProcessPoolExecutor(processes, multiprocessing.get_context("spawn"),
                             initializer=_open,
                             initargs=(str(store_path), uris, licence)) as pool:
        for described in pool.map(_describe, parts):
            yield from described


def _described(store: ox.Store, uris: Uris, licence: str | None, records: list[str]
               ) -> Iterator[tuple[str, Body | None]]:
    found = Found(store)
    for record in records:
        description = describe(store, str(uris.record(record)),
                               uris.document("record", record), uris.dataset, licence, found)
        yield record, None if description is None or description.withdrawn else \
            Body.of(canonical_ntriples(description.triples))


_worker: tuple | None = None


def _open(store_path: str, uris: Uris, licence: str | None) -> None:
    global _worker
    _worker = (ox.Store.read_only(store_path), uris, licence)


def _describe(records: list[str]) -> list[tuple[str, Body | None]]:
    store, uris, licence = _worker
    return list(_described(store, uris, licence, records))
