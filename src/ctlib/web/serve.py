"""Running the app under granian, the production WSGI server.

granian reads requests and writes responses in Rust, outside the Python threads: a
client that sends its headers slowly, or never, holds no thread at all, and one that
sends its body or reads its response slowly holds one of many threads that wait
without the GIL. Measured against gunicorn's threads (which 26 slow clients filled)
and its gevent workers (whose monkey-patching breaks the SPARQL query processes) in
bench/RESULTS.md, "Slow clients".
"""

from __future__ import annotations

import logging
from functools import partial

from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.server import Server as Granian

from ..config import Config
from ..sparql.lifeline import die_with_parent

THREADS = 256
"""Python threads per worker that run requests. A thread waiting on a slow client (a
POST body, a dump read slowly) waits without the GIL, so many cost little; the
machine's cores, not this number, bound how many requests compute at once."""
HEADER_SECONDS = 30
"""A client has this long to send all of its request's headers."""
STOP_SECONDS = 30
"""On SIGTERM, requests still running (a long download) have this long to finish."""
REQUEST_BYTES = 64 << 10
"""The most a request's line and headers may hold together (431 above): room for a
SPARQL query of some KiB in a GET URL (the query page POSTs longer ones)."""


def serve(config: Config, host: str, port: int, workers: int, access_log: bool = False) -> None:
    server = Granian(
        "ctlib.web:create_app", address=host, port=port, interface=Interfaces.WSGI,
        workers=workers, blocking_threads=THREADS, websockets=False, log_access=access_log,
        log_dictconfig=_logging(), respawn_failed_workers=True,
        workers_kill_timeout=STOP_SECONDS,
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_SECONDS * 1000,
                                     max_buffer_size=REQUEST_BYTES))
    # the loader runs in each worker: the app and its query processes belong to it
    server.serve(target_loader=partial(_application, config), wrap_loader=False)


def _application(config: Config):
    from . import create_app
    # a worker whose server was killed (kill -9) would go on holding the port
    die_with_parent()
    app = create_app(config)
    app.extensions["ctlib"].query_pool.start()  # ready before the first query comes
    return app


class _ThreadsAreMeant(logging.Filter):
    """granian warns at start when a worker may run more threads than the machine has
    cores: THREADS is that high on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Python threads" not in record.getMessage()


def _logging() -> dict:
    """granian's log configuration, plus ctlib's own loggers at INFO on stderr (the
    app's errors go there too, through Flask's handler)."""
    return {"filters": {"threads_are_meant": {"()": _ThreadsAreMeant}},
            "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "generic",
                                     "filters": ["threads_are_meant"],
                                     "stream": "ext://sys.stderr"},
                         "access": {"class": "logging.StreamHandler", "formatter": "access",
                                    "stream": "ext://sys.stdout"}},
            "loggers": {"_granian": {"handlers": ["console"], "level": logging.INFO,
                                     "propagate": False},
                        "granian.access": {"handlers": ["access"], "level": logging.INFO,
                                           "propagate": False},
                        "ctlib": {"handlers": ["console"], "level": logging.INFO,
                                  "propagate": False}}}
