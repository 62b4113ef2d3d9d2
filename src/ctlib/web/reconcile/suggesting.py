"""Suggest services: what a person may mean as they type a name, a type or a property.

Entities: concepts (a label in any language, or the code) and agents whose folded name
begins with what was typed, or has a word that does, those naming the most records
first; then records whose title holds the words, the last one as a beginning.
"""

from __future__ import annotations

from ...rdf.uris import fold
from ...search.query import RELEVANCE, match_expression
from .entities import RECORD, record_facts
from .matching import Candidate, Matcher, describe


def begins(folded: str, prefix: str) -> int | None:
    """0 when ``folded`` begins with ``prefix``, 1 when one of its words does, else None."""
    if folded.startswith(prefix):
        return 0
    return 1 if f" {prefix}" in folded else None


def suggest_entities(matcher: Matcher, prefix: str, cursor: int, limit: int
                     ) -> list[Candidate]:
    wanted = fold(prefix)
    if not wanted:
        return []
    found = []
    for named in matcher.named():
        places = [p for p in (begins(name, wanted) for name in named.folded) if p is not None]
        if places:
            found.append((min(places), -named.records, named))
    found.sort(key=lambda item: (item[0], item[1], item[2].folded[0]))
    named = [matcher.candidate(n, 100.0) for _, _, n in found[:cursor + limit]]
    needed = cursor + limit - len(named)
    return (named + (_records(matcher, prefix, needed) if needed > 0 else []))[cursor:]


def _records(matcher: Matcher, prefix: str, wanted: int) -> list[Candidate]:
    expression = match_expression(prefix.rstrip("*") + "*", matcher.index.terms_starting)
    if expression is None:
        return []
    rowids = [rowid for (rowid,) in matcher.index.connection().execute(
        f"SELECT rowid FROM search WHERE search MATCH ? ORDER BY {RELEVANCE} LIMIT ?",
        (f"title : ({expression})", wanted))]
    facts = record_facts(matcher.index, matcher.uris, rowids)
    return [Candidate(facts[r].id, facts[r].title, RECORD, 100.0, 100.0, describe(facts[r]))
            for r in rowids if r in facts]


def suggest_names(names: dict[str, str], prefix: str) -> list[str]:
    """The identifiers among ``names`` (identifier -> name) whose identifier or name
    begins with ``prefix``, or has a word that does; every one for no prefix."""
    wanted = fold(prefix)
    return [key for key, name in names.items()
            if not wanted or any(begins(fold(text), wanted) is not None
                                 for text in (key, name))]
