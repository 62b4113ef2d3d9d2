"""Imports only point down: every package of ``src/ctlib`` has a place in LAYERS, and a
module imports only from its own package or from packages of lower layers (docs/code.md).
Function-level imports count too: a lazy import is still a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src"

LAYERS = (
    ("ctlib", "ctlib.config", "ctlib.formats"),
    ("ctlib.records",),
    ("ctlib.rdf",),
    ("ctlib.sparql_cache", "ctlib.registry", "ctlib.dumps", "ctlib.describe", "ctlib.search"),
    ("ctlib.validation", "ctlib.store", "ctlib.dataset", "ctlib.history"),
    ("ctlib.checking", "ctlib.published", "ctlib.sparql"),
    ("ctlib.catalogue", "ctlib.oai"),
    ("ctlib.publish",),
    ("ctlib.ingest", "ctlib.export", "ctlib.stats"),
    ("ctlib.web.core",),
    ("ctlib.web.descriptions",),
    ("ctlib.web.harvest",),
    ("ctlib.web.discovery", "ctlib.web.reconcile"),
    ("ctlib.web.people", "ctlib.web.sparql"),
    ("ctlib.web",),
    ("ctlib.cli",),
)
"""Lowest first. Packages in one layer are peers: neither imports the other."""

LAYER_OF = {unit: n for n, layer in enumerate(LAYERS) for unit in layer}


def module_name(path: Path, source: Path = SOURCE) -> str:
    parts = path.relative_to(source).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str, source: Path = SOURCE) -> bool:
    path = source.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imported(path: Path, source: Path = SOURCE) -> set[str]:
    """The ctlib modules (or packages) a source file imports, as absolute names."""
    name = module_name(path, source)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + [node.module or ""])
            else:
                base = node.module or ""
            base = base.rstrip(".")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names
                         if is_module(f"{base}.{alias.name}", source))
    return {name for name in found if name == "ctlib" or name.startswith("ctlib.")}


def unit_of(name: str) -> str:
    """The most specific entry of LAYERS that ``name`` is, or is inside of."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in LAYER_OF:
            return candidate
    raise AssertionError(f"{name} has no place in LAYERS: add it to tests/test_layers.py "
                         "and to the code map in docs/code.md")


def upward_imports(source: Path = SOURCE) -> list[str]:
    wrong = []
    for path in sorted((source / "ctlib").rglob("*.py")):
        importer = unit_of(module_name(path, source))
        for name in sorted(imported(path, source)):
            target = unit_of(name)
            if target == importer:
                continue
            if LAYER_OF[target] >= LAYER_OF[importer]:
                how = "a peer" if LAYER_OF[target] == LAYER_OF[importer] else "a higher layer"
                wrong.append(f"{path.relative_to(source)} imports {name}, {how} "
                             f"({target} is not below {importer})")
    return wrong


def test_every_package_has_a_layer():
    for path in (SOURCE / "ctlib").rglob("*.py"):
        unit_of(module_name(path))


def test_imports_only_point_down():
    assert upward_imports() == []


def test_every_layer_entry_exists():
    assert [unit for unit in LAYER_OF if not is_module(unit)] == []


@pytest.mark.parametrize("line, expected", [
    ("from ..web.core.errors import NotFound", "imports ctlib.web.core.errors, a higher layer"),
    ("from ..store import Source", "imports ctlib.store, a peer"),
    ("from . import ntriples", None),
])
def test_an_upward_import_is_found(tmp_path, line, expected):
    """The check itself, on a copy of the tree with one import added inside a function:
    to ``rdf/uris.py`` (web is above rdf), or to ``dataset/facts.py`` (store is its peer)."""
    copy = tmp_path / "src"
    for path in (SOURCE / "ctlib").rglob("*.py"):
        target = copy / path.relative_to(SOURCE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    module = copy / "ctlib" / ("dataset/facts.py" if "store" in line else "rdf/uris.py")
    module.write_text(module.read_text(encoding="utf-8") + f"\n\ndef _late():\n    {line}\n",
                      encoding="utf-8")
    found = upward_imports(copy)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and expected in found[0]
