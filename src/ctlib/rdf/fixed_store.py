"""An rdflib store whose triples are fixed when it is made: the data graph of a batch.

pyshacl looks the batch up in two ways only: the objects of a subject and predicate
(value nodes), and the subjects of a predicate and object (class targets). rdflib's
Memory store answers both, but also keeps, and on every match works out, the graphs
each triple is in; filling it and those lookups were 40 of the 125 CPU seconds the
checking workers spent on 100,000 records. This store keeps one index per lookup and
answers any other pattern by a scan.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from rdflib.store import Store

_NO_GRAPHS: tuple = ()


class FixedStore(Store):
    # pyshacl wraps its data graph in an rdflib Dataset, which asks for both.
    context_aware = True
    graph_aware = True

    def __init__(self, triples: Iterable[tuple]):
        super().__init__()
        self._triples = dict.fromkeys(triples)  # ordered, so results come in a stable order
        self._objects: dict[tuple, list] = {}
        self._subjects: dict[tuple, list] = {}
        for s, p, o in self._triples:
            self._objects.setdefault((s, p), []).append(o)
            self._subjects.setdefault((p, o), []).append(s)

    def add(self, triple, context, quoted=False):
        raise TypeError("a FixedStore's triples are fixed when it is made")

    def remove(self, triple, context=None):
        raise TypeError("a FixedStore's triples are fixed when it is made")

    def triples(self, pattern, context=None) -> Iterator[tuple]:
        s, p, o = pattern
        if s is not None and p is not None and o is not None:
            return iter([(pattern, _NO_GRAPHS)] if pattern in self._triples else ())
        if s is not None and p is not None:
            return (((s, p, found), _NO_GRAPHS) for found in self._objects.get((s, p), ()))
        if p is not None and o is not None:
            return (((found, p, o), _NO_GRAPHS) for found in self._subjects.get((p, o), ()))
        return ((triple, _NO_GRAPHS) for triple in self._triples
                if (s is None or triple[0] == s) and (p is None or triple[1] == p)
                and (o is None or triple[2] == o))

    def __len__(self, context=None) -> int:
        return len(self._triples)

    def contexts(self, triple=None) -> Iterator:
        return iter(_NO_GRAPHS)

    def add_graph(self, graph) -> None:
        """Nothing to do: every triple is in the one graph."""
