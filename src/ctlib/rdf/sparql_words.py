"""The words of a SPARQL query, found without parsing it: enough to tell its form
(SELECT, CONSTRUCT, ...) or spot a keyword. Strings, IRIs, comments, variables and
prefixed names are skipped, so a word inside them never counts."""

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
