"""What the server benchmarks share (bench/deref.py, bench/sparql.py): a generated and
ingested catalogue, servers started in their own process group and stopped again,
CPU accounting from /proc, and a description of the code and machine measured."""

from __future__ import annotations

import http.client
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from proctree import process_tree  # bench/ is the script directory
from verdicts import keyed

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
CTLIB = VENV / "ctlib"
PYTHON = VENV / "python"
OXIGRAPH = VENV / "oxigraph"
CATALOGUES = ROOT / "bench" / "out" / "catalogues"
"""Generated catalogues, one per size and seed, reused by later runs of the same code."""
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------- processes


def start(command: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    """A server in a new session (its own process group), output to ``log_path``."""
    handle = open(log_path, "ab")
    try:
        return subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    finally:
        handle.close()


def stop(process: subprocess.Popen | None) -> None:
    """SIGTERM to the process group this script started, SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def fetch(port: int, path: str, accept: str, timeout: float = 10) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_ready(port: int, path: str, process: subprocess.Popen, log_path: Path,
               timeout: float = 60) -> None:
    """Until GET ``path`` answers below 500; raises if the server exits or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited ({process.returncode}): "
                               f"{log_path.read_text(errors='replace')[-2000:]}")
        try:
            status, _ = fetch(port, path, "*/*", timeout=2)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} not ready after {timeout:.0f} s")


def cpu_by_process(root: int) -> dict[int, float]:
    """utime + stime of ``root`` and of each of its live descendants, in seconds."""
    found = {}
    for pid in process_tree(root):
        try:
            stat = Path(f"/proc/{pid}/stat").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2:].split()
        found[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return found


def cpu_seconds(root: int) -> float:
    return sum(cpu_by_process(root).values())


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (not idle, not waiting for I/O)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLK_TCK


def rss_bytes(root: int) -> int:
    """Resident memory of ``root`` and its descendants, summed (shared pages counted
    in each process that maps them)."""
    total = 0
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
    return total


def threads_of(root: int) -> int:
    """Threads of ``root`` and its descendants."""
    total = 0
    for pid in process_tree(root):
        try:
            total += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            pass
    return total


def find_pyspy() -> str | None:
    """py-spy on PATH or in /tmp/pyspy (`pip install --target /tmp/pyspy py-spy`)."""
    if found := shutil.which("py-spy"):
        return found
    return "/tmp/pyspy/bin/py-spy" if Path("/tmp/pyspy/bin/py-spy").exists() else None


# ---------------------------------------------------------------------- catalogues


def catalogue_file(records: int, seed: int) -> Path:
    """bench/generate.py's catalogue of ``records`` records, generated once per seed
    and code version."""
    path = keyed(CATALOGUES) / f"{records}-seed{seed}" / "catalogue.txt"
    if path.exists():
        log(f"reusing {path.relative_to(ROOT)}")
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.txt")
    start_time = time.perf_counter()
    subprocess.run([str(PYTHON), str(ROOT / "bench" / "generate.py"), str(records),
                    "--seed", str(seed), "-o", str(partial)], check=True, timeout=900)
    partial.rename(path)
    log(f"generated {records:,} records in {time.perf_counter() - start_time:.1f} s: "
        f"{path.relative_to(ROOT)}")
    return path


def ctlib_env(data_dir: Path, base: str) -> dict:
    """This process's environment without CTLIB_* settings, then the catalogue's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTLIB_")}
    env.update({"CTLIB_DATA_DIR": str(data_dir), "CTLIB_BASE_URI": base,
                "CTLIB_VOCAB_DIR": str(ROOT / "vocab"), "CTLIB_SHAPES_DIR": str(ROOT / "shapes")})
    return env


def ingest(path: Path, env: dict, timeout: float) -> float:
    """`ctlib ingest -q PATH` with ``env``; returns its wall time. A generated catalogue
    has no record to reject: any exit but 0 is a failed run, and raises."""
    start_time = time.perf_counter()
    process = subprocess.run([str(CTLIB), "ingest", "-q", str(path)], env=env,
                             capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - start_time
    summary = next((line for line in process.stderr.splitlines() if "records read" in line),
                   process.stderr.strip()[-500:])
    log(f"ingest: {seconds:.1f} s, exit {process.returncode}: {summary}")
    if process.returncode != 0:
        raise RuntimeError(f"ingest failed (exit {process.returncode}): {process.stderr[-2000:]}")
    return seconds


def record_uris(store_path: Path, base: str) -> list[str]:
    """The published records' URIs under ``base`` in a generation's store, sorted."""
    import pyoxigraph as ox
    store = ox.Store.read_only(str(store_path))
    try:
        query = ("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a "
                 "<http://purl.org/dc/terms/BibliographicResource> } FILTER NOT EXISTS "
                 "{ GRAPH ?g2 { ?s <http://www.w3.org/ns/prov#invalidatedAtTime> ?w } } }")
        uris = sorted(row["s"].value for row in store.query(query))
    finally:
        del store
    prefix = base + "id/record/"
    return [u for u in uris if u.startswith(prefix)]


# -------------------------------------------------------------------- description


def code_version() -> str:
    """The commit measured, and whether src/ had uncommitted changes."""
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip() or "?"
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"],
                           capture_output=True, text=True).stdout.strip()
    return f"commit {head}" + (" + uncommitted changes in src/" if dirty else "")


def machine_description() -> str:
    load_avg = os.getloadavg()
    return (f"{os.cpu_count()} CPUs ({platform.machine()}), "
            f"{os.sysconf('SC_PHYS_PAGES') * PAGE / 2**30:.0f} GiB RAM, "
            f"Python {platform.python_version()}, {platform.platform()}; load average now "
            f"{load_avg[0]:.2f}")


def oxigraph_version(binary: Path = OXIGRAPH) -> str:
    try:
        return subprocess.run([str(binary), "--version"], capture_output=True, text=True,
                              timeout=10).stdout.strip().split()[-1]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"
