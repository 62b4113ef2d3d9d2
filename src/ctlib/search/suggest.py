""""Did you mean": the indexed words closest to the words of a search that found little.

The vocabulary is every word FTS5 indexed in the text columns (titles, summaries,
author names, concept labels), with the number of records holding it, read once per
generation through ``fts5vocab``. A word of the search is replaced by its closest
neighbour (Levenshtein distance, rapidfuzz) when it is not indexed at all, or when the
neighbour is far more common: the catalogue itself holds typos, and "traficking" in one
record should still lead to the hundreds that spell it right.
"""

from __future__ import annotations

import re
import sqlite3

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..rdf.uris import fold

TEXT_COLUMNS = ("title", "summary", "authors", "concepts", "broader")
"""The columns people's words are matched in; ``keys`` holds filter tokens, not words."""
SHORTEST = 3
"""Words shorter than this are left alone: at one or two letters everything is near."""
MORE_COMMON = 10
"""How many times more records a neighbour must have to replace a word that is indexed."""
CANDIDATES = 20
WORD = re.compile(r"\w+\*?")


def max_distance(word: str) -> int:
    """Edits allowed: one in a short word, two in a longer one."""
    return 1 if len(word) <= 5 else 2


class Vocabulary:
    """The indexed words and their record counts, of one generation's index."""

    def __init__(self, connection: sqlite3.Connection):
        connection.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.term_columns USING "
                           "fts5vocab(main, 'search', 'col')")
        marks = ", ".join("?" * len(TEXT_COLUMNS))
        rows = connection.execute(
            f"SELECT term, MAX(doc) FROM temp.term_columns WHERE col IN ({marks}) "
            f"AND length(term) >= ? GROUP BY term", (*TEXT_COLUMNS, SHORTEST)).fetchall()
        # MAX, not SUM, of the columns' counts: a record with the word in its title and
        # summary is one record. It is a lower bound, good enough to compare words.
        self.records = {term: n for term, n in rows if not term.isdigit()}
        self.terms = list(self.records)

    def closest(self, word: str) -> str | None:
        """The indexed word nearest ``word`` (folded), the more common of equally near
        ones; None when none is near enough."""
        found = process.extract(word, self.terms, scorer=Levenshtein.distance,
                                score_cutoff=max_distance(word), limit=CANDIDATES)
        candidates = [(distance, -self.records[term], term) for term, distance, _ in found
                      if term != word]
        return min(candidates)[2] if candidates else None

    def correction(self, word: str) -> str | None:
        """What ``word`` should have been, or None when it stands."""
        folded = fold(word)
        if len(folded) < SHORTEST or folded.isdigit():
            return None
        better = self.closest(folded)
        if better is None:
            return None
        known = self.records.get(folded, 0)
        return better if not known or self.records[better] >= MORE_COMMON * known else None

    def suggest(self, text: str) -> str | None:
        """``text`` with each misspelt word corrected (quotes and the rest kept), or None
        when no word needs it. A word ending in * is a beginning, not a misspelling."""
        changed = False

        def corrected(match: re.Match) -> str:
            nonlocal changed
            word = match.group()
            better = None if word.endswith("*") else self.correction(word)
            changed = changed or better is not None
            return better or word
        suggested = WORD.sub(corrected, text)
        return suggested if changed else None
