"""Killing a real `ctlib` command at an exact point of its work, as `kill -9` would.

The command runs with one function wrapped: when it is called (the ``nth`` time with
arguments whose text holds ``needle``), the wrapper leaves a marker file and sends
SIGKILL to the command's process group (its checking workers die with it). The marker
proves that the command got to the point before it died; nothing in ctlib itself knows
about any of this."""

from __future__ import annotations

import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .conftest import cli_env

KILLER = """
import importlib, os, runpy, signal, sys
module, attribute, needle, nth, marker = sys.argv[1:6]
del sys.argv[1:6]
if os.getpgid(0) != os.getpid():
    sys.exit("killing.py: not the leader of a process group of its own; not killing it")
*path, name = attribute.split(".")
owner = importlib.import_module(module)
for part in path:
    owner = getattr(owner, part)
original = getattr(owner, name)
calls = 0

def killing(*args, **kwargs):
    global calls
    if needle in repr(args):
        calls += 1
        if calls == int(nth):
            open(marker, "w").close()
            os.killpg(0, signal.SIGKILL)
    return original(*args, **kwargs)

setattr(owner, name, killing)
sys.argv[0] = "ctlib"
runpy.run_module("ctlib.cli", run_name="__main__")
"""


@dataclass(frozen=True)
class KillPoint:
    module: str
    attribute: str
    """A function of ``module``, or a method as ``Class.method``."""
    needle: str = ""
    nth: int = 1


def run_killed(tmp_path: Path, point: KillPoint, *args: str,
               env: dict[str, str] | None = None) -> None:
    """Run `ctlib ARGS` in ``tmp_path`` and kill it at ``point``; fails the test if the
    command ended any other way."""
    marker = tmp_path / "killed"
    marker.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-c", KILLER, point.module, point.attribute,
                           point.needle, str(point.nth), str(marker), *args], cwd=tmp_path,
                          env=env or cli_env(tmp_path), capture_output=True, text=True,
                          timeout=300, start_new_session=True)
    assert done.returncode == -signal.SIGKILL and marker.exists(), \
        f"ctlib {' '.join(args)} was not killed at {point} (exit {done.returncode}):\n" \
        f"{done.stderr}"
