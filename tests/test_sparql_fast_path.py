"""The shorter path for SPARQL Protocol requests (web/sparql/fast_path.py): every
request answered exactly as the Flask view answers it, and the ones it leaves to the
view (the page, errors, ``?lang=``) passed on whole. The end-to-end protocol tests
(test_sparql_protocol.py and the others) talk HTTP to a server that has it."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from werkzeug.test import Client

from ctlib.config import load_config
from ctlib.web.app import create_app
from ctlib.web.sparql import endpoint
from ctlib.web.sparql.fast_path import SparqlProtocol

from .conftest import ROOT, cli_env
from .server import _ingest

RECORDS = "SELECT ?r { ?r a dcterms:BibliographicResource } ORDER BY ?r"
DIRECT = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    directory = tmp_path_factory.mktemp("fast")
    env = cli_env(directory) | {"CTLIB_BASE_URI": "http://localhost:8080/"}
    _ingest([ROOT / "data" / "library-listing.txt"], env, directory)
    app = create_app(load_config({}, environ=env))
    yield app
    pool = app.extensions["ctlib"]._query_pool
    if pool is not None:
        for process in pool._idle:
            process.kill()


def protocol_path(app) -> SparqlProtocol:
    found = app.wsgi_app
    while not isinstance(found, SparqlProtocol):
        found = found.app
    return found


class Passed:
    """The app behind the shorter path, noting the requests passed on to it."""

    def __init__(self, app):
        self.app = app
        self.count = 0

    def __call__(self, environ, start_response):
        self.count += 1
        return self.app(environ, start_response)


REQUESTS = [
    ("GET", {"query": RECORDS}, None, None, "*/*"),
    ("GET", {"query": RECORDS, "format": "csv"}, None, None, None),
    ("GET", {"query": "CONSTRUCT WHERE { ?s a skos:ConceptScheme }"}, None, None,
     "application/n-triples"),
    ("GET", {"query": "ASK {}"}, None, None, "application/sparql-results+xml"),
    ("POST", {}, RECORDS.encode(), DIRECT, "text/tab-separated-values"),
    ("POST", {}, urlencode({"query": RECORDS, "timeout": "5"}).encode(), FORM, None),
    ("POST", {"default-graph-uri": "http://localhost:8080/graph/vocab"},
     b"SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", DIRECT, None),
]
"""Protocol requests: answered by the shorter path."""

PAGES = [
    ("GET", {}, None, None, None),  # the service description
    ("GET", {"query": RECORDS}, None, None, BROWSER),  # the query page
    ("POST", {}, urlencode({"query": RECORDS}).encode(), FORM, BROWSER),
]
"""What the view answers, differently each time (blank nodes, the time a query took)."""

PASSED_ON = [
    ("GET", {"query": RECORDS, "lang": "fr"}, None, None, None),
    ("GET", {"query": "SELEKT ?x {}"}, None, None, None),  # refused by the engine: 400
    ("GET", {"query": RECORDS, "generation": "gone"}, None, None, None),  # 410
    ("POST", {}, b"INSERT DATA { <a:b> <a:c> <a:d> }", "application/sparql-update", None),
    ("POST", {}, RECORDS.encode(), "text/plain", None),  # 415
    ("POST", {"query": RECORDS}, RECORDS.encode(), DIRECT, None),  # two queries: 400
    ("GET", {"query": RECORDS, "format": "pdf"}, None, None, "image/png"),  # 406
    ("GET", {"query": RECORDS, "timeout": "never"}, None, None, None),
]
"""What the view answers besides: every error, and the page's language asked for."""


def responses(wsgi, method, args, body, content_type, accept):
    headers = {"Accept": accept} if accept else {}
    if content_type:
        headers["Content-Type"] = content_type
    response = Client(wsgi).open("/sparql", method=method, query_string=args, data=body,
                                 headers=headers)
    return response.status_code, dict(response.headers), response.get_data()


@pytest.mark.parametrize("method, args, body, content_type, accept", REQUESTS + PASSED_ON)
def test_the_shorter_path_answers_as_the_view(app, method, args, body, content_type, accept):
    path = protocol_path(app)
    shorter = responses(path, method, args, body, content_type, accept)
    view = responses(path.app, method, args, body, content_type, accept)
    assert shorter == view


@pytest.mark.parametrize("method, args, body, content_type, accept", REQUESTS)
def test_protocol_requests_do_not_reach_flask(app, method, args, body, content_type, accept):
    path = protocol_path(app)
    passed = Passed(path.app)
    path.app = passed
    try:
        status, headers, _ = responses(path, method, args, body, content_type, accept)
    finally:
        path.app = passed.app
    assert (status, passed.count) == (200, 0)
    assert headers["X-Catalogue-Generation"] and headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method, args, body, content_type, accept", PAGES + PASSED_ON)
def test_the_rest_reaches_the_view_with_its_body(app, method, args, body, content_type,
                                                 accept):
    path = protocol_path(app)
    passed = Passed(path.app)
    path.app = passed
    try:
        responses(path, method, args, body, content_type, accept)
    finally:
        path.app = passed.app
    assert passed.count == 1


def test_a_query_that_fails_in_the_query_process_runs_once(app, monkeypatch):
    """The error met by the shorter path is the view's answer: the query is not run
    again (a query stopped at its deadline would take twice as long), whether the query
    process runs it or a remote store does."""
    pool = app.extensions["ctlib"].query_pool
    runs = []
    run, forwarded = pool.run, endpoint.Forwarded
    monkeypatch.setattr(pool, "run", lambda job, timeout: runs.append(job) or run(job, timeout))
    monkeypatch.setattr(endpoint, "Forwarded", lambda store, job, timeout:
                        runs.append(job) or forwarded(store, job, timeout))
    status, _, body = responses(protocol_path(app), "GET", {"query": "SELECT ?x { ?x ?y }"},
                                None, None, None)
    assert status == 400 and b"SPARQL" in body
    assert len(runs) == 1
