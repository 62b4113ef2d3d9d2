"""The store the end-to-end tests run against: the embedded one, or a real SPARQL
server started for each test's directory:

- ``CTLIB_TEST_STORE=oxigraph``: Oxigraph server (``oxigraph serve`` from the
  ``oxigraph`` package, in memory);
- ``CTLIB_TEST_STORE=virtuoso``: OpenLink Virtuoso (``virtuoso-t`` from Debian's
  ``virtuoso-opensource``), a private instance with its own ports and database in a
  temporary directory, copied from a template database made once per run. Where
  virtuoso-t is not installed the tests that need a store are skipped, or fail with
  CTLIB_REQUIRE_STORE=1 (CI).

One suite, run once per store: `make test` runs it for the embedded store and
Oxigraph. docs/stores.md says what each server needs."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

KIND = os.environ.get("CTLIB_TEST_STORE", "embedded")
KINDS = ("embedded", "oxigraph", "virtuoso")
STORE_TIMEOUT_S = 20
"""The server's own query timeout: a hostile query test must not leave it busy."""
VIRTUOSO_TIMEOUT_S = 10
"""Virtuoso's: it goes on with a query whose client has gone until this limit, and
with two cores a runaway query of one test slows the next ones: just above the
longest CTLIB_SPARQL_TIMEOUT of the tests (8 s), so that ctlib's deadline comes first."""
START_TIMEOUT_S = 60
"""A server that does not answer within this is given up on (Virtuoso creating its
database takes 2-10 s on a busy machine)."""


@dataclass
class Server:
    process: subprocess.Popen
    settings: dict[str, str]
    directory: Path | None = None
    """Removed when the server stops."""
    log: Path | None = None


_servers: dict[Path, Server] = {}


def settings(directory: Path) -> dict[str, str]:
    """CTLIB_* settings that point ctlib at the store of the test owning ``directory``."""
    if KIND == "embedded":
        return {}
    if KIND not in KINDS:
        raise ValueError(f"CTLIB_TEST_STORE={KIND!r}: expected one of {', '.join(KINDS)}")
    if directory not in _servers:
        _servers[directory] = start_oxigraph() if KIND == "oxigraph" else _start_virtuoso()
    # a worker notices a new generation at once: tests read right after an ingest
    return _servers[directory].settings | {"CTLIB_STORE_POLL": "0.01"}


def started() -> set[Path]:
    return set(_servers)


