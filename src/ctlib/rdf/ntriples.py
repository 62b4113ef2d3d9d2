"""N-Triples text for rdflib terms: the cheap way to carry triples between processes."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


@lru_cache(maxsize=65536)
def _iri(node: URIRef) -> str:
    return f"<{node}>"


def term(node: Node) -> str:
    if isinstance(node, URIRef):
        return _iri(node)  # predicates, concepts and agents repeat: their text is kept
    if isinstance(node, Literal):
        text = f'"{str(node).translate(_ESCAPES)}"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype:
            return f"{text}^^<{node.datatype}>"
        return text
    if isinstance(node, BNode):
        return f"_:{node}"
    raise TypeError(f"not an RDF term: {node!r}")


def lines(triples: Iterable[tuple[Node, Node, Node]]) -> str:
    """Sorted, so the same triples always give the same text."""
    return "".join(sorted(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples))
