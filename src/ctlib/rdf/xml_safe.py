"""The characters XML 1.0 cannot carry, and what every XML document and HTML page
writes in their place.

The store can hold any string: ``ctlib load`` takes ``"\\u0000"`` in a literal, and
SPARQL and the descriptions pass literals on. XML 1.0 forbids the C0 controls other
than tab, line feed and carriage return, U+FFFE, U+FFFF and lone surrogates, even as
character references: one of them makes a document no XML at all, which a strict
parser refuses whole; HTML parsers drop or replace them. Each is written as U+FFFD,
the replacement character, so a reader sees that something was there. Each output
path makes this replacement in one place: web/descriptions/rendering.py (every format
of a description), the Jinja environment of web/app.py (every HTML page),
sparql/results.py (SPARQL XML and RDF/XML results), oai/xml.py and oai/metadata.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

REPLACEMENT = "\ufffd"
NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 forbids replaced by U+FFFD."""
    return NOT_IN_XML.sub(REPLACEMENT, text)


def is_xml_safe(text: str) -> bool:
    return NOT_IN_XML.search(text) is None


def xml_safe_term(term):
    """A literal with its forbidden characters replaced, language or datatype kept; a
    quoted triple with its terms so; any other term as it is (IRIs and blank node
    labels cannot hold such characters)."""
    if isinstance(term, ox.Literal):
        if is_xml_safe(term.value):
            return term
        if term.language:
            return ox.Literal(xml_safe(term.value), language=term.language)
        return ox.Literal(xml_safe(term.value), datatype=term.datatype)
    if isinstance(term, ox.Triple):
        return xml_safe_triple(term)
    return term


def xml_safe_triple(triple: ox.Triple) -> ox.Triple:
    subject, object_ = triple.subject, triple.object
    if isinstance(object_, ox.Literal) and is_xml_safe(object_.value) or \
            isinstance(object_, ox.NamedNode | ox.BlankNode):
        if not isinstance(subject, ox.Triple):
            return triple
    return ox.Triple(xml_safe_term(subject), triple.predicate, xml_safe_term(object_))


def xml_safe_triples(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    return map(xml_safe_triple, triples)
