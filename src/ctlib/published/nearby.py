"""The identifiers of the published generation closest to one that names nothing:
what a "not found" page suggests for a mistyped /doc/record/... or /def/... path.

The candidates are read once per generation (and worker): every published record
(withdrawn ones are not suggested: they answer 410 already) with its title, and every
concept scheme and concept as ``scheme`` and ``scheme/concept`` with its label. A
suggestion is then one rapidfuzz pass over a list of strings.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import unquote

from rapidfuzz import fuzz, process

from ..rdf.namespaces import SKOS
from ..rdf.uris import Uris
from ..search.query import title_languages
from .records import RecordIndex
from .snapshot import Snapshot

LIMIT = 5
CUTOFF = 75
"""The least similarity (rapidfuzz ``ratio``, 0-100) of a suggestion: a letter changed,
missing or added, or a record identifier without its last quarter scores above it.
``ratio`` rather than ``WRatio``, whose partial matches would also find any identifier
containing a short one asked for: at 100k records it is also three times faster."""

CONCEPTS = f"""SELECT ?concept ?scheme (SAMPLE(?label) AS ?name) WHERE {{
  {{ ?concept <{SKOS.inScheme}> ?scheme }} UNION {{ ?concept a <{SKOS.ConceptScheme}> }}
  OPTIONAL {{ ?concept <{SKOS.prefLabel}> ?label FILTER(LANGMATCHES(LANG(?label), "%s")) }}
}} GROUP BY ?concept ?scheme"""


@dataclass(frozen=True)
class Near:
    identifier: str
    """A record's identifier, or ``scheme`` / ``scheme/concept`` under /def/."""
    label: str | None
    language: str | None = None
    """A record title's (from the search index: the registry keeps the title alone)."""


@dataclass(frozen=True)
class _Candidates:
    records: list[str]
    """The identifier of every published record: their titles are read for the few
    suggested (held for every record, they took ~250 MB of each worker at a million)."""
    concepts: dict[str, str | None]
    """``scheme`` or ``scheme/concept`` -> label of every scheme and concept."""


class NearbyIdentifiers:
    def __init__(self, uris: Uris, language: str):
        self.uris = uris
        self.language = language
        self._seen: tuple[str, _Candidates] | None = None
        self._lock = threading.Lock()

    def records(self, snapshot: Snapshot, identifier: str) -> list[Near]:
        found = _closest(identifier, self._candidates(snapshot).records)
        titles = RecordIndex(snapshot.registry_path).titles(found)
        languages = title_languages(snapshot.search_path, found)
        return [Near(name, titles.get(name), languages.get(name)) for name in found]

    def concepts(self, snapshot: Snapshot, name: str) -> list[Near]:
        """``name``: the path under /def/, ``scheme`` or ``scheme/concept``."""
        labels = self._candidates(snapshot).concepts
        return [Near(found, labels[found]) for found in _closest(name, labels.keys())]

    def _candidates(self, snapshot: Snapshot) -> _Candidates:
        seen = self._seen
        if seen is not None and seen[0] == snapshot.generation:
            return seen[1]
        with self._lock:
            if self._seen is None or self._seen[0] != snapshot.generation:
                self._seen = (snapshot.generation, self._read(snapshot))
            return self._seen[1]

    def _read(self, snapshot: Snapshot) -> _Candidates:
        records = RecordIndex(snapshot.registry_path).identifiers()
        concepts = {}
        for row in snapshot.store.query(CONCEPTS % self.language,
                                        use_default_graph_as_union=True):
            name = self._def_name(row["concept"].value, row["scheme"])
            if name:
                concepts[name] = row["name"].value if row["name"] is not None else None
        return _Candidates(records, concepts)

    def _def_name(self, concept: str, scheme) -> str | None:
        """``regions/europe`` for a concept, ``regions`` for a scheme; None for anything
        not under this base's /def/."""
        prefix = self.uris.base + "def/"
        if not concept.startswith(prefix):
            return None
        if scheme is not None and self.uris.scheme_name(scheme.value) is None:
            return None
        return unquote(concept[len(prefix):])


def _closest(asked: str, candidates: Iterable[str]) -> list[str]:
    found = process.extract(asked, candidates, scorer=fuzz.ratio, limit=LIMIT,
                            score_cutoff=CUTOFF)
    # Equal scores in name order: the candidates come in the store's order, which varies.
    found.sort(key=lambda match: (-match[1], match[0]))
    return [name for name, _, _ in found if name != asked]
