"""Unit tests of the endpoint's parts: the guard, the sandbox, the result writers and
the protocol reader."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pyoxigraph as ox
import pytest
from werkzeug.datastructures import MultiDict

from ctlib.formats import query_result_format
from ctlib.sparql import guard, protocol
from ctlib.sparql.evaluation import Job
from ctlib.sparql.evaluation import run as run_job
from ctlib.sparql.guard import QueryRefused
from ctlib.sparql.pool import QueryPool
from ctlib.sparql.results import write


@pytest.mark.parametrize("query", [
    "INSERT DATA { <a> <b> <c> }",
    "prefix x: <urn:x> delete where { ?s ?p ?o }",
    "BASE <http://x/> LOAD <http://example.org/data.ttl>",
    "# a comment\nDROP SILENT ALL",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_updates_are_refused(query):
    with pytest.raises(QueryRefused, match="read-only") as refused:
        guard.check(query, 10_000)
    assert refused.value.status == 403


@pytest.mark.parametrize("query", [
    "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }",
    "select * { ?s ?p ?o optional { service silent ?endpoint { ?s ?q ?r } } }",
    "SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",
])
def test_service_is_refused(query):
    with pytest.raises(QueryRefused, match="SERVICE"):
        guard.check(query, 10_000)


@pytest.mark.parametrize("query", [
    'SELECT ?service { ?service <urn:p> "service" }',
    "PREFIX service: <urn:s#> SELECT * { ?s service:insert ?o ; <http://x/SERVICE> ?z }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://x/>",
    'SELECT * { ?s ?p """multi\nline SERVICE "quoted" """ }',
    "SELECT * { ?s ?p ?o FILTER (?o < 5 && ?o > 1) }",
    "ASK { ?s :delete ?o }",
])
def test_words_in_strings_iris_comments_and_names_are_not_keywords(query):
    guard.check(query, 10_000)


def test_query_size_is_bounded_in_bytes():
    guard.check("ASK {}" + " " * 94, 100)
    with pytest.raises(QueryRefused) as refused:
        guard.check("ASK { ?s ?p 'é' }" + " " * 83, 100)
    assert refused.value.status == 413 and "101 bytes" in refused.value.message


DEEP_GROUPS = "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000
DEEP_PARENTHESES = "ASK { FILTER (" + "(" * 20000 + "1" + ")" * 20000 + ") }"
MINUS_CHAIN = "SELECT * WHERE { ?s <urn:none> ?o " + "MINUS { ?s ?p 0 }" * 3000 + "}"
"""Nested only two deep, but longer a chain than 8 MiB of stack could plan (51 KB); its
patterns match little, so that evaluating it is quick."""


@pytest.mark.parametrize("query", [
    DEEP_GROUPS, DEEP_PARENTHESES, "SELECT * { ?s ?p " + "[ ?p " * 129 + "1" + "]" * 129 + "}",
    "ASK { FILTER (" + "\\u0028" * 200 + "1" + ")" * 200 + ") }",
], ids=["groups", "parentheses", "blank nodes", "escaped"])
def test_a_query_nested_too_deep_is_refused_naming_the_limit(query):
    with pytest.raises(QueryRefused) as refused:
        guard.check(query, 100_000)
    assert refused.value.status == 400
    assert f"up to {guard.MAX_NESTING} deep" in refused.value.message


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 128 + "?s ?p ?o" + "}" * 128,
    'ASK { FILTER (?o = "' + "(" * 1000 + '") } # ' + "{" * 1000,
    "ASK { <urn:" + "(" * 1000 + "> ?p ?o }",
    "SELECT * { {} {} {} {} }" * 100, MINUS_CHAIN,
], ids=["at the limit", "in a string and a comment", "in an IRI", "many shallow", "chain"])
def test_brackets_that_do_not_nest_deep_are_accepted(query):
    guard.check(query, 100_000)


def test_a_long_chain_is_evaluated_not_a_crash(tmp_path):
    """The chain the bracket count cannot see: with the usual 8 MiB of stack, planning it
    killed the query process."""
    ox.Store(str(tmp_path / "store")).flush()
    job = Job(store_path=str(tmp_path / "store"), query=MINUS_CHAIN, base_iri="http://x/",
              formats={"solutions": "json"}, max_rows=10)
    answer = QueryPool(1, 2 << 30, 65536).run(job, timeout=60)  # its process is a daemon
    assert json.loads(answer.first)["results"]["bindings"] == []


class Sent(list):
    """What a query process sends to the web process, kept."""
    send = list.append


@pytest.fixture(scope="module")
def one_triple(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("store") / "store")
    store = ox.Store(path)
    store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("v")))
    store.flush()
    return path


def evaluate(store_path: str, query: str):
    """The query's result as JSON, through the query process's own ``run``."""
    sent = Sent()
    run_job(Job(store_path=store_path, query=query, base_iri="http://x/",
                formats={"solutions": "json", "boolean": "json", "graph": "nt"},
                max_rows=10, prefixes={"ex": "http://example.org/fn#"}), sent, {})
    assert sent[0][0] == "head", sent
    return json.loads(sent[0][3])


@pytest.mark.parametrize("query, expected", [
    ("SELECT ?o ?x { ?s ?p ?o BIND (ex:f(?o) AS ?x) }", [{"o": "v"}]),
    ("SELECT ?o { ?s ?p ?o FILTER (ex:f(?o)) }", []),
    ("SELECT ?o { ?s ?p ?o FILTER (!ex:f(?o)) }", []),
    ("SELECT ?o { ?s ?p ?o FILTER (ex:f(?o) || true) }", [{"o": "v"}]),
    ("SELECT (COALESCE(ex:f(?o), <http://example.org/g>(?o, 1), 'd') AS ?x) { ?s ?p ?o }",
     [{"x": "d"}]),
    ("SELECT ?o { ?s ?p ?o } ORDER BY ex:f(?o)", [{"o": "v"}]),
    ("ASK { FILTER (ex:f()) }", False),
], ids=["bind", "filter", "negated", "or", "coalesce", "order", "ask"])
def test_an_unknown_function_is_an_evaluation_error(one_triple, query, expected):
    """The call is an evaluation error, not the query (SPARQL 1.1, 17.2 and 18.5)."""
    answer = evaluate(one_triple, query)
    found = answer["boolean"] if "boolean" in answer else \
        [{name: value["value"] for name, value in row.items()}
         for row in answer["results"]["bindings"]]
    assert found == expected


def test_known_functions_stay_themselves(one_triple):
    """Only the functions the engine does not know are declared: a cast keeps working."""
    answer = evaluate(one_triple, "SELECT (<http://www.w3.org/2001/XMLSchema#integer>('5') "
                                  "AS ?n) (STRLEN(?o) AS ?l) { ?s ?p ?o }")
    assert [(row["n"]["value"], row["l"]["value"])
            for row in answer["results"]["bindings"]] == [("5", "1")]


SANDBOX_CHECK = r"""
import socket, sys, pyoxigraph
from ctlib.sparql.sandbox import forbid_network
listener = socket.socket(); listener.bind(("127.0.0.1", 0)); listener.listen()
listener.settimeout(0.3)
port = listener.getsockname()[1]
forbid_network()
try:
    socket.create_connection(("127.0.0.1", port), timeout=1)
    sys.exit("a TCP connection was made")
