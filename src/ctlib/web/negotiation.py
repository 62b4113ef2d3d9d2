"""Content negotiation over the format table (RFC 9110, section 12.5.1).

A missing Accept header, or one that names nothing more specific than ``*/*``,
gets the first format offered (Turtle: what curl and harvesters want). Browsers
name ``text/html`` explicitly and get HTML. ``q=0`` refuses a type. An Accept
header that matches nothing gets None: the caller answers 406.
"""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ..formats import Format


def negotiate(accept_header: str | None, offered: tuple[Format, ...]) -> Format | None:
    accept = parse_accept_header(accept_header or "", MIMEAccept)
    if not accept:
        return offered[0]
    best, best_key = None, None
    for position, fmt in enumerate(offered):
        quality, specificity = max(_quality(accept, media) for media in fmt.media_types)
        if quality <= 0:
            continue
        key = (quality, specificity, -position)
        if best_key is None or key > best_key:
            best, best_key = fmt, key
    return best


def _quality(accept: MIMEAccept, media_type: str) -> tuple[float, int]:
    """The quality the client gives ``media_type`` and how specific the matching range
    is (2 exact, 1 ``type/*``, 0 ``*/*``): the most specific range decides."""
    kind = media_type.split("/")[0]
    found: tuple[float, int] | None = None
    for value, quality in accept:
        value = value.split(";")[0].strip().lower()
        if value == media_type:
            specificity = 2
        elif value == f"{kind}/*":
            specificity = 1
        elif value == "*/*":
            specificity = 0
        else:
            continue
        if found is None or specificity > found[1]:
            found = (quality, specificity)
    return found or (0.0, -1)
