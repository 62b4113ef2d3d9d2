"""Processes that end with the process that started them: a web worker with `ctlib
serve`, a fork server with its web worker, a query process with its fork server.

A process killed with SIGKILL (by the OOM killer, say) runs no cleanup: its children
would go on without it, a web worker holding the port, a query computing with nobody
to stop it at its deadline. Linux's parent-death signal kills them instead.
"""

from __future__ import annotations

import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def die_with_parent() -> None:
    """SIGKILL this process when the thread that started it ends (the kernel sends it,
    so it arrives whatever this process is busy with)."""
    if _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"prctl(PR_SET_PDEATHSIG): {os.strerror(error)}")
