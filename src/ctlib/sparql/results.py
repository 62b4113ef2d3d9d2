"""Query results written row by row in each format, stopped at the row limit.

SELECT and ASK results are written here (SPARQL 1.1 JSON, XML, CSV and TSV);
graphs (CONSTRUCT, DESCRIBE) by pyoxigraph's serializers, fed a counted iterator.
``write`` returns how many rows (or triples) it wrote and whether it stopped early.
The XML formats (SPARQL XML, RDF/XML) make every literal xml_safe; the others carry
the store's values as they are.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from json.encoder import encode_basestring as _json_string  # the C implementation
from typing import Callable, Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..formats import Format
from ..rdf.namespaces import PREFIXES
from ..rdf.xml_safe import xml_safe, xml_safe_triples

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Written:
    rows: int
    truncated: bool


class Solutions:
    """Solutions made here rather than by pyoxigraph (a remote store's, with graph names
    changed): ``variables``, and rows that are lists of terms, None where unbound."""

    def __init__(self, variables: list, rows: Iterable[list]):
        self.variables = variables
        self.rows = rows

    def __iter__(self) -> Iterator[list]:
        return iter(self.rows)


def write(result, fmt: Format, out, max_rows: int) -> Written:
    """``result`` (what Store.query returned) to ``out`` (a binary writer) as ``fmt``."""
    if isinstance(result, ox.QueryBoolean):
        out.write(BOOLEAN_WRITERS[fmt.name](bool(result)).encode())
        return Written(1, False)
    if isinstance(result, (ox.QuerySolutions, Solutions)):
        return _write_solutions(result, fmt, out, max_rows)
    counted = _Counted(result, max_rows)
    triples = xml_safe_triples(counted) if fmt.rdf_format == ox.RdfFormat.RDF_XML else counted
    ox.serialize(triples, out, fmt.rdf_format, prefixes=PREFIXES)
    return Written(counted.count, counted.truncated)


def kind(result) -> str:
    """``boolean``, ``solutions`` or ``graph``: which formats apply."""
    if isinstance(result, ox.QueryBoolean):
        return "boolean"
    return "solutions" if isinstance(result, (ox.QuerySolutions, Solutions)) else "graph"


class _Counted:
    """The first ``limit`` items of ``items``, remembering whether there were more."""

    def __init__(self, items: Iterable, limit: int):
        self._items = iter(items)
        self._limit = limit
        self.count = 0
        self.truncated = False

    def __iter__(self) -> Iterator:
        for item in self._items:
            if self.count == self._limit:
                self.truncated = True
                return
            self.count += 1
            yield item


def _write_solutions(solutions: ox.QuerySolutions | Solutions, fmt: Format, out, max_rows: int) -> Written:
    names = [variable.value for variable in solutions.variables]
    start, row, separator, end = SOLUTION_WRITERS[fmt.name](names)
    rows = _Counted(solutions, max_rows)
    out.write(start.encode())
    buffer: list[str] = []
    first = True
    for solution in rows:
        text = row(solution)  # a solution iterates over its values, None where unbound
        buffer.append(text if first else separator + text)
        first = False
        if len(buffer) >= 256:
            out.write("".join(buffer).encode())
            buffer.clear()
    buffer.append(end)
    out.write("".join(buffer).encode())
    return Written(rows.count, rows.truncated)


# --- SPARQL 1.1 Query Results JSON Format ---
# Strings are built by concatenation with the C string encoder: this runs once per
# value of every row, and is most of what the endpoint adds to the store's own time.

def _json_term(term) -> str:
    kind = type(term)
    if kind is ox.NamedNode:
        return '{"type":"uri","value":' + _json_string(term.value) + "}"
    if kind is ox.Literal:
        value = _json_string(term.value)
        language = term.language
        if language:
            return '{"type":"literal","value":' + value + ',"xml:lang":' + \
                _json_string(language) + "}"
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return '{"type":"literal","value":' + value + "}"
        return '{"type":"literal","value":' + value + ',"datatype":' + \
            _json_string(datatype) + "}"
    if kind is ox.BlankNode:
        return '{"type":"bnode","value":' + _json_string(term.value) + "}"
    return ('{"type":"triple","value":{"subject":' + _json_term(term.subject) +
            ',"predicate":' + _json_term(term.predicate) + ',"object":' +
            _json_term(term.object) + "}}")


def _json_solutions(names: list[str]):
    keys = [_json_string(name) + ":" for name in names]

    def row(values) -> str:
        return "{" + ",".join([key + _json_term(value) for key, value in zip(keys, values)
                               if value is not None]) + "}"
    head = json.dumps({"vars": names}, separators=(",", ":"))
    return '{"head":' + head + ',"results":{"bindings":[', row, ",", "]}}\n"


# --- SPARQL Query Results XML Format ---

def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        value = escape(xml_safe(term.value))
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{value}</literal>"
        if term.datatype.value == XSD_STRING:
            return f"<literal>{value}</literal>"
        return f"<literal datatype={quoteattr(term.datatype.value)}>{value}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>"
            f"{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}"
            "</object></triple>")


XML_START = ('<?xml version="1.0" encoding="utf-8"?>\n'
             '<sparql xmlns="http://www.w3.org/2005/sparql-results#">')


def _xml_solutions(names: list[str]):
    attributes = [quoteattr(name) for name in names]

    def row(values: list) -> str:
        return "<result>" + "".join(
            f"<binding name={name}>{_xml_term(value)}</binding>"
            for name, value in zip(attributes, values) if value is not None) + "</result>\n"
    head = "".join(f"<variable name={name}/>" for name in attributes)
    return f"{XML_START}<head>{head}</head><results>\n", row, "", "</results></sparql>\n"


# --- SPARQL 1.1 Query Results CSV and TSV Formats ---

def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _csv_solutions(names: list[str]):
    def line(values: list[str]) -> str:
        text = io.StringIO()
        csv.writer(text, lineterminator="\r\n").writerow(values)
        return text.getvalue()

    def row(values: list) -> str:
        texts = [_csv_value(value) for value in values]
        if any(c in t for t in texts for c in ',"\r\n'):
            return line(texts)
        return ",".join(texts) + "\r\n"
    return line(names), row, "", ""


def _tsv_solutions(names: list[str]):
    def row(values: list) -> str:
        return "\t".join("" if value is None else str(value) for value in values) + "\n"
    return "\t".join(f"?{name}" for name in names) + "\n", row, "", ""


SOLUTION_WRITERS: dict[str, Callable[[list[str]], tuple]] = {
    "json": _json_solutions, "xml": _xml_solutions, "csv": _csv_solutions,
    "tsv": _tsv_solutions,
}

BOOLEAN_WRITERS: dict[str, Callable[[bool], str]] = {
    "json": lambda value: f'{{"head":{{}},"boolean":{"true" if value else "false"}}}\n',
    "xml": lambda value: f"{XML_START}<head/><boolean>{'true' if value else 'false'}"
                         "</boolean></sparql>\n",
    "csv": lambda value: f"_askResult\r\n{'true' if value else 'false'}\r\n",
    "tsv": lambda value: f"?_askResult\n{'true' if value else 'false'}\n",
}
