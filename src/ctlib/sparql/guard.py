"""Queries a read-only public endpoint refuses before evaluating them.

A light tokenizer (strings, IRIs, comments, variables and prefixed names are skipped)
finds the keywords that matter: an update operation and ``SERVICE``. It gives the
client a clear message; it is not the security boundary for ``SERVICE``: the
evaluating processes have no network at all (``sandbox``). The same tokenizer measures
how deeply brackets nest: the parser recurses once per level, and a query nested
thousands deep would exhaust its stack (``evaluation`` gives it room for long queries
of other shapes).
"""

from __future__ import annotations

import re

from ..rdf.sparql_words import keywords, nesting_depth

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD",
                             "MOVE", "COPY", "WITH"})
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
MAX_NESTING = 128
"""Brackets (``{``, ``(``, ``[``) open at once in a query: far more than queries people or
programs write need."""

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class QueryRefused(Exception):
    """The query is not run; ``status`` and the message go to the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def check(query: str, max_bytes: int) -> frozenset[str]:
    """Raise QueryRefused for a query that is too large or too deeply nested, an update,
    or a SERVICE call; otherwise return its keywords (``FROM`` among them says it names its
    dataset)."""
    size = len(query.encode("utf-8"))
    if size > max_bytes:
        raise QueryRefused(413, f"the query is {size:,} bytes long; this endpoint accepts "
                                f"queries of up to {max_bytes:,} bytes")
    # SPARQL allows \u escapes anywhere in a query: check the text as the parser sees it too.
    found: set[str] = set()
    for text in {query, _decode_codepoints(query)}:
        words = keywords(text)
        _check_keywords(words)
        _check_nesting(text)
        found.update(words)
    return frozenset(found)


def _check_keywords(words: list[str]) -> None:
    operation = next((w for w in words if w not in ("BASE", "PREFIX")), None)
    if operation in UPDATE_KEYWORDS:
        raise QueryRefused(403, f"{operation} is a SPARQL Update operation; this endpoint is "
                                "read-only and runs queries only (SELECT, CONSTRUCT, "
                                "DESCRIBE, ASK)")
    if "SERVICE" in words:
        raise QueryRefused(403, "SERVICE (federated query) is not allowed: this endpoint "
                                "never contacts other servers; query them directly")


def _check_nesting(query: str) -> None:
    depth = nesting_depth(query)
    if depth > MAX_NESTING:
        raise QueryRefused(400, f"the query nests brackets {depth:,} deep; this endpoint "
                                f"accepts queries nested up to {MAX_NESTING} deep")


def _decode_codepoints(text: str) -> str:
    return _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
