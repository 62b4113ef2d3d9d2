"""A query's result as the query page shows it: names people can read.

IRIs are written as prefixed names wherever a prefix is declared (by the query's own
PREFIX lines, then ours); our concepts and agents get their label beside them, looked
up in the store in the page's language; a literal keeps its language as a small tag and
its datatype for the cell's title. A result of one label column and one number column
is drawn as a bar chart too, with the home page's bars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ...rdf.namespaces import FOAF, SKOS, XSD
from ..core import charts
from ..descriptions.page import best_labels

PREFIX_DECLARATION = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\"{}|^`\\\s]*)>",
                                re.IGNORECASE)
LOCAL_NAME = re.compile(r"[\w-]([\w.-]*[\w-])?")
"""A local part that reads back as a prefixed name: no slash, no final dot."""
NUMBERS = {str(XSD[name]) for name in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
LABELLED = ("def/", "id/agent/")
"""Where our concepts and our agents live, under the base: what gets a label."""
LABEL_PROPERTIES = (ox.NamedNode(str(SKOS.prefLabel)), ox.NamedNode(str(FOAF.name)))
CHART_BARS = 30
"""Bars drawn at most: the first rows of the result, in its order."""


@dataclass
class Cell:
    text: str
    href: str | None = None
    iri: str | None = None
    language: str | None = None
    datatype: str | None = None
    """Prefixed where it can be, for the title of the cell."""
    label: ox.Literal | None = None
    number: Decimal | None = None
    """The value of a numeric literal: what the chart draws and the client sorts by."""


class Names:
    """Prefixed names for IRIs: the longest namespace that fits wins, so
    ``countries:ci`` rather than ``scheme:countries/ci``; of two names for one namespace,
    the query's own wins over ours."""

    def __init__(self, ours: dict[str, str], query: str):
        own = {name or "": iri for name, iri in PREFIX_DECLARATION.findall(query)}
        declared = {**own, **{name: iri for name, iri in ours.items() if name not in own}}
        self.namespaces = sorted(((iri, name) for name, iri in declared.items() if iri),
                                 key=lambda pair: -len(pair[0]))

    def short(self, iri: str) -> str:
        for namespace, name in self.namespaces:
            if iri.startswith(namespace) and LOCAL_NAME.fullmatch(iri[len(namespace):]):
                return f"{name}:{iri[len(namespace):]}"
        return iri


def cell(term: ox.NamedNode | ox.Literal | ox.BlankNode | None, names: Names,
         base: str) -> Cell:
    if term is None:
        return Cell("")
    if isinstance(term, ox.NamedNode):
        return Cell(names.short(term.value), _href(term.value, base), term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Cell(term.value, language=term.language)
        datatype = term.datatype.value
        return Cell(term.value, datatype=names.short(datatype), number=_number(term))
    return Cell(str(term))


def _href(iri: str, base: str) -> str | None:
    """Our resources link to their pages here; other web IRIs are linked as they are, and
    nothing else is (a query can make up a javascript: IRI)."""
    if iri.startswith(base):
        return "/" + iri[len(base):]
    return iri if iri.startswith(("http://", "https://")) else None


def _number(literal: ox.Literal) -> Decimal | None:
    if literal.datatype.value not in NUMBERS:
        return None
    try:
        value = Decimal(literal.value)
    except InvalidOperation:  # an ill-typed literal is shown, not counted
        return None
    return value if value.is_finite() else None


def label(rows: list[list[Cell]], store, base: str, language: str) -> None:
    """Puts beside each of our concepts and agents its best label for ``language``."""
    labelled = {c.iri for row in rows for c in row
                if c.iri and c.iri.startswith(tuple(base + place for place in LABELLED))}
    if not labelled:
        return
    subjects = " ".join(str(ox.NamedNode(iri)) for iri in sorted(labelled))
    properties = " ".join(str(p) for p in LABEL_PROPERTIES)
    found = store.query(f"SELECT ?s ?p ?l WHERE {{ VALUES ?s {{ {subjects} }} "
                        f"VALUES ?p {{ {properties} }} ?s ?p ?l }}",
                        use_default_graph_as_union=True)
    labels = best_labels([ox.Triple(row["s"], row["p"], row["l"]) for row in found], language)
    for row in rows:
        for c in row:
            c.label = labels.get(c.iri) if c.iri else None


def chart(columns: list[str], rows: list[list[Cell]]) -> list[charts.Bar]:
    """The bars of a result of one label column and one number column (not negative, not
    all zero); none for any other result."""
    if len(columns) != 2 or not rows:
        return []
    numbers = [i for i in (0, 1) if all(row[i].number is not None for row in rows)]
    if len(numbers) != 1 or any(row[1 - numbers[0]].number is not None for row in rows):
        return []
    counted, named = numbers[0], 1 - numbers[0]
    if any(row[counted].number < 0 for row in rows) or not any(row[counted].number
                                                              for row in rows):
        return []
    return [_bar(row[named], row[counted].number) for row in rows[:CHART_BARS]]


def _bar(named: Cell, count: Decimal) -> charts.Bar:
    value = int(count) if count == count.to_integral_value() else float(count)
    if named.label is not None:
        return charts.Bar(named.label.value, value, named.href, named.label.language)
    return charts.Bar(named.text, value, named.href, named.language)
