"""The concept schemes in vocab/: loading them and matching source values to concepts.

Matching ignores case, accents, spacing and punctuation, and looks at every
``skos:prefLabel`` and ``skos:altLabel`` in every language. A value that matches no
concept is an error naming the closest labels: a concept is never minted silently.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Iterator

from rdflib import Graph, URIRef

from .namespaces import RDF, SKOS
from .uris import Uris, fold

_ASCII_NON_WORD = str.maketrans("", "", "".join(c for c in map(chr, range(128))
                                                if not c.isalnum()))


def normalize_label(text: str) -> str:
    """Folded, with everything but letters and digits removed (a label may be compared
    with every record title: ASCII text takes the 4x faster way, same result)."""
    if text.isascii():
        return text.lower().translate(_ASCII_NON_WORD)
    return re.sub(r"[\W_]+", "", fold(text))


class NoMatch(ValueError):
    def __init__(self, value: str, schemes: tuple[str, ...], closest: list[str]):
        self.value, self.schemes, self.closest = value, schemes, closest
        hint = "; closest: " + ", ".join(repr(c) for c in closest) if closest else ""
        super().__init__(f"no concept in the {' or '.join(schemes)} scheme "
                         f"has the label {value!r}{hint}")


@dataclass
class SchemeIndex:
    labels: dict[str, URIRef] = field(default_factory=dict)
    display: dict[str, str] = field(default_factory=dict)
    """Normalized label -> the label as written, for suggestions."""


class VocabIndex:
    """Label lookup per scheme, built once from the vocabulary graph."""

    def __init__(self, graph: Graph, uris: Uris):
        self.schemes: dict[str, SchemeIndex] = {}
        self._matches: dict[tuple[str, tuple[str, ...]], URIRef | NoMatch] = {}
        self.clashes: list[tuple[str, str, URIRef, URIRef]] = []
        for concept, scheme in graph.subject_objects(SKOS.inScheme):
            name = uris.scheme_name(scheme)
            if name is None or (concept, RDF.type, SKOS.Concept) not in graph:
                continue
            index = self.schemes.setdefault(name, SchemeIndex())
            for predicate in (SKOS.prefLabel, SKOS.altLabel):
                for label in graph.objects(concept, predicate):
                    self._add(name, index, str(label), concept)

    def _add(self, scheme: str, index: SchemeIndex, label: str, concept: URIRef) -> None:
        key = normalize_label(label)
        known = index.labels.setdefault(key, concept)
        if known != concept:
            self.clashes.append((scheme, label, known, concept))
        index.display.setdefault(key, label)

    def match(self, value: str, schemes: tuple[str, ...]) -> URIRef:
        found = self._matches.get((value, schemes))
        if found is None:
            found = self._matches[(value, schemes)] = self._match(value, schemes)
        if isinstance(found, NoMatch):
            raise found
        return found

    def _match(self, value: str, schemes: tuple[str, ...]) -> URIRef | NoMatch:
        """The concept, or the error to raise: source values repeat, so both are kept."""
        key = normalize_label(value)
        for scheme in schemes:
            concept = self.schemes.get(scheme, SchemeIndex()).labels.get(key)
            if concept is not None:
                return concept
        return NoMatch(value, schemes, self.closest(key, schemes))

    def closest(self, key: str, schemes: tuple[str, ...], n: int = 3) -> list[str]:
        display = {}
        for scheme in schemes:
            display.update(self.schemes.get(scheme, SchemeIndex()).display)
        return [display[k] for k in difflib.get_close_matches(key, display, n=n, cutoff=0.5)]

    def labels(self) -> Iterator[str]:
        """Every label of every scheme, as written."""
        for index in self.schemes.values():
            yield from index.display.values()

    def has_label(self, value: str, scheme: str) -> bool:
        return normalize_label(value) in self.schemes.get(scheme, SchemeIndex()).labels


def scheme_membership(graph: Graph) -> Graph:
    """What record shapes need to see of the vocabulary: which concept is in which scheme."""
    facts = Graph()
    for concept, scheme in graph.subject_objects(SKOS.inScheme):
        facts.add((concept, SKOS.inScheme, scheme))
        facts.add((concept, RDF.type, SKOS.Concept))
    return facts
