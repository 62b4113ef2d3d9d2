"""Query processes, each running one query at a time, stopped when its time is up.

pyoxigraph cannot cancel a running query from Python, so every query is evaluated
in a separate process that is killed at the deadline and replaced at once. A query
waits for a process only when every one of them is busy. Query processes and their
fork server die with the web worker (``lifeline``), and a query process stops itself
soon after its deadline should nobody be left to stop it (``evaluation``).
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass
from typing import Iterator

from . import evaluation
from .evaluation import Job

# Forking a threaded web worker is unsafe, and spawning re-imports the program each
# time: a fork server (started once, clean) forks query processes in milliseconds.
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["__main__", "ctlib.sparql.fork_server"])

logger = logging.getLogger(__name__)


class QueryFailed(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class QueryStopped(Exception):
    """The query ran past its deadline (or the pool stayed full until then)."""


class _Process:
    def __init__(self, memory_bytes: int, stack_bytes: int):
        self.conn, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=evaluation.main,
                                        args=(child, memory_bytes, stack_bytes),
                                        daemon=True, name="ctlib-query")
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


@dataclass
class Answer:
    """The start of a query's output; ``rest()`` streams the remainder."""

    kind: str
    format_name: str
    first: bytes
    end: tuple[int, bool] | None
    """(rows, truncated): known when the whole output is in ``first``, else once
    ``rest()`` has been read to its end."""
    _pool: "QueryPool"
    _process: _Process | None
    _deadline: float

    def rest(self) -> Iterator[bytes]:
        """The remaining chunks; ``end`` is set once they are all read. Raises
        QueryStopped at the deadline."""
        process, self._process = self._process, None
        if process is None:
            return
        finished = False
        try:
            while True:
                message = self._pool._receive(process, self._deadline)
                if message[0] == "data":
                    yield message[1]
                elif message[0] == "end":
                    finished = True
                    self.end = (message[1], message[2])
                    return
                else:
                    raise QueryFailed(message[1], message[2])
        finally:
            self._pool._release(process, finished)

    def close(self) -> None:
        """Give the process back without reading the rest (the client went away)."""
        if self._process is not None:
            self._pool._release(self._process, False)
            self._process = None


class QueryPool:
    """``size`` query processes, kept at that number: one killed is replaced at once."""

    def __init__(self, size: int, memory_bytes: int, max_query_bytes: int):
        self.size = size
        self.memory_bytes = memory_bytes
        self.stack_bytes = evaluation.stack_bytes(max_query_bytes, memory_bytes)
        self._idle: list[_Process] = []
        self._live = 0
        """Processes running or starting."""
        self._lock = threading.Condition()
        self._to_start: queue.SimpleQueue[None] = queue.SimpleQueue()
        self._starter: threading.Thread | None = None

    def start(self) -> None:
        """Start the missing processes in the background."""
        with self._lock:
            missing, self._live = self.size - self._live, self.size
            if self._starter is None:
                self._starter = threading.Thread(target=self._keep_starting, daemon=True,
                                                 name="ctlib-query-starter")
                self._starter.start()
        for _ in range(missing):
            self._to_start.put(None)

    def run(self, job: Job, timeout: float) -> Answer:
        deadline = time.monotonic() + timeout
        process = self._acquire(deadline)
        try:
            process.conn.send((job, deadline - time.monotonic()))
            message = self._receive(process, deadline)
        except BaseException:
            self._discard(process)
            raise
        if message[0] == "error":
            self._release(process, True)
            raise QueryFailed(message[1], message[2])
        _, kind, name, first, end = message
        if end is not None:  # all of it came at once: the process is free again
            self._release(process, True)
        return Answer(kind, name, first, end, self, None if end is not None else process,
                      deadline)

    def _receive(self, process: _Process, deadline: float):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not process.conn.poll(remaining):
            raise QueryStopped("the query ran out of time")
        try:
            return process.conn.recv()
        except (EOFError, OSError):
            raise QueryFailed(500, "the query process ended unexpectedly (out of memory, or "
                                   "stopped past its time?)") \
                from None

    def _acquire(self, deadline: float) -> _Process:
        self.start()  # in case starting one failed before
        with self._lock:
            while not self._idle:
                if not self._lock.wait(max(0.0, deadline - time.monotonic())):
                    raise QueryStopped("every query process stayed busy until the deadline")
            return self._idle.pop()

    def _release(self, process: _Process, reusable: bool) -> None:
        """Back to the idle list after a complete answer; killed otherwise (it may still
        be computing, or be half-way through sending)."""
        if reusable and process.process.is_alive():
            with self._lock:
                self._idle.append(process)
                self._lock.notify()
            return
        self._discard(process)

    def _discard(self, process: _Process) -> None:
        process.kill()
        with self._lock:
            self._live -= 1
        self.start()

    def _keep_starting(self) -> None:
        """Starts the processes asked for, for as long as the web worker lives. One thread
        starts them all: the fork server dies when the thread that started it ends."""
        while True:
            self._to_start.get()
            try:
                self._start_one()
            except Exception:  # the next query asks again
                logger.exception("a SPARQL query process could not be started")

    def _start_one(self) -> None:
        process = None
        try:
            process = _Process(self.memory_bytes, self.stack_bytes)
        finally:
            with self._lock:
                if process is None:
                    self._live -= 1
                else:
                    self._idle.append(process)
                    self._lock.notify()
