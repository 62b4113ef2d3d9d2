"""Resumption tokens, stateless: a token is the list request it continues (verb,
metadataPrefix, set, from and until, as the harvester gave them) and the identifier of
the last record it returned, as compact JSON in unpadded URL-safe base64. The next page
is the records after that identifier, so a token never expires and means the same after
a restart or a re-ingest: records added or withdrawn meanwhile move nothing after it.
Cursor and completeListSize are of the current data. A token also says how many
records were returned before it, in which generation: in the same generation that is
the cursor, which otherwise takes a count of the records up to it (linear in the
catalogue: ~75 ms a page at 1,000,000 records). After a re-ingest they are counted.

Decoding is strict: whatever does not decode to such a token, written exactly as this
module writes it, is a ``ValueError``."""

from __future__ import annotations

import base64
import json
from dataclasses import astuple, dataclass


@dataclass(frozen=True)
class ListRequest:
    verb: str
    prefix: str
    set: str | None
    from_: str | None
    until: str | None


@dataclass(frozen=True)
class Counted:
    generation: str
    returned: int
    """Records of the list returned before the token, all pages together."""


@dataclass(frozen=True)
class Token:
    request: ListRequest
    after: str
    """The identifier of the last record already returned."""
    counted: Counted | None = None


def encode(token: Token) -> str:
    fields = [*astuple(token.request), token.after]
    if token.counted is not None:
        fields += [token.counted.generation, token.counted.returned]
    data = json.dumps(fields, separators=(",", ":")).encode("ascii")
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def decode(text: str) -> Token:
    padded = text + "=" * (-len(text) % 4)
    try:
        fields = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, RecursionError):  # not base64, not UTF-8, not JSON, or too deep
        raise ValueError("it does not decode") from None
    if not (isinstance(fields, list) and len(fields) in (6, 8)
            and all(isinstance(fields[i], str) and fields[i] for i in (0, 1, 5))
            and all(fields[i] is None or isinstance(fields[i], str) for i in (2, 3, 4))):
        raise ValueError("it does not hold a list request")
    if len(fields) == 8 and not (isinstance(fields[6], str) and fields[6]
                                 and type(fields[7]) is int and fields[7] >= 0):
        raise ValueError("it does not hold a generation and a count")
    token = Token(ListRequest(*fields[:5]), fields[5],
                  Counted(*fields[6:]) if len(fields) == 8 else None)
    if encode(token) != text:
        raise ValueError("it is not written as this repository writes tokens")
    return token
