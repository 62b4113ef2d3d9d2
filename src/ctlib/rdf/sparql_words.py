"""The words of a SPARQL query, found without parsing it: enough to tell its form
(SELECT, CONSTRUCT, ...), spot a keyword or measure how deeply it nests. Strings, IRIs,
comments, variables and prefixed names are skipped, so a word or bracket inside them
never counts."""

from __future__ import annotations

import re

TOKENS = re.compile(r'''
      """(?:[^"\\]|\\.|"(?!""))*"""          # long strings
    | \'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
    | "(?:[^"\\\n\r]|\\.)*"                  # strings
    | '(?:[^'\\\n\r]|\\.)*'
    | <[^<>"{}|^`\\\x00-\x20]*>              # IRIs
    | \#[^\n\r]*                             # comments
    | [?$]\w+                                # variables
    | [\w.\-]*:[\w.\-:%\\]*                  # prefixed names
    | (?P<word>[A-Za-z]\w*)
    | .
''', re.VERBOSE | re.DOTALL)


def keywords(query: str) -> list[str]:
    """The bare words of a query, upper-cased, in order."""
    return [match.group("word").upper() for match in TOKENS.finditer(query)
            if match.group("word")]


OPENING = frozenset("([{")
CLOSING = frozenset(")]}")


def nesting_depth(query: str) -> int:
    """How many brackets of any kind (groups, parentheses, blank node property lists)
    are open at once at the deepest point of a query."""
    depth = deepest = 0
    for match in TOKENS.finditer(query):
        token = match.group()
        if token in OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif token in CLOSING:
            depth = max(0, depth - 1)
    return deepest
