"""What only a remote store has: publishing by pointer, failures of the store's server,
several serving processes on one store. Each test starts its own Oxigraph server
(tests/stores.py); the rest of the suite runs against one too with
CTLIB_TEST_STORE=oxigraph."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager, nullcontext

import pytest
import requests

from ctlib.config import load_config
from ctlib.sparql.evaluation import Job
from ctlib.sparql.forward import Forwarded, _rewritten
from ctlib.sparql.pool import QueryStopped
from ctlib.store.remote import Client, Endpoints, RemoteGraphs, StoreTimeout

from .conftest import ROOT
from .server import free_port, get, running_server
from .stores import start_oxigraph

LISTING = ROOT / "data" / "library-listing.txt"
RECORD = "desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a"
OTHER = "after-the-national-referral-mechanism-what-next-for-5a7e13"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?r a dcterms:BibliographicResource }"


@contextmanager
def oxigraph():
    server = start_oxigraph()
    try:
        yield server.settings["CTLIB_STORE"]
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)


def ctlib(env: dict, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ctlib.cli", *arguments], env=env, check=check,
                          capture_output=True, text=True, timeout=180)


def store_settings(url: str | None) -> dict[str, str]:
    """The remote store at ``url``; with None, the embedded store (whatever
    CTLIB_TEST_STORE says: the endpoints and credentials it may have set are cleared)."""
    return {"CTLIB_STORE": url or "", "CTLIB_STORE_QUERY_URL": "", "CTLIB_STORE_UPDATE_URL": "",
            "CTLIB_STORE_DATA_URL": "", "CTLIB_STORE_USER": "", "CTLIB_STORE_PASSWORD": "",
            "CTLIB_STORE_AUTH": "basic", "CTLIB_STORE_POLL": "0.01"}


def stored_graphs(url: str) -> set[str]:
    return _column(url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")


def described_generations(url: str) -> set[str]:
    """The generations the store's bookkeeping graph describes, published or not."""
    return _column(url, "SELECT DISTINCT ?g WHERE { GRAPH ?book { ?g ?graph ?stored } "
                        "FILTER (STRENDS(STR(?graph), '#graph')) }")


def named_graphs(url: str) -> set[str]:
    """The stored graphs some described generation names."""
    return _column(url, "SELECT DISTINCT ?g WHERE { GRAPH ?book { ?gen ?graph ?g } "
                        "FILTER (STRENDS(STR(?graph), '#graph')) }")


