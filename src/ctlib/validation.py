"""Checking graphs against the SHACL shapes in shapes/: pyshacl wrapped once.

``validate(graph, shapes)`` returns a Report of plain Results; turning a Result into
a curator's line (file:line, record, field) is ``checking.py``'s job, which knows
where each triple came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyshacl
from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from . import sparql_cache
from .rdf.namespaces import RDF, SH, XSD
from .rdf.uris import Uris
from .records.model import Severity

sparql_cache.install()

SEVERITIES = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING,
              SH.Info: Severity.WARNING}


@dataclass(frozen=True)
class Result:
    focus: Node
    path: Node | None
    value: Node | None
    rule: str
    message: str
    severity: Severity


@dataclass
class Report:
    results: list[Result]

    @property
    def conforms(self) -> bool:
        return not any(r.severity is Severity.VIOLATION for r in self.results)


VOCABULARY_SHAPES = "concept.ttl"
"""The file of the shapes of concepts and schemes; records are checked against the others."""


def validate(data: Graph, shapes: Graph) -> Report:
    """``data`` against ``shapes``; ``data`` may be changed (pyshacl works in place)."""
    _, results_graph, _ = pyshacl_validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True,
        inplace=True)
    return _report(results_graph)


def admit_years(shapes: Graph, uris: Uris, this_year: int) -> None:
    """Write each ``shape:admitsYearsFrom``/``shape:admitsYearsAheadOfNow`` range as the
    ``sh:in`` list of years it stands for: SHACL has no "now", and pyshacl cannot
    compare xsd:gYear values, so a range constraint is not an option."""
    ahead_of = uris.shape("admitsYearsAheadOfNow")
    for shape, first in list(shapes.subject_objects(uris.shape("admitsYearsFrom"))):
        last = this_year + int(shapes.value(shape, ahead_of, default=Literal(0)))
        years = [Literal(f"{year:04d}", datatype=XSD.gYear)
                 for year in range(int(first), last + 1)]
        head = URIRef(f"{shape}#admitted-years")  # an IRI, so reports can name the list
        Collection(shapes, head, years)
        shapes.add((shape, SH["in"], head))


def check_shapes(shapes: Graph) -> Report:
    """The shapes against the W3C's SHACL-SHACL shapes (is this valid SHACL?)."""
    shacl_shacl = Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl")
    _, results_graph, _ = pyshacl_validate(shapes, shacl_graph=shacl_shacl, inference="none")
    return _report(results_graph)


def _report(results_graph: Graph) -> Report:
    """Top-level results only: the details pyshacl nests under sh:node results are left out."""
    return Report([_result(results_graph, node)
                   for report in results_graph.subjects(RDF.type, SH.ValidationReport)
                   for node in results_graph.objects(report, SH.result)])


# Looked up once: attribute access on rdflib's closed namespaces is checked per call.
SOURCE_SHAPE, COMPONENT, FOCUS = SH.sourceShape, SH.sourceConstraintComponent, SH.focusNode
PATH, VALUE, MESSAGE, SEVERITY = SH.resultPath, SH.value, SH.resultMessage, SH.resultSeverity


def _result(graph: Graph, node: Node) -> Result:
    return Result(
        focus=graph.value(node, FOCUS),
        path=graph.value(node, PATH),
        value=graph.value(node, VALUE),
        rule=_rule_name(graph.value(node, SOURCE_SHAPE), graph.value(node, COMPONENT)),
        message=str(graph.value(node, MESSAGE) or ""),
        severity=SEVERITIES.get(graph.value(node, SEVERITY), Severity.VIOLATION),
    )


def _rule_name(shape: Node | None, component: Node | None) -> str:
    """``shape-name/constraint``, e.g. ``record-title/minCount``."""
    constraint = str(component or "").rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    constraint = constraint.lower() if constraint.isupper() else constraint[:1].lower() + constraint[1:]
    if isinstance(shape, URIRef):
        return f"{str(shape).rstrip('/').rsplit('/', 1)[-1]}/{constraint}"
    return constraint
