"""The one place where ctlib mints URIs and identifiers.

Every URI is the configured base followed by a path from the URL space in
docs/identifiers.md: ``id/record/{id}``, ``id/agent/{id}``, ``def/{scheme}``,
``def/{scheme}/{concept}``, ``graph/{name}``. Identifiers are percent-encoded when
they become part of a URI, so any identifier a source gives is safe.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote, unquote

from rdflib import URIRef

SLUG_MAX = 60
HASH_LENGTH = 6


def fold(text: str) -> str:
    """Casefolded, accents stripped, whitespace collapsed: for comparing human text."""
    if text.isascii():
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def slugify(text: str, limit: int = SLUG_MAX) -> str:
    """Lowercase words of ``text`` joined by '-', cut at a word boundary within ``limit``."""
    words = re.findall(r"\w+", fold(text).replace("_", " "))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or "-".join(words)[:limit]


def record_id(title: str, year: str | None) -> str:
    """Identifier of a record whose source gives none.

    The title's slug (readable) plus six hex digits of a SHA-1 over the folded title
    and the year (collision-safe: two records share an identifier only if they have
    the same title and year, which ingest reports as a duplicate). It depends on
    nothing but the record, so re-ingesting the same data gives the same identifiers.
    """
    key = f"{fold(title)}|{(year or '').strip()}"
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:HASH_LENGTH]
    slug = slugify(title)
    return f"{slug}-{digest}" if slug else digest


@lru_cache(maxsize=65536)
def agent_id(name: str) -> str:
    """One agent per distinct name: names that differ only in case, accents or
    punctuation ("Department Of Migration Management") are the same agent."""
    return slugify(name, limit=200)


class Uris:
    """URIs under one base. ``Uris(base).record("x")`` -> ``{base}id/record/x``."""

    def __init__(self, base: str):
        self.base = base if base.endswith("/") else base + "/"

    def _mint(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(quote(part, safe="") for part in parts))

    def record(self, identifier: str) -> URIRef:
        return self._mint("id", "record", identifier)

    def agent(self, identifier: str) -> URIRef:
        return self._mint("id", "agent", identifier)

    def scheme(self, name: str) -> URIRef:
        return self._mint("def", name)

    def concept(self, scheme: str, name: str) -> URIRef:
        return self._mint("def", scheme, name)

    def document(self, kind: str, identifier: str) -> str:
        """The document that describes ``id/{kind}/{identifier}``: ``{base}doc/{kind}/...``."""
        return str(self._mint("doc", kind, identifier))

    @property
    def dataset(self) -> str:
        """The dataset as a whole, as VoID, DCAT and every description name it."""
        return self.base + ".well-known/void#dataset"

    def graph(self, *name: str) -> URIRef:
        return self._mint("graph", *name)

    def shape(self, name: str) -> URIRef:
        """A shape, or one of ctlib's own terms in the shapes (``shape:`` in shapes/)."""
        return self._mint("shapes", name)

    def scheme_name(self, scheme: URIRef) -> str | None:
        """``{base}def/regions`` -> ``regions``; None for anything else."""
        prefix = self.base + "def/"
        rest = str(scheme)[len(prefix):] if str(scheme).startswith(prefix) else ""
        return unquote(rest) if rest and "/" not in rest else None

    def identifier(self, kind: str, uri: str) -> str | None:
        """The identifier of an ``id/{kind}/...`` URI, decoded; None if it is not one."""
        prefix = f"{self.base}id/{kind}/"
        rest = uri[len(prefix):] if uri.startswith(prefix) else ""
        return unquote(rest) if rest and "/" not in rest else None
