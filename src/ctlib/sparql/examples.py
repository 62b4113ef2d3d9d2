"""The example queries shown on the query page, one ``.rq`` file each in
``examples/``; the first comment line is the title, the following ones the
description. They use the prefixes of ``prologue(base)``, which the query page
preloads: the catalogue's own namespaces depend on the configured base URI."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..rdf.namespaces import PREFIXES

EXAMPLES_DIR = Path(__file__).parent / "examples"


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    description: str
    query: str


@lru_cache(maxsize=1)
def examples() -> tuple[Example, ...]:
    return tuple(_read(path) for path in sorted(EXAMPLES_DIR.glob("*.rq")))


def _read(path: Path) -> Example:
    text = path.read_text(encoding="utf-8")
    comments = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comments.append(line.lstrip("#").strip())
    title = comments[0] if comments else path.stem
    return Example(path.stem.split("-", 1)[-1], title, " ".join(comments[1:]).strip(), text)


@lru_cache(maxsize=8)
def prefixes(base: str) -> dict[str, str]:
    """The vocabularies' prefixes and the catalogue's own under ``base`` (built once per
    base: every query is sent with them; callers must not change the dict)."""
    return {**PREFIXES, "sd": "http://www.w3.org/ns/sparql-service-description#",
            "record": f"{base}id/record/", "agent": f"{base}id/agent/",
            "scheme": f"{base}def/", "regions": f"{base}def/regions/",
            "countries": f"{base}def/countries/", "categories": f"{base}def/categories/"}


def prologue(base: str) -> str:
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes(base).items())


def runnable(example: Example, base: str) -> str:
    """The example as the store takes it: the prologue, then the query."""
    return prologue(base) + "\n" + example.query
