"""The one table of RDF formats: name, media type, file extension, serializer.

Everything that names a format (CLI options, file extensions, and later the web
layer's content negotiation) looks it up here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    rdf_format: RdfFormat
    dataset: bool = False
    """Carries named graphs (N-Quads, TriG)."""


FORMATS: tuple[Format, ...] = (
    Format("ttl", "text/turtle", "ttl", RdfFormat.TURTLE),
    Format("nt", "application/n-triples", "nt", RdfFormat.N_TRIPLES),
    Format("jsonld", "application/ld+json", "jsonld", RdfFormat.JSON_LD),
    Format("rdf", "application/rdf+xml", "rdf", RdfFormat.RDF_XML),
    Format("nq", "application/n-quads", "nq", RdfFormat.N_QUADS, dataset=True),
    Format("trig", "application/trig", "trig", RdfFormat.TRIG, dataset=True),
)

BY_NAME = {f.name: f for f in FORMATS}
BY_EXTENSION = {f.extension: f for f in FORMATS} | {"owl": BY_NAME["rdf"], "xml": BY_NAME["rdf"],
                                                     "json": BY_NAME["jsonld"]}


def for_path(path: Path) -> Format:
    """The format a file's extension names; ValueError listing the known ones if none."""
    extension = Path(path).suffix.lower().lstrip(".")
    try:
        return BY_EXTENSION[extension]
    except KeyError:
        known = ", ".join(sorted(BY_EXTENSION))
        raise ValueError(f"{path}: cannot tell the RDF format from {extension or 'no extension'!r}; "
                         f"known extensions: {known}") from None
