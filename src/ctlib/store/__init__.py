"""Where the published catalogue lives: the embedded store (the default), or any
SPARQL 1.1 server named by ``CTLIB_STORE``. The one place that decides which."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from .embedded import (
    COMPLETE,
    CURRENT,
    GENERATIONS,
    EmbeddedStore,
    Generation,
    NoCatalogue,
    StoreFailure,
    reason,
)
from .remote import Client, Endpoints, Generations, RemoteGraphs, StoreUnavailable

__all__ = ["EmbeddedStore", "Generation", "NoCatalogue", "Opened", "Source", "StoreFailure",
           "StoreUnavailable", "generations", "reason", "remote_client"]


def remote_client(config) -> Client:
    return Client(Endpoints.from_config(config), config.store_timeout)


def generations(config) -> EmbeddedStore:
    """Where ingest and ``ctlib load`` write generations: the data directory, published
    to the remote store too when there is one."""
    remote = Generations(remote_client(config), config.base_uri) if config.store else None
    return EmbeddedStore(config.data_dir, remote, config.keep_generations)


@dataclass(frozen=True)
class Opened:
    """A published generation: its files and its RDF."""

    generation: Generation
    store: pyoxigraph.Store | RemoteGraphs


class Source:
    """The published generation as readers (web workers, ``stats``, ``export``) find
    it: ``key()`` is cheap and changes when another generation is published; ``open``
    gives that generation."""

    def __init__(self, config):
        self.data_dir = Path(config.data_dir)
        self.remote = Generations(remote_client(config), config.base_uri) \
            if config.store else None
        self.poll = config.store_poll
        self._polled: tuple[float, str | None] = (float("-inf"), None)

    def key(self) -> str | None:
        """The published generation's id (remote store: asked at most every
        ``CTLIB_STORE_POLL`` seconds) or the target of the ``current`` link."""
        if self.remote is None:
            try:
                return os.readlink(self.data_dir / CURRENT)
            except OSError:
                return None
        checked, known = self._polled
        if time.monotonic() - checked >= self.poll:
            try:
                known = self.remote.published()
            except StoreUnavailable:
                if known is None:
                    raise
                # the generation known goes on serving what needs no store (cached pages,
                # search); what needs the store says it is unavailable
            self._polled = (time.monotonic(), known)
        return known

    def open(self) -> Opened:
        if self.remote is None:
            generation = EmbeddedStore(self.data_dir).current()
            if generation is None:
                raise NoCatalogue(f"no catalogue published in {self.data_dir} yet: "
                                  "run `ctlib ingest`")
            return Opened(generation, generation.read_store())
        return self._open_remote()

    def _open_remote(self) -> Opened:
        published = self.remote.published()
        if published is None:
            raise NoCatalogue("no catalogue published in the SPARQL store at "
                              f"{self.remote.client.endpoints.query} yet: run `ctlib ingest`")
        generation = Generation(published, self.data_dir / GENERATIONS / published)
        if not (generation.path / COMPLETE).exists():
            raise StoreUnavailable(
                f"generation {published} is published in the SPARQL store at "
                f"{self.remote.client.endpoints.query} but its files (search index, dumps, "
                f"registry) are not in {generation.path}: every worker needs the data "
                "directory the ingest wrote (a shared or copied directory)")
        return Opened(generation, self.remote.reader(published))
