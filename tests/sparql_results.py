"""Reading SPARQL endpoint responses as a client does, with rdflib's parsers (not the
endpoint's code), and comparing solutions the way the W3C test suites do."""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal

import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

RESULT_FORMATS = {"application/sparql-results+json": "json",
                  "application/sparql-results+xml": "xml",
                  "text/csv": "csv", "text/tab-separated-values": "tsv"}
"""Media types of SELECT results, and rdflib's parser for each."""
BOOLEAN_MEDIA_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
RDF_FORMATS = {"text/turtle": "turtle", "application/rdf+xml": "xml",
               "application/n-triples": "nt", "application/ld+json": "json-ld"}
"""Media types of CONSTRUCT and DESCRIBE results, and rdflib's parser for each."""

DECIMALS = {XSD.integer, XSD.decimal}
FLOATS = {XSD.double, XSD.float}


def media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def parse_results(body: bytes, fmt: str) -> Result:
    """SELECT or ASK results in rdflib's format ``fmt`` (json, xml, csv, tsv)."""
    return Result.parse(io.BytesIO(body), format=fmt)


def results_of(response: requests.Response) -> Result:
    return parse_results(response.content, RESULT_FORMATS[media_type(response)])


def graph_of(response: requests.Response, base: str) -> Graph:
    return Graph().parse(data=response.content, format=RDF_FORMATS[media_type(response)],
                         publicID=base)


def term_key(term) -> tuple:
    """What two terms must share to count as the same answer: literals of a numeric
    type compare by value within their datatype ("3.21E4" = "32100.0"^^xsd:double);
    a plain literal is an xsd:string (RDF 1.1); language tags ignore case."""
    if isinstance(term, Literal):
        if term.language:
            return ("literal", str(term), "@" + term.language.lower())
        datatype = term.datatype or XSD.string
        if datatype in DECIMALS:
            return ("number", str(datatype), Decimal(str(term)))
        if datatype in FLOATS:
            return ("number", str(datatype), float(str(term)))
        return ("literal", str(term), str(datatype))
    return ("iri", str(term)) if isinstance(term, URIRef) else ("other", str(term))


def solutions(result: Result) -> Counter:
    """The solutions as a bag. Blank nodes match up to renaming; leaving them out of
    each solution and comparing the other columns approximates that."""
    return bag(result.bindings)


def bag(rows) -> Counter:
    """Solutions (mappings of variable to term) as a bag of comparable rows."""
    return Counter(frozenset((str(name), term_key(value)) for name, value in row.items()
                             if value is not None and not isinstance(value, BNode))
                   for row in rows)


def variables(result: Result) -> set[str]:
    return {str(name) for name in result.vars}
