"""What the "not found" page of a description suggests: the published records, schemes
or concepts whose identifiers are closest to the one asked for (``published.nearby``)."""

from __future__ import annotations

from urllib.parse import quote, unquote

from ...published.nearby import Near, NearbyIdentifiers
from ...published.snapshot import Snapshot
from ..core.errors import Suggestion
from .paths import Target

RECORDS = "doc/record/"
CONCEPTS = "def/"


def suggestions(nearby: NearbyIdentifiers, snapshot: Snapshot, target: Target) -> list[Suggestion]:
    """Records for a /doc/record/ path, schemes and concepts for a /def/ path, nothing
    for anything else."""
    if target.path.startswith(RECORDS):
        asked = unquote(target.path[len(RECORDS):])
        return [_link(RECORDS + quote(near.identifier, safe=""), near)
                for near in nearby.records(snapshot, asked)]
    if target.path.startswith(CONCEPTS):
        asked = unquote(target.path[len(CONCEPTS):])
        return [_link(CONCEPTS + "/".join(quote(part, safe="")
                                          for part in near.identifier.split("/")), near)
                for near in nearby.concepts(snapshot, asked)]
    return []


def _link(path: str, near: Near) -> Suggestion:
    return Suggestion("/" + path, near.label or near.identifier, near.identifier,
                      near.language if near.label else None)
