"""Processes that end with the process that started them.

A web worker killed with SIGKILL (by the OOM killer, say) runs no cleanup: its fork
server and query processes would go on without it, a query computing with nobody to
stop it at its deadline. Linux's parent-death signal kills them instead.
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
