"""Starting the real `ctlib serve` process on a free port for end-to-end tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from .conftest import DATA, ROOT, cli_env, into_the_next_second

INGEST_TIMEOUT: float | None = 120
"""Seconds an ingest of a test server may take; bench/served.py lifts it for large
generated catalogues, which a loaded machine ingests more slowly."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(tmp_path: Path, *ingests: list[Path], settings: dict[str, str] | None = None,
                   commands: Sequence[Sequence[str | Path]] = ()):
    """Run each ingest in turn into a private data directory, serve the result, yield
    the server's base URL (which is also the catalogue's base URI). ``settings`` are
    extra CTLIB_* environment variables for every command. ``commands`` are further
    `ctlib` command lines run after the ingests, before serving (``["load", "--graph",
    IRI, FILE]``); one that fails stops the server from starting."""
    with serving(tmp_path, *ingests, settings=settings, commands=commands) as server:
        yield server.base


@dataclass(frozen=True)
class Serving:
    base: str
    """The server's base URL, which is also the catalogue's base URI."""
    process: subprocess.Popen
    """`ctlib serve`, the parent of its workers."""
    log: Path
    """What the server wrote on standard error."""


@contextmanager
def serving(tmp_path: Path, *ingests: list[Path], settings: dict[str, str] | None = None,
            commands: Sequence[Sequence[str | Path]] = ()):
    """``running_server``, yielding the server's process and log too."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    env = cli_env(tmp_path) | {"CTLIB_BASE_URI": base} | (settings or {})
    for number, sources in enumerate(ingests):
        if number:
            into_the_next_second()
        _ingest(sources, env, tmp_path)
    for command in commands:
        done = subprocess.run([sys.executable, "-m", "ctlib.cli", *map(str, command)], env=env,
                              cwd=tmp_path, check=False, capture_output=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"ctlib {' '.join(map(str, command))}: {done.stderr.decode()}")
    # The server's log goes to a file: a pipe nobody reads while it runs fills up, and
    # the server then blocks writing to it (as it stops, it logs).
    log = tmp_path / f"serve-{port}.log"
    with open(log, "wb") as errors:
        process = subprocess.Popen([sys.executable, "-m", "ctlib.cli", "serve", "--port",
                                    str(port), "--workers", "2"], env=env, cwd=tmp_path,
                                   stdout=subprocess.DEVNULL, stderr=errors)
    try:
        _wait_until_up(base, process, log)
        yield Serving(base, process, log)
    finally:
        process.terminate()
        try:  # longer than the server's graceful stop (30 s), after which it kills workers
            process.wait(timeout=STOPPING)
        except subprocess.TimeoutExpired:
            process.kill()
            raise RuntimeError(f"ctlib serve did not stop within {STOPPING} s; its log "
                               f"ends:\n{log.read_text(errors='replace')[-3000:]}") from None


STOPPING = 45


def _ingest(sources: list[Path], env: dict[str, str], cwd: Path) -> None:
    """An ingest of a test server; one that crashed (exit 2, or a traceback) fails the
    test there, not later as missing records. Exit 1 (some records rejected) is what
    several tests' sources mean to do."""
    done = subprocess.run([sys.executable, "-m", "ctlib.cli", "ingest", "-q", *map(str, sources)],
                          env=env, cwd=cwd, check=False, capture_output=True,
                          timeout=INGEST_TIMEOUT)
    stderr = done.stderr.decode(errors="replace")
    if done.returncode not in (0, 1) or "Traceback (most recent call last)" in stderr:
        raise RuntimeError(f"ctlib ingest {' '.join(map(str, sources))} exited "
                           f"{done.returncode}:\n{stderr}")


def _wait_until_up(base: str, process: subprocess.Popen, log: Path,
                   timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ctlib serve exited: {log.read_text(errors='replace')}")
        try:
            requests.get(base + "context.jsonld", timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):  # not listening, or still busy
            time.sleep(0.1)
    raise RuntimeError("ctlib serve did not start")


def withdrawal_ingests() -> tuple[list[Path], list[Path]]:
    """Two ingests: the listing with unusual identifiers, hostile markup and one record
    that the second ingest no longer has (its URI answers 410 afterwards)."""
    kept = [ROOT / "data" / "library-listing.txt", DATA / "unusual-ids.jsonl",
            DATA / "hostile.jsonl"]
    return kept + [DATA / "withdrawn.jsonl"], kept


def get(url: str, accept: str | None = None, **headers) -> requests.Response:
    """A GET as a client sends it, redirects not followed."""
    if accept is not None:
        headers["Accept"] = accept
    return requests.get(url, headers=headers, allow_redirects=False, timeout=30)
