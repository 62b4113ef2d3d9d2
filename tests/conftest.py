from __future__ import annotations

from pathlib import Path

import pytest

from ctlib.catalogue import Catalogue
from ctlib.config import load_config

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
    return env
