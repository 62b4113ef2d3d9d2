"""The one table of formats: name, media type, file extension, serializer.

Everything that names a format (CLI options, file extensions, the web layer's
content negotiation and its Link headers) looks it up here.
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
    rdf_format: RdfFormat | None
    """None for HTML and for SPARQL results, which are not RDF."""
    label: str
    dataset: bool = False
    """Carries named graphs (N-Quads, TriG)."""
    aliases: tuple[str, ...] = ()
    """Other media types that ask for this format."""
    names: tuple[str, ...] = ()
    """Other words clients put in a ``format`` parameter for it (SPARQLWrapper's, say)."""
    binary: bool = False
    """Bytes rather than text: its media type takes no charset."""

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)

    def is_named(self, word: str) -> bool:
        """``word`` (a format parameter's value) asks for this format."""
        word = word.strip().lower()
        return word in (self.name, self.extension, *self.names, *self.media_types)

    @property
    def content_type(self) -> str:
        return self.media_type if self.binary else f"{self.media_type}; charset=utf-8"


FORMATS: tuple[Format, ...] = (
    Format("ttl", "text/turtle", "ttl", RdfFormat.TURTLE, "Turtle",
           aliases=("application/turtle", "application/x-turtle"), names=("turtle",)),
    Format("jsonld", "application/ld+json", "jsonld", RdfFormat.JSON_LD, "JSON-LD",
           aliases=("application/json",), names=("json-ld", "json")),
    Format("rdf", "application/rdf+xml", "rdf", RdfFormat.RDF_XML, "RDF/XML",
           names=("rdf+xml", "rdfxml", "xml")),
    Format("nt", "application/n-triples", "nt", RdfFormat.N_TRIPLES, "N-Triples",
           names=("n-triples", "ntriples")),
    Format("html", "text/html", "html", None, "HTML", aliases=("application/xhtml+xml",)),
    Format("nq", "application/n-quads", "nq", RdfFormat.N_QUADS, "N-Quads", dataset=True),
    Format("trig", "application/trig", "trig", RdfFormat.TRIG, "TriG", dataset=True),
)
"""In order of preference when a client accepts several equally: Turtle first, since
a request with no Accept header (curl, harvesters) gets the first; HTML last, since
browsers ask for it by name."""

BY_NAME = {f.name: f for f in FORMATS}
DESCRIPTION_FORMATS = tuple(f for f in FORMATS if not f.dataset)
"""What one resource's description is served in."""
BY_EXTENSION = {f.extension: f for f in FORMATS} | {"owl": BY_NAME["rdf"], "xml": BY_NAME["rdf"],
                                                     "json": BY_NAME["jsonld"]}

CITATION_FORMATS: tuple[Format, ...] = (
    Format("bibtex", "application/x-bibtex", "bib", None, "BibTeX"),
    Format("ris", "application/x-research-info-systems", "ris", None, "RIS"),
    Format("csljson", "application/vnd.citationstyles.csl+json", "csljson", None, "CSL-JSON"),
)
"""A record cited for reference managers (web/descriptions/citations.py writes them). Kept out of
FORMATS and BY_EXTENSION: they are no RDF, and only records have them; ``.csljson``
because ``.json`` already asks for JSON-LD."""
MARC_FORMATS: tuple[Format, ...] = (
    Format("marc", "application/marc", "mrc", None, "MARC 21", binary=True),
    Format("marcxml", "application/marcxml+xml", "marcxml", None, "MARCXML"),
)
"""A record for library catalogues (oai/marc.py writes it), in ISO 2709 and in XML
(RFC 2220, RFC 6207). ISO 2709 is binary: its leader says it is UTF-8."""
RECORD_ONLY_FORMATS = CITATION_FORMATS + MARC_FORMATS
"""What only records are served in."""
RECORD_FORMATS = DESCRIPTION_FORMATS + RECORD_ONLY_FORMATS
"""What a record's description is served in: after the RDF and HTML, so ``*/*`` still
gets Turtle."""
RECORD_ONLY_BY_EXTENSION = {f.extension: f for f in RECORD_ONLY_FORMATS}

LINKSET_FORMATS: tuple[Format, ...] = (
    Format("linkset", "application/linkset", "linkset", None, "Linkset"),
    Format("linkset-json", "application/linkset+json", "linkset.json", None, "Linkset JSON"),
)
"""The FAIR Signposting links of a description as a resource of their own (RFC 9264;
web/descriptions/signposting.py writes them): asked for by extension only, never
negotiated, since the description's every format carries the same links."""

RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "srj", None, "SPARQL JSON",
           aliases=("application/json",)),
    Format("xml", "application/sparql-results+xml", "srx", None, "SPARQL XML",
           aliases=("application/xml", "text/xml")),
    Format("csv", "text/csv", "csv", None, "CSV"),
    Format("tsv", "text/tab-separated-values", "tsv", None, "TSV"),
    BY_NAME["html"],
)
"""SELECT and ASK results; JSON first, for ``*/*``."""

QUERY_RESULT_FORMATS: dict[str, tuple[Format, ...]] = {
    "solutions": RESULT_FORMATS, "boolean": RESULT_FORMATS, "graph": DESCRIPTION_FORMATS,
}
"""What each kind of query result is served in: CONSTRUCT and DESCRIBE give graphs."""


def query_result_format(kind: str, name: str) -> Format:
    return next(f for f in QUERY_RESULT_FORMATS[kind] if f.name == name)


def for_path(path: Path) -> Format:
    """The format a file's extension names; ValueError listing the known ones if none."""
    extension = Path(path).suffix.lower().lstrip(".")
    try:
        return BY_EXTENSION[extension]
    except KeyError:
        known = ", ".join(sorted(BY_EXTENSION))
        raise ValueError(f"{path}: cannot tell the RDF format from {extension or 'no extension'!r}; "
                         f"known extensions: {known}") from None

SEARCH_JSON = Format("json", "application/json", "json", None, "JSON")
"""Search results as plain JSON (docs/search.md), not JSON-LD: what a script expects."""
SEARCH_CSV = Format("csv", "text/csv", "csv", None, "CSV")
"""Search results as a table: every hit (up to a limit), one row each."""
SEARCH_FORMATS: tuple[Format, ...] = (
    SEARCH_JSON, *(f for f in DESCRIPTION_FORMATS if f.rdf_format is not None), SEARCH_CSV,
    *(f for f in CITATION_FORMATS if f.name in ("bibtex", "ris")), BY_NAME["html"])
"""What /search answers in: JSON for ``*/*`` and ``application/json``, the matching
records as a Hydra collection in every RDF format, all of them as CSV, the page's
records as citations, HTML for browsers."""
