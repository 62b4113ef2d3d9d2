"""Sets: one for each concept of the categories and regions schemes
(``category:referral-mechanisms``, ``region:eastern-africa``: the root's name and the last
segment of the concept's URI), under one root set per scheme (``category``, ``region``).

A concept's set holds the records about the concept or any narrower one (a region's set
holds the records of its sub-regions and countries); a root holds the records about any
concept under its scheme's top concepts. Membership for selective harvesting comes from
``ConceptMembers`` in the web layer; the sets a record's header names come from the same
rule applied to the record's own concepts, through the broader closure read here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ..rdf.namespaces import SKOS
from ..rdf.uris import Uris

ROOTS = {"category": "categories", "region": "regions"}
"""Root setSpec -> the concept scheme (``def/{name}``) whose concepts it holds."""
NAME_LANGUAGE = "en"

CONCEPTS = f"""
SELECT ?scheme ?concept ?label ?top WHERE {{
  VALUES ?scheme {{ %s }}
  ?concept <{SKOS.inScheme}> ?scheme .
  OPTIONAL {{ ?concept <{SKOS.prefLabel}> ?label
             FILTER(langMatches(lang(?label), "{NAME_LANGUAGE}")) }}
  BIND(EXISTS {{ {{ ?scheme <{SKOS.hasTopConcept}> ?concept }}
                UNION {{ ?concept <{SKOS.topConceptOf}> ?scheme }} }} AS ?top)
}}"""

SCHEME_NAMES = f"""
SELECT ?scheme ?label WHERE {{
  VALUES ?scheme {{ %s }}
  ?scheme <{SKOS.prefLabel}> ?label FILTER(langMatches(lang(?label), "{NAME_LANGUAGE}"))
}}"""

ANCESTORS = f"""
SELECT ?concept ?ancestor WHERE {{
  VALUES ?scheme {{ %s }}
  ?ancestor <{SKOS.inScheme}> ?scheme .
  ?concept <{SKOS.broader}>* ?ancestor .
}}"""


@dataclass(frozen=True)
class OAISet:
    spec: str
    name: str
    concepts: tuple[str, ...]
    """The concepts whose records, with those of their narrower concepts, make the set."""


class SetHierarchy:
    def __init__(self, sets: Iterable[OAISet], specs_of_concept: dict[str, frozenset[str]]):
        self.sets = tuple(sorted(sets, key=lambda s: s.spec))
        self._by_spec = {s.spec: s for s in self.sets}
        self._specs_of_concept = specs_of_concept

    def get(self, spec: str) -> OAISet | None:
        return self._by_spec.get(spec)

    def specs_of(self, concepts: Iterable[str]) -> list[str]:
        """The sets of a record whose subjects and places are ``concepts``."""
        found: set[str] = set()
        for concept in concepts:
            found |= self._specs_of_concept.get(concept, frozenset())
        return sorted(found)


def read_sets(store: ox.Store, uris: Uris) -> SetHierarchy:
    schemes = {str(uris.scheme(name)): root for root, name in ROOTS.items()}
    values = " ".join(f"<{scheme}>" for scheme in schemes)
    names: dict[str, str] = {}
    for row in _rows(store, SCHEME_NAMES % values):
        names.setdefault(row["scheme"].value, row["label"].value)
    concepts: dict[str, OAISet] = {}
    tops: dict[str, list[str]] = defaultdict(list)
    spec_of: dict[str, str] = {}
    for row in _rows(store, CONCEPTS % values):
        root, concept = schemes[row["scheme"].value], row["concept"].value
        spec = f"{root}:{concept.rsplit('/', 1)[-1]}"
        label = row["label"].value if row["label"] is not None else spec
        concepts.setdefault(spec, OAISet(spec, label, (concept,)))
        spec_of[concept] = spec
        # "1" is xsd:boolean's other lexical form for true (Virtuoso's EXISTS gives 1)
        if row["top"].value in ("true", "1") and concept not in tops[root]:
            tops[root].append(concept)
    roots = [OAISet(root, names.get(str(uris.scheme(ROOTS[root])), root), tuple(found))
             for root, found in tops.items()]
    root_of_top = {top: root.spec for root in roots for top in root.concepts}
    specs: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, ANCESTORS % values):
        concept, ancestor = row["concept"].value, row["ancestor"].value
        specs[concept].add(spec_of[ancestor])
        if ancestor in root_of_top:
            specs[concept].add(root_of_top[ancestor])
    return SetHierarchy([*concepts.values(), *roots],
                        {concept: frozenset(found) for concept, found in specs.items()})


def _rows(store: ox.Store, query: str):
    return store.query(query, use_default_graph_as_union=True)
