"""What the search index needs to know of the vocabularies: each concept's scheme,
labels and place in the hierarchy."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from ..rdf.namespaces import SKOS


@dataclass(frozen=True)
class Concept:
    uri: str
    scheme: str
    """The scheme's name: the last segment of its URI (``regions``)."""
    key: str
    """The concept's own segment (``eastern-africa``): what search URLs name it by."""
    labels: dict[str, str]
    """Preferred label per language."""
    words: str
    """Every preferred and alternative label, all languages: what text search reads."""
    broader: tuple[str, ...]
    """Broader concepts in the same scheme: the tree browse pages draw."""
    ancestors: frozenset[str]
    """Every concept above this one in any scheme, through skos:broader and the inverse
    of skos:narrower: a country is inside its regions, a region inside larger ones."""


def read_concepts(vocab: Graph) -> dict[str, Concept]:
    schemes = {str(c): str(s) for c, s in vocab.subject_objects(SKOS.inScheme)}
    above: dict[str, set[str]] = {uri: set() for uri in schemes}
    for narrower, broader in vocab.subject_objects(SKOS.broader):
        above.setdefault(str(narrower), set()).add(str(broader))
    for broader, narrower in vocab.subject_objects(SKOS.narrower):
        above.setdefault(str(narrower), set()).add(str(broader))
    concepts = {}
    for uri, scheme in schemes.items():
        node = URIRef(uri)
        labels = {o.language or "": str(o) for o in vocab.objects(node, SKOS.prefLabel)
                  if isinstance(o, Literal)}
        alternatives = [str(o) for o in vocab.objects(node, SKOS.altLabel)]
        concepts[uri] = Concept(
            uri=uri, scheme=scheme.rstrip("/").rsplit("/", 1)[-1],
            key=uri.rstrip("/").rsplit("/", 1)[-1], labels=labels,
            words=" ".join(sorted(set(labels.values()) | set(alternatives))),
            broader=tuple(sorted(b for b in above.get(uri, ()) if schemes.get(b) == scheme)),
            ancestors=frozenset(_ancestors(uri, above)))
    return concepts


def _ancestors(uri: str, above: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    waiting = list(above.get(uri, ()))
    while waiting:
        concept = waiting.pop()
        if concept not in found and concept != uri:
            found.add(concept)
            waiting.extend(above.get(concept, ()))
    return found
