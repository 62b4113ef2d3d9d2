"""What pages show beyond a resource's own description: the records about a concept
(from the search index) or by an agent (from the store), paged, and a scheme's concepts
as a tree with record counts."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ...rdf.namespaces import DCTERMS, SKOS
from ...rdf.uris import Uris
from ...search.query import (
    CONCEPT_FACETS,
    NO_RECORDS,
    ConceptCount,
    Hit,
    SearchIndex,
    SearchQuery,
    concept_counts,
    search,
)
from .page import label_rank

PAGE_SIZE = 50


@dataclass
class Listed:
    uri: str
    title: str
    language: str | None
    """The title's."""
    year: str | None

    @classmethod
    def of(cls, hit: Hit, uris: Uris) -> "Listed":
        """A record the search index found."""
        return cls(str(uris.record(hit.id)), hit.title, hit.language,
                   None if hit.year is None else str(hit.year))


@dataclass
class RecordPage:
    records: list[Listed]
    total: int
    page: int
    pages: int


@dataclass
class TreeNode:
    uri: str
    label: str
    count: ConceptCount
    language: str | None
    """The label's."""
    children: list["TreeNode"] = field(default_factory=list)


def records_by(store: ox.Store, agent: str, page: int) -> RecordPage:
    """Records whose author is ``agent``."""
    union = f"?record <{DCTERMS.creator}> <{agent}> ."
    total = _count(store, f"SELECT (COUNT(DISTINCT ?record) AS ?n) WHERE {{ {union} }}")
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = store.query(f"""
        SELECT DISTINCT ?record ?title ?year WHERE {{
          {union}
          ?record <{DCTERMS.title}> ?title .
          OPTIONAL {{ ?record <{DCTERMS.issued}> ?year }}
        }} ORDER BY DESC(STR(?year)) ?title
        LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}""", use_default_graph_as_union=True)
    records = [Listed(r["record"].value, r["title"].value, r["title"].language,
                      r["year"].value if r["year"] else None) for r in rows]
    return RecordPage(records, total, page, pages)


def records_under(index: SearchIndex, uris: Uris, concept: str, page: int) -> RecordPage:
    """The records a concept's count counts (search.query.concept_counts: those of the
    concept and of every concept under it), newest first, as the search by it finds
    them: from the index, where the store took seconds to gather and sort a broad
    concept's records."""
    total = concept_counts(index).get(concept, NO_RECORDS).records
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    selected = concept_filter(index, concept)
    if not total or selected is None:
        return RecordPage([], total, page, pages)
    found = search(index, SearchQuery(filters={facet: (key,) for facet, key in selected.items()},
                                      sort="newest", page=page, size=PAGE_SIZE), "en")
    return RecordPage([Listed.of(hit, uris) for hit in found.hits], total, page, pages)


def concept_filter(index: SearchIndex, concept: str) -> dict[str, str] | None:
    """The search filter that finds the records under ``concept`` ({facet: key}, as the
    search page's parameters), None for a concept the index does not know."""
    known = index.concepts.by_uri.get(concept)
    if known is None:
        return None
    facet = next(f for f, scheme in CONCEPT_FACETS.items() if scheme == known.scheme)
    return {facet: known.key}


def concept_tree(store: ox.Store, scheme: str, language: str,
                 counts: dict[str, ConceptCount]) -> list[TreeNode]:
    """The scheme's concepts under its top concepts, each with its count (``counts``:
    search.query.concept_counts) and its label best for a page in ``language``
    (English where it has none there)."""
    rows = store.query(f"""
        SELECT ?concept ?label ?broader WHERE {{
          ?concept <{SKOS.inScheme}> <{scheme}> ; <{SKOS.prefLabel}> ?label .
          OPTIONAL {{ ?concept <{SKOS.broader}> ?broader .
                      ?broader <{SKOS.inScheme}> <{scheme}> }}
        }}""", use_default_graph_as_union=True)
    nodes: dict[str, TreeNode] = {}
    # Each concept's broader concepts once (every label repeats them), in a dict rather
    # than a set: its order is the same in every worker, and so is a page's ETag.
    parents: dict[str, dict[str, None]] = {}
    for row in rows:
        uri, label = row["concept"].value, row["label"]
        node = nodes.setdefault(uri, TreeNode(uri, label.value, counts.get(uri, NO_RECORDS),
                                              label.language))
        if label_rank(label.language, language) < label_rank(node.language, language):
            node.label, node.language = label.value, label.language
        if row["broader"] is not None:
            parents.setdefault(uri, {})[row["broader"].value] = None
    roots = []
    for uri, node in nodes.items():
        known = [p for p in parents.get(uri, []) if p in nodes]
        for parent in known:
            nodes[parent].children.append(node)
        if not known:
            roots.append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: n.label.casefold())
    return sorted(roots, key=lambda n: n.label.casefold())


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query, use_default_graph_as_union=True)))["n"].value)
