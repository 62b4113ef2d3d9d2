"""Content negotiation over the format table (RFC 9110, section 12.5.1).

A missing Accept header, or one that names nothing more specific than ``*/*``,
gets the first format offered (Turtle: what curl and harvesters want). Browsers
name ``text/html`` explicitly and get HTML. ``q=0`` refuses a type. An Accept
header that matches nothing gets None: the caller answers 406.

A language is negotiated from Accept-Language the same way (``negotiate_language``,
for web/core/languages.py), but never refused: an unmatched header gets the default.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

from werkzeug.datastructures import LanguageAccept, MIMEAccept
from werkzeug.http import parse_accept_header

from ...formats import Format


# Clients send a few Accept headers over and over; a SPARQL request negotiates four
# times. Remembered, the answer costs 0.6 µs instead of 6 (bench/RESULTS.md).
@lru_cache(maxsize=1024)
def negotiate(accept_header: str | None, offered: tuple[Format, ...]) -> Format | None:
    accept = parse_accept_header(accept_header or "", MIMEAccept)
    if not accept:
        return offered[0]
    ranges = [(value.split(";")[0].strip().lower(), quality) for value, quality in accept]
    best, best_key = None, None
    for position, fmt in enumerate(offered):
        quality, specificity = _quality(ranges, fmt)
        if quality <= 0:
            continue
        key = (quality, specificity, -position)
        if best_key is None or key > best_key:
            best, best_key = fmt, key
    return best


def _quality(ranges: list[tuple[str, float]], fmt: Format) -> tuple[float, int]:
    """The quality the client gives ``fmt`` and how specific the range that says so is.
    The most specific range decides: ``text/turtle;q=0, */*`` refuses Turtle."""
    specificity, quality = -1, 0.0
    for media_range, given in ranges:
        found = _specificity(media_range, fmt)
        if found > specificity or found == specificity and given > quality:
            specificity, quality = found, given
    return (quality, specificity) if specificity >= 0 else (0.0, -1)


def _specificity(media_range: str, fmt: Format) -> int:
    """2 when ``media_range`` names one of ``fmt``'s media types, 1 (``type/*``) or 0
    (``*/*``) when it covers the one ``fmt`` is served as, -1 when it does not match.
    An alias counts only by name: ``application/*`` covers no Turtle, which is served as
    text/turtle whatever name asked for it."""
    if media_range in fmt.media_types:
        return 2
    if media_range == fmt.media_type.split("/")[0] + "/*":
        return 1
    return 0 if media_range == "*/*" else -1


def negotiate_language(accept_language: str | None, available: Collection[str],
                       default: str) -> str:
    """The language of ``available`` the client prefers: RFC 4647 "lookup" over the
    ranges in order of quality. ``q=0`` refuses a tag, ``*`` stands for ``default`` (or,
    if that is refused, any language not refused). A header naming nothing available
    gets ``default``: a page whose labels the client did not ask for beats a 406, which
    RFC 9110 (section 12.5.4) leaves to the server."""
    ranges = parse_accept_header(accept_language or "", LanguageAccept)
    # werkzeug orders ranges by specificity before quality; lookup wants quality only
    # (sorted is stable, so equal qualities keep the header's order).
    ranges = sorted(ranges, key=lambda pair: pair[1], reverse=True)
    refused = {tag.lower() for tag, quality in ranges if quality <= 0}
    offered = sorted(tag.lower() for tag in available if tag.lower() not in refused)
    for language_range, quality in ranges:
        if quality <= 0:
            break
        found = _lookup(language_range.lower(), offered, default.lower())
        if found is not None:
            return found
    return default.lower()


def _lookup(language_range: str, offered: list[str], default: str) -> str | None:
    """The tag of ``offered`` that ``language_range`` (lower case) looks up: the range
    itself, then shorter by one subtag at a time (``de-ch-1996``, ``de-ch``, ``de``),
    never ending on a single-letter subtag (RFC 4647, section 3.4)."""
    if language_range == "*":
        return default if default in offered else next(iter(offered), None)
    subtags = language_range.split("-")
    while subtags:
        if "-".join(subtags) in offered:
            return "-".join(subtags)
        subtags.pop()
        if subtags and len(subtags[-1]) == 1:
            subtags.pop()
    return None
