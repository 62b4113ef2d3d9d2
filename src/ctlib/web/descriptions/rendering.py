"""Descriptions serialised, and the cache of rendered responses, per generation.

Rendering (query + serialisation) happens once per generation, resource and format;
every later request is a dictionary lookup, which is what lets a Python server keep
up with a native triple store (see bench/RESULTS.md).
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections import OrderedDict
from dataclasses import fields, is_dataclass
from typing import Callable

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.shared.jsonld.context import Context

from ...describe import Description, canonical_ntriples
from ...formats import Format
from ...rdf.namespaces import PREFIXES
from ...rdf.xml_safe import xml_safe_triples

JSONLD_CONTEXT = {
    "@version": 1.1,
    **PREFIXES,
    "schema": "https://schema.org/",
}
"""The one @context every JSON-LD response is compacted against (served at /context.jsonld)."""


def serialize(description: Description, fmt: Format, context_url: str) -> bytes:
    """Every RDF document of the web (descriptions, collections, searches, VoID, DCAT).
    Its literals are made xml_safe in every format, not only in RDF/XML: all formats
    carry the same terms."""
    if fmt.name == "nt":
        return canonical_ntriples(description.triples)
    triples = list(xml_safe_triples(description.triples))
    if fmt.name == "jsonld":
        return _jsonld(triples, context_url)
    return ox.serialize(triples, format=fmt.rdf_format, prefixes=PREFIXES)


def _jsonld(triples: list[ox.Triple], context_url: str) -> bytes:
    """Compacted against JSONLD_CONTEXT by rdflib, every literal in its lexical form: the
    terms of the other formats, term for term."""
    graph = Graph()
    for triple in triples:
        graph.add((_rdflib(triple.subject), _rdflib(triple.predicate), _rdflib(triple.object)))
    document = _LexicalForms(Context(JSONLD_CONTEXT)).convert(graph)
    if isinstance(document, list):
        document = {"@graph": document}
    document["@context"] = context_url
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def _rdflib(term):
    """``term`` as rdflib's, a literal keeping its lexical form: rdflib would otherwise
    rewrite some (an xsd:dateTime's ``Z`` becomes ``+00:00``)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype),
                   normalize=False)


_JSON_VALUE_TYPES = (XSD.integer, XSD.boolean, XSD.double)
_CANONICAL_INTEGER = re.compile("-?(0|[1-9][0-9]{0,20})")


class _LexicalForms(Converter):
    """rdflib's JSON-LD writer, which writes every xsd:integer, xsd:boolean and xsd:double
    as a JSON number or boolean: a JSON-LD reader makes those a lexical form of its own
    (``1.5`` is ``1.5E0``, ``010`` is ``10``). Only a literal that comes back as it went
    is written so (canonical integers and booleans); every other keeps its ``@value``."""

    def __init__(self, context: Context):
        super().__init__(context, use_native_types=False, use_rdf_type=False)

    def to_raw_value(self, graph, s, o, nodemap):
        if isinstance(o, Literal) and o.datatype in _JSON_VALUE_TYPES and not _round_trips(o):
            return {self.context.type_key: self.context.to_symbol(o.datatype),
                    self.context.value_key: str(o)}
        return super().to_raw_value(graph, s, o, nodemap)


def _round_trips(literal: Literal) -> bool:
    """A JSON-LD reader turns the JSON value rdflib writes back into this lexical form
    (JSON-LD 1.1 API, 8.6: integers below 10^21 and booleans canonical)."""
    lexical = str(literal)
    if literal.datatype == XSD.boolean:
        return lexical in ("true", "false")
    return literal.datatype == XSD.integer and lexical != "-0" and \
        _CANONICAL_INTEGER.fullmatch(lexical) is not None


MISSING = object()


def stored_bytes(value) -> int:
    """The memory ``value`` holds, counted as the cache sees it: bodies, compressed
    bodies, headers, and the strings of whatever else is kept (a list of authors).
    An estimate on the high side: a string shared by two entries counts twice."""
    size = sys.getsizeof(value)
    if isinstance(value, (tuple, list, frozenset, set)):
        return size + sum(stored_bytes(item) for item in value)
    if isinstance(value, dict):
        return size + sum(stored_bytes(k) + stored_bytes(v) for k, v in value.items())
    if is_dataclass(value):
        return size + sum(stored_bytes(getattr(value, f.name)) for f in fields(value))
    return size


class RepresentationCache:
    """Least recently used, bounded by entries and by the bytes they hold (keys
    included): a few large answers (long lists, SPARQL pages) cannot grow a worker past
    its bound. An answer larger than the whole bound is served but not kept. Keys
    include the generation, so a re-ingest never serves a stale body and old entries
    simply age out."""

    def __init__(self, entries: int, max_bytes: int):
        self.entries = entries
        self.max_bytes = max_bytes
        self.bytes = 0
        """What the entries kept now hold, as stored_bytes counts it."""
        self._items: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def peek(self, key: tuple) -> object:
        """The cached value, or MISSING."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return MISSING
            self._items.move_to_end(key)
            return found[0]

    def get(self, key: tuple, make: Callable[[], object]) -> object:
        found = self.peek(key)
        if found is not MISSING:
            return found
        made = make()
        self._keep(key, made, stored_bytes(key) + stored_bytes(made))
        return made

    def _keep(self, key: tuple, value: object, size: int) -> None:
        with self._lock:
            replaced = self._items.pop(key, None)  # two threads made the same entry
            if replaced is not None:
                self.bytes -= replaced[1]
            if size > self.max_bytes:
                return
            self._items[key] = (value, size)
            self.bytes += size
            while len(self._items) > self.entries or self.bytes > self.max_bytes:
                self.bytes -= self._items.popitem(last=False)[1][1]
