"""The server under faults: slow clients, a web worker killed or stopped while its query
runs, a result cut at the row limit. Each test runs the real `ctlib serve`."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from bench.proctree import process_tree

from . import stores
from .conftest import ROOT
from .server import Serving, get, serving

RECORD = "doc/record/desk-review-of-counter-trafficking-initiatives-in-igad-and-e0659a.ttl"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
"""Hours of work over any catalogue (four joins of every triple), yet valid and allowed."""
PATIENCE = 20.0
"""Seconds a test waits for what it expects; far more than it takes."""


def embedded_store() -> None:
    """Query processes exist only with the embedded store (a remote one answers itself)."""
    if stores.KIND != "embedded":
        pytest.skip("the query processes run only with the embedded store")


# ------------------------------------------------------------------- slow clients


def test_slow_clients_do_not_stop_the_server(tmp_path):
    with serving(tmp_path, [ROOT / "data"]) as server, ExitStack() as held:
        address = urlsplit(server.base)
        address = (address.hostname, address.port)
        for _ in range(60):  # more than gunicorn's 24 threads, which all of these held
            held.enter_context(_connection(address, b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n"))
        for _ in range(10):
            held.enter_context(_connection(address, b"POST /sparql HTTP/1.1\r\nHost: x\r\n"
                                                    b"Content-Type: application/sparql-query\r\n"
                                                    b"Content-Length: 10000\r\n\r\nASK"))
        held.enter_context(_connection(address, b"GET /dump/catalogue.nt.gz HTTP/1.1\r\n"
                                                b"Host: x\r\n\r\n", receive_buffer=1024))
        answer = requests.get(server.base + RECORD, timeout=PATIENCE)
        assert answer.status_code == 200
        assert "Desk Review" in answer.text


@contextmanager
def _connection(address, sent: bytes, receive_buffer: int | None = None):
    """A client that sends ``sent`` and then nothing more, nor reads anything."""
    sock = socket.socket()
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(PATIENCE)
    with sock:
        sock.connect(address)
        sock.sendall(sent)
        yield sock


# ---------------------------------------------------------------- query processes


def test_query_processes_die_with_their_worker(tmp_path):
    with serving(tmp_path, [ROOT / "data"], settings={"CTLIB_SPARQL_TIMEOUT": "300"}) as server:
        embedded_store()
        with _endless_query(server):
            worker = _worker_of(_busy_query_process(server), server)
            left = set(process_tree(worker))
            os.kill(worker, signal.SIGKILL)
            assert _gone(left) == set(), "the fork server, resource tracker or query " \
                                         "processes outlived their web worker"
        assert get(server.base + RECORD).status_code == 200  # another worker took over


def test_nothing_outlives_the_server(tmp_path):
    """``ctlib serve`` itself killed: its workers and their processes end too."""
    with serving(tmp_path, [ROOT / "data"], settings={"CTLIB_SPARQL_TIMEOUT": "300"}) as server:
        embedded_store()
        with _endless_query(server):
            _busy_query_process(server)
            left = set(process_tree(server.process.pid))
            server.process.kill()
            assert _gone(left) == set(), "workers or their processes outlived the server"


def test_a_query_process_stops_itself_past_its_deadline(tmp_path):
    """Nobody kills the query at its deadline (its worker is stopped): it ends itself."""
    with serving(tmp_path, [ROOT / "data"], settings={"CTLIB_SPARQL_TIMEOUT": "8"}) as server:
        embedded_store()
        with _endless_query(server):
            query = _busy_query_process(server)
            worker = _worker_of(query, server)
            os.kill(worker, signal.SIGSTOP)
            try:
                assert _gone({query}) == set(), "the query process outlived its deadline"
            finally:
                os.kill(worker, signal.SIGCONT)


@contextmanager
def _endless_query(server: Serving):
    """ENDLESS sent in the background, its answer (an error) awaited on leaving."""
    def ask() -> None:
        try:
            requests.post(server.base + "sparql", data={"query": ENDLESS}, timeout=PATIENCE * 3)
        except requests.RequestException:
            pass
    thread = threading.Thread(target=ask, daemon=True)
    thread.start()
    yield
    thread.join(PATIENCE)


def _busy_query_process(server: Serving) -> int:
    """The query process that uses the CPU (the others wait for a query)."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        before = {pid: _cpu(pid) for pid in process_tree(server.process.pid)}
        time.sleep(0.5)
        busy = [pid for pid, seconds in before.items()
                if _is_query_process(pid) and _cpu(pid) - seconds > 0.2]
        if busy:
            return busy[0]
    raise AssertionError("no query process started computing")


def _worker_of(pid: int, server: Serving) -> int:
    while (parent := _parent(pid)) != server.process.pid:
        pid = parent
    return pid


def _gone(pids: set[int]) -> set[int]:
    """Those of ``pids`` still alive after PATIENCE seconds (zombies count as gone)."""
    deadline = time.monotonic() + PATIENCE
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = {pid for pid in alive if _state(pid) not in (None, "Z")}
    return alive


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def _state(pid: int) -> str | None:
    fields = _stat(pid)
    return fields[0] if fields else None


def _parent(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[1]) if fields else 0


def _cpu(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def _is_query_process(pid: int) -> bool:
    """Forked by a fork server, itself started by the web worker."""
    return _is_fork_server(_parent(pid))


def _is_fork_server(pid: int) -> bool:
    try:
        return b"multiprocessing.forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


# --------------------------------------------------------------------- row limit


def test_a_row_capped_result_is_whole_and_no_error(tmp_path):
    """More rows than the limit, more bytes than a query process sends at once: the
    answer is complete, says it was cut, and the server logs no error."""
    settings = {"CTLIB_SPARQL_MAX_ROWS": "5000"}
    with serving(tmp_path, [ROOT / "data"], settings=settings) as server:
        answer = requests.post(server.base + "sparql", timeout=PATIENCE * 3,
                               data={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"},
                               headers={"Accept": "text/csv", "Accept-Encoding": "identity"})
        assert answer.status_code == 200
        assert answer.headers["X-SPARQL-Truncated"] == "the result was cut after 5,000 rows"
        assert int(answer.headers["Content-Length"]) == len(answer.content) > 1 << 20
        assert len(answer.text.splitlines()) == 1 + 5000
        log = server.log.read_text(errors="replace")
        assert "Traceback" not in log and "ERROR" not in log, log[-3000:]
