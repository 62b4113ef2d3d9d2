"""A strict RFC 8288 Link header parser (and RFC 9264 application/linkset, the same
syntax with line breaks between links): anything outside the grammar raises, where
requests' lenient ``parse_header_links`` would guess."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

_SPACE = re.compile(r"[ \t\r\n]*")
_TARGET = re.compile(r"<([^<>\s]*)>")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Link:
    href: str
    rel: str
    """One relation type: a link-value with ``rel="a b"`` gives two Links."""
    params: tuple[tuple[str, str], ...]

    def param(self, name: str) -> str | None:
        return dict(self.params).get(name)


def parse(text: str, base: str = "") -> list[Link]:
    """Every link in ``text``, its target resolved against ``base``; ValueError saying
    where the grammar breaks."""
    links, position = [], 0
    while True:
        position = _SPACE.match(text, position).end()
        target = _expect(_TARGET, text, position, "<URI-Reference>")
        params, position = _params(text, target.end())
        rels = params.get("rel")
        if not rels:
            raise ValueError(f"link to {target.group(1)} has no rel")
        flat = tuple(params.items())
        links += [Link(urljoin(base, target.group(1)), rel.lower(), flat)
                  for rel in rels.split()]
        position = _SPACE.match(text, position).end()
        if position == len(text):
            return links
        if text[position] != ",":
            raise ValueError(f"expected ',' at {position}: {text[position:position + 30]!r}")
        position += 1


def _params(text: str, position: int) -> tuple[dict[str, str], int]:
    """RFC 8288 section 3: a parameter given twice keeps its first value."""
    params: dict[str, str] = {}
    while True:
        after = _SPACE.match(text, position).end()
        if after == len(text) or text[after] != ";":
            return params, position
        name = _expect(_TOKEN, text, _SPACE.match(text, after + 1).end(), "parameter name")
        position = _SPACE.match(text, name.end()).end()
        value = ""
        if position < len(text) and text[position] == "=":
            start = _SPACE.match(text, position + 1).end()
            found = _QUOTED.match(text, start) or _expect(_TOKEN, text, start, "value")
            value = re.sub(r"\\(.)", r"\1", found.group(found.lastindex or 0))
            position = found.end()
        params.setdefault(name.group(0).lower(), value)


def _expect(pattern: re.Pattern, text: str, position: int, what: str) -> re.Match:
    found = pattern.match(text, position)
    if found is None:
        raise ValueError(f"expected {what} at {position}: {text[position:position + 30]!r}")
    return found