except PermissionError:
    pass
try:
    list(pyoxigraph.Store().query(f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"))
    sys.exit("SERVICE returned")
except OSError:
    pass
try:
    listener.accept()
    sys.exit("the listener was reached")
except TimeoutError:
    pass
a, b = socket.socketpair()
a.send(b"ok")
print(b.recv(2).decode())
"""


def test_the_sandbox_takes_the_network_away_but_keeps_local_pipes():
    """In a child process: the filter cannot be undone."""
    result = subprocess.run([sys.executable, "-c", SANDBOX_CHECK], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.fixture(scope="module")
def store():
    store = ox.Store()
    g = ox.NamedNode("urn:g")
    for i, value in enumerate([ox.Literal('a "quoted", text\nline', language="en"),
                               ox.Literal("7", datatype=ox.NamedNode(
                                   "http://www.w3.org/2001/XMLSchema#integer")),
                               ox.BlankNode("b1"), ox.NamedNode("http://x/a&b")]):
        store.add(ox.Quad(ox.NamedNode(f"http://x/s{i}"), ox.NamedNode("http://x/p"), value, g))
    return store


def run(store, query: str, name: str, kind: str, max_rows: int = 100) -> tuple[bytes, object]:
    out = io.BytesIO()
    written = write(store.query(query, use_default_graph_as_union=True),
                    query_result_format(kind, name), out, max_rows)
    return out.getvalue(), written


SELECT = "SELECT ?s ?o ?missing { ?s ?p ?o OPTIONAL { ?o ?q ?missing } } ORDER BY ?s"


def test_json_results_parse_and_keep_every_term_kind(store):
    body, written = run(store, SELECT, "json", "solutions")
    data = json.loads(body)
    assert data["head"]["vars"] == ["s", "o", "missing"]
    objects = [b["o"] for b in data["results"]["bindings"]]
    assert objects == [
        {"type": "literal", "value": 'a "quoted", text\nline', "xml:lang": "en"},
        {"type": "literal", "value": "7",
         "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
        {"type": "bnode", "value": "b1"},
        {"type": "uri", "value": "http://x/a&b"}]
    assert written.rows == 4 and not written.truncated


def test_xml_results_parse_with_the_same_values(store):
    body, _ = run(store, SELECT, "xml", "solutions")
    parsed = list(ox.parse_query_results(body, ox.QueryResultsFormat.XML))
    assert [s["o"] for s in parsed] == [
        ox.Literal('a "quoted", text\nline', language="en"),
        ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.BlankNode("b1"), ox.NamedNode("http://x/a&b")]


def test_csv_and_tsv_results(store):
    csv_body, _ = run(store, SELECT, "csv", "solutions")
    assert csv_body.decode().splitlines()[:2] == ["s,o,missing", 'http://x/s0,"a ""quoted"", text']
    tsv_body, _ = run(store, SELECT, "tsv", "solutions")
    lines = tsv_body.decode().splitlines()
    assert lines[0] == "?s\t?o\t?missing"
    assert lines[2] == '<http://x/s1>\t"7"^^<http://www.w3.org/2001/XMLSchema#integer>\t'


@pytest.mark.parametrize("name", ["json", "xml", "csv", "tsv"])
def test_the_row_limit_cuts_and_reports(store, name):
    _, written = run(store, SELECT, name, "solutions", max_rows=3)
    assert (written.rows, written.truncated) == (3, True)
    _, written = run(store, SELECT, name, "solutions", max_rows=4)
    assert (written.rows, written.truncated) == (4, False)


def test_graph_results_are_cut_at_the_limit_too(store):
    body, written = run(store, "CONSTRUCT WHERE { ?s ?p ?o }", "nt", "graph", max_rows=2)
    assert (written.rows, written.truncated) == (2, True)
    assert len(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))) == 2


def test_ask_in_every_results_format(store):
    assert json.loads(run(store, "ASK { ?s ?p ?o }", "json", "boolean")[0]) == \
        {"head": {}, "boolean": True}
    assert b"<boolean>false</boolean>" in run(store, "ASK { ?s <urn:no> ?o }", "xml",
                                               "boolean")[0]


def read(method="GET", content_type=None, args=(), form=(), body=None):
    return protocol.read(method, content_type, MultiDict(list(args)), MultiDict(list(form)),
                         body)


def test_protocol_reads_graphs_from_url_and_form():
    asked = read("POST", protocol.FORM, args=[("default-graph-uri", "urn:a")],
                 form=[("query", "ASK {}"), ("named-graph-uri", "urn:b"), ("timeout", "2.5")])
    assert (asked.query, asked.default_graphs, asked.named_graphs, asked.timeout) == \
        ("ASK {}", ("urn:a",), ("urn:b",), 2.5)
    assert asked.dataset_given


@pytest.mark.parametrize("kwargs, status", [
    ({"args": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
    ({"args": [("update", "CLEAR ALL")]}, 403),
    ({"method": "POST", "content_type": protocol.UPDATE, "body": b"CLEAR ALL"}, 403),
    ({"method": "POST", "content_type": protocol.DIRECT, "body": b"ASK {\xff}"}, 400),
    ({"method": "POST", "content_type": "text/plain", "body": b"ASK {}"}, 415),
    ({"method": "POST", "body": b"ASK {}"}, 400),
    ({"method": "PUT"}, 405),
    ({"args": [("query", "ASK {}"), ("timeout", "-1")]}, 400),
])
def test_protocol_errors(kwargs, status):
    with pytest.raises(QueryRefused) as refused:
        read(**kwargs)
    assert refused.value.status == status and refused.value.message
