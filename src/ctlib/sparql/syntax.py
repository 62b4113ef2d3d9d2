"""A query that does not parse, said so a person can find the place: "line 3, column 8:
expected WHERE or {", of the query as written (the declared prefixes are passed to the
parser apart, so the lines are the user's own).

pyoxigraph says ``error at 3:8: expected one of WHERE, "{", [...]``: the position is
kept, the alternatives that are character classes of its grammar (``['0'..='9']``,
``[_]``) are left out, as they name no word anyone would type.
"""

from __future__ import annotations

import re

_PARSER_ERROR = re.compile(r"error at (\d+):(\d+): expected (?:one of )?(.*)", re.S)
_ALTERNATIVE = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^,\s][^,]*')
_POSITION = re.compile(r"\bline (\d+), column (\d+): ")


def refusal(error: SyntaxError) -> str:
    """What a query that does not parse is answered, whichever store was to run it."""
    return f"the query is not valid SPARQL 1.1: {explained(error)}"


def explained(error: SyntaxError) -> str:
    """The parser's message with its position in words."""
    match = _PARSER_ERROR.fullmatch(str(error))
    if match is None:
        return str(error)
    line, column, alternatives = match.groups()
    words = [a.strip() for a in _ALTERNATIVE.findall(alternatives) if not a.startswith("[")]
    if not words:
        return f"line {line}, column {column}: unexpected text"
    expected = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return f"line {line}, column {column}: expected {expected}"


def position(message: str) -> tuple[int, int] | None:
    """The (line, column) an ``explained`` message names, for the editor to mark."""
    match = _POSITION.search(message)
    return (int(match[1]), int(match[2])) if match else None
