"""Which resource and which fixed format a /doc/ or /def/ path names.

One parser for the Flask views and for the cache fast path, so both always agree.
Paths arrive percent-decoded (WSGI); identifiers are encoded again to form URIs.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ...formats import (
    BY_EXTENSION,
    DESCRIPTION_FORMATS,
    LINKSET_FORMATS,
    RECORD_FORMATS,
    RECORD_ONLY_BY_EXTENSION,
    Format,
)
from ...rdf.uris import Uris

KINDS = ("record", "agent")


class NotATarget(ValueError):
    """The path is under /doc/ or /def/ but names nothing that could exist."""


@dataclass(frozen=True)
class Target:
    subject: str
    path: str
    """The description's canonical path, without extension: ``doc/record/x``."""
    fixed: Format | None
    """The format an extension asked for; None means negotiate."""
    document: str | None
    """The document's URI for /doc/ paths; /def/ URIs are their own description."""
    offered: tuple[Format, ...] = DESCRIPTION_FORMATS
    """What it is served in: records are also cited (BibTeX, RIS, CSL-JSON) and in MARC."""
    record: str | None = None
    """The record's identifier, when it is a record's description (it has versions)."""


def parse_target(path: str, uris: Uris) -> Target | None:
    """None when ``path`` is not under /doc/ or /def/."""
    if path.startswith("/doc/"):
        kind, _, name = path[len("/doc/"):].partition("/")
        if kind not in KINDS or not name:
            raise NotATarget(f"there is no kind of document called {kind!r}; "
                             f"kinds: {', '.join(KINDS)}")
        identifier, fixed = split_extension(name)
        canonical = f"doc/{kind}/{quote(identifier, safe='')}"
        offered = RECORD_FORMATS if kind == "record" else DESCRIPTION_FORMATS
        _check_offered(canonical, fixed, offered)
        return Target(str(getattr(uris, kind)(identifier)), canonical, fixed,
                      uris.document(kind, identifier), offered,
                      identifier if kind == "record" else None)
    if path.startswith("/def/"):
        name, fixed = split_extension(path[len("/def/"):])
        parts = name.split("/")
        if len(parts) > 2 or not all(parts):
            raise NotATarget(f"/def/{name} names no scheme or concept")
        subject = uris.scheme(parts[0]) if len(parts) == 1 else uris.concept(*parts)
        canonical = "def/" + "/".join(quote(p, safe="") for p in parts)
        _check_offered(canonical, fixed, DESCRIPTION_FORMATS)
        return Target(str(subject), canonical, fixed, None)
    return None


def split_extension(name: str) -> tuple[str, Format | None]:
    linkset = next((f for f in LINKSET_FORMATS if name.endswith(f".{f.extension}")), None)
    if linkset is not None:  # its extension has a dot of its own
        return name[:-len(linkset.extension) - 1], linkset
    stem, dot, extension = name.rpartition(".")
    fmt = (BY_EXTENSION.get(extension) or RECORD_ONLY_BY_EXTENSION.get(extension)) if dot else None
    if fmt is None or fmt.dataset:
        return name, None
    return stem, fmt


def _check_offered(path: str, fixed: Format | None, offered: tuple[Format, ...]) -> None:
    """A citation or MARC extension on anything but a record names nothing: say what there
    is. Every description has its linksets."""
    if fixed is not None and fixed not in offered and fixed not in LINKSET_FORMATS:
        extensions = ", ".join(f".{f.extension}" for f in offered)
        raise NotATarget(f"/{path} has no {fixed.label}: only records are served as "
                         f"{fixed.label}; "
                         f"it is available as {extensions}")
