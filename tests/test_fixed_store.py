"""FixedStore answers every triple pattern as rdflib's own Memory store does."""

import itertools

import pytest
from rdflib import Graph, Literal, URIRef

from ctlib.rdf.fixed_store import FixedStore

EX = "http://example.org/"
A, B, C = URIRef(EX + "a"), URIRef(EX + "b"), URIRef(EX + "c")
P, Q = URIRef(EX + "p"), URIRef(EX + "q")
TRIPLES = [(A, P, B), (A, P, C), (A, Q, Literal("x")), (B, P, C), (C, Q, A), (A, P, B)]


def _patterns():
    for s, p, o in itertools.product([None, A, B], [None, P, Q], [None, B, C, Literal("x")]):
        yield s, p, o


@pytest.mark.parametrize("pattern", list(_patterns()))
def test_every_pattern_matches_what_the_memory_store_finds(pattern):
    memory = Graph()
    for triple in TRIPLES:
        memory.add(triple)
    fixed = Graph(FixedStore(TRIPLES))
    assert sorted(fixed.triples(pattern)) == sorted(memory.triples(pattern))


def test_a_triple_given_twice_is_held_once():
    assert len(Graph(FixedStore(TRIPLES))) == 5


def test_objects_come_in_the_order_given():
    assert list(Graph(FixedStore(TRIPLES)).objects(A, P)) == [B, C]


def test_its_triples_cannot_change():
    graph = Graph(FixedStore(TRIPLES))
    with pytest.raises(TypeError, match="fixed"):
        graph.add((C, P, B))
    with pytest.raises(TypeError, match="fixed"):
        graph.remove((A, P, B))
