"""The example queries shown on the query page, one ``.rq`` file each in
``examples/``; the first comment line is the title, the following ones the
description; ``# parameter`` lines declare its parameters (``sparql.parameters``), each
the variable of that name, bound to its default here and to a request's value at
/query/{name}. They use the prefixes of ``prologue(base)``, which the query page
preloads: the catalogue's own namespaces depend on the configured base URI."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..rdf.namespaces import PREFIXES
from .parameters import Parameter, bind, declared

EXAMPLES_DIR = Path(__file__).parent / "examples"


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    description: str
    text: str
    """The query as written, its parameters' variables unbound, without the header."""
    parameters: tuple[Parameter, ...] = ()

    @property
    def query(self) -> str:
        """The title and description comments, then the query with every parameter at
        its default."""
        return self.bound({}, prefixes(""))  # defaults are keys: no base needed

    def bound(self, values: dict[str, str], namespaces: dict[str, str]) -> str:
        """The query with each parameter bound to its value in ``values`` or its default
        (a ParameterError names a value that is not one of its parameter's)."""
        terms = {p.name: p.term(values.get(p.name, p.default), namespaces)
                 for p in self.parameters}
        return bind(self.text, terms)


@lru_cache(maxsize=1)
def examples() -> tuple[Example, ...]:
    return tuple(_read(path) for path in sorted(EXAMPLES_DIR.glob("*.rq")))


def _read(path: Path) -> Example:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    comments, parameters, header = [], [], 0
    for line in lines:
        if not line.startswith("#"):
            break
        header += 1
        parameter = declared(line.rstrip("\r\n"))
        if parameter is not None:
            parameters.append(parameter)
        else:
            comments.append(line.lstrip("#").strip())
    title = comments[0] if comments else path.stem
    text = "".join(line for line in lines[:header] if declared(line.rstrip("\r\n")) is None)
    return Example(path.stem.split("-", 1)[-1], title, " ".join(comments[1:]).strip(),
                   text + "".join(lines[header:]), tuple(parameters))


def named(name: str) -> Example | None:
    return next((e for e in examples() if e.name == name), None)


@lru_cache(maxsize=8)
def prefixes(base: str) -> dict[str, str]:
    """The vocabularies' prefixes and the catalogue's own under ``base`` (built once per
    base: every query is sent with them; callers must not change the dict)."""
    return {**PREFIXES, "sd": "http://www.w3.org/ns/sparql-service-description#",
            "record": f"{base}id/record/", "agent": f"{base}id/agent/",
            "scheme": f"{base}def/", "regions": f"{base}def/regions/",
            "countries": f"{base}def/countries/", "categories": f"{base}def/categories/",
            "stats": f"{base}graph/statistics#"}


def prologue(base: str) -> str:
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes(base).items())


def runnable(example: Example, base: str) -> str:
    """The example as the store takes it: the prologue, then the query."""
    return prologue(base) + "\n" + example.query
