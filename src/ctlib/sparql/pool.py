"""Query processes, each running one query at a time, stopped when its time is up.

pyoxigraph cannot cancel a running query from Python, so every query is evaluated
in a separate process that is killed at the deadline and replaced. One idle process
is kept ready, so a query never waits for a process to start unless the pool is at
its size and every process is busy.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from dataclasses import dataclass
from typing import Iterator

from . import evaluation
from .evaluation import Job

_CONTEXT = multiprocessing.get_context("spawn")  # forking a threaded web worker is unsafe


class QueryFailed(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class QueryStopped(Exception):
    """The query ran past its deadline (or the pool stayed full until then)."""


class _Process:
    def __init__(self):
        self.conn, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=evaluation.main, args=(child,), daemon=True,
                                        name="ctlib-query")
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
    """(rows, truncated) when the whole output is in ``first``."""
    _pool: "QueryPool"
    _process: _Process | None
    _deadline: float

    def rest(self) -> Iterator[bytes]:
        """The remaining chunks; raises QueryStopped at the deadline (the response is
        then cut short, which clients see as an error: never a silent truncation)."""
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
                    if message[2]:
                        raise QueryStopped("the result passed the row limit after streaming began")
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
    def __init__(self, size: int):
        self.size = size
        self._idle: list[_Process] = []
        self._busy = 0
        self._starting = 0
        self._lock = threading.Condition()

    def start(self) -> None:
        """Start the first process in the background; the first query need not wait."""
        self._keep_one_ready()

    def run(self, job: Job, timeout: float) -> Answer:
        deadline = time.monotonic() + timeout
        process = self._acquire(deadline)
        try:
            process.conn.send(job)
            message = self._receive(process, deadline)
        except BaseException:
            self._discard(process)
            raise
        if message[0] == "error":
            self._release(process, True)
            raise QueryFailed(message[1], message[2])
        _, kind, name, first, end = message
        answer = Answer(kind, name, first, end, self, process, deadline)
        if end is not None:
            answer._process = None
            self._release(process, True)
        return answer

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for process in idle:
            process.kill()

    def _receive(self, process: _Process, deadline: float):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not process.conn.poll(remaining):
            raise QueryStopped("the query ran out of time")
        try:
            return process.conn.recv()
        except (EOFError, OSError):
            raise QueryFailed(500, "the query process ended unexpectedly (out of memory?)") \
                from None

    def _acquire(self, deadline: float) -> _Process:
        with self._lock:
            while not self._idle and self._busy + self._starting >= self.size:
                if not self._lock.wait(max(0.0, deadline - time.monotonic())):
                    raise QueryStopped("every query process stayed busy until the deadline")
            self._busy += 1
            process = self._idle.pop() if self._idle else None
        if process is None:
            process = _Process()
        self._keep_one_ready()
        return process

    def _release(self, process: _Process, reusable: bool) -> None:
        """Back to the idle list after a complete answer; killed otherwise (it may still
        be computing, or be half-way through sending)."""
        if reusable and process.process.is_alive():
            with self._lock:
                self._busy -= 1
                self._idle.append(process)
                self._lock.notify()
            return
        self._discard(process)

    def _discard(self, process: _Process) -> None:
        process.kill()
        with self._lock:
            self._busy -= 1
            self._lock.notify()
        self._keep_one_ready()

    def _keep_one_ready(self) -> None:
        with self._lock:
            if self._idle or self._starting or self._busy + self._starting >= self.size:
                return
            self._starting += 1
        threading.Thread(target=self._start_one, daemon=True).start()

    def _start_one(self) -> None:
        try:
            process = _Process()
        finally:
            with self._lock:
                self._starting -= 1
        with self._lock:
            self._idle.append(process)
            self._lock.notify()
