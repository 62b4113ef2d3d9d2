"""A sample of the W3C SPARQL 1.1 query evaluation tests, over HTTP against the real
`ctlib serve`: each test's data is loaded into a named graph of its own (`ctlib load`),
its query sent with that graph as the protocol's default graph, and the solutions
compared with the suite's expected results, as a bag. Files, source and licence:
tests/data/w3c-queries/README.md."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import requests

from .conftest import DATA, ROOT
from .server import running_server
from .sparql_results import media_type, parse_results, results_of, solutions, variables

LISTING = ROOT / "data" / "library-listing.txt"
SUITE = DATA / "w3c-queries"
PUBLISHED = "https://w3c.github.io/rdf-tests/sparql/sparql11/"


@dataclass(frozen=True)
class EvaluationTest:
    """One mf:QueryEvaluationTest of the suite: its name and files (qt:query, qt:data,
    mf:result) in ``directory``."""
    directory: str
    name: str
    query: str
    data: str
    result: str

    @property
    def graph(self) -> str:
        """The data file's address in the published suite, as the name of its graph."""
        return f"{PUBLISHED}{self.directory}/{self.data}"


TESTS = [
    EvaluationTest("aggregates", "agg-sum-02", "agg-sum-02.rq", "agg-numeric2.ttl",
                   "agg-sum-02.srx"),
    EvaluationTest("bind", "bind02", "bind02.rq", "data.ttl", "bind02.srx"),
    EvaluationTest("functions", "sha512-02", "sha512-02.rq", "hash-unicode.ttl",
                   "sha512-02.srx"),
    EvaluationTest("negation", "subset-by-exclusion-minus-1", "subsetByExcl02.rq",
                   "subsetByExcl.ttl", "subsetByExcl02.srx"),
    EvaluationTest("negation", "set-equals-1", "set-equals-1.rq", "set-data.ttl",
                   "set-equals-1.srx"),
    EvaluationTest("negation", "exists-01", "exists-01.rq", "set-data.ttl", "exists-01.srx"),
    EvaluationTest("project-expression", "projexp05", "projexp05.rq", "projexp05.ttl",
                   "projexp05.srx"),
    EvaluationTest("property-path", "pp02", "pp02.rq", "pp01.ttl", "pp02.srx"),
    EvaluationTest("property-path", "pp14", "pp14.rq", "pp14.ttl", "pp14.srx"),
    EvaluationTest("property-path", "pp16", "pp14.rq", "pp16.ttl", "pp16.srx"),
    EvaluationTest("property-path", "pp21", "path-2-2.rq", "data-diamond.ttl", "diamond-2.srx"),
    EvaluationTest("property-path", "pp28a", "path-3-3.rq", "data-diamond-loop.ttl",
                   "diamond-loop-5a.srx"),
    EvaluationTest("subquery", "subquery08", "sq08.rq", "sq08.rdf", "sq08.srx"),
]
RESULT_PARSERS = {".srx": "xml", ".srj": "json"}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    graphs = {test.graph: SUITE / test.directory / test.data for test in TESTS}
    loads = [["load", "--graph", graph, path] for graph, path in graphs.items()]
    with running_server(tmp_path_factory.mktemp("w3c-queries"), [LISTING],
                        commands=loads) as url:
        yield url


def expected_results(test: EvaluationTest):
    path = SUITE / test.directory / test.result
    return parse_results(path.read_bytes(), RESULT_PARSERS[path.suffix])


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("test", TESTS, ids=[f"{t.directory}/{t.name}" for t in TESTS])
def test_w3c_query_evaluation(base, test, fmt):
    query = (SUITE / test.directory / test.query).read_text(encoding="utf-8")
    response = requests.post(base + "sparql", timeout=30,
                             data={"query": query, "default-graph-uri": test.graph},
                             headers={"Accept": f"application/sparql-results+{fmt}"})
    assert response.status_code == 200, response.text
    assert media_type(response) == f"application/sparql-results+{fmt}"
    answer, expected = results_of(response), expected_results(test)
    assert variables(answer) == variables(expected)
    assert solutions(answer) == solutions(expected)
