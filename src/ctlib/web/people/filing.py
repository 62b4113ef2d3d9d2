"""Where an author's name files in an A–Z list: personal names under the family name,
everything else under its first word, numbers in their natural order.

The catalogue does not say whether an author is a person or an organisation (every
author is a foaf:Agent), so the name decides, by one rule: a name of two to four words,
none of them a word of ORGANISATION_WORDS, an acronym ("IOM") or a number, with no
brackets, slash or ampersand, is a person's, and its last word is the family name
("Rakeb Messele" files as "Messele, Rakeb"). Lower-case particles stay with the given
names ("Ludwig van Beethoven" files as "Beethoven, Ludwig van"), as English-language
library catalogues file most such names. Anything else files as written
("International Organization for Migration" under I, "Author 10" after "Author 2").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...rdf.uris import fold

ORGANISATION_WORDS = frozenset("""
    academy agency alliance assembly association authority bank board bureau campaign
    caritas center centre church coalition commission committee company conference
    consortium consultants council court department division embassy federation forum
    foundation fund global government group initiative institute international league
    ministry mission nations national network ngo office organisation organization
    parliament partnership police programme program project research secretariat
    service services society team trust unit union university
""".split())
"""Words that make a name an organisation's, casefolded."""

_NUMBER = re.compile(r"(\d+)")
_ACRONYM = re.compile(r"[A-Z]{2,}")


@dataclass(frozen=True)
class Filed:
    """One author as an A–Z list shows it."""

    key: str
    name: str
    """As the catalogue writes it."""
    heading: str
    """As the list shows it: family name first for a person."""
    initial: str
    """The letter it files under; '#' for a heading that starts with no letter."""
    records: int
    folded: str
    """The name folded, for the filter box."""


def filed(key: str, name: str, records: int) -> Filed:
    heading = _heading(name)
    first = fold(heading)[:1].upper()
    return Filed(key, name, heading, first if first.isalpha() else "#", records, fold(name))


def in_filing_order(authors: list[Filed]) -> list[Filed]:
    return sorted(authors, key=lambda author: (natural_key(author.heading), author.key))


def natural_key(text: str) -> list:
    """``text`` folded, its runs of digits compared as numbers: "Author 2" < "Author 10".
    re.split alternates text and digits, so two keys compare str with str, int with int."""
    return [int(part) if index % 2 else part
            for index, part in enumerate(_NUMBER.split(fold(text)))]


def _heading(name: str) -> str:
    words = name.split()
    if not _is_personal(words):
        return " ".join(words)
    given = words[:-1]
    return f"{words[-1]}, {' '.join(given)}"


def _is_personal(words: list[str]) -> bool:
    if not 2 <= len(words) <= 4 or any(mark in "".join(words) for mark in "()/&"):
        return False
    return not any(word.strip(".,").casefold() in ORGANISATION_WORDS
                   or _ACRONYM.fullmatch(word.strip(".,")) or _NUMBER.search(word)
                   for word in words)