def stop(directories) -> None:
    for directory in list(directories):
        server = _servers.pop(directory)
        server.process.terminate()
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=30)
        if server.directory is not None:
            shutil.rmtree(server.directory, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(process: subprocess.Popen, url: str, what: str, log: Path | None = None) -> None:
    """Until ``url`` answers 200 (a query that asks nothing)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    process.kill()
    process.wait(timeout=30)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} did not start within {START_TIMEOUT_S} s\n{tail}")


# --- Oxigraph server ---

def start_oxigraph() -> Server:
    port = _free_port()
    program = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
    process = subprocess.Popen([program, "serve", "--bind", f"127.0.0.1:{port}",
                                "--timeout-s", str(STORE_TIMEOUT_S)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    _wait(process, url + "/query", "oxigraph serve")
    return Server(process, {"CTLIB_STORE": url})


# --- Virtuoso ---

VIRTUOSO = "virtuoso-t"
VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "dba"
"""A new database's administrator, who may update through the ``-auth`` endpoints."""
VIRTUOSO_INI = """\
[Database]
DatabaseFile       = virtuoso.db
ErrorLogFile       = virtuoso.log
LockFile           = virtuoso.lck
TransactionFile    = virtuoso.trx
xa_persistent_file = virtuoso.pxa
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = virtuoso-temp.db
TransactionFile    = virtuoso-temp.trx

[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
; 2, as in Debian's virtuoso.ini: with the built-in default an ASK comes back as a table
CaseMode           = 2
CheckpointInterval = 0
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
DirsAllowed        = .

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = .
ServerThreads        = 10
MaxClientConnections = 10
Charset              = UTF-8
EnabledGzipContent   = 0

[SPARQL]
; 0: no cap on the rows of an answer (Debian's default of 10,000 cuts them silently)
ResultSetMaxRows      = 0
MaxQueryExecutionTime = {timeout}
"""
_template: Path | None = None
"""A new database made once per run, copied for each server (2-10 s saved each)."""


def virtuoso_program() -> str | None:
    return shutil.which(VIRTUOSO)


def _start_virtuoso() -> Server:
    program = virtuoso_program()
    if program is None:
        message = (f"CTLIB_TEST_STORE=virtuoso: {VIRTUOSO} is not installed "
                   "(apt-get install virtuoso-opensource)")
        if os.environ.get("CTLIB_REQUIRE_STORE"):
            raise RuntimeError(message)
        pytest.skip(message)
    template = _virtuoso_template(program)
    directory = Path(tempfile.mkdtemp(prefix="ctlib-virtuoso-"))
    try:
        shutil.copyfile(template / "virtuoso.db", directory / "virtuoso.db")
        process, http, _ = _run_virtuoso(program, directory)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return Server(process, _virtuoso_settings(http), directory, directory / "virtuoso.log")


def _virtuoso_settings(url: str) -> dict[str, str]:
    """The SPARQL endpoints; updates go to the ``-auth`` ones as the administrator (HTTP
    digest authentication) where ctlib has CTLIB_STORE_AUTH, to the open ones (the
    anonymous SPARQL user granted SPARQL_UPDATE in the template) where it has not."""
    if _has_setting("store_auth"):
        return {"CTLIB_STORE": url, "CTLIB_STORE_QUERY_URL": f"{url}/sparql",
                "CTLIB_STORE_UPDATE_URL": f"{url}/sparql-auth",
                "CTLIB_STORE_DATA_URL": f"{url}/sparql-graph-crud-auth",
                "CTLIB_STORE_USER": VIRTUOSO_USER, "CTLIB_STORE_PASSWORD": VIRTUOSO_PASSWORD,
                "CTLIB_STORE_AUTH": "digest"}
    return {"CTLIB_STORE": url, "CTLIB_STORE_QUERY_URL": f"{url}/sparql",
            "CTLIB_STORE_UPDATE_URL": f"{url}/sparql",
            "CTLIB_STORE_DATA_URL": f"{url}/sparql-graph-crud"}


def _has_setting(name: str) -> bool:
    from ctlib.config import SETTINGS
    return any(setting.name == name for setting in SETTINGS)


def _run_virtuoso(program: str, directory: Path) -> tuple[subprocess.Popen, str, int]:
    sql_port, http_port = _free_port(), _free_port()
    (directory / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
        sql_port=sql_port, http_port=http_port, timeout=VIRTUOSO_TIMEOUT_S))
    # -f: in the foreground, so that terminate() stops it; its own process group, so that
    # a Ctrl-C meant for pytest does not reach it before stop() does.
    process = subprocess.Popen([program, "-f", "-c", "virtuoso.ini"], cwd=directory,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    url = f"http://127.0.0.1:{http_port}"
    _wait(process, url + "/sparql", f"{program} in {directory}", directory / "virtuoso.log")
    return process, url, sql_port


def _virtuoso_template(program: str) -> Path:
    """A directory holding a new database in which the anonymous SPARQL user may update
    (for a ctlib without CTLIB_STORE_AUTH), made on first use."""
    global _template
    if _template is not None:
        return _template
    directory = Path(tempfile.mkdtemp(prefix="ctlib-virtuoso-template-"))
    atexit.register(shutil.rmtree, directory, True)
    process, _, sql_port = _run_virtuoso(program, directory)
    try:
        _sql(sql_port, ['GRANT SPARQL_UPDATE TO "SPARQL"', "CHECKPOINT"])
    finally:
        process.terminate()
        process.wait(timeout=60)
    _template = directory
    return directory


def _sql(port: int, statements: list[str]) -> None:
    """Run SQL statements as the administrator (``isql-vt``, installed with virtuoso-t)."""
    isql = shutil.which("isql-vt") or "isql-vt"
    script = "".join(f"{statement};\n" for statement in statements)
    done = subprocess.run([isql, f"127.0.0.1:{port}", VIRTUOSO_USER, VIRTUOSO_PASSWORD,
                           "VERBOSE=OFF", "ERRORS=STDOUT", "BANNER=OFF", "PROMPT=OFF"],
                          input=script, text=True, capture_output=True, timeout=60, check=False)
    if done.returncode != 0 or "*** Error" in done.stdout:
        raise RuntimeError(f"isql-vt failed: {done.stdout}{done.stderr}")
