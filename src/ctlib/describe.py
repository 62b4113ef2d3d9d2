"""What the description of one resource holds (records, agents, concepts, schemes).

Its own triples; the types and labels (all languages) of every resource it links
to, so a harvester needs no second request to show them; and the document's own
metadata: ``foaf:primaryTopic``, modification time, licence, dataset.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .rdf.namespaces import DCTERMS, FOAF, OWL, PROV, RDF, SKOS, VOID

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
             licence: str | None) -> Description | None:
    """None when the store says nothing about ``subject``. Without a ``document`` (the
    /def/ URIs, which are their own descriptions) no document metadata is added."""
    node = ox.NamedNode(subject)
    own = _unique(store.quads_for_pattern(node, None, None, None))
    if not own:
        return None
    modified = next((t.object.value for t in own if t.predicate == _MODIFIED), None)
    withdrawn = next((t.object.value for t in own if t.predicate == _WITHDRAWN), None)
    if any(t.predicate == _DEPRECATED for t in own) and withdrawn:
        return Description(node, own, modified, withdrawn)
    triples = own + _linked(store, own)
    if document is not None:
        triples += _document(node, ox.NamedNode(document), dataset, licence, modified)
    return Description(node, triples, modified)


def _linked(store: ox.Store, own: list[ox.Triple]) -> list[ox.Triple]:
    linked = {t.object for t in own if isinstance(t.object, ox.NamedNode)
              and t.predicate != _TYPE}
    found: list[ox.Triple] = []
    for resource in sorted(linked, key=lambda n: n.value):
        for predicate in LINK_DETAILS:
            found.extend(_unique(store.quads_for_pattern(resource, predicate, None, None)))
    return found


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


def _unique(quads) -> list[ox.Triple]:
    """Triples, once each, whatever graphs they came from; in a stable order."""
    seen = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    return sorted(seen, key=str)