def _column(url: str, query: str) -> set[str]:
    answer = requests.get(f"{url}/query", timeout=30, params={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
    return {row["g"]["value"] for row in answer.json()["results"]["bindings"]}


def count(base: str) -> int:
    answer = requests.get(f"{base}sparql", params={"query": COUNT}, timeout=30,
                          headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


# --- pieces ---

def test_endpoints_default_to_oxigraph_server_paths_and_can_each_be_given():
    config = load_config(environ={"CTLIB_STORE": "http://store:7878/"})
    assert Endpoints.from_config(config) == Endpoints(
        "http://store:7878/query", "http://store:7878/update", "http://store:7878/store")
    config = load_config(environ={"CTLIB_STORE": "http://fuseki:3030/ds",
                                  "CTLIB_STORE_QUERY_URL": "http://fuseki:3030/ds/sparql",
                                  "CTLIB_STORE_USER": "ctlib", "CTLIB_STORE_PASSWORD": "s"})
    endpoints = Endpoints.from_config(config)
    assert endpoints.query == "http://fuseki:3030/ds/sparql"
    assert endpoints.update == "http://fuseki:3030/ds/update"
    assert (endpoints.user, endpoints.password) == ("ctlib", "s")


def test_a_store_that_is_not_a_url_is_a_clear_error():
    with pytest.raises(ValueError, match="CTLIB_STORE: must be an http"):
        load_config(environ={"CTLIB_STORE": "localhost:7878"})


@pytest.mark.parametrize("query, defaults, named, rest", [
    ("SELECT * FROM <http://a/g> WHERE { ?s ?p ?o }", ["http://a/g"], [],
     "SELECT *  WHERE { ?s ?p ?o }"),
    ("PREFIX ex: <http://ex/>\nSELECT * FROM NAMED ex:one FROM ex:two { GRAPH ?g {} }",
     ["http://ex/two"], ["http://ex/one"], "PREFIX ex: <http://ex/>\nSELECT *   { GRAPH ?g {} }"),
    ('SELECT * WHERE { ?s ?p "FROM <http://a/g>" } # FROM <http://b/>',
     [], [], 'SELECT * WHERE { ?s ?p "FROM <http://a/g>" } # FROM <http://b/>'),
    ("select * from <http://a/g> { ?s ?p ?o }", ["http://a/g"], [], "select *  { ?s ?p ?o }"),
])
def test_from_clauses_are_taken_out_of_a_forwarded_query(query, defaults, named, rest):
    assert _rewritten(query, {}, {}) == (rest, defaults, named)


def test_graph_names_in_a_forwarded_query_become_the_stored_ones():
    stored = {"http://a/g": "http://s/generation/1/1"}
    query = "PREFIX a: <http://a/>\nASK { GRAPH a:g { ?s ?p ?o } GRAPH <http://a/g> {} GRAPH ?g {} }"
    assert _rewritten(query, {}, stored)[0] == (
        "PREFIX a: <http://a/>\nASK { GRAPH <http://s/generation/1/1> { ?s ?p ?o } "
        "GRAPH <http://s/generation/1/1> {} GRAPH ?g {} }")


@pytest.fixture
def silent_store():
    """The URL of a store that accepts connections (the kernel does) and never answers."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        yield f"http://127.0.0.1:{silent.getsockname()[1]}/query"
    finally:
        silent.close()


def test_a_store_that_never_answers_is_a_timeout_naming_it(silent_store):
    with pytest.raises(StoreTimeout, match=f"the SPARQL store at {silent_store} did not "
                                           "answer within 0.3 s"):
        Client(Endpoints(silent_store, silent_store, silent_store), 0.3).query("ASK {}")


class _QuickToGiveUp(Client):
    """A client whose read timeout comes before the query's deadline: the order the two
    may come in when they are one instant."""

    def query(self, query, default_graphs=(), named_graphs=(), timeout=None):
        return super().query(query, default_graphs, named_graphs, 0.2)


def test_a_forwarded_query_the_store_times_out_is_stopped_not_failed(silent_store):
    client = _QuickToGiveUp(Endpoints(silent_store, silent_store, silent_store), 30)
    graphs = RemoteGraphs(client, {}, "http://s/graph/none")
    job = Job(store_path="", query="ASK {}", base_iri="http://s/",
              formats={"boolean": "json"}, max_rows=10)
    with pytest.raises(QueryStopped, match=f"{silent_store} did not answer within 0.2 s"):
        Forwarded(graphs, job, timeout=30)


def test_a_graph_is_uploaded_in_parts_and_replaced_whole():
    triples = [f"<http://s/{n}> <http://p/> \"{n}\" .\n".encode() for n in range(5)]
    graph = "http://s/graph/uploaded"
    with oxigraph() as url:
        client = Client(Endpoints(f"{url}/query", f"{url}/update", f"{url}/store"), 30)
        client.put_graph(graph, io.BytesIO(b"".join(triples)), lines=2)
        assert uploaded(client, graph) == {str(n) for n in range(5)}
        client.put_graph(graph, io.BytesIO(b"".join(triples[3:])), lines=2)
        assert uploaded(client, graph) == {"3", "4"}
        client.put_graph(graph, io.BytesIO(b""), lines=2)
        assert uploaded(client, graph) == set()


def uploaded(client: Client, graph: str) -> set[str]:
    return {row["o"].value for row in client.query(
        "SELECT ?o WHERE { ?s ?p ?o }", default_graphs=[graph])}


# --- end to end ---

def test_graph_names_are_the_catalogues_not_the_stored_ones(tmp_path):
    with oxigraph() as store, running_server(tmp_path, [LISTING],
                                             settings=store_settings(store)) as base:
        answer = requests.get(f"{base}sparql", timeout=30, headers={"Accept": "text/csv"},
                              params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"})
        names = set(answer.text.split("\r\n")[1:-1])
        assert f"{base}graph/records" in names and f"{base}graph/vocab/regions" in names
        assert not any("generation" in name for name in names)
        assert all(f"{base}graph/generation/" in g or g == f"{base}graph/generations"
                   for g in stored_graphs(store))
        for query in (f"SELECT * FROM <{base}graph/records> {{ ?s ?p ?o }} LIMIT 1",
                      f"ASK {{ GRAPH <{base}graph/records> {{ ?s ?p ?o }} }}"):
            assert requests.get(f"{base}sparql", params={"query": query}, timeout=30).ok
        named = requests.get(f"{base}sparql", timeout=30, params={
            "query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": f"{base}graph/records"})
        assert named.json()["boolean"] is True


def test_a_failed_publication_leaves_the_old_catalogue_and_is_cleared_later(tmp_path):
    source = tmp_path / "listing.txt"
    shutil.copy(LISTING, source)
    with oxigraph() as store, running_server(tmp_path, [source],
                                             settings=store_settings(store)) as base:
        env = _env(tmp_path, base, store)
        assert len(described_generations(store)) == 1
        source.write_text(source.read_text().replace("Rakeb Messele", "Rakeb Messele Ayele"))
        failed = ctlib(env | {"CTLIB_STORE_DATA_URL": f"{store}/no-such-endpoint"},
                       "ingest", "-q", str(source), check=False)
        assert failed.returncode == 2
        assert f"{store}/no-such-endpoint" in failed.stderr and "404" in failed.stderr
        assert count(base) == 10
        assert "Rakeb Messele Ayele" not in get(f"{base}doc/record/{RECORD}.nt").text
        assert len(described_generations(store)) == 2  # the failed one is described
        ctlib(env, "ingest", "-q", str(source))
        assert "Rakeb Messele Ayele" in get(f"{base}doc/record/{RECORD}.nt").text
        # CTLIB_KEEP_GENERATIONS (2): the failed one is gone, with its graphs
        assert len(described_generations(store)) == 2
        graphs = stored_graphs(store)
        ctlib(env, "ingest", "-q", str(source))  # unchanged: nothing is uploaded
        assert stored_graphs(store) < graphs  # and the first generation's records are gone
        assert len(described_generations(store)) == 2
        assert stored_graphs(store) - {f"{base}graph/generations"} == named_graphs(store)


def test_a_store_that_is_down_is_named_in_the_error(tmp_path):
    down = f"http://127.0.0.1:{free_port()}"
    failed = ctlib(_env(tmp_path, "http://localhost:8080/", down), "ingest", "-q", str(LISTING),
                   check=False)
    assert failed.returncode == 2
    assert f"the SPARQL store at {down}/query cannot be reached (" in failed.stderr
    assert "Traceback" not in failed.stderr


@pytest.mark.parametrize("remote", [False, True], ids=["embedded", "oxigraph"])
def test_serving_processes_share_the_store_through_a_reingest_under_load(tmp_path, remote):
    """Two `ctlib serve` processes of two workers each, requests from four threads while
    the catalogue is re-ingested with two records more: every answer is a success and
    comes wholly from one generation."""
    source = tmp_path / "listing.txt"
    shutil.copy(LISTING, source)
    with (oxigraph() if remote else nullcontext(None)) as store, \
            running_server(tmp_path, [source], settings=store_settings(store)) as first:
        env = _env(tmp_path, first, store)
        with _second_server(env, first) as second:
            assert count(first) == count(second) == 10
            seen, problems, done = [], [], threading.Event()

            def load(base: str) -> None:
                while not done.is_set():
                    _check_one_generation(base, seen, problems)
            threads = [threading.Thread(target=load, args=(base,))
                       for base in (first, second, first, second)]
            for thread in threads:
                thread.start()
            extra = tmp_path / "extra.jsonl"
            shutil.copy(ROOT / "tests" / "data" / "unusual-ids.jsonl", extra)
            ctlib(env, "ingest", "-q", str(source), str(extra))
            after = count(first)
            while not any(total == after for total in seen[-8:]):
                _check_one_generation(second, seen, problems)
            done.set()
            for thread in threads:
                thread.join()
        assert not problems, problems[:3]
        assert set(seen) == {10, after} and after > 10


TOTAL = "<http://www.w3.org/ns/hydra/core#totalItems>"
MEMBER = "<http://www.w3.org/ns/hydra/core#member>"


def _check_one_generation(base: str, seen: list, problems: list) -> None:
    """The record collection's first page: its total and its members must agree."""
    response = requests.get(f"{base}doc/record/", timeout=30,
                            headers={"Accept": "application/n-triples"})
    if response.status_code != 200:
        problems.append((response.status_code, response.text[:200]))
        return
    lines = response.text.splitlines()
    total = int(next(line for line in lines if TOTAL in line).split('"')[1])
    members = sum(1 for line in lines if MEMBER in line)
    if members != min(total, 100):
        problems.append(("mixed", total, members))
    seen.append(total)


def _env(tmp_path, base: str, store: str | None) -> dict:
    from .conftest import cli_env
    return cli_env(tmp_path) | {"CTLIB_BASE_URI": base} | store_settings(store)


@contextmanager
def _second_server(env: dict, base: str):
    """Another `ctlib serve` on its own port, same store and settings (the catalogue's
    base URI is the first server's)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "ctlib.cli", "serve", "--port", str(port),
                                "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            try:
                requests.get(url + "context.jsonld", timeout=1)
                break
            except requests.ConnectionError:
                threading.Event().wait(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_while_the_store_is_down_pages_answer_503_naming_it_and_then_recover(tmp_path):
    port = free_port()
    store = f"http://127.0.0.1:{port}"

    def start() -> subprocess.Popen:
        process = subprocess.Popen([shutil.which("oxigraph", path=str(ROOT / ".venv" / "bin"))
                                    or "oxigraph", "serve", "--location", str(tmp_path / "store"),
                                    "--bind", f"127.0.0.1:{port}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                requests.get(f"{store}/query", params={"query": "ASK {}"}, timeout=1)
                return process
            except requests.ConnectionError:
                threading.Event().wait(0.05)
        raise RuntimeError("oxigraph serve did not start")

    process = start()
    try:
        with running_server(tmp_path, [LISTING], settings=store_settings(store)) as base:
            assert get(f"{base}doc/record/{RECORD}.ttl").status_code == 200
            process.terminate()
            process.wait(timeout=30)
            down = get(f"{base}doc/record/{OTHER}.ttl")  # not in any cache
            assert down.status_code == 503 and f"the SPARQL store at {store}/query" in down.text
            process = start()
            assert get(f"{base}doc/record/{RECORD}.ttl").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
