"""What the description of one resource holds (records, agents, concepts, schemes).

Its own triples; the types and labels (all languages) of every resource it links
to, so a harvester needs no second request to show them; and the document's own
metadata: ``foaf:primaryTopic``, modification time, licence, dataset.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .rdf.namespaces import DCTERMS, FOAF, OWL, PROV, RDF, SKOS, VOID
from .rdf.xml_safe import xml_safe_triples

LINK_DETAILS = tuple(ox.NamedNode(str(p)) for p in (
    RDF.type, SKOS.prefLabel, FOAF.name, SKOS.inScheme, SKOS.notation))
"""What is said of each linked resource."""

_TYPE = ox.NamedNode(str(RDF.type))
_MODIFIED = ox.NamedNode(str(DCTERMS.modified))
_DEPRECATED = ox.NamedNode(str(OWL.deprecated))
_WITHDRAWN = ox.NamedNode(str(PROV.invalidatedAtTime))


@dataclass
class Description:
    subject: ox.NamedNode
    triples: list[ox.Triple]
    modified: str | None
    withdrawn: str | None = None

    def objects(self, predicate: str) -> list:
        return [t.object for t in self.triples
                if t.subject == self.subject and t.predicate.value == predicate]


def describe(store: ox.Store, subject: str, document: str | None, dataset: str,
             licence: str | None, found: "Found | None" = None) -> Description | None:
    """None when the store says nothing about ``subject``. Without a ``document`` (the
    /def/ URIs, which are their own descriptions) no document metadata is added.
    ``found`` reads the triples (by default one SPARQL query: see _found)."""
    node = ox.NamedNode(subject)
    own, linked = found(node) if found is not None else _found(store, node)
    if not own:
        return None
    modified = next((t.object.value for t in own if t.predicate == _MODIFIED), None)
    withdrawn = next((t.object.value for t in own if t.predicate == _WITHDRAWN), None)
    if any(t.predicate == _DEPRECATED for t in own) and withdrawn:
        return Description(node, own, modified, withdrawn)
    triples = own + linked
    if document is not None:
        triples += _document(node, ox.NamedNode(document), dataset, licence, modified)
    return Description(node, triples, modified)


def _found(store: ox.Store, node: ox.NamedNode) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """The triples of ``node``, and LINK_DETAILS of what it links to, each once whatever
    graphs hold it: one query, so that a remote store is asked once per description
    rather than once per linked resource and detail (a record page: ~40 round trips)."""
    own, linked = set(), set()
    for row in store.query(_FOUND.format(node=node), use_default_graph_as_union=True):
        triple = ox.Triple(row["s"], row["p"], row["o"])
        (own if row["s"] == node else linked).add(triple)
    return sorted(own, key=str), sorted(linked, key=_linked_order)


DETAILS_KEPT = 100_000
"""Linked resources (concepts, agents) whose details a Found keeps: a web worker keeps
one Found per generation (a million generated records name 20,000 agents)."""


class Found:
    """The triples of many resources of one local store, as _found gives them, read by
    pattern with the details of each linked resource read once: describing every record
    of a publication for the history (history/recording.py) by SPARQL took 3-4 ms a
    record, most of it turning rows into triples, the vocabulary's labels each time."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.details: dict[ox.NamedNode, set[ox.Triple]] = {}

    def __call__(self, node: ox.NamedNode) -> tuple[list[ox.Triple], list[ox.Triple]]:
        own = self._triples(node)
        linked: set[ox.Triple] = set()
        for triple in own:
            linked_to = triple.object
            if isinstance(linked_to, ox.NamedNode) and triple.predicate != _TYPE and \
                    linked_to != node:
                linked |= self._details(linked_to)
        return sorted(own, key=str), sorted(linked, key=_linked_order)

    def _triples(self, node: ox.NamedNode) -> set[ox.Triple]:
        return {ox.Triple(q.subject, q.predicate, q.object)
                for q in self.store.quads_for_pattern(node, None, None)}

    def _details(self, node: ox.NamedNode) -> set[ox.Triple]:
        known = self.details.get(node)
        if known is None:
            if len(self.details) >= DETAILS_KEPT:
                self.details.clear()
            known = self.details[node] = {t for t in self._triples(node)
                                          if t.predicate in _DETAIL_ORDER}
        return known


_FOUND = ("SELECT DISTINCT ?s ?p ?o WHERE {{ {{ {node} ?p ?o BIND ({node} AS ?s) }} UNION "
          "{{ {node} ?link ?s FILTER (isIRI(?s) && ?link != " + str(_TYPE) + ") "
          "?s ?p ?o FILTER (?p IN (" + ", ".join(map(str, LINK_DETAILS)) + ")) }} }}")
_DETAIL_ORDER = {predicate: n for n, predicate in enumerate(LINK_DETAILS)}


def _linked_order(triple: ox.Triple) -> tuple:
    """By resource, then in LINK_DETAILS order: what a reader of the Turtle expects."""
    return triple.subject.value, _DETAIL_ORDER[triple.predicate], str(triple)


def _document(subject, document, dataset: str, licence: str | None,
              modified: str | None) -> list[ox.Triple]:
    triples = [
        ox.Triple(document, _TYPE, ox.NamedNode(str(FOAF.Document))),
        ox.Triple(document, ox.NamedNode(str(FOAF.primaryTopic)), subject),
        ox.Triple(document, ox.NamedNode(str(VOID.inDataset)), ox.NamedNode(dataset)),
    ]
    if licence:
        triples.append(ox.Triple(document, ox.NamedNode(str(DCTERMS.license)),
                                 ox.NamedNode(licence)))
    if modified:
        triples.append(ox.Triple(document, _MODIFIED,
                                 ox.Literal(modified, datatype=ox.NamedNode(
                                     "http://www.w3.org/2001/XMLSchema#dateTime"))))
    return triples


def canonical_ntriples(triples) -> bytes:
    """The one N-Triples form of a description: what /doc/{kind}/{id}.nt serves and
    the record history stores and hashes (history/versions.py). Lines sorted as bytes,
    so the same graph always gives the same bytes; literals made xml_safe, as in every
    other format."""
    text = ox.serialize(list(xml_safe_triples(triples)), format=ox.RdfFormat.N_TRIPLES)
    return b"".join(line + b"\n" for line in sorted(text.split(b"\n")) if line)
