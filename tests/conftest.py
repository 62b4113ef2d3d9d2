from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ctlib.catalogue import Catalogue
from ctlib.config import load_config

from . import stores
from .chromium import CHROMIUM, FLAGS

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BASE = "http://localhost:8080/"


@pytest.fixture
def config(tmp_path):
    return load_config({
        "data_dir": tmp_path / "var",
        "vocab_dir": ROOT / "vocab",
        "shapes_dir": ROOT / "shapes",
        "source_dir": ROOT / "data",
        "workers": 1,
    }, environ={})


@pytest.fixture
def catalogue(config):
    return Catalogue(config)


@pytest.fixture(scope="session")
def shared_catalogue(tmp_path_factory):
    """One catalogue (vocabulary parsed once) for tests that only read it."""
    return Catalogue(load_config({
        "data_dir": tmp_path_factory.mktemp("var"),
        "vocab_dir": ROOT / "vocab",
        "shapes_dir": ROOT / "shapes",
        "workers": 1,
    }, environ={}))


def into_the_next_second() -> None:
    """Ingests state their time to the second (as OAI-PMH datestamps, sitemaps and
    modification times do); a test that tells one ingest's records from another's needs
    them in different seconds, and a small ingest can take less than one."""
    time.sleep(1 - time.time() % 1 + 0.01)


def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment for running the `ctlib` command against a private data directory."""
    import os
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTLIB_")}
    env.update({
        "CTLIB_DATA_DIR": str(tmp_path / "var"),
        "CTLIB_VOCAB_DIR": str(ROOT / "vocab"),
        "CTLIB_SHAPES_DIR": str(ROOT / "shapes"),
        "CTLIB_SOURCE_DIR": str(ROOT / "data"),
    })
    env.update(stores.settings(tmp_path))
    return env


CTLIB = [sys.executable, "-m", "ctlib.cli"]


def run(tmp_path: Path, *args: str | Path, check_code: int | None = 0,
        env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The `ctlib` command in ``tmp_path`` (its data directory: cli_env), its exit code
    checked unless ``check_code`` is None. Output that is not UTF-8 is kept as it came
    (surrogate escapes), for tests that show what a terminal would get."""
    result = subprocess.run([*CTLIB, *map(str, args)], cwd=tmp_path,
                            env=env or cli_env(tmp_path), capture_output=True, text=True,
                            errors="surrogateescape", timeout=timeout)
    if check_code is not None:
        assert result.returncode == check_code, result.stderr
    return result


END_TO_END = ("cli_env(", "running_server(", "serving(")


def pytest_collection_modifyitems(items):
    """Tests of modules that run the `ctlib` command or server are end-to-end (``-m
    e2e``): the ones run again against a remote store (tests/stores.py)."""
    for item in items:
        source = Path(item.fspath).read_text()
        if any(marker in source for marker in END_TO_END):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _one_store_per_test():
    """A remote store started for a test is stopped after it (a module's stays on)."""
    before = stores.started()
    yield
    stores.stop(stores.started() - before)


@pytest.fixture(autouse=True, scope="session")
def _no_store_left():
    yield
    stores.stop(stores.started())


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for a module of tests (see chromium.py)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()
