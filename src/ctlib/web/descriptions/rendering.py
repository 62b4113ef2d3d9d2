"""Descriptions serialised, and the cache of rendered responses, per generation.

Rendering (query + serialisation) happens once per generation, resource and format;
every later request is a dictionary lookup, which is what lets a Python server keep
up with a native triple store (see bench/RESULTS.md).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Callable

import pyoxigraph as ox
from rdflib import Graph

from ...describe import Description
from ...formats import Format
from ...rdf.namespaces import PREFIXES

JSONLD_CONTEXT = {
    "@version": 1.1,
    **PREFIXES,
    "schema": "https://schema.org/",
}
"""The one @context every JSON-LD response is compacted against (served at /context.jsonld)."""


def serialize(description: Description, fmt: Format, context_url: str) -> bytes:
    if fmt.name == "jsonld":
        return _jsonld(description, context_url)
    return ox.serialize(description.triples, format=fmt.rdf_format, prefixes=PREFIXES)


def _jsonld(description: Description, context_url: str) -> bytes:
    graph = Graph()
    graph.parse(data=ox.serialize(description.triples, format=ox.RdfFormat.N_TRIPLES),
                format="nt")
    document = json.loads(graph.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True))
    document["@context"] = context_url
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


MISSING = object()


class RepresentationCache:
    """Least recently used, bounded; keys include the generation, so a re-ingest never
    serves a stale body and old entries simply age out."""

    def __init__(self, entries: int):
        self.entries = entries
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key: tuple) -> object:
        """The cached value, or MISSING."""
        with self._lock:
            found = self._items.get(key, MISSING)
            if found is not MISSING:
                self._items.move_to_end(key)
            return found

    def get(self, key: tuple, make: Callable[[], object]) -> object:
        found = self.peek(key)
        if found is not MISSING:
            return found
        made = make()
        with self._lock:
            self._items[key] = made
            while len(self._items) > self.entries:
                self._items.popitem(last=False)
        return made
